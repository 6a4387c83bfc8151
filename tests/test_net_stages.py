"""The innovation stages through the commands staff run, at their edges: what each command says
it recorded (counts included), what it refuses and why, and what the gates report.

Each test writes a small innovation indicator of agency 0406 (a unit under the Permanent
Secretary: 10 ideas at least) into a throw-away repository, runs kpi commands on it and reads
their output, exit code and the file they wrote.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.core.i18n import set_language
from kpi_cli.core.stages import stage_label, value_name
from scoring_helpers import INDICATORS

runner = CliRunner()
CODE = "0406-0001"
FILE = f"indicators/2564/{CODE}.yaml"
HEAD = f"""\
code: "{CODE}"
fiscal_year: 2564
agency: "0406"
title: ความสำเร็จในการเสนอนวัตกรรม
type: routine
level: outcome
target: {{value: 100, unit: คะแนน}}
weight: {{percent: 100}}
strategies: ["7.5.1.1"]
scoring: {{method: stage-points, points: [30, 10, 10, 30, 20]}}
quarters:
  - {{quarter: 1, performance: 0, target: 30}}
"""
IDEAS = "".join(f"    - {{id: {i}, title: ความคิดเห็นที่ {i}}}\n" for i in range(1, 11))


@pytest.fixture(autouse=True)
def _language_from_the_environment():
    set_language(None)  # another test's `kpi --lang th` must not make these messages Thai
    yield
    set_language(None)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """Write the indicator (HEAD + the given text) with the catalogues; return its path."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "indicators" / "2564").mkdir(parents=True)

    def write(rest: str = "innovation: {}\n", catalogues: bool = True):
        if catalogues:
            for name in ("agencies.yaml", "strategies.yaml"):
                shutil.copy(INDICATORS / name, tmp_path / "indicators" / name)
        path = tmp_path / FILE
        path.write_text(HEAD + rest, encoding="utf-8")
        return path

    return write


def kpi(*args, ok: bool = True):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == (0 if ok else 1), result.output
    return result


def refused(path, *args) -> tuple[str, str]:
    """(error, fix) of a refused command, which leaves the file byte-identical."""
    before = path.read_bytes()
    result = kpi(*args, ok=False)
    assert path.read_bytes() == before
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ") and lines[-1].startswith("  fix: "), result.stderr
    return "\n".join(lines[:-1])[len("error: "):], lines[-1][len("  fix: "):]


def said(*args) -> str:
    """What a successful command says it recorded, without the file's name."""
    out = kpi(*args).stdout.strip()
    assert out.startswith(f"{FILE}: "), out
    return out[len(FILE) + 2:]


