"""Scoring through `kpi score`: lower-is-better and capped percent rules, composite parts with
their own percent rules, amendments in force by date, the agency's official result, and the one
line that describes each rule.

Each test writes small indicator files into a throw-away indicators/ tree and reads the scores
from `kpi score --format json` (or the text the evaluators read). What the command line cannot
reach (an invalid file is never scored; some results are not printed) is checked on the results.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.core.i18n import set_language
from kpi_cli.core.model import Indicator
from kpi_cli.check.checked import open_indicator
from kpi_cli.scoring.compute import score_indicator, score_quarter
from scoring_helpers import INDICATORS, SEED, tree  # noqa: F401  (tree: the fixture)

runner = CliRunner()


def indicator(code: str, scoring: str, rows: list[str], *, weight: str = "weight: {percent: 10}\n",
              more: str = "") -> str:
    """The text of a small indicator of agency 0406, fiscal year 2564 (one flow mapping per row)."""
    return (f'code: "{code}"\nfiscal_year: 2564\nagency: "0406"\ntitle: ตัวชี้วัด {code}\ntype: routine\n'
            f"level: output\ntarget: {{value: 80, unit: ร้อยละ}}\n{weight}strategies: [\"7.5.1.1\"]\n"
            f"scoring:\n{scoring}quarters:\n" + "".join(f"  - {{{r}}}\n" for r in rows) + more)


@pytest.fixture(autouse=True)
def _language_from_the_environment():
    set_language(None)  # another test's `kpi --lang th` must not make these messages Thai
    yield
    set_language(None)


def kpi(*args: str):
    result = runner.invoke(app, [*args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.output
    return result


def score_json(*args: str) -> dict:
    return json.loads(kpi("score", *args, "--format", "json").stdout)


def scores(doc: dict) -> list:
    return [q["score"] for q in doc["quarters"]]


PERCENT_LOWER = "  method: percent\n  direction: lower\n  cumulative: false\n"


# --- percent rules ----------------------------------------------------------------------------

def test_lower_is_better_scores_target_over_performance(tree):
    tree(**{"0406_0001": indicator("0406-0001", PERCENT_LOWER, [
        "quarter: 1, performance: 8, target: 5",  # 5 / 8 = 62.5 %
        "quarter: 2, performance: 4, target: 5",  # better than the target: the cap
        "quarter: 3, performance: 0, target: 5",  # nothing at all: the best there is
        "quarter: 4, performance: 10, target: 5",
    ])})
    doc = score_json("0406-0001", "-q", "4")
    assert scores(doc) == [62.5, 100, 100, 50]
    assert [q["basis"] for q in doc["quarters"]] == ["reported"] * 4
    assert doc["cumulative"] is False and doc["score"] == 50


def test_the_cap_limits_a_percent_score_and_nothing_else(tree):
    tree(**{"0406_0001": indicator("0406-0001", PERCENT_LOWER + "  cap: 80\n", [
        "quarter: 1, performance: 8, target: 5",
        "quarter: 2, performance: 4, target: 5",
    ]), "0406_0002": indicator("0406-0002", "  method: percent\n  cap: 90\n", [
        "quarter: 1, performance: 45, target: 50",
        "quarter: 2, performance: 60, target: 50",
        "quarter: 3, performance: 60, target: 0",  # a target of 0 is met by anything
    ])})
    assert scores(score_json("0406-0001", "-q", "2")) == [62.5, 80]
    assert scores(score_json("0406-0002", "-q", "3")) == [90, 90, 90]


def test_higher_is_better_below_the_target(tree):
    tree(**{"0406_0001": indicator("0406-0001", "  method: percent\n", [
        "quarter: 1, performance: 30, target: 40",
        "quarter: 2, performance: 0, target: 40",
    ])})
    assert scores(score_json("0406-0001", "-q", "2")) == [75, 0]


# --- composite parts with their own rules --------------------------------------------------------

COMPOSITE = """\
  method: composite
  parts:
    - {key: p1, name: เวลาเฉลี่ยต่อคำร้อง, points: 40, target: 5,
       rule: {method: percent, direction: lower, cumulative: false, cap: 90}}
    - {key: p2, name: ความพึงพอใจ, points: 60, rule: {method: percent}}
