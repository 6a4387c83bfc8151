"""The official record as printed (issue 13): figures keep their printed form from the file to every
output, a quarter's audit state is read in one place and never called unassessed once audited, a
file can say its scoring rule is not published, differences are explained by the fact that explains
them, and an agency's totals say what weight they cover.

Each test writes small indicator files into a throw-away tree and reads what users see: `kpi score`
(text and JSON), `kpi render --format txt`, `kpi validate`.
"""

from __future__ import annotations

import json
import re
import pickle
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.core.assessment import ASSESSED, NOT_ASSESSED, UNKNOWN, assessment_of
from kpi_cli.core.figures import Printed, shown
from kpi_cli.core.i18n import set_language
from kpi_cli.core.model import Indicator, Quarter, construct
from scoring_helpers import INDICATORS, tree  # noqa: F401  (tree: the fixture)

runner = CliRunner()


@pytest.fixture(autouse=True)
def _english():
    set_language(None)
    yield
    set_language(None)


def indicator(code: str, rows: list[str], *, scoring: str = "  method: percent\n",
              weight: str = "weight: {percent: 10}\n", achieved: str = "") -> str:
    return (f'code: "{code}"\nfiscal_year: 2564\nagency: "0406"\ntitle: ตัวชี้วัด {code}\ntype: routine\n'
            f"level: output\ntarget: {{value: 80, unit: ร้อยละ}}\n{achieved}{weight}strategies: [\"7.5.1.1\"]\n"
            f"scoring:\n{scoring}quarters:\n" + "".join(f"  - {{{r}}}\n" for r in rows))