def record(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def gate(*args) -> list[tuple[bool, str]]:
    doc = json.loads(kpi("status", CODE, "--format", "json", *args).stdout)
    return [(c["ok"], c["text"]) for c in doc["gate"]["checks"]]


# --- stage 4: activities and evidence -----------------------------------------------------------

@pytest.mark.parametrize("title", ["", "   "])
def test_an_activity_without_a_title_is_refused(repo, title):
    path = repo()
    assert refused(path, "activity", CODE, title) == (
        "the activity has no title", 'e.g. kpi activity CODE "ประชาสัมพันธ์โครงการ"')


def test_activities_are_counted_as_they_are_recorded(repo):
    path = repo()
    assert said("activity", CODE, "  ประชาสัมพันธ์โครงการ  ", "--date", "2021-03-01") == "activity 1 recorded"
    assert said("activity", CODE, "ออกให้บริการ", "--date", "2021-04-01", "--end", "2021-04-09",
                "--evidence", "กท 0406/2006") == "activity 2 recorded"
    assert record(path)["innovation"]["activities"] == [
        {"title": "ประชาสัมพันธ์โครงการ", "date": dt.date(2021, 3, 1)},
        {"title": "ออกให้บริการ", "date": dt.date(2021, 4, 1),
         "end": dt.date(2021, 4, 9), "evidence": ["กท 0406/2006"]}]


def test_evidence_is_counted_and_goes_to_the_commission_unless_said(repo):
    path = repo()
    assert said("evidence", CODE) == "evidence sent to สำนักงาน ก.ก. recorded (1 in all)"
    assert said("evidence", CODE, "--to", "สำนักงาน ก.พ.ร.", "--letter", "กท 0406/2301") == \
        "evidence sent to สำนักงาน ก.พ.ร. recorded (2 in all)"
    assert record(path)["innovation"]["evidence_sent"] == [
        {"to": "สำนักงาน ก.ก."}, {"to": "สำนักงาน ก.พ.ร.", "letter": "กท 0406/2301"}]


# --- stage 1 and 2: ideas -------------------------------------------------------------------------

def test_ideas_are_numbered_after_the_last_and_counted(repo):
    path = repo("innovation:\n  ideas:\n    - {id: 1, title: เดิม}\n    - {id: 5, title: ต่อมา}\n")
    assert said("idea", "add", CODE, "  ใหม่  ") == "idea 6 recorded (3 listed)"
    assert [i["title"] for i in record(path)["innovation"]["ideas"]] == ["เดิม", "ต่อมา", "ใหม่"]


@pytest.mark.parametrize("reported, after", [(10, 11), (12, 12), (None, None)])
def test_the_number_reported_follows_the_list_only_when_the_list_passes_it(repo, reported, after):
    extra = f"  ideas_reported: {reported}\n" if reported is not None else ""
    path = repo("innovation:\n" + extra + "  ideas:\n" + IDEAS)
    assert said("idea", "add", CODE, "ความคิดเห็นใหม่") == "idea 11 recorded (11 listed)"
    assert record(path)["innovation"].get("ideas_reported") == after


def test_an_idea_without_a_title_or_with_a_title_taken_is_refused(repo):
    path = repo("innovation:\n  ideas:\n    - {id: 1, title: บริการเคลื่อนที่}\n")
    assert refused(path, "idea", "add", CODE, "  ")[0] == "the idea has no title"
    assert refused(path, "idea", "add", CODE, " บริการเคลื่อนที่ ") == (
        "idea 1 already has this title; nothing was added", "give each idea its own title")


def test_the_number_reported_is_never_below_the_ideas_listed(repo):
    path = repo("innovation:\n  ideas:\n    - {id: 1, title: ก}\n    - {id: 2, title: ข}\n    - {id: 3, title: ค}\n")
    assert refused(path, "idea", "reported", CODE, 2) == (
        "3 ideas are listed already; the number reported cannot be 2", "give 3 or more")
    assert said("idea", "reported", CODE, 3) == "3 ideas reported"
    assert record(path)["innovation"]["ideas_reported"] == 3


def test_one_idea_reported_is_said_in_the_singular(repo):
    repo()
    assert said("idea", "reported", CODE, 1) == "1 idea reported"


def test_selecting_an_idea_that_is_not_there_says_which_are(repo):
    path = repo("innovation:\n  ideas:\n    - {id: 2, title: ก}\n    - {id: 3, title: ข}\n")
    assert refused(path, "idea", "select", CODE, 7) == (
        "there is no idea 7: ideas are numbered 2 to 3",
        "`kpi idea list CODE` shows them; `kpi idea add` records one")
    empty = repo()
    assert refused(empty, "idea", "select", CODE, 1)[0] == "there is no idea 1: no ideas are recorded yet"


def test_a_selection_is_recorded_with_its_date(repo):
    path = repo("innovation:\n  ideas:\n    - {id: 1, title: ก}\n    - {id: 2, title: ข}\n")
    assert said("idea", "select", CODE, 2, "--date", "2021-01-20") == "idea 2 selected: ข"
    inn = record(path)["innovation"]
    assert (inn["selected_idea"], str(inn["selected_date"])) == (2, "2021-01-20")
    assert said("idea", "select", CODE, 1) == "idea 1 selected: ก"
    assert "selected_date" in record(path)["innovation"]  # a selection without --date keeps the date


def test_the_selection_is_fixed_once_stage_2_is_done(repo):
    path = repo("innovation:\n  ideas:\n" + IDEAS + "  selected_idea: 1\n  stages:\n"
                "    - {stage: 1, completed: 2020-12-20}\n    - {stage: 2, completed: 2021-01-15}\n")
    assert refused(path, "idea", "select", CODE, 2) == (
        "stage 2 was completed on 2021-01-15 with idea 1 selected; the selection cannot change now",
        "the selection is part of the record")
    again = kpi("idea", "select", CODE, 1)  # the same idea: nothing to write
    assert (again.stdout, again.stderr) == ("", f"{FILE}: nothing to change (already recorded)\n")


# --- the stage-1 gate --------------------------------------------------------------------------------

def test_the_gate_counts_no_ideas_as_none(repo):
    repo()
    assert gate() == [(False, "0 of 10 ideas recorded (minimum for a unit under the Permanent Secretary: 10); "
                              "add 10 more with `kpi idea add`")]


def test_the_gate_holds_with_the_minimum_and_says_so(repo):
    repo("innovation:\n  ideas:\n" + IDEAS)
    assert gate() == [(True, "10 of 10 ideas recorded (minimum for a unit under the Permanent Secretary: 10)")]


def test_ideas_reported_but_not_all_listed_count_as_reported(repo):
    repo("innovation:\n  ideas_reported: 12\n  ideas:\n    - {id: 1, title: ก}\n    - {id: 2, title: ข}\n")
    assert gate() == [(True, "12 of 10 ideas recorded (12 reported, 2 listed) "
                             "(minimum for a unit under the Permanent Secretary: 10)")]


def test_the_record_may_set_its_own_minimum(repo):
    repo("innovation:\n  minimum_ideas: 3\n  ideas:\n    - {id: 1, title: ก}\n")
    assert gate() == [(False, "1 of 3 ideas recorded (minimum for a unit under the Permanent Secretary: 3); "
                              "add 2 more with `kpi idea add`")]


def test_without_the_agencies_catalogue_the_minimum_is_unknown(repo):
    path = repo("innovation:\n  ideas:\n" + IDEAS, catalogues=False)
    assert gate() == [(False, "the minimum number of ideas is unknown: the agency is not in agencies.yaml")]
    error, _fix = refused(path, "advance", CODE, "--date", "2020-12-31")
    assert error == ("cannot complete stage 1 (collect ideas) of 0406-0001:\n"
                     "  - the minimum number of ideas is unknown: the agency is not in agencies.yaml")


def test_without_the_catalogue_a_minimum_of_the_record_still_counts(repo):
    repo("innovation:\n  minimum_ideas: 2\n  ideas:\n    - {id: 1, title: ก}\n    - {id: 2, title: ข}\n",
         catalogues=False)
    assert gate() == [(True, "2 of 2 ideas recorded (minimum: 2)")]


# --- advance -----------------------------------------------------------------------------------------

def test_advancing_names_the_stage_done_and_the_next(repo):
    path = repo("innovation:\n  ideas:\n" + IDEAS)
    assert said("advance", CODE, "--date", "2020-12-31", "--evidence", "กท 0406/100", "--note", "ครบ 10 เรื่อง") == \
        "stage 1 (collect ideas) completed on 2020-12-31; the current stage is stage 2 (select one idea)"
    assert record(path)["innovation"]["stages"] == [
        {"stage": 1, "completed": dt.date(2020, 12, 31), "evidence": ["กท 0406/100"],
         "note": "ครบ 10 เรื่อง"}]


@pytest.mark.parametrize("to, error, fix", [
    (6, "there is no stage 6: the stages are 1 to 5", "the current stage is 1"),
    (0, "there is no stage 0: the stages are 1 to 5", "the current stage is 1"),
    (3, "cannot skip to stage 3: stage 1 (collect ideas) is not done yet",
     "complete stage 1 first: kpi advance 0406-0001 --date YYYY-MM-DD (`kpi status 0406-0001` shows what its gate "
     "needs)"),
])
def test_only_the_current_stage_can_be_completed(repo, to, error, fix):
    path = repo("innovation:\n  ideas:\n" + IDEAS)
    assert refused(path, "advance", CODE, "--to", to, "--date", "2020-12-31") == (error, fix)


def test_a_stage_done_is_never_done_again(repo):
    path = repo("innovation:\n  ideas:\n" + IDEAS + "  stages:\n    - {stage: 1, completed: 2020-12-20}\n")
    assert refused(path, "advance", CODE, "--to", 1, "--date", "2021-01-10") == (
        "stage 1 (collect ideas) is already done (completed 2020-12-20); stages never go back. The current stage "
        "is stage 2 (select one idea)",
        "to complete stage 2: kpi advance 0406-0001 --to 2 --date YYYY-MM-DD")


def test_a_date_outside_the_fiscal_year_and_before_the_last_stage_are_both_said(repo):
    path = repo("innovation:\n  ideas:\n" + IDEAS + "  selected_idea: 1\n  stages:\n"
                "    - {stage: 1, completed: 2020-12-20}\n")
    error, fix = refused(path, "advance", CODE, "--date", "2020-09-30")
    assert error.splitlines() == [
        "cannot complete stage 2 (select one idea) of 0406-0001:",
        "  - the date 2020-09-30 is outside fiscal year 2564: 2020-10-01 to 2021-09-30",
        "  - the date 2020-09-30 is before the date of stage 1 (2020-12-20); stage dates never go backwards"]
    assert fix == ("complete it on or after 2020-12-20: kpi advance 0406-0001 --date 2020-12-20; if the completion of "
                   "stage 1 (2020-12-20) is what is wrong, correct it: kpi edit stage 0406-0001 1 --date YYYY-MM-DD")


def test_an_accepted_appeal_extends_the_fiscal_year_and_the_refusal_says_so(repo):
    path = repo("innovation:\n  ideas:\n" + IDEAS + "amendments:\n"
                "  - {kind: appeal, letter: กท 0406/3937, date: 2021-07-07, outcome: accepted, extends_to: 2021-12-31}\n")
    error, _fix = refused(path, "advance", CODE, "--date", "2022-01-05")
    assert error.splitlines()[1] == ("  - the date 2022-01-05 is outside fiscal year 2564: 2020-10-01 to 2021-12-31 "
                                     "(extended by an accepted appeal)")
    assert said("advance", CODE, "--date", "2021-12-31").startswith("stage 1 (collect ideas) completed on 2021-12-31")


FOUR_STAGES = ("innovation:\n  ideas:\n" + IDEAS + "  selected_idea: 1\n"
               "  proposal: {title: โครงการ, kind: service, form3: true, form4: true, submitted: 2021-02-08}\n"
               "  decision: {result: approved}\n  activities:\n    - {title: ออกให้บริการ, date: 2021-04-01}\n"
               "  evidence_sent:\n    - {to: สำนักงาน ก.ก.}\n  survey: {date: 2021-08-30, approved: true}\n"
               "  stages:\n" + "".join(f"    - {{stage: {s}, completed: 2021-0{s}-10}}\n" for s in range(1, 5)))


def test_the_last_stage_finishes_the_project(repo):
    path = repo(FOUR_STAGES)
    assert said("advance", CODE, "--date", "2021-08-30") == \
        "stage 5 (survey its use) completed on 2021-08-30; all five stages are done"
    assert refused(path, "advance", CODE, "--date", "2021-09-01") == (
        "all five stages of 0406-0001 are done (stage 5 on 2021-08-30): the project is finished; there is nothing "
        "to advance", "`kpi status 0406-0001` shows the record")


# --- dates on the command line ---------------------------------------------------------------------

@pytest.mark.parametrize("text, error, fix", [
    ("15/04/2021", "--date '15/04/2021' is not a date written YYYY-MM-DD",
     "write it as year-month-day, Common Era: e.g. 2021-04-15 for 15 เมษายน 2564"),
    # the fix once, on its own line (issue 19)
    ("2564-04-15", "--date 2564-04-15 has a Buddhist-Era year (พ.ศ. 2564); dates are written in the Common Era "
                   "(ค.ศ.)", "write --date 2021-04-15"),
    ("2400-1-2", "--date 2400-1-2 has a Buddhist-Era year (พ.ศ. 2400); dates are written in the Common Era "
                 "(ค.ศ.)", "write --date 1857-01-02"),
    ("2021-02-30", "--date 2021-02-30 is not a real date (day is out of range for month)",
     "check the day and the month"),
])
def test_a_date_that_is_not_iso_common_era_is_refused(repo, text, error, fix):
    path = repo()
    assert refused(path, "activity", CODE, "ประชาสัมพันธ์", "--date", text) == (error, fix)


def test_a_date_with_one_digit_month_and_day_is_read(repo):
    path = repo()
    said("activity", CODE, "ประชาสัมพันธ์", "--date", " 2021-4-5 ")
    assert str(record(path)["innovation"]["activities"][0]["date"]) == "2021-04-05"


# --- proposals, decisions, surveys, appeals --------------------------------------------------------

def test_a_first_proposal_needs_a_title_and_a_kind(repo):
    path = repo()
    assert refused(path, "propose", CODE, "--objective", "ลดเวลา") == (
        "0406-0001 has no proposal recorded yet: a new one needs --title, --kind",
        "e.g. `kpi propose 0406-0001 --title … --kind …`")
    assert refused(path, "propose", CODE) == ("nothing to record: give at least one option of `kpi propose`",
                                              "see `kpi propose --help`")


def test_a_proposal_is_recorded_then_submitted_to_the_committee(repo):
    path = repo()
    assert said("propose", CODE, "--title", "โครงการ", "--kind", "service") == "proposal recorded"
    assert said("propose", CODE, "--submitted", "2021-02-08") == "proposal updated, submitted on 2021-02-08"
    proposal = record(path)["innovation"]["proposal"]
    assert (proposal["submitted_to"], str(proposal["submitted"])) == ("คณะกรรมการนวัตกรรมกรุงเทพมหานคร", "2021-02-08")


def test_a_decision_needs_a_proposal(repo):
    path = repo()
    assert refused(path, "decide", CODE, "--result", "approved") == (
        "no proposal is recorded for the committee to decide on",
        "record it first: `kpi propose CODE --title … --kind service --submitted DATE`")
    path = repo("innovation:\n  proposal: {title: โครงการ, kind: service}\n")
    assert said("decide", CODE, "--result", "approved", "--date", "2021-03-01") == \
        "the committee's decision recorded: approved"
    assert said("decide", CODE, "--letter", "กท 0303/1234") == "the committee's decision recorded: approved"


def test_a_survey_says_whether_it_is_approved(repo):
    repo()
    assert said("survey", CODE, "--date", "2021-08-30") == "survey (แบบฟอร์ม 5) recorded, not yet approved"
    assert said("survey", CODE, "--approved") == "survey (แบบฟอร์ม 5) recorded, approved"
    assert said("survey", CODE, "--letter", "ฝบ. 634/2564") == "survey (แบบฟอร์ม 5) recorded, approved"


def test_an_appeal_is_recorded_then_ruled_on(repo):
    path = repo()
    assert refused(path, "appeal", CODE, "--letter", "กท 0406/3937") == (
        "no appeal with letter กท 0406/3937 is on record: a new one needs --date",
        'e.g. kpi appeal 0406-0001 --letter "กท 0406/3937" --date 2021-07-07 --grounds …')
    assert said("appeal", CODE, "--letter", " กท 0406/3937 ", "--date", "2021-07-07") == \
        "appeal กท 0406/3937 recorded (pending)"
    assert said("appeal", CODE, "--letter", "กท 0406/3937", "--outcome", "accepted",
                "--condition", "ประเมินผล", "--condition", "สื่อสารออนไลน์") == "appeal กท 0406/3937 updated (accepted)"
    assert said("appeal", CODE, "--letter", "กท 0406/3937", "--condition", "รายงานผล") == \
        "appeal กท 0406/3937 updated (accepted)"
    assert record(path)["amendments"][0]["conditions"] == ["ประเมินผล", "สื่อสารออนไลน์", "รายงานผล"]
    assert refused(path, "appeal", CODE, "--letter", "กท 0406/3937", "--condition", "ประเมินผล") == (
        "nothing to record for กท 0406/3937: give the outcome, conditions or other fields", "see `kpi appeal --help`")


def test_an_amendment_is_recorded_as_such(repo):
    repo()
    assert said("appeal", CODE, "--letter", "กท 0406/4000", "--date", "2021-09-01", "--kind", "amendment",
                "--outcome", "accepted") == "amendment กท 0406/4000 recorded (accepted)"


def test_an_indicator_without_stages_has_no_stage_commands(repo, tmp_path):
    path = repo()
    path.write_text(path.read_text(encoding="utf-8").replace(
        "scoring: {method: stage-points, points: [30, 10, 10, 30, 20]}", "scoring: {method: percent}")
        .replace("innovation: {}\n", ""), encoding="utf-8")
    assert refused(path, "activity", CODE, "ประชาสัมพันธ์")[0] == (
        "0406-0001 is not the innovation indicator: it has no `innovation:` record and does not score by stage "
        "points")


# --- names ---------------------------------------------------------------------------------------------

def test_stage_labels_name_the_five_stages_only():
    assert [stage_label(n) for n in range(0, 7)] == [
        "stage 0", "stage 1 (collect ideas)", "stage 2 (select one idea)", "stage 3 (propose the project)",
        "stage 4 (develop the innovation)", "stage 5 (survey its use)", "stage 6"]


def test_values_are_named_and_unknown_ones_kept():
    assert [value_name(v) for v in ("appeal", "accepted", "withdrawn")] == ["appeal", "accepted", "withdrawn"]


# --- the gates of stages 2 to 5, as `kpi status` reports them ------------------------------------------

SELECTED = "innovation:\n  ideas:\n" + IDEAS + "  selected_idea: 1\n"
PROPOSED = "  proposal: {title: โครงการ, kind: service, form3: true, form4: true, submitted: 2021-02-08}\n"
THREE_DONE = ("  stages:\n    - {stage: 1, completed: 2020-12-20}\n    - {stage: 2, completed: 2021-01-15}\n"
              "    - {stage: 3, completed: 2021-02-10}\n")
DEVELOPED = ("  decision: {result: approved}\n  activities:\n    - {title: ออกให้บริการ}\n"
             "  evidence_sent:\n    - {to: สำนักงาน ก.ก.}\n")
FOUR_DONE = THREE_DONE + "    - {stage: 4, completed: 2021-04-09}\n"


def test_the_stage_2_gate(repo):
    repo(SELECTED + "  stages:\n    - {stage: 1, completed: 2020-12-20}\n")
    assert gate() == [(True, "idea 1 selected (แบบฟอร์ม 2): ความคิดเห็นที่ 1")]
    repo("innovation:\n  ideas:\n" + IDEAS + "  stages:\n    - {stage: 1, completed: 2020-12-20}\n")
    assert gate() == [(False, "no idea selected (แบบฟอร์ม 2): record it with `kpi idea select`")]


@pytest.mark.parametrize("proposal, checks", [
    ("", [(False, "no project proposal recorded (แบบฟอร์ม 3, 4): record it with `kpi propose`")]),
    ("  proposal: {title: โครงการ, kind: service, form3: true, submitted: 2021-02-08}\n",
     [(True, "project: โครงการ"), (True, "the project document (แบบฟอร์ม 3) is done"),
      (False, "the proposal form (แบบฟอร์ม 4) is not marked done (`kpi propose --form4`)"),
      (True, "submitted to the committee on 2021-02-08")]),
    ("  proposal: {title: โครงการ, kind: service, form4: true, submitted: 2021-02-08, submitted_to: คณะกรรมการฯ}\n",
     [(True, "project: โครงการ"),
      (False, "the project document (แบบฟอร์ม 3) is not marked done (`kpi propose --form3`)"),
      (True, "the proposal form (แบบฟอร์ม 4) is done"), (True, "submitted to คณะกรรมการฯ on 2021-02-08")]),
    ("  proposal: {title: โครงการ, kind: service, form3: true, form4: true}\n",
     [(True, "project: โครงการ"), (True, "the project document (แบบฟอร์ม 3) is done"),
      (True, "the proposal form (แบบฟอร์ม 4) is done"),
      (False, "the proposal has not been submitted to the BMA Innovation Committee (`kpi propose --submitted DATE`)")]),
], ids=["none", "form 4 missing", "form 3 missing", "not submitted"])
def test_the_stage_3_gate(repo, proposal, checks):
    repo(SELECTED + proposal + "  stages:\n    - {stage: 1, completed: 2020-12-20}\n"
         "    - {stage: 2, completed: 2021-01-15}\n")
    assert gate() == checks


@pytest.mark.parametrize("development, checks", [
    ("", [(False, "the committee's approval is not recorded (no decision): `kpi decide --result approved`"),
          (False, "no project activities recorded: `kpi activity`"),
          (False, "no evidence sent to สำนักงาน ก.ก. recorded: `kpi evidence`")]),
    ("  decision: {result: rejected}\n  activities:\n    - {title: ออกให้บริการ, done: false}\n"
     "  evidence_sent:\n    - {date: 2021-04-20}\n",
     [(False, "the committee's approval is not recorded (the decision is 'rejected'): `kpi decide --result approved`"),
      (False, "no project activity is marked done"), (True, "evidence sent to สำนักงาน ก.ก. (2021-04-20)")]),
    ("  decision: {result: approved, date: 2021-03-01}\n  activities:\n    - {title: ก}\n    - {title: ข, done: false}\n"
     "    - {title: ค}\n  evidence_sent:\n    - {date: 2021-04-20}\n    - {to: สำนักงาน ก.พ.ร., date: 2021-05-01}\n",
     [(True, "approved by the committee on 2021-03-01"), (True, "2 project activities done"),
      (True, "evidence sent to สำนักงาน ก.พ.ร. (2021-04-20, 2021-05-01)")]),
    ("  decision: {result: approved}\n  activities:\n    - {title: ก}\n  evidence_sent:\n    - {letter: กท 0406/2301}\n",
     [(True, "approved by the committee"), (True, "1 project activity done"),
      (True, "evidence sent to สำนักงาน ก.ก.")]),
], ids=["nothing", "rejected", "approved on a date", "approved"])
def test_the_stage_4_gate(repo, development, checks):
    repo(SELECTED + PROPOSED + development + THREE_DONE)
    assert gate() == checks


@pytest.mark.parametrize("survey, checks", [
    ("", [(False, "the survey of use (แบบฟอร์ม 5) is not recorded: `kpi survey --date DATE`")]),
    ("  survey: {date: 2021-08-30, letter: ฝบ. 634/2564}\n",
     [(True, "the survey (แบบฟอร์ม 5) is recorded (2021-08-30, ฝบ. 634/2564)"),
      (False, "the survey (แบบฟอร์ม 5) is not approved by the agency head: `kpi survey --approved`")]),
    ("  survey: {date: 2021-08-30, approved: true, approved_by: ผู้อำนวยการสำนักงาน}\n",
     [(True, "the survey (แบบฟอร์ม 5) is recorded (2021-08-30)"), (True, "approved by ผู้อำนวยการสำนักงาน")]),
    ("  survey: {date: 2021-08-30, approved: true}\n",
     [(True, "the survey (แบบฟอร์ม 5) is recorded (2021-08-30)"), (True, "approved")]),
], ids=["none", "not approved", "approved by", "approved"])
def test_the_stage_5_gate(repo, survey, checks):
    repo(SELECTED + PROPOSED + DEVELOPED + survey + FOUR_DONE)
    assert gate() == checks


def test_an_innovation_record_makes_the_innovation_indicator_whatever_its_rule(repo):
    path = repo("innovation: {}\n")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "scoring: {method: stage-points, points: [30, 10, 10, 30, 20]}", "scoring: {method: percent}"),
        encoding="utf-8")
    assert said("evidence", CODE) == "evidence sent to สำนักงาน ก.ก. recorded (1 in all)"


def test_appeals_belong_to_the_innovation_indicator(repo):
    path = repo("")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "scoring: {method: stage-points, points: [30, 10, 10, 30, 20]}", "scoring: {method: percent}"),
        encoding="utf-8")
    error, _fix = refused(path, "appeal", CODE, "--letter", "กท 0406/3937", "--date", "2021-07-07")
    assert error.startswith("0406-0001 is not the innovation indicator")
