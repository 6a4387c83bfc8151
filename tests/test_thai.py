"""Thai conventions: Buddhist-Era dates, the fiscal calendar, digits, text hygiene."""

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from kpi_cli.core import thai


def test_thai_date_is_buddhist_era():
    assert thai.thai_date(dt.date(2021, 4, 15)) == "15 เมษายน 2564"
    assert thai.thai_date(dt.date(2021, 4, 15), thai_digits=True) == "๑๕ เมษายน ๒๕๖๔"
    assert thai.thai_date(dt.date(2021, 2, 8), abbr=True) == "8 ก.พ. 2564"


def test_fiscal_year_2564_runs_october_to_september():
    assert thai.fiscal_year_bounds(2564) == (dt.date(2020, 10, 1), dt.date(2021, 9, 30))
    assert thai.quarter_bounds(2564, 1) == (dt.date(2020, 10, 1), dt.date(2020, 12, 31))
    assert thai.quarter_bounds(2564, 2) == (dt.date(2021, 1, 1), dt.date(2021, 3, 31))
    assert thai.quarter_bounds(2564, 3) == (dt.date(2021, 4, 1), dt.date(2021, 6, 30))
    assert thai.quarter_bounds(2564, 4) == (dt.date(2021, 7, 1), dt.date(2021, 9, 30))
    with pytest.raises(ValueError):
        thai.quarter_bounds(2564, 5)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31)))
def test_every_day_falls_in_its_fiscal_quarter(day):
    fy, q = thai.fiscal_position(day)
    first, last = thai.quarter_bounds(fy, q)
    assert first <= day <= last


def test_digits_round_trip():
    assert thai.to_thai_digits("7.5.1.1") == "๗.๕.๑.๑"
    assert thai.to_arabic_digits("๗.๕.๑.๑") == "7.5.1.1"


def test_numbers_as_the_page_writes_them():
    assert thai.format_number(30.0) == "30.00"  # a computed figure: two decimals
    assert thai.format_number(30) == "30" and thai.format_number(2700) == "2,700"  # written without decimals
    assert thai.format_number(None) == "-"
    assert thai.format_plain(100.0) == "100"


def test_text_issues():
    bad = "การด\u0e4d\u0e32เนิน\u200bงาน"
    kinds = [what for _, what, _ in thai.text_issues(bad)]
    assert any("sara am" in k for k in kinds) and any("U+200B" in k for k in kinds)
    assert thai.text_issues("การดำเนินงาน") == []


def test_be_year_detection():
    assert thai.looks_like_be_year(2564)
    assert not thai.looks_like_be_year(2021)
