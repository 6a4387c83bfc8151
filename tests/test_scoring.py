"""Scoring: the seed's figures come from its file through the rules; the rules keep their promises.

The seed page shows performance 30 / 50 / 80 / 100 and official scores 100, 0 (0 / 0, not
assessed), 100, 100. Nothing below is a constant the code could echo: every figure is read from a
file, and the tests that edit a copy of the file see the output follow.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_cli.core.model import Indicator
from kpi_cli.check.checked import open_indicator
from kpi_cli.check.rules import load_all
from kpi_cli.scoring.compute import agency_score, default_quarter, level_of, level_score, ratio_score, rule_in_force, score_indicator, score_quarter
from kpi_cli.check.pipeline import validate
from scoring_helpers import INDICATORS, SEED, copy_tree, edit

load_all()


def load(path: Path) -> Indicator:
    return open_indicator(path).model


def example(code: str) -> Indicator:
    return load(INDICATORS / "2564" / f"{code}.yaml")


@pytest.fixture(scope="module")
def seed() -> Indicator:
    return load(SEED)


def column(result, name):
    return [getattr(q, name) for q in result.quarters]


# --- the seed, through its rule -----------------------------------------------------------

def test_seed_reported_performance_is_the_page(seed):
    assert column(score_indicator(seed, 4), "reported") == [30, 50, 80, 100]


def test_seed_official_figures_with_sub_scores(seed):
    result = score_indicator(seed, 4)
    assert column(result, "assessed") == [100, 0, 100, 100]
    assert column(result, "sub_scores") == [(100, 100), (0, 0), (100, 100), (100, 100)]
    assert column(result, "not_assessed") == [False, True, False, False]
    assert column(result, "audited") == [True, False, False, False]


def test_seed_computed_beside_the_official(seed):
    result = score_indicator(seed, 4)
    # stage points [30, 10, 10, 30, 20] of the stages done by each quarter's end
    assert column(result, "computed_performance") == [30, 50, 80, 100]
    assert column(result, "basis") == ["computed"] * 4
    assert column(result, "score") == [100, 100, 100, 100]
    assert column(result, "target") == [30, 50, 80, 100]


def test_seed_quarter_2_has_no_official_score_and_says_why(seed):
    q2 = score_indicator(seed, 4).quarters[1]
    # 0 and 0 / 0 while quarters 3 and 4 have scores: skipped or not yet entered, which kpi infers
    assert q2.not_assessed and q2.official is None and not q2.differs
    assert (q2.assessment.state, q2.assessment.inferred) == ("unknown", True)
    assert q2.reason == "no official score: skipped or not yet entered (inferred)"
    assert q2.reason_source == "generated"
    assert [q.differs for q in score_indicator(seed, 4).quarters] == [False, False, False, False]


def test_seed_quarter_4_scores_100(seed):
    result = score_indicator(seed, 4)
    assert result.score == 100
    assert result.quarter == 4 and len(result.quarters) == 4
    assert score_indicator(seed, 2).score == 100 and len(score_indicator(seed, 2).quarters) == 2


def test_seed_amendment_in_force_from_its_date(seed):
    refs = [q.rule for q in score_indicator(seed, 4).quarters]
    assert [r.method for r in refs] == ["stage-points"] * 4
    assert [r.amendment for r in refs] == [None, None, None, "กท 0406/3937"]  # effective 20 Jul 2564
    assert refs[3].changes_scoring is False


# --- edit a copy: the output follows the file ---------------------------------------------

@pytest.fixture
def seed_copy(tmp_path) -> Path:
    return copy_tree(tmp_path, "0406-0772") / "2564" / "0406-0772.yaml"


def test_edited_points_change_computed_performance_and_score(seed_copy):
    edit(seed_copy, "points: [30, 10, 10, 30, 20]", "points: [20, 20, 10, 30, 20]")
    result = score_indicator(load(seed_copy), 4)
    q1 = result.quarters[0]
    assert q1.computed_performance == 20 and q1.reported == 30
    assert q1.score == pytest.approx(66.67, abs=0.01)
    assert q1.differs and "computed performance 20.00 differs from the reported 30.00" in q1.reason
    assert result.quarters[1].computed_performance == 50  # 20 + 20 + 10


def test_edited_report_changes_reported_only(seed_copy):
    edit(seed_copy, "performance: 80.00", "performance: 75.00")
    q3 = score_indicator(load(seed_copy), 3).current
    assert (q3.reported, q3.computed_performance, q3.score) == (75, 80, 100)
    assert q3.differs and q3.reason_source == "generated"


def test_edited_stage_date_moves_points_to_a_later_quarter(seed_copy):
    edit(seed_copy, "completed: 2021-04-09", "completed: 2021-07-09")
    q3 = score_indicator(load(seed_copy), 3).current
    assert q3.computed_performance == 50 and q3.score == pytest.approx(62.5)


def test_a_file_reason_stands_before_the_generated_one(seed_copy):
    edit(seed_copy, "    sub_scores: [0, 0]           #", "    difference_reason: สยป. ข้ามไตรมาสที่ 2\n    sub_scores: [0, 0]           #")
    q2 = score_indicator(load(seed_copy), 2).current
    assert q2.reason == "สยป. ข้ามไตรมาสที่ 2" and q2.reason_source == "file"


def test_edited_official_score_is_marked_as_differing(seed_copy):
    edit(seed_copy, "    assessed: 100\n    sub_scores: [100, 100]\n    report: |-\n      สำนักงานปกครองและทะเบียน สามารถ",
         "    assessed: 95\n    sub_scores: [95, 100]\n    report: |-\n      สำนักงานปกครองและทะเบียน สามารถ")
    q3 = score_indicator(load(seed_copy), 3).current
    assert q3.assessed == 95 and q3.sub_scores == (95, 100) and not q3.not_assessed
    assert q3.differs and q3.reason == "the official 95 is a partial score; the rule computes 100.00"


def test_an_amendment_with_a_rule_applies_from_its_effective_date(seed_copy):
    edit(seed_copy, "    effective: 2021-07-20\n",
         "    effective: 2021-07-20\n    scoring:\n      method: stage-points\n      points: [10, 10, 10, 50, 20]\n")
    result = score_indicator(load(seed_copy), 4)
    assert [q.computed_performance for q in result.quarters] == [30, 50, 80, 100]  # Q4: 10+10+10+50+20
    assert result.quarters[3].rule.changes_scoring and result.quarters[2].rule.amendment is None
    edit(seed_copy, "points: [10, 10, 10, 50, 20]", "points: [10, 10, 10, 40, 30]")
    assert score_indicator(load(seed_copy), 4).current.computed_performance == 100
    assert score_indicator(load(seed_copy), 3).current.computed_performance == 80  # before: the old rule


# --- the example indicators exercise every rule ---------------------------------------------

def test_percent_per_quarter_from_counts():
    result = score_indicator(example("5001-0315"), 4)
    assert result.cumulative is False
    assert column(result, "computed_performance") == [96.88, 93.66, 97.94, 94.78]
    assert column(result, "score") == [100, pytest.approx(98.59, abs=0.01), 100, pytest.approx(99.77, abs=0.01)]
    q2, q4 = result.quarters[1], result.quarters[3]
    assert q2.differs and q2.assessed == 95 and q2.reason_source == "file"
    assert q4.not_assessed and q4.reason == "not assessed (inferred: 0 and 0 / 0, nothing says otherwise)"


def test_percent_cumulative_against_80_percent_of_the_estimate():
    result = score_indicator(example("0700-0412"), 4)
    assert result.cumulative is True
    assert column(result, "target") == [5, 15, 45, 80]
    assert column(result, "score") == [pytest.approx(63.6), pytest.approx(80.13, abs=0.01), 100, 100]
    assert not any(column(result, "differs"))


def test_levels_interpolate_and_follow_the_amended_thresholds():
    ind = example("0100-0208")
    result = score_indicator(ind, 4)
    levels = [round(q.level, 2) for q in result.quarters]
    assert levels == [3.48, 3.46, 4.55, 5.0]  # Q3, Q4: thresholds 50..90 from 14 May 2564
    assert [q.rule.changes_scoring for q in result.quarters] == [False, False, True, True]
    assert column(result, "score") == [100, pytest.approx(86.55), pytest.approx(90.96), 100]
    assert rule_in_force(ind, 2)[0].thresholds == [60, 70, 80, 90, 100]


def test_composite_sums_the_parts_points():
    result = score_indicator(example("5001-0322"), 4)
    q1 = result.quarters[0]
    assert [p.key for p in q1.parts] == ["p1", "p2", "p3"]
    assert [round(p.earned, 2) for p in q1.parts] == [9.6, 13.12, 22.8]
    assert q1.parts[2].level == pytest.approx(3.8)
    assert column(result, "computed_performance") == [45.53, 63.3, 79.7, 93.8]
    assert column(result, "score") == [100, 100, pytest.approx(99.63, abs=0.01), pytest.approx(93.8)]
    assert result.quarters[2].differs and result.quarters[3].not_assessed and result.quarters[3].assessed is None


def test_composite_with_a_missing_part_falls_back_to_the_reported_total(tmp_path):
    path = copy_tree(tmp_path, "5001-0322") / "2564" / "5001-0322.yaml"
    edit(path, "parts: {p1: 2.4, p2: 35, p3: 88}", "parts: {p1: 2.4, p2: 35}")
    q1 = score_indicator(load(path), 1).current
    assert q1.computed_performance is None and q1.basis == "reported" and q1.score == 100
    assert q1.parts[2].score is None and "no figure for part(s) p3" in q1.reason


def test_the_shipped_tree_is_valid_and_every_example_is_marked():
    result = validate([INDICATORS])
    assert result.errors == 0, [str(p) for p in result.problems]
    for path in (INDICATORS / "2564").glob("*.yaml"):
        ind = load(path)
        if path.stem != "0406-0772":
            assert ind.example, path
            assert "ILLUSTRATIVE EXAMPLE" in path.read_text(encoding="utf-8").split("\ncode:")[0]
    methods = {load(p).scoring.method for p in (INDICATORS / "2564").glob("*.yaml")}
    assert methods == {"stage-points", "percent", "levels", "composite"}


# --- an agency's weighted result ------------------------------------------------------------

def test_agency_weighted_result_lists_indicators_without_data():
    inds = [load(p) for p in sorted((INDICATORS / "2564").glob("*.yaml"))]
    q3 = agency_score(inds, "0406", 2564, 3)
    assert [i.code for i in q3.counted] == ["0406-0772", "0406-0773"]
    assert q3.score == pytest.approx((10 * 100 + 15 * 95) / 25)
    q4 = agency_score(inds, "0406", 2564, 4, [("0406-0999", "invalid file")])
    assert [i.code for i in q4.counted] == ["0406-0772"] and q4.score == 100
    assert [(i.code, i.missing) for i in q4.without_data] == [
        ("0406-0773", "no performance reported"), ("0406-0999", "invalid file")]
    assert agency_score(inds, "9999", 2564, 4).score is None


def test_agency_without_weight_is_listed(tmp_path):
    root = copy_tree(tmp_path, "0406-0772", "0406-0773")
    edit(root / "2564" / "0406-0773.yaml", "weight:\n  percent: 15\n", "")
    inds = [load(p) for p in sorted((root / "2564").glob("*.yaml"))]
    result = agency_score(inds, "0406", 2564, 3)
    assert [i.code for i in result.without_data] == ["0406-0773"]
    assert "no weight" in result.without_data[0].missing


# --- which quarter when none is asked -------------------------------------------------------

@pytest.mark.parametrize("today, year, expected", [
    (dt.date(2021, 4, 15), 2564, 3),
    (dt.date(2020, 10, 1), 2564, 1),
    (dt.date(2021, 9, 30), 2564, 4),
    (dt.date(2026, 11, 25), 2564, 4),  # the year has ended
    (dt.date(2019, 1, 1), 2564, 1),  # not begun
])
def test_default_quarter(today, year, expected):
    quarter, why = default_quarter(year, today)
    assert quarter == expected and f"quarter {expected}" in why


# --- the JSON shape is pinned -----------------------------------------------------------------

# version 1 only ever adds keys (docs/scoring.md); the printed forms, the assessment state, the
# official-only flag and the agency's coverage were added with issue 13
INDICATOR_KEYS = ["version", "kind", "code", "fiscal_year", "agency", "title", "unit", "weight", "example",
                  "cumulative", "official_only", "quarter", "rule", "target", "reported", "computed_performance",
                  "score", "level", "assessed", "official", "printed", "assessment", "not_assessed", "differs",
                  "reason", "quarters"]
QUARTER_KEYS = ["quarter", "start", "end", "target", "reported", "computed_performance", "basis", "score",
                "level", "assessed", "sub_scores", "official", "not_assessed", "assessment", "assessment_inferred",
                "audited", "printed", "differs", "reason", "reason_source", "no_score", "rule", "parts"]
PART_KEYS = ["key", "name", "points", "method", "performance", "target", "score", "level", "earned"]
AGENCY_KEYS = ["version", "kind", "agency", "name", "fiscal_year", "quarter", "score", "official_score",
               "weights_total", "coverage", "same_indicators", "indicators", "without_data"]
AGENCY_ITEM_KEYS = ["code", "title", "weight", "score", "weighted", "assessed", "official", "official_printed",
                    "not_assessed", "missing"]


def test_json_shape_is_pinned(seed):
    doc = json.loads(json.dumps(score_indicator(seed, 4).to_dict(), ensure_ascii=False))
    assert list(doc) == INDICATOR_KEYS
    assert doc["version"] == 1 and doc["kind"] == "indicator"
    assert [list(q) for q in doc["quarters"]] == [QUARTER_KEYS] * 4
    assert doc["rule"] == {"method": "stage-points", "amendment": {
        "letter": "กท 0406/3937", "effective": "2021-07-20", "changes_scoring": False}}
    q2 = doc["quarters"][1]
    assert q2 | {"reason": None} == {
        "quarter": 2, "start": "2021-01-01", "end": "2021-03-31", "target": 50, "reported": 50,
        "computed_performance": 50, "basis": "computed", "score": 100, "level": None, "assessed": 0,
        "sub_scores": [0, 0], "official": None, "not_assessed": True, "assessment": "unknown",
        "assessment_inferred": True, "audited": False,
        "printed": {"target": "50", "reported": "50.00", "assessed": "0", "sub_scores": ["0", "0"], "audit": None},
        "differs": False, "reason": None, "reason_source": "generated", "no_score": None,
        "rule": {"method": "stage-points", "amendment": None}, "parts": []}
    parts = score_indicator(example("5001-0322"), 1).to_dict()["quarters"][0]["parts"]
    assert [list(p) for p in parts] == [PART_KEYS] * 3
    inds = [load(p) for p in sorted((INDICATORS / "2564").glob("*.yaml"))]
    agency = agency_score(inds, "0406", 2564, 4).to_dict()
    assert list(agency) == AGENCY_KEYS
    assert [list(i) for i in agency["indicators"] + agency["without_data"]] == [AGENCY_ITEM_KEYS] * 2


# --- properties of the formulas ---------------------------------------------------------------

figures = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
targets = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
caps = st.floats(min_value=1, max_value=100, allow_nan=False)
directions = st.sampled_from(["higher", "lower"])


@st.composite
def thresholds(draw, direction="higher"):
    first = draw(st.floats(min_value=-1000, max_value=1000, allow_nan=False))
    steps = draw(st.lists(st.floats(min_value=0.01, max_value=100, allow_nan=False), min_size=1, max_size=6))
    th = [first]
    for step in steps:
        th.append(th[-1] + step)
    th = [t for i, t in enumerate(th) if i == 0 or t > th[i - 1]]  # float steps that vanish
    return th if direction == "higher" else list(reversed(th))


@given(figures, targets, directions, caps)
def test_percent_scores_stay_within_the_scale(perf, target, direction, cap):
    assert 0 <= ratio_score(perf, target, direction=direction, cap=cap) <= cap


@given(figures, figures, targets)
def test_percent_higher_is_monotone(a, b, target):
    lo, hi = sorted((a, b))
    assert ratio_score(lo, target) <= ratio_score(hi, target)


@given(figures, figures, targets)
def test_percent_lower_is_antitone(a, b, target):
    lo, hi = sorted((a, b))
    assert ratio_score(lo, target, direction="lower") >= ratio_score(hi, target, direction="lower")


@given(thresholds(), st.floats(min_value=-1e4, max_value=1e4, allow_nan=False),
       st.one_of(st.none(), st.floats(min_value=0.5, max_value=6)))
def test_levels_stay_within_the_scale(th, result, target):
    level = level_of(result, th)
    assert 0 <= level <= len(th)
    assert 0 <= level_score(level, len(th), target) <= 100


@given(thresholds(), st.floats(min_value=-1e4, max_value=1e4, allow_nan=False),
       st.floats(min_value=-1e4, max_value=1e4, allow_nan=False))
def test_levels_higher_is_monotone(th, a, b):
    lo, hi = sorted((a, b))
    assert level_of(lo, th) <= level_of(hi, th)
    assert level_score(level_of(lo, th), len(th)) <= level_score(level_of(hi, th), len(th))


@given(thresholds())
def test_interpolation_is_exact_at_the_thresholds(th):
    assert [level_of(t, th) for t in th] == [float(i + 1) for i in range(len(th))]


@given(thresholds("lower"))
def test_lower_is_better_levels_are_exact_at_the_thresholds(th):
    assert [level_of(t, th, "lower") for t in th] == [float(i + 1) for i in range(len(th))]


def test_levels_as_thai_practice():
    th = [60, 70, 80, 90, 100]
    assert level_of(85, th) == 3.5
    assert [level_of(t, th) for t in th] == [1, 2, 3, 4, 5]
    assert level_of(59.99, th) == 0  # below level 1: no level reached
    assert level_of(120, th) == 5
    assert level_score(3.5, 5) == 70 and level_score(3.5, 5, target=3) == 100
    assert level_of(3, [10, 8, 6, 4, 2], "lower") == 4.5


def _indicator(rule: dict, rows: list[dict], **extra) -> Indicator:
    return Indicator.model_validate({
        "code": "0700-0001", "fiscal_year": 2564, "agency": "0700", "title": "t", "type": "routine",
        "level": "output", "target": {"value": 100, "unit": "ร้อยละ"}, "scoring": rule,
        "quarters": rows, **extra})


@settings(max_examples=60)
@given(st.lists(st.tuples(figures, st.floats(min_value=0.1, max_value=1e4)), min_size=4, max_size=4),
       directions, st.booleans())
def test_every_quarter_of_a_percent_indicator_scores_within_the_scale(rows, direction, cumulative):
    ind = _indicator({"method": "percent", "direction": direction, "cumulative": cumulative},
                     [{"quarter": q + 1, "performance": p, "target": t} for q, (p, t) in enumerate(rows)])
    for q in score_indicator(ind, 4).quarters:
        assert 0 <= q.score <= 100


@settings(max_examples=60)
@given(st.lists(figures, min_size=3, max_size=3), st.floats(min_value=1, max_value=200))
def test_composite_scores_within_the_scale_and_monotone(parts, bump):
    rule = {"method": "composite", "parts": [
        {"key": "a", "name": "A", "points": 50, "target": 80, "rule": {"method": "percent"}},
        {"key": "b", "name": "B", "points": 20, "rule": {"method": "percent", "direction": "lower"}, "target": 5},
        {"key": "c", "name": "C", "points": 30, "rule": {"method": "levels", "thresholds": [60, 70, 80, 90, 100]}}]}
    row = {"quarter": 1, "parts": dict(zip("abc", parts))}
    q = score_quarter(_indicator(rule, [row]), 1)
    assert 0 <= q.computed_performance <= 100 and 0 <= q.score <= 100
    better = score_quarter(_indicator(rule, [{**row, "parts": {**row["parts"], "a": parts[0] + bump}}]), 1)
    assert better.score >= q.score


# --- rules that cannot be applied are validate errors, not crashes -------------------------

BROKEN = [
    ("thresholds: [60, 70, 80, 90, 100]   # levels 1-5", "thresholds: [60, 80, 70, 90, 100]", "not strictly increasing"),
    ("    target: 3\n", "    target: 80\n", "is not a level"),
    ("  thresholds: [60, 70, 80, 90, 100]   # levels 1-5", "  thresholds: [60, 70, 80, 90, 100]\n  cap: 10", "cap"),
    ("  method: levels\n  direction: higher\n  thresholds: [60, 70, 80, 90, 100]   # levels 1-5",
     "  method: average\n  thresholds: [60, 70, 80, 90, 100]", "unknown scoring method 'average'"),
    ("    performance: 84.78\n", "    performance: .nan\n", "nan is not a usable figure"),  # rule out-of-range
    ("    thresholds: [50, 60, 70, 80, 90]", "    thresholds: [90, 80, 70, 60, 50]", "not strictly increasing"),
    ("    effective: 2021-05-14\n", "", "needs the date"),
]


@pytest.mark.parametrize("old, new, message", BROKEN, ids=[b[2] for b in BROKEN])
def test_a_rule_that_cannot_be_applied_is_a_validate_error(tmp_path, old, new, message):
    path = copy_tree(tmp_path, "0100-0208") / "2564" / "0100-0208.yaml"
    edit(path, old, new)
    problems = validate([path]).problems
    assert any(p.is_error and message in p.message for p in problems), [str(p) for p in problems]


def test_composite_rule_checks(tmp_path):
    path = copy_tree(tmp_path, "5001-0322") / "2564" / "5001-0322.yaml"
    edit(path, "      points: 40\n", "      points: 30\n")
    edit(path, "parts: {p1: 2.4, p2: 35, p3: 88}", "parts: {p1: 2.4, p2: 35, p9: 88}")
    messages = [p.message for p in validate([path]).problems]
    assert any("add up to 90, not 100" in m for m in messages)
    assert any("part 'p9' is not a part" in m for m in messages)


def test_a_percent_quarter_without_target_is_an_error(tmp_path):
    path = copy_tree(tmp_path, "5001-0315") / "2564" / "5001-0315.yaml"
    edit(path, "    performance: 93.66\n    target: 95\n", "    performance: 93.66\n")
    assert any("no target" in p.message for p in validate([path]).problems if p.is_error)


def test_a_falling_cumulative_figure_is_a_warning(tmp_path):
    path = copy_tree(tmp_path, "0700-0412") / "2564" / "0700-0412.yaml"
    edit(path, "counts: {done: 812.6, total: 1650}", "counts: {done: 112.6, total: 1650}")
    warnings = [p for p in validate([path]).problems if not p.is_error]
    assert any("cumulative figure falls" in p.message for p in warnings)


def test_non_finite_numbers_never_reach_the_score():
    assert math.isfinite(ratio_score(1e308, 1e-308))
