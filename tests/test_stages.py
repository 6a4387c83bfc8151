"""The five innovation stages through the commands staff run: `kpi status`, `kpi advance`,
`kpi idea add|reported|select`, `kpi propose`, `kpi decide`, `kpi activity`, `kpi evidence`,
`kpi survey`, `kpi appeal`.

The main test starts from the seed reset to before stage 1 and replays the seed's year (FY 2564)
through the commands; the records it writes must equal those of the seed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kpi_cli.cli import app

REPO = Path(__file__).parent.parent
SEED = REPO / "indicators" / "2564" / "0406-0772.yaml"
CODE = "0406-0772"
SEED_DATA = yaml.load(SEED.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
ADDED_COMMENTS = ("# record kept by the kpi commands\n", "# appeals and amendments of the criteria\n")

runner = CliRunner()


def reset_seed(text: str) -> str:
    """The seed before stage 1: no innovation record, no amendments, no inferred notes about them;
    two comments of our own around the emptied blocks."""
    text = re.sub(r"(?ms)^innovation:\n.*?(?=^\S)", ADDED_COMMENTS[0] + "innovation: {}\n\n", text)
    text = re.sub(r"(?ms)^amendments:\n.*?(?=^\S)", ADDED_COMMENTS[1] + "amendments: []\n\n", text)
    return re.sub(r"(?m)^  (?:innovation\.|amendments\[).*\n", "", text)


def make_repo(root: Path, text: str | None = None) -> Path:
    """A repository with the catalogues and the (reset) seed; returns the indicator's path."""
    folder = root / "indicators" / "2564"
    folder.mkdir(parents=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(REPO / "indicators" / name, root / "indicators" / name)
    path = folder / f"{CODE}.yaml"
    path.write_text(reset_seed(SEED.read_text(encoding="utf-8")) if text is None else text, encoding="utf-8")
    return path


def comments(text: str) -> set[str]:
    """Every comment of a file (full-line and end-of-line), as text."""
    return {m.group(1).rstrip() for m in re.finditer(r"(?:^|\s)(#.*)$", text, re.M)}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    path = make_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    return path


class Kpi:
    """Runs kpi commands on one file and checks, after each, that the file's comments survived
    (a success) or that the file is byte-identical (a refusal)."""

    def __init__(self, path: Path):
        self.path = path
        self.comments = comments(path.read_text(encoding="utf-8"))

    def __call__(self, *args: str, ok: bool = True):
        before = self.path.read_bytes()
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        if ok:
            assert result.exit_code == 0, result.output
            assert self.comments <= comments(self.path.read_text(encoding="utf-8")), args
        else:
            assert result.exit_code == 1, result.output
            assert self.path.read_bytes() == before, f"refused {args} but changed the file"
        return result


def replay_options(record: dict, options: dict[str, str]) -> list[str]:
    """Command-line options for the fields of a seed record: {'date': '--date', …}."""
    out: list[str] = []
    for key, option in options.items():
        value = record.get(key)
        for v in value if isinstance(value, list) else [value] if value is not None else []:
            out += [option, str(v)]
    return out


ACTIVITY = {"date": "--date", "end": "--end", "evidence": "--evidence", "note": "--note"}


def test_replaying_the_seed_year_through_the_commands_gives_the_seed_records(repo):
    kpi = Kpi(repo)
    inn, appeal = SEED_DATA["innovation"], SEED_DATA["amendments"][0]
    events = {e["stage"]: e for e in inn["stages"]}

    def advance(stage: int):
        e = events[stage]
        kpi("advance", CODE, "--to", stage, "--date", e["completed"], *replay_options(e, {"evidence": "--evidence"}),
            "--note", e["note"])

    # Q1: the working group collects ideas (แบบฟอร์ม 1), at least 10 for สปท.
    for idea in inn["ideas"][:7]:
        kpi("idea", "add", CODE, idea["title"])
    status = kpi("status", CODE)
    assert "stage 1: 7 of 10 ideas recorded (minimum for a unit under the Permanent Secretary: 10)" in status.output
    refused = kpi("advance", CODE, "--date", "2020-12-31", ok=False)
    assert "7 of 10 ideas recorded" in refused.output and "add 3 more with `kpi idea add`" in refused.output
    for idea in inn["ideas"][7:]:
        kpi("idea", "add", CODE, idea["title"])
    kpi("idea", "reported", CODE, inn["ideas_reported"])
    advance(1)

    # Stage 2: one idea selected (แบบฟอร์ม 2).
    kpi("idea", "select", CODE, inn["selected_idea"])
    advance(2)

    # Stage 3: the project (แบบฟอร์ม 3, 4), put to the BMA Innovation Committee on 8 ก.พ. 2564.
    p = inn["proposal"]
    kpi("propose", CODE, "--title", p["title"], "--kind", p["kind"], "--objective", p["objective"],
        *replay_options(p, {"fiscal_years": "--fiscal-year"}), "--target", p["target"], "--form3", "--form4")
    refused = kpi("advance", CODE, "--date", "2021-02-08", ok=False)
    assert "has not been submitted" in refused.output
    kpi("propose", CODE, "--submitted", "2021-02-08")
    advance(3)

    # Stage 4: approval, the activities, evidence to สำนักงาน ก.ก.
    kpi("decide", CODE, "--result", inn["decision"]["result"], "--by", inn["decision"]["by"])
    for a in inn["activities"][:4]:
        kpi("activity", CODE, a["title"], *replay_options(a, ACTIVITY))
    refused = kpi("advance", CODE, "--date", "2021-04-09", ok=False)
    assert "no evidence sent to สำนักงาน ก.ก. recorded: `kpi evidence`" in refused.output
    kpi("evidence", CODE)
    advance(4)

    # The appeal of 7 ก.ค. 2564 and its acceptance on 20 ก.ค. 2564, with conditions.
    kpi("appeal", CODE, "--letter", appeal["letter"], "--date", appeal["date"], "--urgency", appeal["urgency"],
        "--grounds", appeal["grounds"], "--request", appeal["request"],
        "--criteria-before", appeal["criteria_before"], "--criteria-after", appeal["criteria_after"])
    kpi("appeal", CODE, "--letter", appeal["letter"], "--outcome", "accepted", "--decided", appeal["decided"],
        *replay_options(appeal, {"decision_letters": "--decision-letter", "conditions": "--condition",
                                 "note": "--note"}),
        "--effective", appeal["effective"])
    for a in inn["activities"][4:]:
        kpi("activity", CODE, a["title"], *replay_options(a, ACTIVITY))

    # Stage 5: แบบฟอร์ม 5 on 30 ส.ค. 2564, approved by the director.
    s = inn["survey"]
    kpi("survey", CODE, "--date", s["date"], "--letter", s["letter"])
    refused = kpi("advance", CODE, "--date", "2021-08-30", ok=False)
    assert "not approved by the agency head" in refused.output
    kpi("survey", CODE, "--approved", "--approved-by", s["approved_by"])
    advance(5)

    result = yaml.load(repo.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    assert result["innovation"] == inn
    assert result["amendments"] == SEED_DATA["amendments"]
    assert "all five stages are done" in kpi("status", CODE).output
    assert kpi("validate").exit_code == 0
    refused = kpi("advance", CODE, "--date", "2021-09-01", ok=False)
    assert "the project is finished" in refused.output


@pytest.fixture(scope="module")
def stage_3_text(tmp_path_factory):
    """The reset seed with 10 ideas and stages 1 and 2 done (the seed's dates), made once."""
    root = tmp_path_factory.mktemp("stage3")
    kpi = Kpi(make_repo(root))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        for i in range(10):
            kpi("idea", "add", CODE, f"ความคิดเห็นที่ {i + 1}")
        kpi("advance", CODE, "--date", "2020-12-31")
        kpi("idea", "select", CODE, 1)
        kpi("advance", CODE, "--date", "2021-02-01")
    return kpi.path.read_text(encoding="utf-8")


@pytest.fixture
def at_stage_3(repo, stage_3_text):
    repo.write_text(stage_3_text, encoding="utf-8")
    return Kpi(repo)


@pytest.mark.parametrize("args, says", [
    (["--to", "4", "--date", "2021-03-01"], "cannot skip to stage 4: stage 3 (propose the project) is not done yet"),
    (["--to", "2", "--date", "2021-03-01"], "stage 2 (select one idea) is already done (completed 2021-02-01)"),
    (["--to", "9", "--date", "2021-03-01"], "there is no stage 9"),
    (["--date", "2021-01-15"], "the date 2021-01-15 is before the date of stage 2 (2021-02-01)"),
    (["--date", "2021-10-05"], "the date 2021-10-05 is outside fiscal year 2564: 2020-10-01 to 2021-09-30"),
    (["--date", "2021-03-01"], "no project proposal recorded (แบบฟอร์ม 3, 4): record it with `kpi propose`"),
    (["--date", "2564-03-01"], "write --date 2021-03-01"),
    (["--date", "1/3/2021"], "is not a date written YYYY-MM-DD"),
    (["--date", "2021-02-30"], "is not a real date"),
])
def test_advance_refusals_say_what_is_wrong_and_leave_the_file_byte_identical(at_stage_3, args, says):
    result = at_stage_3("advance", CODE, *args, ok=False)
    assert says in result.output


def test_a_refusal_lists_everything_that_is_missing(at_stage_3):
    at_stage_3("propose", CODE, "--title", "โครงการ", "--kind", "service")
    result = at_stage_3("advance", CODE, "--date", "2020-12-01", ok=False)
    for says in ("before the date of stage 2", "แบบฟอร์ม 3) is not marked done (`kpi propose --form3`)",
                 "แบบฟอร์ม 4) is not marked done", "(`kpi propose --submitted DATE`)"):
        assert says in result.output


def test_an_accepted_appeal_extends_the_dates_stages_may_carry(at_stage_3):
    kpi = at_stage_3
    kpi("propose", CODE, "--title", "โครงการ", "--kind", "service", "--form3", "--form4", "--submitted", "2021-02-08")
    kpi("advance", CODE, "--date", "2021-10-05", ok=False)
    kpi("appeal", CODE, "--letter", "กท 0406/3937", "--date", "2021-07-07", "--extends-to", "2021-10-31")
    kpi("advance", CODE, "--date", "2021-10-05", ok=False)  # pending: not yet
    kpi("appeal", CODE, "--letter", "กท 0406/3937", "--outcome", "accepted", "--decided", "2021-07-20")
    kpi("advance", CODE, "--date", "2021-10-05")


@pytest.mark.parametrize("args, says", [
    (["idea", "select", CODE, "12"], "there is no idea 12: ideas are numbered 1 to 10"),
    (["idea", "select", CODE, "2"], "the selection cannot change now"),
    (["idea", "add", CODE, "ความคิดเห็นที่ 3"], "idea 3 already has this title"),
    (["idea", "reported", CODE, "4"], "10 ideas are listed already"),
    (["decide", CODE, "--result", "approved"], "no proposal is recorded"),
    (["propose", CODE, "--submitted", "2021-02-08"], "a new one needs --title, --kind"),
    (["propose", CODE], "nothing to record"),
    (["survey", CODE, "--approved"], "a new one needs --date"),
    (["appeal", CODE, "--letter", "กท 0406/1"], "a new one needs --date"),
    (["activity", CODE, "งาน", "--date", "2021-04-09", "--end", "2021-04-01"], "ends (2021-04-01) before it starts"),
    (["evidence", CODE, "--letter", "0406-12"], "is not a recognisable letter number"),
    (["status", "0406-9999"], "no indicator '0406-9999'"),
])
def test_recording_refusals_leave_the_file_byte_identical(at_stage_3, args, says):
    result = at_stage_3(*args, ok=False)
    assert says in result.output


def test_a_change_that_breaks_a_completed_gate_is_refused(at_stage_3):
    kpi = at_stage_3
    kpi("propose", CODE, "--title", "โครงการ", "--kind", "service", "--form3", "--form4", "--submitted", "2021-02-08")
    kpi("advance", CODE, "--date", "2021-02-08")
    result = kpi("propose", CODE, "--no-form4", ok=False)
    assert "the change would make" in result.output and "stage 3 is recorded as done" in result.output


def test_withdrawing_the_approval_of_the_survey_says_so(at_stage_3):
    kpi = at_stage_3
    assert "recorded, approved" in kpi("survey", CODE, "--date", "2021-08-30", "--approved").output
    result = kpi("survey", CODE, "--not-approved")
    assert "not yet approved" in result.output and "recorded, approved" not in result.output
    data = yaml.load(kpi.path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    assert data["innovation"]["survey"]["approved"] is False
    assert "not yet approved" in kpi("survey", CODE, "--letter", "ฝบ. 634/2564").output


# --- a stage and the dates of the facts its gate relies on --------------------------------

def without_stages(text: str, *stages: int) -> str:
    """The seed's text without the events of `stages` (and what follows them in the list)."""
    first = min(stages)
    text = re.sub(rf"(?ms)^    - stage: {first}\n.*?(?=^\n)", "", text)
    return re.sub(rf"(?m)^  innovation\.stages\[({'|'.join(str(n - 1) for n in stages)})\].*\n", "", text)


def test_the_seed_completes_no_stage_before_the_facts_its_gate_relies_on():
    from kpi_cli.core.model import Indicator
    from kpi_cli.core.stages import gate_facts

    inn = Indicator.model_validate(SEED_DATA).innovation
    facts = {e.stage: gate_facts(e.stage, inn) for e in inn.stages}
    assert facts[3] == [("the date the proposal was submitted", inn.proposal.submitted)]
    assert facts[5][0][1] == inn.survey.date
    for e in inn.stages:
        assert all(day <= e.completed for _what, day in facts[e.stage]), (e.stage, facts[e.stage])


def test_a_stage_is_not_completed_before_the_proposal_was_submitted(at_stage_3):
    kpi = at_stage_3
    kpi("propose", CODE, "--title", "โครงการ", "--kind", "service", "--form3", "--form4", "--submitted", "2021-02-08")
    result = kpi("advance", CODE, "--date", "2021-02-01", ok=False)
    assert "the date 2021-02-01 is before the date the proposal was submitted (2021-02-08)" in result.output
    kpi("advance", CODE, "--date", "2021-02-08")


def test_stages_1_and_2_are_not_completed_before_the_dated_ideas_and_selection(repo):
    kpi = Kpi(repo)
    for i in range(10):
        kpi("idea", "add", CODE, f"ความคิดเห็นที่ {i + 1}", "--date", f"2020-12-{20 + i:02d}")
    result = kpi("advance", CODE, "--date", "2020-12-28", ok=False)
    assert "the date 2020-12-28 is before the date of idea 10 (2020-12-29)" in result.output
    kpi("advance", CODE, "--date", "2020-12-29")
    kpi("idea", "select", CODE, 1, "--date", "2021-02-03")
    result = kpi("advance", CODE, "--date", "2021-02-01", ok=False)
    assert "before the selection date (แบบฟอร์ม 2) (2021-02-03)" in result.output
    kpi("advance", CODE, "--date", "2021-02-03")


@pytest.fixture
def seed_copy(tmp_path, monkeypatch):
    def make(text: str = SEED.read_text(encoding="utf-8")) -> Kpi:
        monkeypatch.chdir(tmp_path)
        return Kpi(make_repo(tmp_path, text))
    return make


def test_stages_4_and_5_are_not_completed_before_the_decision_and_the_survey(seed_copy):
    kpi = seed_copy(without_stages(SEED.read_text(encoding="utf-8"), 4, 5))
    kpi("decide", CODE, "--date", "2021-04-20")  # stage 4 is not done: any date in the year
    result = kpi("advance", CODE, "--date", "2021-04-09", ok=False)
    assert "before the date of the committee's decision (2021-04-20)" in result.output
    kpi("advance", CODE, "--date", "2021-04-20")
    kpi("survey", CODE, "--approved-date", "2021-09-03")
    result = kpi("advance", CODE, "--date", "2021-08-30", ok=False)
    assert "before the date the survey was approved (2021-09-03)" in result.output
    assert "before the date of the survey" not in result.output  # 2021-08-30 itself is fine
    result = kpi("advance", CODE, "--date", "2021-08-29", ok=False)
    assert "before the date of the survey (แบบฟอร์ม 5) (2021-08-30)" in result.output
    kpi("advance", CODE, "--date", "2021-09-03")


@pytest.mark.parametrize("args, says", [
    (["propose", CODE, "--submitted", "2021-09-01"],
     "the date the proposal was submitted cannot be 2021-09-01, after stage 3 (propose the project) was completed "
     "(2021-02-08)"),
    (["decide", CODE, "--date", "2021-09-29"],
     "the date of the committee's decision cannot be 2021-09-29, after stage 4 (develop the innovation) was "
     "completed (2021-04-09)"),
    (["survey", CODE, "--date", "2021-09-01"], "after stage 5 (survey its use) was completed (2021-08-30)"),
    (["survey", CODE, "--approved-date", "2021-09-02"], "the date the survey was approved cannot be 2021-09-02"),
    (["idea", "select", CODE, "1", "--date", "2021-02-02"], "after stage 2 (select one idea) was completed"),
    (["idea", "add", CODE, "ความคิดเห็นใหม่", "--date", "2021-01-05"],
     "after stage 1 (collect ideas) was completed (2020-12-31)"),
])
def test_a_gate_fact_is_never_dated_after_its_stage(seed_copy, args, says):
    result = seed_copy()(*args, ok=False)
    assert says in result.output and "fix: give the date it happened, on or before" in result.output


@pytest.mark.parametrize("args", [
    ["propose", CODE, "--submitted", "2021-02-05"],
    ["decide", CODE, "--date", "2021-03-01"],
    ["survey", CODE, "--approved-date", "2021-08-30"],
    ["idea", "select", CODE, "1", "--date", "2021-01-25"],
    ["idea", "add", CODE, "ความคิดเห็นที่ยังไม่มีวันที่"],
])
def test_a_gate_fact_dated_on_or_before_its_stage_is_recorded(seed_copy, args):
    seed_copy()(*args)


def test_dry_run_prints_the_diff_and_writes_nothing(repo):
    before = repo.read_bytes()
    result = runner.invoke(app, ["idea", "add", CODE, "ลดขั้นตอน", "--dry-run"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.output
    assert repo.read_bytes() == before
    assert "+    - id: 1\n+      title: ลดขั้นตอน\n" in result.stdout
    assert "--- a/" in result.stdout and "nothing written" in result.stderr


def test_status_json_names_the_gate_and_its_checks(at_stage_3):
    data = json.loads(at_stage_3("status", CODE, "--format", "json").stdout)
    assert data["current_stage"] == 3 and not data["finished"]
    assert [s["state"] for s in data["stages"]] == ["done", "done", "current", "pending", "pending"]
    assert data["stages"][0]["completed"] == "2020-12-31"
    assert data["gate"]["holds"] is False
    assert "kpi propose" in data["gate"]["checks"][0]["text"]


def test_an_indicator_that_is_not_the_innovation_one_is_refused(tmp_path, monkeypatch):
    text = SEED.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^innovation:\n.*?(?=^\S)", "", text)
    text = re.sub(r"(?ms)^scoring:\n.*?(?=^\S)", "", text)
    text = re.sub(r"(?ms)^inferred:\n.*", "", text)
    path = make_repo(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    result = Kpi(path)("idea", "add", CODE, "x", ok=False)
    assert "is not the innovation indicator" in result.output


def test_every_command_has_help_with_examples():
    for args in (["status"], ["advance"], ["idea", "add"], ["idea", "reported"], ["idea", "select"], ["idea", "list"],
                 ["propose"], ["decide"], ["activity"], ["evidence"], ["survey"], ["appeal"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code == 0 and "Example" in result.output, args


def _advance_in_a_process(cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kpi_cli", "advance", CODE, "--to", "3", "--date", "2021-02-08"],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_concurrent_advances_one_wins_and_the_other_is_refused(at_stage_3, tmp_path):
    at_stage_3("propose", CODE, "--title", "โครงการ", "--kind", "service", "--form3", "--form4",
               "--submitted", "2021-02-08")
    runs = [_advance_in_a_process(tmp_path) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in runs]
    results = [(p.returncode, out, err) for p, (out, err) in zip(runs, outputs)]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    loser = next(err for code, _, err in results if code == 1)
    assert "Traceback" not in loser
    assert any(says in loser for says in ("changed on disk since kpi read it", "is already done",
                                          "another kpi command is writing")), loser
    data = yaml.load(at_stage_3.path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    assert [e["stage"] for e in data["innovation"]["stages"]] == [1, 2, 3]
