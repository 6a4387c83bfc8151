"""Dates through `kpi validate`: real days (date-invalid), Common Era years (date-be-year), in or
near the fiscal year (date-out-of-year) and periods that end after they start (date-order).

Each case is a small indicator whose timeline (or innovation activities) carries the dates under
test; the test reads the exact problems from `kpi validate --format json`.
"""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app
from scoring_helpers import INDICATORS

runner = CliRunner()


def indicator(timeline: list[str], fiscal_year: int | str = 2564, more: str = "") -> str:
    return (f'code: "0406-0001"\nfiscal_year: {fiscal_year}\nagency: "0406"\ntitle: ร้อยละของคำร้องที่ดำเนินการแล้วเสร็จ\n'
            "type: routine\nlevel: output\ntarget: {value: 80, unit: ร้อยละ}\nweight: {percent: 100}\n"
            'strategies: ["7.5.1.1"]\nscoring: {method: percent}\n'
            "quarters:\n  - {quarter: 1, performance: 30, target: 30}\n"
            "timeline:\n" + "".join(f"  - {{{t}, event: เหตุการณ์}}\n" for t in timeline) + more)


def validate(tmp_path, text: str, folder: str = "2564") -> list[dict]:
    path = tmp_path / "indicators" / folder / "0406-0001.yaml"
    path.parent.mkdir(parents=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(INDICATORS / name, tmp_path / "indicators" / name)
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return json.loads(result.stdout)["problems"]


DATE_RULES = ("date-invalid", "date-be-year", "date-out-of-year", "date-order")


def dated(problems: list[dict]) -> list[tuple[str, str, str]]:
    """(rule, message, fix) of the date problems."""
    return [(p["rule"], p["message"], p["fix"]) for p in problems if p["rule"] in DATE_RULES]


# --- real days, Common Era years ----------------------------------------------------------------

@pytest.mark.parametrize("day, reason", [
    ("2021-02-29", "day is out of range for month"),  # 2021 is no leap year
    ("2021-04-31", "day is out of range for month"),
    ("2021-13-01", "month must be in 1..12"),
])
def test_a_day_that_does_not_exist_is_refused(tmp_path, day, reason):
    problems = validate(tmp_path, indicator([f"date: {day}"]))
    assert dated(problems) == [("date-invalid", f"timeline[0].date: {day} is not a real date ({reason})",
                                "check the day and month")]


def test_a_buddhist_era_year_is_caught_with_the_common_era_date_to_write(tmp_path):
    problems = validate(tmp_path, indicator(["date: 2564-04-15"]))
    # the year is not also "far from the fiscal year": one problem, the one that says what to write
    assert dated(problems) == [("date-be-year", "timeline[0].date: 2564-04-15 has a Buddhist-Era year (พ.ศ.); "
                                "dates in the files are Common Era (ค.ศ.)", "write 2021-04-15")]


def test_29_february_of_a_buddhist_era_leap_year_is_reported_once(tmp_path):
    # 2563 BE is 2020, a leap year; read as 2563 CE the day does not exist. The Buddhist-Era year is
    # what is wrong, and only that is reported.
    problems = validate(tmp_path, indicator(["date: 2563-02-29"]))
    assert dated(problems) == [("date-be-year", "timeline[0].date: 2563-02-29 has a Buddhist-Era year (พ.ศ.); "
                                "dates in the files are Common Era (ค.ศ.)", "write 2020-02-29")]


@pytest.mark.parametrize("day, be", [("2400-01-15", True), ("2399-01-15", False), ("2700-01-15", True),
                                     ("2701-01-15", False)])
def test_buddhist_era_years_run_from_2400_to_2700(tmp_path, day, be):
    problems = validate(tmp_path, indicator([f"date: {day}"], fiscal_year=2564))
    rules = [rule for rule, _message, _fix in dated(problems)]
    assert rules == (["date-be-year"] if be else ["date-out-of-year"])


# --- in or near the fiscal year --------------------------------------------------------------------

# fiscal year 2564 runs from 2020-10-01 to 2021-09-30; a year either side (366 days) is near
@pytest.mark.parametrize("day, far", [
    ("2019-10-01", False), ("2019-09-30", True),  # 2020-10-01 less 366 days (2020 is a leap year)
    ("2022-10-01", False), ("2022-10-02", True),  # 2021-09-30 and 366 days
])
def test_near_the_fiscal_year_means_366_days_either_side(tmp_path, day, far):
    problems = validate(tmp_path, indicator([f"date: {day}"]))
    expected = [("date-out-of-year", f"timeline[0].date: {day} is far from fiscal year 2564 (2020-10-01 to 2021-09-30)",
                 "check the year; dates are Common Era, e.g. 2021-04-15")] if far else []
    assert dated(problems) == expected


@pytest.mark.parametrize("fiscal_year, checked", [(2399, False), (2400, True), (2700, True), (2701, False)])
def test_only_a_buddhist_era_fiscal_year_places_the_dates(tmp_path, fiscal_year, checked):
    problems = validate(tmp_path, indicator(["date: 2021-04-15"], fiscal_year=fiscal_year), folder=str(fiscal_year))
    found = [message for rule, message, _fix in dated(problems) if rule == "date-out-of-year"]
    if not checked:
        assert found == []
    else:
        start, end = {2400: ("1856-10-01", "1857-09-30"), 2700: ("2156-10-01", "2157-09-30")}[fiscal_year]
        assert found == [f"timeline[0].date: 2021-04-15 is far from fiscal year {fiscal_year} ({start} to {end})"]


def test_without_a_fiscal_year_number_the_dates_are_not_placed(tmp_path):
    problems = validate(tmp_path, indicator(["date: 2000-04-15"], fiscal_year='"2564"'))
    assert [rule for rule, _m, _f in dated(problems)] == []


def test_every_date_of_the_file_is_placed(tmp_path):
    problems = validate(tmp_path, indicator(["date: 2021-04-15", "date: 2018-01-01", "date: 2021-05-01, end: 2025-01-01"]))
    assert [message for _rule, message, _fix in dated(problems)] == [
        "timeline[1].date: 2018-01-01 is far from fiscal year 2564 (2020-10-01 to 2021-09-30)",
        "timeline[2].end: 2025-01-01 is far from fiscal year 2564 (2020-10-01 to 2021-09-30)",
    ]


# --- periods ---------------------------------------------------------------------------------------

def test_a_period_ends_on_or_after_its_start(tmp_path):
    problems = validate(tmp_path, indicator(["date: 2021-04-09, end: 2021-04-01", "date: 2021-04-01, end: 2021-04-01",
                                             "date: 2021-04-01, end: 2021-04-09", "end: 2021-04-01"]))
    assert dated(problems) == [("date-order", "timeline[0]: ends (2021-04-01) before it starts (2021-04-09)",
                                "swap the dates or correct them")]
    assert [p["line"] for p in problems if p["rule"] == "date-order"] == [14]


def test_project_activities_end_after_they_start(tmp_path):
    activities = ("innovation:\n  activities:\n"
                  "    - {title: ออกให้บริการ, date: 2021-04-01, end: 2021-04-09}\n"
                  "    - {title: ประชาสัมพันธ์, date: 2021-05-09, end: 2021-05-01}\n")
    problems = validate(tmp_path, indicator(["date: 2021-04-01"], more=activities))
    assert [(rule, message) for rule, message, _fix in dated(problems)] == [
        ("date-order", "innovation.activities[1]: ends (2021-05-01) before it starts (2021-05-09)")]
