"""Thai conventions at their edges: which years are Buddhist Era, where fiscal years and quarters
begin, numbers as the BMA page writes them, and text hygiene (with `kpi validate`'s thai-text rule).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from typer.testing import CliRunner

from kpi_cli.core import thai
from kpi_cli.cli import app
from kpi_cli.core.i18n import set_language
from scoring_helpers import INDICATORS

runner = CliRunner()


@pytest.fixture(autouse=True)
def _language_from_the_environment():
    set_language(None)  # another test's `kpi --lang th` must not make these messages Thai
    yield
    set_language(None)


# --- years ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("year, be", [(2399, False), (2400, True), (2564, True), (2700, True), (2701, False),
                                      (2021, False)])
def test_buddhist_era_years_are_2400_to_2700(year, be):
    assert thai.looks_like_be_year(year) is be


def test_the_eras_are_543_years_apart():
    assert (thai.be_year(2021), thai.ce_year(2564), thai.BE_OFFSET) == (2564, 2021, 543)


@pytest.mark.parametrize("day, position", [
    (dt.date(2020, 9, 30), (2563, 4)),
    (dt.date(2020, 10, 1), (2564, 1)),
    (dt.date(2020, 12, 31), (2564, 1)),
    (dt.date(2021, 1, 1), (2564, 2)),
    (dt.date(2021, 3, 31), (2564, 2)),
    (dt.date(2021, 4, 1), (2564, 3)),
    (dt.date(2021, 6, 30), (2564, 3)),
    (dt.date(2021, 7, 1), (2564, 4)),
    (dt.date(2021, 9, 30), (2564, 4)),
])
def test_the_fiscal_year_and_quarter_of_a_day(day, position):
    assert thai.fiscal_position(day) == position


@pytest.mark.parametrize("quarter", [0, 5])
def test_a_quarter_outside_1_to_4_is_refused(quarter):
    with pytest.raises(ValueError, match=f"^quarter must be 1-4, not {quarter}$"):
        thai.quarter_bounds(2564, quarter)


# --- formatting -----------------------------------------------------------------------------------

def test_dates_ranges_and_years_as_thai_documents_write_them():
    q1 = thai.quarter_bounds(2564, 1)
    assert thai.thai_date_range(*q1) == "1 ตุลาคม 2563 – 31 ธันวาคม 2563"
    assert thai.thai_date_range(*q1, thai_digits=True) == "๑ ตุลาคม ๒๕๖๓ – ๓๑ ธันวาคม ๒๕๖๓"
    assert thai.thai_date(dt.date(2021, 12, 5), abbr=True, thai_digits=True) == "๕ ธ.ค. ๒๕๖๔"
    assert thai.fiscal_year_label(2564) == "ปีงบประมาณ พ.ศ. 2564"
    assert thai.fiscal_year_label(2564, thai_digits=True) == "ปีงบประมาณ พ.ศ. ๒๕๖๔"


@pytest.mark.parametrize("args, kwargs, text", [
    ((30.0,), {}, "30.00"),  # a computed figure: two decimals
    ((30,), {}, "30"),  # a figure written without decimals stays so
    ((2700,), {}, "2,700"),
    ((1234.5,), {}, "1,234.50"),
    ((1234.56, 1), {}, "1,234.6"),
    ((1234.6, 0), {}, "1,235"),
    ((30.0,), {"thai_digits": True}, "๓๐.๐๐"),
    ((None,), {}, "-"),
    ((None,), {"thai_digits": True}, "-"),
])
def test_performance_figures_as_the_page_writes_them(args, kwargs, text):
    assert thai.format_number(*args, **kwargs) == text


@pytest.mark.parametrize("value, kwargs, text", [
    (100.0, {}, "100"),
    (95.5, {}, "95.5"),
    (7, {}, "7"),
    (None, {}, "-"),  # not "None"
    (None, {"thai_digits": True}, "-"),
    (95.5, {"thai_digits": True}, "๙๕.๕"),
    (100, {"thai_digits": True}, "๑๐๐"),
])
def test_scores_as_the_page_writes_them(value, kwargs, text):
    assert thai.format_plain(value, **kwargs) == text


# --- text hygiene -----------------------------------------------------------------------------------

def test_clean_text_has_no_issues():
    assert thai.text_issues("การดำเนินงาน") == []
    assert thai.text_issues("plain ASCII, with \t and ~") == []


def test_each_issue_with_its_offset_what_and_fix():
    text = "ราย\u200bงาน การด\u0e4d\u0e32เนิน\ufeff"
    assert thai.text_issues(text) == [
        (12, "decomposed sara am (ํ + า)", "write ำ (U+0E33) instead of ํ + า"),
        (3, "invisible character U+200B ZERO WIDTH SPACE", "delete it"),
        (18, "invisible character U+FEFF ZERO WIDTH NO-BREAK SPACE (BOM)", "delete it"),
    ]


def test_text_that_is_not_nfc_is_an_issue():
    text = "ร้าน Cafe\u0301"  # e + COMBINING ACUTE ACCENT: é decomposed
    assert thai.text_issues(text) == [(0, "text is not in Unicode NFC form", "normalise it to NFC")]
    assert thai.text_issues("ร้าน Café") == []


def test_validate_warns_of_text_that_is_not_nfc(tmp_path):
    path = tmp_path / "indicators" / "2564" / "0406-0001.yaml"
    path.parent.mkdir(parents=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(INDICATORS / name, tmp_path / "indicators" / name)
    path.write_text('code: "0406-0001"\nfiscal_year: 2564\nagency: "0406"\ntitle: "ร้าน Cafe\u0301 ของชุมชน"\n'
                    "type: routine\nlevel: output\ntarget: {value: 80, unit: ร้อยละ}\nweight: {percent: 100}\n"
                    'strategies: ["7.5.1.1"]\nscoring: {method: percent}\n'
                    "quarters:\n  - {quarter: 1, performance: 30, target: 30}\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output  # a warning
    problems = json.loads(result.stdout)["problems"]
    assert [(p["rule"], p["line"], p["level"], p["message"], p["fix"]) for p in problems] == [
        ("thai-text", 4, "warning", "title: text is not in Unicode NFC form near 'ร้าน Caf'", "normalise it to NFC")]
