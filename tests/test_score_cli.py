"""`kpi score` through the command line: tables, JSON, errors and exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app
from scoring_helpers import REPO, copy_tree, edit

runner = CliRunner()


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO)


@pytest.fixture
def in_copy(tmp_path, monkeypatch):
    root = copy_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    return root


def no_crash(result):
    """CliRunner catches an exception and puts no traceback in the output: look at the exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def kpi(*args: str):
    return no_crash(runner.invoke(app, ["score", *args]))


def test_seed_table(in_repo):
    result = kpi("0406-0772", "--quarter", "4")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for figure in ("30.00", "50.00", "80.00", "100.00", "100 / 100", "0 / 0", "0 (ไม่มีผลประเมินทางการ)"):
        assert figure in out
    # quarter 2 prints 0 and 0 / 0 before scored quarters: no official score, and kpi says why
    assert "no official score: skipped or not yet entered (inferred)" in out and "≠" not in out
    assert out.rstrip().splitlines()[-1] == "คะแนนไตรมาสที่ 4 (quarter 4 score): 100.00 · ผลประเมิน (official): 100"


def test_quarter_limits_the_rows(in_repo):
    out = kpi("0406-0772", "-q", "2").stdout
    assert "80.00" not in out and "quarter 2 score" in out


def test_edited_file_changes_the_output(in_copy):
    before = kpi("0406-0772", "-q", "1").stdout
    edit(in_copy / "2564" / "0406-0772.yaml", "points: [30, 10, 10, 30, 20]", "points: [20, 20, 10, 30, 20]")
    after = kpi("0406-0772", "-q", "1").stdout
    assert before != after
    assert "quarter 1 score): 66.67" in after and "computed performance 20.00 differs" in after


def test_unknown_code_suggests_close_matches(in_repo):
    result = kpi("0406-772", "-q", "4")
    assert result.exit_code == 1
    assert "no indicator '0406-772'" in result.stderr and "did you mean 0406-0772" in result.stderr


@pytest.mark.parametrize("quarter", ["5", "0", "-1"])
def test_quarter_outside_1_to_4_is_a_usage_error(in_repo, quarter):
    result = kpi("0406-0772", "--quarter", quarter)
    assert result.exit_code == 2


def test_without_quarter_the_current_quarter_is_said(in_repo):
    result = kpi("0406-0772")
    assert result.exit_code == 0
    assert "no --quarter given" in result.stderr and "quarter 4" in result.stderr  # FY 2564 is over
    assert "quarter 4 score" in result.stdout


@pytest.mark.parametrize("args", [[], ["0406-0772", "--all"], ["--agency", "0406", "--all"]])
def test_one_of_code_agency_all(in_repo, args):
    assert kpi(*args, "-q", "1").exit_code == 2


def test_agency_weighted_result(in_repo):
    result = kpi("--agency", "0406", "--quarter", "3")
    assert result.exit_code == 0, result.output
    assert "สำนักงานปกครองและทะเบียน" in result.stdout
    assert "(weighted result): 97.00 over 2 indicator(s), weights 25%" in result.stdout


def test_agency_lists_indicators_without_data(in_repo):
    out = kpi("--agency", "0406", "-q", "4").stdout
    assert "without data" in out and "0406-0773" in out and "no performance reported" in out
    assert "(weighted result): 100.00 over 1 indicator(s), weights 10%" in out


def test_agency_json(in_repo):
    doc = json.loads(kpi("--agency", "5001", "-q", "4", "--format", "json").stdout)
    assert doc["version"] == 1 and doc["kind"] == "agency" and doc["name"] == "สำนักงานเขตพระนคร"
    assert [i["code"] for i in doc["indicators"]] == ["5001-0315", "5001-0322"]
    assert doc["score"] == pytest.approx((10 * 99.77 + 15 * 93.8) / 25, abs=0.01)
    assert doc["quarter_from"] == "option"


def test_unknown_agency_is_an_error(in_repo):
    result = kpi("--agency", "0499", "-q", "1")
    assert result.exit_code == 1 and "0406" in result.stderr


def test_all_indicators_in_one_table(in_repo):
    result = kpi("--all", "--quarter", "4", "--year", "2564")
    assert result.exit_code == 0, result.output
    for code in ("0100-0208", "0406-0772", "0406-0773", "0700-0412", "5001-0315", "5001-0322"):
        assert code in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("6 indicator(s): 5 scored, 1 without a score")