"""


def test_composite_parts_score_by_their_own_percent_rule(tree):
    tree(**{"0406_0001": indicator("0406-0001", COMPOSITE, [
        "quarter: 1, parts: {p1: 8, p2: 85}",  # p1 5 / 8 = 62.5 % of 40 points; p2 85 % of 60 (target 100)
        "quarter: 2, target: 80, parts: {p1: 4, p2: 70}",  # p1 capped at 90 %
    ])})
    doc = score_json("0406-0001", "-q", "2")
    q1, q2 = doc["quarters"]
    assert [(p["key"], p["method"], p["target"], p["score"], p["earned"]) for p in q1["parts"]] == [
        ("p1", "percent", 5, 62.5, 25), ("p2", "percent", None, 85, 51)]
    assert (q1["computed_performance"], q1["basis"], q1["score"]) == (76, "computed", 76)  # no target: the sum
    assert [(p["score"], p["earned"]) for p in q2["parts"]] == [(90, 36), (70, 42)]
    assert (q2["computed_performance"], q2["score"]) == (78, 97.5)  # 78 of the target 80


def test_composite_text_lists_each_part_with_its_rule(tree):
    tree(**{"0406_0001": indicator("0406-0001", COMPOSITE, ["quarter: 1, parts: {p1: 8, p2: 85}"])})
    lines = kpi("score", "0406-0001", "-q", "1").stdout.splitlines()
    assert lines[2:5] == [
        "rule: composite: p1 (40 points) + p2 (60 points)",
        "      p1 เวลาเฉลี่ยต่อคำร้อง: percent of target, lower is better, per quarter, cap 90, target 5",
        "      p2 ความพึงพอใจ: percent of target, higher is better, cumulative, cap 100",
    ]


# --- the rule line -------------------------------------------------------------------------------

@pytest.mark.parametrize("scoring, line", [
    ("  method: percent\n", "rule: percent of target, higher is better, cumulative, cap 100"),
    (PERCENT_LOWER + "  cap: 95.5\n", "rule: percent of target, lower is better, per quarter, cap 95.5"),
    ("  method: levels\n  thresholds: [60, 70, 80, 90, 100]\n",
     "rule: levels 1-5 at 60 / 70 / 80 / 90 / 100, higher is better, interpolated"),
    ("  method: levels\n  direction: lower\n  thresholds: [10, 8, 6.5]\n",
     "rule: levels 1-3 at 10 / 8 / 6.5, lower is better, interpolated"),
], ids=["percent", "percent lower", "levels", "levels lower"])
def test_the_rule_is_described_in_one_line(tree, scoring, line):
    tree(**{"0406_0001": indicator("0406-0001", scoring, ["quarter: 1, performance: 70, target: 3"])})
    assert kpi("score", "0406-0001", "-q", "1").stdout.splitlines()[2] == line


def test_the_seed_rule_line_names_the_stage_points():
    out = kpi("score", str(SEED), "-q", "1").stdout
    assert out.splitlines()[2] == "rule: stage-points 30 / 10 / 10 / 30 / 20 (stages 1-5)"


def test_a_file_without_a_rule_says_so_and_scores_nothing(tree):
    tree(**{"0406_0001": indicator("0406-0001", "", ["quarter: 1, performance: 70, target: 80"]).replace(
        "scoring:\n", "")})
    result = kpi("score", "0406-0001", "-q", "1")
    assert result.stdout.splitlines()[2] == "rule: no scoring rule"
    doc = score_json("0406-0001", "-q", "1")
    assert doc["rule"] == {"method": None, "amendment": None}
    assert doc["quarters"][0]["no_score"] == "the file declares no scoring rule (`scoring:`)"


# --- amendments in force by date -------------------------------------------------------------------

def amendment(letter: str, **fields: str) -> str:
    extra = "".join(f", {k}: {v}" for k, v in fields.items())
    return f"  - {{kind: amendment, letter: {letter}, date: 2021-01-05{extra}}}\n"


ROWS = [f"quarter: {q}, performance: 80, target: 80" for q in (1, 2, 3, 4)]


def test_an_amendment_is_in_force_from_its_effective_date_not_its_decision(tree):
    tree(**{"0406_0001": indicator("0406-0001", "  method: percent\n", ROWS, more="amendments:\n" + amendment(
        "กท 0406/5000", outcome="accepted", decided="2021-03-15", effective="2021-07-01"))})
    refs = [q["rule"]["amendment"] for q in score_json("0406-0001", "-q", "4")["quarters"]]
    assert refs == [None, None, None, {"letter": "กท 0406/5000", "effective": "2021-07-01", "changes_scoring": False}]


def test_without_an_effective_date_the_decision_date_counts(tree):
    tree(**{"0406_0001": indicator("0406-0001", "  method: percent\n", ROWS, more="amendments:\n" + amendment(
        "กท 0406/5000", outcome="accepted", decided="2021-02-10"))})
    doc = score_json("0406-0001", "-q", "4")
    refs = [q["rule"]["amendment"] for q in doc["quarters"]]
    in_force = {"letter": "กท 0406/5000", "effective": "2021-02-10", "changes_scoring": False}
    assert refs == [None, in_force, in_force, in_force]


@pytest.mark.parametrize("fields", [{"outcome": "rejected", "decided": "2021-02-10"},
                                    {"outcome": "pending"},
                                    {"outcome": "accepted"}], ids=["rejected", "pending", "undated"])
def test_an_amendment_not_accepted_or_undated_is_never_in_force(tree, fields):
    tree(**{"0406_0001": indicator("0406-0001", "  method: percent\n", ROWS,
                                   more="amendments:\n" + amendment("กท 0406/5000", **fields))})
    assert [q["rule"]["amendment"] for q in score_json("0406-0001", "-q", "4")["quarters"]] == [None] * 4


def test_the_latest_amendment_in_force_is_named(tree):
    tree(**{"0406_0001": indicator("0406-0001", "  method: percent\n", ROWS, more="amendments:\n"
                                   + amendment("กท 0406/6000", outcome="accepted", effective="2021-05-01")
                                   + amendment("กท 0406/5000", outcome="accepted", effective="2021-02-01"))})
    letters = [(q["rule"]["amendment"] or {}).get("letter") for q in score_json("0406-0001", "-q", "4")["quarters"]]
    assert letters == [None, "กท 0406/5000", "กท 0406/6000", "กท 0406/6000"]


def test_the_rule_names_its_amendment():
    seed = open_indicator(SEED).model
    labels = [q.rule.label() for q in score_indicator(seed, 4).quarters]
    assert labels == ["stage-points"] * 3 + ["stage-points (criteria amended by กท 0406/3937 from 2021-07-20)"]
    levels = score_indicator(open_indicator(INDICATORS / "2564" / "0100-0208.yaml").model, 4)
    assert [q.rule.label() for q in levels.quarters][1:] == [
        "levels", "levels (scoring amended by กท 0100/1582 from 2021-05-14)",
        "levels (scoring amended by กท 0100/1582 from 2021-05-14)"]


# --- results the command line does not print ------------------------------------------------------

def _model(scoring: dict | None, rows: list[dict]) -> Indicator:
    return Indicator.model_validate({
        "code": "0406-0001", "fiscal_year": 2564, "agency": "0406", "title": "t", "type": "routine",
        "level": "output", "target": {"value": 80, "unit": "ร้อยละ"}, "scoring": scoring, "quarters": rows})


def test_a_percent_quarter_without_a_target_has_no_score_and_says_why():
    # `kpi validate` refuses such a file; the scores say why all the same
    q = score_quarter(_model({"method": "percent"}, [{"quarter": 1, "performance": 50}]), 1)
    assert (q.score, q.basis, q.no_score) == (None, "reported", "no target for this quarter")
    assert q.reason == "no target for this quarter; no official score on record"
    assert q.rule.label() == "percent"


def test_without_a_rule_the_label_says_so():
    q = score_quarter(_model(None, [{"quarter": 1, "performance": 50, "target": 50}]), 1)
    assert (q.rule.label(), q.score) == ("no rule", None)


def test_the_level_of_the_asked_quarter():
    levels = score_indicator(open_indicator(INDICATORS / "2564" / "0100-0208.yaml").model, 2)
    assert levels.level == levels.quarters[-1].level and round(levels.level, 2) == 3.46
    assert score_indicator(open_indicator(SEED).model, 4).level is None


# --- an agency's weighted result -------------------------------------------------------------------

def test_the_official_result_counts_assessed_weighted_indicators_only(tree):
    tree(**{
        "0406_0001": indicator("0406-0001", "  method: percent\n",
                               ["quarter: 1, performance: 50, target: 50, assessed: 90, sub_scores: [90, 100]"]),
        # not assessed (0 / 0): in the computed result, not in the official one
        "0406_0002": indicator("0406-0002", "  method: percent\n",
                               ["quarter: 1, performance: 25, target: 50, assessed: 0, sub_scores: [0, 0]"],
                               weight="weight: {percent: 30}\n"),
        # no weight: in neither
        "0406_0003": indicator("0406-0003", "  method: percent\n",
                               ["quarter: 1, performance: 50, target: 50, assessed: 50, sub_scores: [50, 50]"],
                               weight=""),
        # no official score yet
        "0406_0004": indicator("0406-0004", "  method: percent\n", ["quarter: 1, performance: 40, target: 50"],
                               weight="weight: {percent: 20}\n"),
    })
    doc = score_json("--agency", "0406", "-q", "1")
    assert [(i["code"], i["weight"], i["score"], i["weighted"], i["assessed"], i["not_assessed"])
            for i in doc["indicators"]] == [
        ("0406-0001", 10, 100, 10, 90, False),
        ("0406-0002", 30, 50, 15, 0, True),
        ("0406-0004", 20, 80, 16, None, True)]
    assert [(i["code"], i["missing"]) for i in doc["without_data"]] == [
        ("0406-0003", "no weight (`weight: {percent: …}`)")]
    assert doc["weights_total"] == 60
    assert doc["score"] == pytest.approx(68.33, abs=0.005)  # (10 × 100 + 30 × 50 + 20 × 80) / 60
    assert doc["official_score"] == 90  # 0406-0001 alone


def test_an_agency_without_official_scores_says_so(tree):
    tree(**{"0406_0001": indicator("0406-0001", "  method: percent\n", ["quarter: 1, performance: 40, target: 50"])})
    doc = score_json("--agency", "0406", "-q", "1")
    assert (doc["score"], doc["official_score"]) == (80, None)
    text = kpi("score", "--agency", "0406", "-q", "1").stdout
    assert text.rstrip().splitlines()[-3:] == [
        "ผลรวมถ่วงน้ำหนัก ไตรมาส 1 (weighted result): 80.00 over 1 indicator(s), "
        "weights 10% · ผลประเมิน (official): none (no indicator has an official score)",
        "coverage: the computed total covers 10% of weight, the official total 0%; the files declare 10% "
        "(a performance agreement sums to 100%)",
        "like with like: no indicator has both a computed and an official score"]


# --- edges of the formulas, through the files --------------------------------------------------------

def test_small_figures_are_scored_by_the_formula_not_the_edge_cases(tree):
    tree(**{"0406_0001": indicator("0406-0001", PERCENT_LOWER, [
        "quarter: 1, performance: 1, target: 0.5",  # lower is better: 0.5 / 1 = 50 %
        "quarter: 2, performance: 0.5, target: 0.5",
    ]), "0406_0002": indicator("0406-0002", "  method: percent\n  cumulative: false\n", [
        "quarter: 1, performance: 0.4, target: 0.8",  # higher is better: 50 %
    ])})
    assert scores(score_json("0406-0001", "-q", "2")) == [50, 100]
    assert scores(score_json("0406-0002", "-q", "1")) == [50]


LEVELS = "  method: levels\n  thresholds: [60, 70, 80, 90, 100]\n"


@pytest.mark.parametrize("row, score, level", [
    ("performance: 50", 0, 0),  # short of level 1: no level, no score
    ("performance: 85", 70, 3.5),  # no target: the top level is the goal
    ("performance: 60, target: 1", 100, 1),  # the target level reached
    ("performance: 85, target: 4", 87.5, 3.5),
    ("performance: 85, target: 5", 70, 3.5),
], ids=["below level 1", "no target", "target 1", "target 4", "target 5"])
def test_a_level_scores_against_the_target_level(tree, row, score, level):
    tree(**{"0406_0001": indicator("0406-0001", LEVELS, [f"quarter: 1, {row}"])})
    q = score_json("0406-0001", "-q", "1")["quarters"][0]
    assert (q["score"], q["level"]) == (score, level)


def test_a_figure_that_differs_at_the_second_decimal_differs(tree):
    tree(**{"0406_0001": indicator("0406-0001", "  method: percent\n", [
        "quarter: 1, counts: {done: 3, total: 4}, performance: 75.5, target: 75",
        "quarter: 2, counts: {done: 3, total: 4}, performance: 75.004, target: 75, assessed: 99.5, "
        "sub_scores: [99.5, 100]",
    ])})
    q1, q2 = score_json("0406-0001", "-q", "2")["quarters"]
    assert (q1["computed_performance"], q1["differs"]) == (75, True)
    assert q1["reason"] == "no official score on record; computed performance 75.00 differs from the reported 75.5"
    assert (q2["differs"], q2["reason"]) == (True, "the official 99.5 is a partial score; the rule computes 100.00")


def test_a_zero_official_score_with_a_sub_score_is_an_assessment(tree):
    tree(**{"0406_0001": indicator("0406-0001", "  method: percent\n", [
        "quarter: 1, performance: 50, target: 50, assessed: 0, sub_scores: [5, 0]",
        "quarter: 2, performance: 50, target: 50, assessed: 0, sub_scores: [0, 0]",
    ])})
    q1, q2 = score_json("0406-0001", "-q", "2")["quarters"]
    assert (q1["not_assessed"], q1["differs"]) == (False, True)
    assert q1["reason"] == "computed score 100.00 differs from the official 0"
    assert (q2["not_assessed"], q2["reason"]) == (True, "not assessed (inferred: 0 and 0 / 0, nothing says otherwise)")


def test_an_amendment_effective_on_the_last_day_of_a_quarter_rules_that_quarter(tree):
    tree(**{"0406_0001": indicator("0406-0001", "  method: percent\n", ROWS, more="amendments:\n" + amendment(
        "กท 0406/5000", outcome="accepted", effective="2021-03-31"))})
    letters = [(q["rule"]["amendment"] or {}).get("letter") for q in score_json("0406-0001", "-q", "4")["quarters"]]
    assert letters == [None, "กท 0406/5000", "กท 0406/5000", "กท 0406/5000"]


# --- composite rules: parts scored by stage points, and the reported total ----------------------------

IDEAS = "".join(f"    - {{id: {i}, title: ความคิดเห็นที่ {i}}}\n" for i in range(1, 11))
STAGE_PARTS = """\
  method: composite
  parts:
    - {key: p1, name: นวัตกรรม, points: 50, rule: {method: stage-points, points: [20, 20, 20, 20, 20]}}
    - {key: p2, name: ความพึงพอใจ, points: 50, target: 80, rule: {method: percent}}