def kpi(*args: str, code: int = 0):
    result = runner.invoke(app, [*args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output
    return result


def score_json(*args: str) -> dict:
    return json.loads(kpi("score", *args, "--format", "json").stdout)


# --- figures as printed ------------------------------------------------------------------------------

def test_a_printed_figure_is_a_number_that_remembers_its_text():
    figure = Printed("95.0000")
    assert figure == 95 and shown(figure) == "95.0000" and str(figure) == "95.0000"
    assert type(figure + 1) is float and shown(figure + 0) == "95"  # arithmetic gives a plain float
    again = pickle.loads(pickle.dumps(figure))  # worker processes send it back whole
    assert again.text == "95.0000" and again == 95


def test_the_model_and_the_cache_keep_printed_figures():
    row = Quarter(quarter=4, performance=Printed("0.00"), assessed=Printed("0.0000"), audit="",
                  sub_scores=[Printed("100.00"), 0])
    dump = json.loads(row.model_dump_json(exclude_unset=True))
    assert dump == {"quarter": 4, "performance": "0.00", "assessed": "0.0000", "sub_scores": ["100.00", 0],
                    "audit": ""}
    back = construct(Quarter, dump)
    assert [shown(v) for v in (back.performance, back.assessed, *back.sub_scores)] == ["0.00", "0.0000", "100.00", "0"]
    assert back.audit == ""


def test_figures_flow_from_the_file_to_every_output_as_printed(tree):
    tree(**{"0406_0001": indicator("0406-0001", [
        "quarter: 1, performance: 95.0000, target: 80, assessed: 95.0000, sub_scores: [95.00, 100]",
        "quarter: 2, performance: 75, target: 80, assessed: 100.00, sub_scores: [100, 50], audit: 100.00",
    ], achieved="achieved: 75\n")})
    for _run in range(2):  # the second run reads the cache of checked files
        text = kpi("score", "0406-0001", "-q", "2").stdout
        assert "95.0000" in text and "95.00 / 100" in text and "100.00" in text and "100 / 50" in text
        q1, q2 = score_json("0406-0001", "-q", "2")["quarters"]
        assert q1["assessed"] == 95 and q1["printed"]["assessed"] == "95.0000"
        assert q1["printed"]["sub_scores"] == ["95.00", "100"] and q1["printed"]["reported"] == "95.0000"
        assert q2["printed"]["audit"] == "100.00"
    kpi("render", "0406-0001", "--format", "txt", "-o", "out.txt")
    report = Path("out.txt").read_text(encoding="utf-8")
    for figure in ("95.0000", "95.00 / 100", "100 / 50", "ไตรมาสที่ 2: 100.00"):
        assert figure in report, figure


# --- the four audit states ---------------------------------------------------------------------------

def rows(*specs: dict) -> list[Quarter]:
    return [Quarter(quarter=i + 1, **spec) for i, spec in enumerate(specs)]


@pytest.mark.parametrize("quarters, q, state, score, inferred", [
    # audited and scored 0: the audit line says so, whatever 0 / 0 seems to say
    (rows({"assessed": 0, "sub_scores": [0, 0], "audit": 0}), 1, ASSESSED, 0, False),
    (rows({"assessed": 0, "sub_scores": [0, 0], "audited": True}), 1, ASSESSED, 0, False),
    # the audit line names the quarter but prints no figure: assessed, no value printed
    (rows({"audit": ""}), 1, ASSESSED, None, False),
    (rows({"audit": "", "assessed": 0, "sub_scores": [0, 0]}), 1, ASSESSED, 0, False),
    # the audit line's figure stands where the table prints none
    (rows({"audit": 95}), 1, ASSESSED, 95, False),
    # an audit scored 0 although the pair reads 100 / 100
    (rows({"assessed": 0, "sub_scores": [100, 100]}), 1, ASSESSED, 0, False),
    # 0 / 0 before a quarter with a score: skipped or not yet entered
    (rows({"assessed": 0, "sub_scores": [0, 0]}, {"assessed": 100, "sub_scores": [100, 100]}), 1, UNKNOWN, None, True),
    (rows({"assessed": 0, "sub_scores": [0, 0]}, {"audit": ""}), 1, UNKNOWN, None, True),
    # 0 / 0 with nothing after it: not assessed yet, inferred
    (rows({"assessed": 100, "sub_scores": [100, 100]}, {"assessed": 0, "sub_scores": [0, 0]}), 2, NOT_ASSESSED,
     None, True),
    # nothing printed
    (rows({"performance": 10}), 1, UNKNOWN, None, True),
    (rows({"performance": 10}), 3, UNKNOWN, None, True),
    # the file says it
    (rows({"assessed": 0, "sub_scores": [0, 0], "assessment": "not-assessed"}), 1, NOT_ASSESSED, None, False),
    (rows({"assessment": "assessed"}), 1, ASSESSED, None, False),
    (rows({"assessed": 50, "assessment": "unknown"}), 1, UNKNOWN, None, False),
])
def test_a_quarter_is_in_one_of_four_states(quarters, q, state, score, inferred):
    got = assessment_of(quarters, q)
    assert (got.state, got.score, got.inferred) == (state, score, inferred)
    assert got.official == (score if state == ASSESSED else None)


def test_an_audited_quarter_scored_0_is_never_called_unassessed(tree):
    tree(**{"0406_0001": indicator("0406-0001", [
        "quarter: 1, performance: 30.00, target: 30, assessed: 100, sub_scores: [100, 100]",
        "quarter: 4, performance: 0.00, target: 100, assessed: 0.0000, sub_scores: [0, 0], audit: 0.0000",
    ])})
    kpi("validate")
    q4 = score_json("0406-0001", "-q", "4")["quarters"][3]
    assert (q4["assessment"], q4["official"], q4["not_assessed"], q4["printed"]["audit"]) == ("assessed", 0, False, "0.0000")
    text = kpi("score", "0406-0001", "-q", "4").stdout
    assert "ยังไม่ประเมิน" not in text.splitlines()[-5]
    kpi("render", "0406-0001", "--format", "txt", "-o", "out.txt")
    report = Path("out.txt").read_text(encoding="utf-8")
    assert "*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 4: 0.0000" in report
    row = next(line for line in report.splitlines() if line.startswith("4 "))
    assert "0.0000" in row and "ยังไม่ประเมิน" not in row


def test_reports_call_a_quarter_unassessed_only_when_known_and_mark_an_inference(tree):
    tree(**{"0406_0001": indicator("0406-0001", [
        "quarter: 1, performance: 20, target: 25, assessed: 0, sub_scores: [0, 0]",  # before a scored quarter
        "quarter: 2, performance: 50, target: 50, assessed: 100, sub_scores: [100, 100]",
        "quarter: 3, performance: 60, target: 75, assessed: 0, sub_scores: [0, 0], assessment: not-assessed",
        "quarter: 4, performance: 0.00, target: 100, assessed: 0, sub_scores: [0, 0]",  # nothing after it
    ])})
    kpi("render", "0406-0001", "--format", "txt", "-o", "out.txt")
    report = Path("out.txt").read_text(encoding="utf-8")
    lines = {line.split()[0]: line for line in report.splitlines() if line[:1] in "1234" and "/" in line}
    assert "ไม่มีผลประเมินทางการ" in lines["1"]
    assert "ยังไม่ประเมิน" in lines["3"] and "ข้อมูลประมาณการ" not in lines["3"]
    assert "ยังไม่ประเมิน (ข้อมูลประมาณการ)" in lines["4"]
    assert "ไตรมาสที่ 1: หน้ารายละเอียดตัวชี้วัดแสดง 0 และ 0 / 0 ขณะที่ไตรมาสถัดไปมีผลประเมินทางการ" in report


# --- differences explained, official-only scoring ------------------------------------------------------

def test_a_differing_official_score_is_explained_by_the_fact_that_explains_it(tree):
    tree(**{"0406_0001": indicator("0406-0001", [
        "quarter: 1, performance: 0.00, target: 25, assessed: 100, sub_scores: [100, 100], audit: 100",
        "quarter: 2, performance: 50, target: 50, assessed: 95, sub_scores: [95, 100]",
        "quarter: 3, performance: 60, target: 75, assessed: 70, sub_scores: [70, 100]",
    ])})
    q1, q2, q3 = score_json("0406-0001", "-q", "3")["quarters"]
    assert q1["reason"] == "the official 100 is the audit's judgement (สยป.); the rule computes 0.00"
    assert q2["reason"] == "the official 95 is a partial score; the rule computes 100.00"
    assert q3["reason"] == "computed score 80.00 differs from the official 70"


def test_an_unpublished_rule_shows_the_official_figures_and_says_so_once(tree):
    tree(**{"0406_0001": indicator("0406-0001", [
        "quarter: 1, performance: 0.00, target: 25, assessed: 100, sub_scores: [100, 100]",
        "quarter: 2, performance: 50, assessed: 95.0000, sub_scores: [95, 100]",
    ], scoring="  method: unpublished\n  note: ตามคำรับรองการปฏิบัติราชการ\n")})
    kpi("validate")
    doc = score_json("0406-0001", "-q", "2")
    assert doc["official_only"] is True and doc["official"] == 95
    assert [q["differs"] for q in doc["quarters"]] == [False, False]
    assert [q["score"] for q in doc["quarters"]] == [None, None]
    text = kpi("score", "0406-0001", "-q", "2").stdout
    assert text.count("not published") == 3  # the rule line, the one note, the last line
    assert "differs" not in text and "≠" not in text and "95.0000" in text


# --- agency totals like with like -------------------------------------------------------------------------

def test_agency_totals_state_their_coverage_and_compare_like_with_like(tree):
    tree(
        **{"0406_0001": indicator("0406-0001", ["quarter: 1, performance: 40, target: 50, assessed: 90, "
                                                "sub_scores: [90, 100]"], weight="weight: {percent: 10}\n"),
           "0406_0002": indicator("0406-0002", ["quarter: 1, performance: 50, target: 50"],
                                  weight="weight: {percent: 30}\n"),
           "0406_0003": indicator("0406-0003", ["quarter: 1, performance: 0.00, assessed: 60, sub_scores: [60, 0]"],
                                  scoring="  method: unpublished\n", weight="weight: {percent: 60}\n")})
    doc = score_json("--agency", "0406", "-q", "1")
    assert doc["coverage"] == {"declared": 100, "computed": 40, "official": 70, "both": 10}
    assert doc["same_indicators"] == {"computed": 80, "official": 90}
    text = kpi("score", "--agency", "0406", "-q", "1").stdout
    assert "the computed total covers 40% of weight, the official total 70%; the files declare 100%" in text
    assert "like with like, over the 10% of weight that has both: computed 80.00, official 90.00" in text


@pytest.mark.parametrize("weights, warned", [((10, 15), "25"), ((40, 60), None), ((60, 60), "120"), ((100,), None)])
def test_weights_that_do_not_sum_to_100_warn_once_per_agency_and_year(tree, weights, warned):
    tree(**{f"0406_000{i + 1}": indicator(f"0406-000{i + 1}", ["quarter: 1, performance: 40, target: 50"],
                                          weight=f"weight: {{percent: {w}}}\n") for i, w in enumerate(weights)})
    result = runner.invoke(app, ["validate", "--format", "json"])
    found = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "agency-weights"]
    if warned is None:
        assert found == [] and result.exit_code == 0
    else:
        assert len(found) == 1 and found[0]["level"] == "warning" and result.exit_code == 0
        assert f"the weights sum to {warned}% over {len(weights)}" in found[0]["message"]
        assert found[0]["path"].endswith("0406-0001.yaml")


def test_a_file_alone_is_not_judged_against_its_agency(tree):
    folder = tree(**{"0406_0001": indicator("0406-0001", ["quarter: 1, performance: 40, target: 50"]),
                     "0406_0002": indicator("0406-0002", ["quarter: 1, performance: 40, target: 50"])})
    result = runner.invoke(app, ["validate", "--format", "json", str(folder / "0406-0001.yaml")])
    assert [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "agency-weights"] == []


# --- warnings that fit real pages ------------------------------------------------------------------------

def test_an_unreported_last_quarter_is_not_a_fall_of_a_cumulative_figure(tree):
    tree(**{"0406_0001": indicator("0406-0001", [
        "quarter: 1, performance: 30.00, target: 25, assessed: 100, sub_scores: [100, 100]",
        "quarter: 2, performance: 0.00, target: 50, assessed: 0, sub_scores: [0, 0]",
    ], weight="weight: {percent: 100}\n")})
    assert "falls" not in kpi("validate").stdout
    tree(**{"0406_0001": indicator("0406-0001", [
        "quarter: 1, performance: 30.00, target: 25, assessed: 100, sub_scores: [100, 100]",
        "quarter: 2, performance: 20.00, target: 50, assessed: 0, sub_scores: [0, 0]",
    ], weight="weight: {percent: 100}\n")})
    assert "the cumulative figure falls from 30.00 to 20.00" in kpi("validate").stdout


def test_the_seed_keeps_its_record(tree):
    seed = Indicator.model_validate(__import__("yaml").safe_load(
        (INDICATORS / "2564" / "0406-0772.yaml").read_text(encoding="utf-8")))
    assert seed.quarters[0].audit == 100
    assert all(a.decision_letters == [] for a in seed.amendments)  # กท 0303/2208 is the invitation
    assert assessment_of(seed.quarters, 2).state == UNKNOWN
    for path in ("innovation.proposal.target", "innovation.proposal.kind", "innovation.survey.approved_by",
                 "amendments[0].grounds", "amendments[0].criteria_before", "amendments[0].effective"):
        assert path in seed.inferred, path
    assert "innovation.decision" not in seed.inferred


@pytest.mark.parametrize("pattern, path, inferred", [
    ("quarters[*].target", "quarters[2].target", True),
    ("quarters[*].target", "quarters[2].performance", False),
    ("innovation.ideas[1:]", "innovation.ideas[3].title", True),
    ("innovation.ideas[1:]", "innovation.ideas[0].title", False),
    ("weight", "weight.percent", True),
    ("innovation.stages[0].completed", "innovation.stages[1].completed", False),
])
def test_what_inferred_covers(pattern, path, inferred):
    ind = Indicator.model_construct(inferred={pattern: "why"})
    assert ind.is_inferred(path) is inferred


def test_status_marks_inferred_stage_dates(monkeypatch):
    monkeypatch.chdir(INDICATORS.parent)
    lines = kpi("status", "0406-0772").stdout.splitlines()
    stage = {n: next(line for line in lines if f"stage {n} (" in line) for n in range(1, 6)}
    for n in (1, 2, 4):  # the seed lists these days under `inferred:`
        assert "(inferred: the day is not on record)" in stage[n], stage[n]
    for n in (3, 5):  # 8 February and 30 August 2564 are printed on the page
        assert "inferred" not in stage[n], stage[n]


@pytest.mark.parametrize("rows, said", [
    (["quarter: 1, performance: 20, target: 25"], "ไม่มีผลประเมินทางการ"),
    (["quarter: 1, performance: 20, target: 25, assessed: 0, sub_scores: [0, 0]"], "ยังไม่ประเมิน (ข้อมูลประมาณการ)"),
    (["quarter: 1, performance: 20, target: 25, assessed: 0, sub_scores: [0, 0], assessment: not-assessed"],
     "ยังไม่ประเมิน"),
    (["quarter: 1, performance: 20, target: 25, assessed: 0.0000, sub_scores: [0, 0], audit: 0.0000"], "0.0000"),
])
def test_the_forms_summary_box_says_ยังไม่ประเมิน_only_where_it_applies(tree, rows, said):
    tree(**{"0406_0001": indicator("0406-0001", rows)})
    kpi("render", "0406-0001", "--format", "html", "-o", "out.html")
    page = Path("out.html").read_text(encoding="utf-8")
    box = page[page.index('<table class="summary">'):page.index("</table>", page.index('<table class="summary">'))]
    cell = re.sub(r"<[^>]+>", "", box.split("ผลประเมินทางการ (สยป.) ล่าสุด")[1].split("</td>")[0]).strip()
    assert cell.startswith(said), cell
    if "ยังไม่ประเมิน" not in said:
        assert "ยังไม่ประเมิน" not in cell


# --- the net under core.assessment and core.figures (cases its mutants survived) -------------------

@pytest.mark.parametrize("quarters, q, state, score, inferred", [
    (rows({"assessed": 0}), 1, ASSESSED, 0, False),  # a 0 without 0 / 0 is a score
    (rows({"assessed": 0, "sub_scores": [0]}), 1, NOT_ASSESSED, None, True),  # one 0 reads as 0 / 0
    (rows({"assessed": 100}), 1, ASSESSED, 100, False),
    # what a later quarter says decides skipped (unknown) against not yet assessed
    (rows({"assessed": 0, "sub_scores": [0, 0]}, {"assessment": "assessed"}), 1, UNKNOWN, None, True),
    (rows({"assessed": 0, "sub_scores": [0, 0]}, {"assessed": 100}), 1, UNKNOWN, None, True),
    (rows({"assessed": 0, "sub_scores": [0, 0]}, {"assessment": "unknown", "assessed": 50}), 1, NOT_ASSESSED,
     None, True),
    (rows({"assessed": 0, "sub_scores": [0, 0]}, {"assessment": "not-assessed"}), 1, NOT_ASSESSED, None, True),
])
def test_the_states_at_their_edges(quarters, q, state, score, inferred):
    got = assessment_of(quarters, q)
    assert (got.state, got.score, got.inferred) == (state, score, inferred)


@pytest.mark.parametrize("said, listed, inferred, why", [
    ("not-assessed", ["quarters[0].assessment"], True, "ZEROS"),
    ("not-assessed", ["quarters[*].assessment"], True, "ZEROS"),
    ("unknown", ["quarters[0].assessment"], True, "SKIPPED"),
    ("not-assessed", ["quarters[1].assessment"], False, "SAID"),  # another quarter's
    ("not-assessed", [], False, "SAID"),
    ("assessed", ["quarters[0].assessment"], False, "SAID"),  # a score is never "inferred" away
])
def test_a_said_state_listed_under_inferred_is_an_inference(said, listed, inferred, why):
    from kpi_cli.core import assessment

    got = assessment_of(rows({"assessment": said}), 1, listed)
    assert (got.state, got.inferred, got.why) == (said, inferred, getattr(assessment, why))


def test_notes_are_for_inferred_states_only():
    from kpi_cli.core.assessment import FIGURES, SAID, ZEROS, Assessment, note_th

    assert note_th(Assessment(NOT_ASSESSED, None, False, SAID)) is None
    assert note_th(Assessment(ASSESSED, 1, True, FIGURES)) is None
    assert note_th(Assessment(NOT_ASSESSED, None, True, ZEROS)).endswith("(ข้อมูลประมาณการ)")


def test_a_figure_without_value_and_a_printed_ones_repr():
    assert shown(None) == "-" and shown(None, empty="") == ""
    assert repr(Printed("1.50")) == "Printed('1.50')"


@pytest.mark.parametrize("achieved, warned", [(100.5, True), (100.004, False)])
def test_achieved_half_a_point_from_the_latest_quarter_warns(tree, achieved, warned):
    tree(**{"0406_0001": indicator("0406-0001", ["quarter: 1, performance: 100.0, target: 80"],
                                   achieved=f"achieved: {achieved}\n", weight="weight: {percent: 100}\n")})
    assert ("ผลงานที่ทำได้ is" in kpi("validate").stdout) is warned


@pytest.mark.parametrize("said, warned", [("30.5", True), ("30.00", False)])
def test_a_narrative_half_a_point_from_its_row_warns(tree, said, warned):
    tree(**{"0406_0001": indicator("0406-0001", [f"quarter: 1, performance: 30, target: 80, report: คิดเป็นร้อยละ {said}"],
                                   weight="weight: {percent: 100}\n")})
    assert ("the report says ร้อยละ" in kpi("validate").stdout) is warned


@pytest.mark.parametrize("typed, fix", [
    ("2564-04-15", "write --date 2021-04-15"),
    # 2564 has a 29 February, 2021 has none: never suggest a day that does not exist
    ("2564-02-29", "the Common-Era year is 2021, which has no day 02-29: check the day and the month, "
                   "then write --date 2021-MM-DD"),
    ("2564-02-30", "the Common-Era year is 2021, which has no day 02-30"),
])
def test_a_buddhist_era_date_is_fixed_to_a_day_that_exists(typed, fix):
    from kpi_cli.core.stages import BadDate, parse_date

    with pytest.raises(BadDate) as refused:
        parse_date(typed)
    assert fix in refused.value.fix


@pytest.mark.parametrize("written, fix", [("2564-02-29", "which has no day 02-29"), ("2564-08-30", "write 2021-08-30")])
def test_validate_never_suggests_a_day_that_does_not_exist(tree, written, fix):
    text = indicator("0406-0001", ["quarter: 1, performance: 20, target: 25"], weight="weight: {percent: 100}\n")
    tree(**{"0406_0001": text + f"timeline:\n  - date: {written}\n    event: ประชุม\n"})
    result = runner.invoke(app, ["validate", "--format", "json"])
    found = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "date-be-year"]
    assert len(found) == 1 and fix in found[0]["fix"], found