def test_all_json_lists_invalid_files(in_copy):
    edit(in_copy / "2564" / "0700-0412.yaml", "    target: 15\n", "    target: -15\n")
    result = kpi("--all", "-q", "2", "-f", "json")
    assert result.exit_code == 1  # an invalid file is bad input, as documented
    doc = json.loads(result.stdout)
    assert doc["kind"] == "all" and len(doc["indicators"]) == 5
    assert [u["code"] for u in doc["unusable"]] == ["0700-0412"]
    assert "0700-0412.yaml:37:" in result.stderr and "1 indicator file is invalid" in result.stderr


def test_all_table_with_an_invalid_file_lists_it_and_exits_1(in_copy):
    edit(in_copy / "2564" / "0700-0412.yaml", "    target: 15\n", "    target: -15\n")
    result = kpi("--all", "-q", "2")
    assert result.exit_code == 1, result.output
    assert "0700-0412" in result.stdout and "1 invalid" in result.stdout  # the table: the others, and this one
    assert "[score-range]" in result.stderr  # its problems, as `kpi validate` prints them
    assert "error: 1 indicator file is invalid and has no score (0700-0412)" in result.stderr
    assert "kpi validate indicators/2564/0700-0412.yaml" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_agency_with_an_invalid_file_is_not_the_agency_result(in_copy, fmt):
    edit(in_copy / "2564" / "0406-0773.yaml", "    target: 50\n", "    target: -50\n")
    result = kpi("--agency", "0406", "-q", "3", "-f", fmt)
    assert result.exit_code == 1, result.output
    assert "error: 1 indicator file of agency 0406 is invalid (0406-0773): the weighted result leaves it out" \
        in result.stderr
    if fmt == "json":
        doc = json.loads(result.stdout)
        assert [u["code"] for u in doc["unusable"]] == ["0406-0773"]
        assert [i["code"] for i in doc["without_data"]] == ["0406-0773"]
    else:
        assert "0406-0773" in result.stdout and "invalid file" in result.stdout


def test_agency_json_without_invalid_files_has_an_empty_unusable_list(in_repo):
    doc = json.loads(kpi("--agency", "0406", "-q", "3", "-f", "json").stdout)
    assert doc["unusable"] == []


def test_unknown_year(in_repo):
    result = kpi("--all", "-q", "1", "--year", "2563")
    assert result.exit_code == 1 and "2564" in result.stderr


def test_invalid_file_is_a_message_not_a_traceback(in_copy):
    edit(in_copy / "2564" / "0100-0208.yaml", "thresholds: [60, 70, 80, 90, 100]   # levels 1-5",
         "thresholds: [60, 80, 70, 90, 100]")
    result = kpi("0100-0208", "-q", "4")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "[scoring-rule]" in result.stderr and "not strictly increasing" in result.stderr


def test_json_for_one_indicator(in_repo):
    result = kpi("0406-0772", "-q", "4", "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["version"] == 1 and doc["kind"] == "indicator" and doc["quarter_from"] == "option"
    assert [q["reported"] for q in doc["quarters"]] == [30, 50, 80, 100]
    assert [q["assessed"] for q in doc["quarters"]] == [100, 0, 100, 100]
    assert [q["not_assessed"] for q in doc["quarters"]] == [False, True, False, False]
    assert doc["score"] == 100


def test_levels_and_composite_tables(in_repo):
    levels = kpi("0100-0208", "-q", "4").stdout
    assert "ระดับ 3.48" in levels and "scoring amended: กท 0100/1582" in levels
    composite = kpi("5001-0322", "-q", "1").stdout
    assert "└ p3" in composite and "22.80 / 30 คะแนน" in composite


def test_help_has_examples():
    result = no_crash(runner.invoke(app, ["score", "--help"]))
    assert result.exit_code == 0
    assert "kpi score 0406-0772 --quarter 4" in result.stdout and "--agency" in result.stdout


def test_code_in_another_year_says_which(in_repo):
    result = kpi("0700-0412", "-q", "1", "--year", "2565")
    assert result.exit_code == 1 and "--year 2564" in result.stderr


def test_a_path_works_as_the_code(in_repo):
    result = kpi("indicators/2564/0700-0412.yaml", "-q", "1")
    assert result.exit_code == 0 and "quarter 1 score): 63.60" in result.stdout
