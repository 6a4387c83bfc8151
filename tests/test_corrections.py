"""Stage gates that follow the facts, and correcting or removing what was recorded
(`kpi edit …`, `kpi remove …`, `kpi idea edit|remove`): each refusal names the fact, its date and
the command that fixes it, and leaves the file byte for byte as it was."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from kpi_cli.core.model import Indicator
from kpi_cli.core.stages import status
from test_stages import CODE, SEED, Kpi, make_repo, without_stages

SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture
def kpi(tmp_path, monkeypatch):
    """The seed with stages 4 and 5 not done yet (the decision, activities and survey recorded)."""
    monkeypatch.chdir(tmp_path)
    return Kpi(make_repo(tmp_path, without_stages(SEED_TEXT, 4, 5)))


@pytest.fixture
def seed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return Kpi(make_repo(tmp_path, SEED_TEXT))


def data(kpi: Kpi) -> dict:
    return yaml.load(kpi.path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def test_stage_4_waits_for_its_activities_and_evidence(kpi):
    kpi("activity", CODE, "ประชาสัมพันธ์รอบสอง", "--date", "2021-06-01", "--end", "2021-06-30")
    kpi("evidence", CODE, "--date", "2021-07-15")
    refused = kpi("advance", CODE, "--date", "2021-04-09", ok=False).output
    assert "before the date of activity 8 (2021-06-30)" in refused
    assert "before the date evidence 2 was sent (2021-07-15)" in refused
    assert "complete it on or after 2021-07-15: kpi advance 0406-0772 --date 2021-07-15" in refused
    assert f"correct it: kpi edit evidence {CODE} 2 --date YYYY-MM-DD" in refused
    assert "record the missing facts first" not in refused
    kpi("advance", CODE, "--date", "2021-07-15")
    assert data(kpi)["innovation"]["stages"][-1] == {"stage": 4, "completed": dt.date(2021, 7, 15)}


def test_a_stage_4_fact_cannot_be_dated_after_stage_4(seed):
    out = seed("activity", CODE, "x", "--date", "2021-05-01", ok=False).output
    assert "the date of an activity cannot be 2021-05-01, after stage 4 (develop the innovation) was completed " \
           "(2021-04-09)" in out
    assert f"kpi edit stage CODE 4 --date" in out
    out = seed("evidence", CODE, "--date", "2021-05-01", ok=False).output
    assert "the date evidence was sent cannot be 2021-05-01" in out
    seed("activity", CODE, "x", "--date", "2021-04-01", "--end", "2021-04-09")


@pytest.mark.parametrize("args, says", [
    (["idea", "add", CODE, "x", "--date", "2021-12-01"],
     "the date of a stage-1 idea cannot be 2021-12-01: it is outside fiscal year 2564 (2020-10-01 to 2021-09-30)"),
    (["activity", CODE, "x", "--date", "2020-09-30"], "the date of an activity cannot be 2020-09-30: it is outside"),
    (["activity", CODE, "x", "--date", "2021-04-09", "--end", "2021-04-01"],
     "the activity ends (2021-04-01) before it starts (2021-04-09)"),
    (["evidence", CODE, "--date", "2021-10-01"], "the date evidence was sent cannot be 2021-10-01: it is outside"),
    (["decide", CODE, "--date", "2022-01-01"], "it is outside fiscal year 2564"),
])
def test_facts_are_dated_inside_the_fiscal_year(kpi, args, says):
    out = kpi(*args, ok=False).output
    assert says in out and "fix:" in out


def test_a_hand_written_fact_outside_the_year_fails_validate(kpi):
    kpi.path.write_text(kpi.path.read_text(encoding="utf-8").replace("      date: 2021-03-18", "      date: 2022-03-18"),
                        encoding="utf-8")
    out = kpi("validate", ok=False).output
    assert "[fact-out-of-year] innovation.activities[0].date: 2022-03-18 is outside fiscal year 2564" in out


def test_status_never_says_a_gate_holds_when_no_date_can_satisfy_it():
    ind = Indicator.model_validate(yaml.load(without_stages(SEED_TEXT, 4, 5), Loader=yaml.CSafeLoader))
    ind.innovation.evidence_sent[0].date = dt.date(2021, 12, 1)  # as a file written before the rule
    st = status(ind)
    assert st.current == 4 and st.missing == [
        f"no date can complete stage 4 (develop the innovation): the date evidence 1 was sent is 2021-12-01, after "
        f"the fiscal year ends (2021-09-30); correct it: kpi edit evidence {CODE} 1 --date YYYY-MM-DD"]


# --- corrections ---------------------------------------------------------------------------------

def test_every_recorded_fact_can_be_corrected(seed):
    seed("idea", "edit", CODE, "3", "--title", "ความคิดเห็นที่สาม", "--date", "2020-11-02")
    seed("edit", "activity", CODE, "2", "--date", "2021-03-20", "--evidence", "กท 0406/2000")
    seed("edit", "evidence", CODE, "1", "--date", "2021-04-05", "--letter", "กท 0406/2100")
    seed("edit", "stage", CODE, "4", "--date", "2021-04-10", "--note", "แก้วันที่")
    inn = data(seed)["innovation"]
    assert inn["ideas"][2] == {"id": 3, "title": "ความคิดเห็นที่สาม", "date": dt.date(2020, 11, 2)}
    assert inn["activities"][1]["date"] == dt.date(2021, 3, 20) and inn["activities"][1]["evidence"] == ["กท 0406/2000"]
    assert inn["evidence_sent"][0] == {"to": "สำนักงาน ก.ก.", "date": dt.date(2021, 4, 5), "letter": "กท 0406/2100"}
    assert inn["stages"][3]["completed"] == dt.date(2021, 4, 10) and inn["stages"][3]["note"] == "แก้วันที่"
    assert seed("validate").exit_code == 0


def test_every_recorded_fact_can_be_removed(seed):
    before = data(seed)["innovation"]
    seed("remove", "stage", CODE, "5")
    seed("remove", "activity", CODE, "7")
    seed("idea", "remove", CODE, "10")  # 10 ideas were reported all the same: stage 1 still holds
    inn = data(seed)["innovation"]
    assert [e["stage"] for e in inn["stages"]] == [1, 2, 3, 4]
    assert inn["activities"] == before["activities"][:6]
    assert [i["id"] for i in inn["ideas"]] == list(range(1, 10))
    assert seed.path.read_text(encoding="utf-8").count("\n\namendments:") == 1  # the blank line before stays


@pytest.mark.parametrize("args, says", [
    (["remove", "stage", CODE, "4"], "cannot be removed while stage 5 is completed"),
    (["remove", "idea", CODE, "1"], "idea 1 is the selected idea (แบบฟอร์ม 2): it cannot be removed"),
    (["remove", "activity", CODE, "9"], "there is no activity 9: they are numbered 1 to 7"),
    (["edit", "idea", CODE, "42", "--title", "x"], "there is no idea 42: ideas are numbered 1 to 10"),
    (["edit", "stage", CODE, "4", "--date", "2021-04-05"],
     "the date 2021-04-05 is before the date of activity 4 (2021-04-09)"),
    (["edit", "stage", CODE, "4", "--date", "2021-09-01"],
     "the date 2021-09-01 is after the completion of stage 5 (2021-08-30)"),
    (["edit", "activity", CODE, "4", "--end", "2021-05-01"],
     "the end of activity 4 cannot be 2021-05-01, after stage 4 (develop the innovation) was completed"),
    (["edit", "idea", CODE, "2", "--title", "การให้บริการรถบริการงานทะเบียนเคลื่อนที่ (Bangkok mobile Service) ในเชิงรุก"],
     "idea 1 already has this title"),
    (["edit", "evidence", CODE, "1"], "nothing to change: give at least one option of `kpi edit evidence`"),
    (["remove", "evidence", CODE, "3"], "there is no evidence entry 3"),
])
def test_correction_refusals_name_the_fact_and_leave_the_file_byte_identical(seed, args, says):
    out = seed(*args, ok=False).output
    assert says in out and "fix:" in out


def test_removing_what_a_completed_gate_relies_on_is_refused(seed):
    out = seed("remove", "evidence", CODE, "1", ok=False).output  # stage 4 was completed on it
    assert "[stage-gate] stage 4 is recorded as done, but no evidence sent" in out
    assert "the change would make indicators/2564/0406-0772.yaml invalid; nothing was written" in out
    assert "record the missing facts first" not in out


def test_a_correction_can_be_shown_without_writing(seed):
    before = seed.path.read_bytes()
    out = seed("edit", "activity", CODE, "4", "--date", "2021-04-02", "--dry-run").output
    assert "-      date: 2021-04-01\n+      date: 2021-04-02" in out
    assert seed.path.read_bytes() == before


def test_the_single_records_can_be_removed_too(seed):
    seed("remove", "stage", CODE, "5")
    seed.comments.discard("# แบบฟอร์ม 5")  # the comment beside `survey:` goes with it
    seed("remove", "survey", CODE)
    assert "survey" not in data(seed)["innovation"]
    assert "innovation.survey.approved" not in data(seed)["inferred"]  # the note about it too
    seed.comments.discard("# อุทธรณ์การปฏิบัติราชการ")  # beside `kind: appeal`, inside what is removed
    seed("remove", "appeal", CODE, "กท 0406/3937")
    text = seed.path.read_text(encoding="utf-8")
    assert "amendments: []\n" in text and "# The year as dated events" in text
    out = seed("remove", "decision", CODE, ok=False).output  # stage 4 was completed on the approval
    assert "the committee's approval is not recorded" in out
    out = seed("remove", "selection", CODE, ok=False).output
    assert "stage 2 is recorded as done, but no idea selected" in out
    out = seed("remove", "survey", CODE, ok=False).output
    assert "there is no survey (แบบฟอร์ม 5) recorded to remove" in out


def test_removing_a_record_before_its_stage_is_done(kpi):
    kpi.comments.discard("# แบบฟอร์ม 5")
    kpi("remove", "survey", CODE)
    assert "survey" not in data(kpi)["innovation"]
    assert kpi("validate").exit_code == 0