"""


def test_a_stage_points_part_counts_the_stages_done_not_the_figure_written(tree):
    innovation = ("innovation:\n  ideas:\n" + IDEAS + "  selected_idea: 1\n  stages:\n"
                  "    - {stage: 1, completed: 2020-12-20}\n    - {stage: 2, completed: 2021-01-15}\n")
    tree(**{"0406_0001": indicator("0406-0001", STAGE_PARTS, [
        "quarter: 1, parts: {p1: 99, p2: 80}", "quarter: 2, parts: {p1: 99, p2: 40}"], more=innovation)})
    q1, q2 = score_json("0406-0001", "-q", "2")["quarters"]
    # Q1: stage 1 done by 31 December (20 of 100 points); Q2: stages 1 and 2 (40)
    assert [(p["performance"], p["score"], p["earned"]) for p in q1["parts"]] == [(20, 20, 10), (80, 100, 50)]
    assert [(p["performance"], p["earned"]) for p in q2["parts"]] == [(40, 20), (40, 25)]
    assert (q1["computed_performance"], q2["computed_performance"]) == (60, 45)


def test_a_composite_quarter_without_part_figures_scores_its_reported_total(tree):
    tree(**{"0406_0001": indicator("0406-0001", COMPOSITE, ["quarter: 1, performance: 0.5"])})
    q = score_json("0406-0001", "-q", "1")["quarters"][0]
    assert (q["computed_performance"], q["basis"], q["score"]) == (None, "reported", 0.5)
    assert q["reason"] == "no official score on record; no figure for part(s) p1, p2: the reported total is scored"


def test_a_stage_points_rule_without_its_record_computes_nothing():
    # `kpi validate` refuses such a file; the scores fall back on the reported figure all the same
    q = score_quarter(_model({"method": "stage-points", "points": [30, 10, 10, 30, 20]},
                             [{"quarter": 1, "performance": 30, "target": 30}]), 1)
    assert (q.computed_performance, q.basis, q.score) == (None, "reported", 100)


# --- quarters without a row, weights at their edges, unusable files --------------------------------------

def test_a_quarter_without_a_row_says_so_unless_the_stages_score_it(tree):
    innovation = ("innovation:\n  ideas:\n" + IDEAS + "  selected_idea: 1\n  stages:\n"
                  "    - {stage: 1, completed: 2020-12-20}\n    - {stage: 2, completed: 2021-01-15}\n")
    tree(**{"0406_0001": indicator("0406-0001", "  method: percent\n", ["quarter: 1, performance: 40, target: 50"]),
            "0406_0002": indicator("0406-0002", "  method: composite\n  parts:\n    - {key: p1, name: นวัตกรรม, "
                                   "points: 100, rule: {method: stage-points, points: [20, 20, 20, 20, 20]}}\n",
                                   ["quarter: 1, parts: {p1: 20}"], more=innovation)})
    q2 = score_json("0406-0001", "-q", "2")["quarters"][1]
    assert (q2["score"], q2["no_score"], q2["audited"], q2["not_assessed"]) == (
        None, "no row for quarter 2 in the file", False, True)
    assert q2["reason"] == "no row for quarter 2 in the file; no official score on record"
    staged = score_json("0406-0002", "-q", "2")["quarters"][1]
    assert (staged["computed_performance"], staged["score"], staged["no_score"], staged["audited"]) == (
        40, 40, None, False)


@pytest.mark.parametrize("weights, score", [
    (["0"], None),  # no weight to share: no result
    (["1"], 80),
    (["0", "1"], 80),
])
def test_an_agency_result_needs_a_weight_above_zero(tree, weights, score):
    tree(**{f"0406_000{i}": indicator(f"0406-000{i}", "  method: percent\n", ["quarter: 1, performance: 40, target: 50"],
                                      weight=f"weight: {{percent: {w}}}\n") for i, w in enumerate(weights, 1)})
    doc = score_json("--agency", "0406", "-q", "1")
    assert (doc["score"], doc["weights_total"]) == (score, sum(float(w) for w in weights))


def test_an_invalid_file_shows_as_without_data_and_not_assessed(tree):
    tree(**{"0406_0001": indicator("0406-0001", "  method: percent\n", ["quarter: 1, performance: 40, target: 50"]),
            "0406_0002": indicator("0406-0002", "  method: percent\n", ["quarter: 9, performance: 40, target: 50"])})
    result = runner.invoke(app, ["score", "--agency", "0406", "-q", "1", "--format", "json"])
    assert result.exit_code == 1  # the agency's result leaves a file out: not the agency's result
    (item,) = json.loads(result.stdout)["without_data"]
    assert (item["code"], item["weight"], item["score"], item["not_assessed"]) == ("0406-0002", None, None, True)
    assert item["missing"].startswith("invalid file: ")


def test_only_quarters_1_to_4_are_scored():
    with pytest.raises(ValueError, match="^quarter must be 1-4, not 5$"):
        score_indicator(open_indicator(SEED).model, 5)
