"""The quarterly table through `kpi validate`: rows in order and once each (quarter-rows), scores
within 0-100 and sub-scores in pairs (score-range), figures that agree (quarter-consistency).

Each case is a small percent indicator whose quarterly rows vary; the test reads the exact
problems (line, level, message, fix) from `kpi validate --format json`.
"""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app
from scoring_helpers import INDICATORS, PERCENT_HEAD

runner = CliRunner()

HEAD = PERCENT_HEAD + "quarters:\n"
FIRST_ROW_LINE = HEAD.count("\n") + 1


def validate(tmp_path, rows: list[str], *options: str):
    """`kpi validate --format json` of the indicator with these quarterly rows (one flow mapping
    each, one per line): (exit code, problems)."""
    path = tmp_path / "indicators" / "2564" / "0406-0001.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(INDICATORS / name, tmp_path / "indicators" / name)
    path.write_text(HEAD + "".join(f"  - {{{row}}}\n" for row in rows), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "json", *options, str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, json.loads(result.stdout)["problems"]


def of_rule(problems: list[dict], rule: str) -> list[tuple[int, str, str]]:
    """(row number, level, message) of the problems of one rule; row 1 is the first quarterly row."""
    return [(p["line"] - FIRST_ROW_LINE + 1, p["level"], p["message"]) for p in problems if p["rule"] == rule]


def fixes(problems: list[dict], rule: str) -> list[str]:
    return [p["fix"] for p in problems if p["rule"] == rule]


def row(quarter: int, extra: str = "") -> str:
    return f"quarter: {quarter}, performance: 50, target: 50" + (f", {extra}" if extra else "")


# --- quarter-rows ------------------------------------------------------------------------------

def test_clean_rows_in_order_pass(tmp_path):
    code, problems = validate(tmp_path, [row(1), row(2), row(3), row(4)])
    assert (code, problems) == (0, [])


def test_a_quarter_after_a_later_one_is_out_of_order(tmp_path):
    code, problems = validate(tmp_path, [row(1), row(3), row(2), row(4)])
    assert code == 1
    assert of_rule(problems, "quarter-rows") == [(3, "error", "quarter 2 comes after quarter 3")]
    assert fixes(problems, "quarter-rows") == ["put the rows in the order 1, 2, 3, 4"]


def test_each_row_is_compared_with_the_latest_quarter_so_far(tmp_path):
    _code, problems = validate(tmp_path, [row(2), row(1), row(4), row(3)])
    assert of_rule(problems, "quarter-rows") == [
        (2, "error", "quarter 1 comes after quarter 2"),
        (4, "error", "quarter 3 comes after quarter 4"),
    ]


def test_a_repeated_quarter_names_both_rows_and_is_reported_once(tmp_path):
    code, problems = validate(tmp_path, [row(1), row(2), row(1)])
    assert code == 1
    # the repeated row is not also "out of order": one problem, one fix
    assert of_rule(problems, "quarter-rows") == [(3, "error", "quarter 1 appears twice (rows 1 and 3)")]
    assert fixes(problems, "quarter-rows") == ["keep one row per quarter"]


def test_a_quarter_repeated_later_still_names_its_first_row(tmp_path):
    _code, problems = validate(tmp_path, [row(1), row(2), row(3), row(2)])
    assert of_rule(problems, "quarter-rows") == [(4, "error", "quarter 2 appears twice (rows 2 and 4)")]


# --- score-range ---------------------------------------------------------------------------------

@pytest.mark.parametrize("extra, expected", [
    ("assessed: 100", []),
    ("assessed: 0, sub_scores: [0, 0]", []),
    ("assessed: 101", ["quarter 1: assessed score 101 is outside 0-100"]),
    ("assessed: 100.5", ["quarter 1: assessed score 100.5 is outside 0-100"]),
    ("assessed: -1", ["quarter 1: assessed score -1 is outside 0-100"]),
    ("sub_scores: [100, 100]", []),
    ("sub_scores: [100, 101]", ["quarter 1: sub-score 101 is outside 0-100"]),
    ("sub_scores: [-0.5, 100]", ["quarter 1: sub-score -0.5 is outside 0-100"]),
    ("sub_scores: [null, 100]", []),  # a figure the page leaves blank
    ("sub_scores: [100]", ["quarter 1: sub_scores has 1 figure; the page shows two (2.1 / 2.2)"]),
    ("sub_scores: [100, 100, 100]", ["quarter 1: sub_scores has 3 figures; the page shows two (2.1 / 2.2)"]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_official_scores_are_between_0_and_100(tmp_path, extra, expected):
    _code, problems = validate(tmp_path, [row(1, extra)])
    assert [message for _row, _level, message in of_rule(problems, "score-range")] == expected


def test_score_range_problems_are_errors_on_their_row_with_their_fix(tmp_path):
    code, problems = validate(tmp_path, [row(1), row(2, "assessed: 120"), row(3, "sub_scores: [100, 150]"),
                                         row(4, "sub_scores: [100]")])
    assert code == 1
    assert of_rule(problems, "score-range") == [
        (2, "error", "quarter 2: assessed score 120 is outside 0-100"),
        (3, "error", "quarter 3: sub-score 150 is outside 0-100"),
        (4, "error", "quarter 4: sub_scores has 1 figure; the page shows two (2.1 / 2.2)"),
    ]
    assert fixes(problems, "score-range") == [
        "the official score is between 0 and 100",
        "sub-scores are between 0 and 100",
        "write both figures as the page prints them, e.g. [100, 100]",
    ]


@pytest.mark.parametrize("figures, expected", [
    ("performance: -5, target: 50", ["quarter 1: performance -5 is negative"]),
    ("performance: 50, target: -2", ["quarter 1: target -2 is negative"]),
    ("performance: 0, target: 0", []),
])
def test_performance_and_target_are_not_negative(tmp_path, figures, expected):
    _code, problems = validate(tmp_path, [f"quarter: 1, {figures}"])
    assert [message for _row, _level, message in of_rule(problems, "score-range")] == expected
    assert set(fixes(problems, "score-range")) <= {"correct the figure"}


# --- quarter-consistency -----------------------------------------------------------------------

@pytest.mark.parametrize("extra, expected", [
    # an audited quarter may print no score (assessed, no value printed) and may score 0 with 0 / 0
    ("audited: true", []),
    ("audited: true, assessed: 100, sub_scores: [100, 100]", []),
    ("audited: true, assessed: 0, sub_scores: [0, 0]", []),
    ("audit: 0.0000, assessed: 0.0000, sub_scores: [0, 0]", []),
    ('audit: "", assessed: 0, sub_scores: [0, 0]', []),
    ("assessed: 0, sub_scores: [0, 0]", []),
    ("audited: true, sub_scores: [0, 0]", []),
    ("audited: true, assessed: 0, sub_scores: [0, 50]", []),
    ("audited: true, assessed: 0, sub_scores: [0]", []),
    # real pages print 2.1 apart from the score: no warning
    ("assessed: 95, sub_scores: [95, 100]", []),
    ("assessed: 95, sub_scores: [100, 50]", []),
    ("assessed: 95, sub_scores: [100, 95]", []),
    ("assessed: 95, sub_scores: [100, null]", []),
    ("audited: true, assessed: 0, sub_scores: [5, 0]", []),
    ("assessed: 95, sub_scores: [null, 100]", []),
    ("sub_scores: [100, 100]", []),
    # the audit line's figure is the table's
    ("audit: 95, assessed: 100", [("warning", "quarter 1: the audit line says 95, the table 100")]),
    ("audit: 95.00, assessed: 95", []),
    # a quarter said to be not assessed has no audit and no score
    ("assessment: not-assessed, audit: 100",
     [("error", "quarter 1 is said to be not assessed, but the audit line names it")]),
    ("assessment: not-assessed, assessed: 95",
     [("error", "quarter 1 is said to be not assessed, but has an official score")]),
    ("assessment: not-assessed, assessed: 0, sub_scores: [0, 0]", []),
], ids=lambda v: v if isinstance(v, str) else None)
def test_official_figures_agree(tmp_path, extra, expected):
    _code, problems = validate(tmp_path, [row(1, extra)])
    assert [(level, message) for _row, level, message in of_rule(problems, "quarter-consistency")] == expected


def test_consistency_fixes_say_what_to_do(tmp_path):
    _code, problems = validate(tmp_path, [row(1, "assessment: not-assessed, audited: true"),
                                          row(2, "assessment: not-assessed, assessed: 50"),
                                          row(3, "audit: 95, assessed: 100")])
    assert fixes(problems, "quarter-consistency") == [
        "an audited quarter was assessed: write `assessment: assessed`, or remove the audit line if the page "
        "does not print it",
        "write `assessment: assessed`, or correct the figures to the page's",
        "keep both as the page prints them; check which copy of the page is right",
    ]


def test_an_audit_line_apart_from_the_table_is_a_warning_that_fails_only_strict(tmp_path):
    code, problems = validate(tmp_path, [row(1, "audit: 95, assessed: 100")])
    assert code == 0 and [p["rule"] for p in problems] == ["quarter-consistency"]
    strict, _problems = validate(tmp_path, [row(1, "audit: 95, assessed: 100")], "--strict")
    assert strict == 1


@pytest.mark.parametrize("figures, expected", [
    ("counts: {done: 1, total: 3}, performance: 33.33", []),  # the page's two decimals
    ("counts: {done: 1, total: 3}, performance: 33", ["quarter 1: counts give 33.33 but performance is 33"]),
    ("counts: {done: 1, total: 3}, performance: 34", ["quarter 1: counts give 33.33 but performance is 34"]),
    ("counts: {done: 0, total: 5}, performance: 0.01", []),  # 0.01 apart is still the same figure
    ("counts: {done: 0, total: 5}, performance: 0.02", ["quarter 1: counts give 0.00 but performance is 0.02"]),
    ("counts: {done: 1, total: 3}", []),  # no performance to compare
])
def test_counts_give_the_performance_they_back(tmp_path, figures, expected):
    _code, problems = validate(tmp_path, [f"quarter: 1, target: 50, {figures}"])
    found = of_rule(problems, "quarter-consistency")
    assert [message for _row, _level, message in found] == expected
    assert {level for _row, level, _message in found} <= {"warning"}
    assert set(fixes(problems, "quarter-consistency")) <= {"keep both if the page shows both; otherwise correct one"}


def test_sub_score_and_audit_problems_point_at_the_figure(tmp_path):
    rows = [row(1, "assessed: 95, audit: 100"), row(2, "sub_scores: [100, 150]")]
    _code, problems = validate(tmp_path, rows)
    at = {p["rule"]: (p["line"] - FIRST_ROW_LINE + 1, p["column"]) for p in problems}
    first = f"  - {{{rows[0]}}}".index("100") + 1  # columns count from 1
    second = f"  - {{{rows[1]}}}".index("150") + 1
    assert at == {"quarter-consistency": (1, first), "score-range": (2, second)}
