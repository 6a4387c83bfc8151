"""`kpi new`: a scaffolded file of every kind passes `kpi validate` as it is, explains its fields
in Thai and English, and never replaces an existing file without --force."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from test_import import repo, run  # noqa: F401  (repo: a repository with copies of the catalogues)

from kpi_cli.write.scaffold import KINDS
from kpi_cli.core.thai import fiscal_position
from kpi_cli.check.pipeline import validate


@pytest.mark.parametrize("agency", ["0406", "5001", "0700"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_validates_as_it_is(repo, kind, agency):
    code = f"{agency}-0901"
    result = run("new", code, "--agency", agency, "--kind", kind, "--year", "2565")
    assert result.exit_code == 0, result.output
    path = repo / "indicators" / "2565" / f"{code}.yaml"
    assert f"wrote indicators/2565/{code}.yaml" in result.output
    checked = validate([path])
    assert checked.problems == [], checked.problems  # no errors, no warnings
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    assert (data["code"], data["agency"], data["fiscal_year"]) == (code, agency, 2565)
    expected = {"innovation": "stage-points", "percent": "percent", "levels": "levels", "composite": "composite"}
    assert data["scoring"]["method"] == expected[kind]
    assert [q["quarter"] for q in data["quarters"]] == [1, 2, 3, 4]
    assert ("innovation" in data) == (kind == "innovation")


@pytest.mark.parametrize("kind", KINDS)
def test_fields_are_explained_in_thai_and_english(repo, kind):
    result = run("new", "0406-0902", "--kind", kind, "--year", "2565", "--dry-run")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("# yaml-language-server: $schema=../../schema/indicator.schema.json\n")
    lines = text.splitlines()
    for before, line in zip(lines, lines[1:]):
        if re.match(r"^[a-z_]+:", line):  # every top-level field: a comment beside it or above it
            assert "#" in line or before.startswith("#"), f"no comment on: {line}"
    comments = " ".join(ln.split("#", 1)[1] for ln in text.splitlines() if "#" in ln)
    for word in ("ปีงบประมาณ", "ค่าเป้าหมาย", "fiscal year", "target", "รายงานผลฯ", "performance agreement"):
        assert word in comments


def test_innovation_scaffold_states_the_agencys_minimum(repo):
    district = run("new", "5001-0903", "--kind", "innovation", "--year", "2565", "--dry-run").stdout
    unit = run("new", "0406-0903", "--kind", "innovation", "--year", "2565", "--dry-run").stdout
    assert "at least 15 for this agency" in district and "at least 10 for this agency" in unit
    assert "title: ความสำเร็จในการเสนอนวัตกรรมเพื่อเพิ่มประสิทธิภาพการปฏิบัติงานของหน่วยงาน" in unit


def test_quarter_comments_give_the_fiscal_calendar(repo):
    text = run("new", "0406-0904", "--kind", "percent", "--year", "2564", "--dry-run").stdout
    assert "ไตรมาสที่ 1: 1 ตุลาคม 2563 – 31 ธันวาคม 2563" in text
    assert "ไตรมาสที่ 4: 1 กรกฎาคม 2564 – 30 กันยายน 2564" in text


def test_default_year_is_the_current_fiscal_year_and_agency_comes_from_the_code(repo):
    result = run("new", "0406-0905", "--kind", "levels")
    assert result.exit_code == 0, result.output
    year = fiscal_position(dt.date.today())[0]
    assert (repo / "indicators" / str(year) / "0406-0905.yaml").is_file()


def test_title_with_a_colon_is_quoted(repo):
    title = "ตัวชี้วัดที่ 2 : (2.1) ร้อยละของเรื่องร้องเรียน # ที่แก้ไขแล้ว"
    result = run("new", "5001-0906", "--kind", "percent", "--year", "2565", "--title", title)
    assert result.exit_code == 0, result.output
    path = repo / "indicators" / "2565" / "5001-0906.yaml"
    assert yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["title"] == title
    assert validate([path]).problems == []


def test_thai_digits_in_the_code(repo):
    result = run("new", "๐๔๐๖-๐๙๐๗", "--kind", "composite", "--year", "2565")
    assert result.exit_code == 0, result.output
    assert (repo / "indicators" / "2565" / "0406-0907.yaml").is_file()


def test_never_overwrites_without_force(repo):
    assert run("new", "0406-0908", "--kind", "percent", "--year", "2565").exit_code == 0
    path = repo / "indicators" / "2565" / "0406-0908.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('report: ""', 'report: "งาน"', 1), encoding="utf-8")
    edited = path.read_bytes()
    again = run("new", "0406-0908", "--kind", "levels", "--year", "2565")
    assert again.exit_code == 1 and "--force" in again.output
    assert path.read_bytes() == edited
    assert run("new", "0406-0908", "--kind", "levels", "--year", "2565", "--force").exit_code == 0
    assert "method: levels" in path.read_text(encoding="utf-8")
    other = run("new", "0406-908", "--kind", "levels", "--year", "2565", "--force")
    assert other.exit_code == 1 and "0406-0908.yaml" in other.output  # the same indicator


def test_dry_run_writes_nothing(repo):
    result = run("new", "0406-0909", "--kind", "innovation", "--year", "2565", "--dry-run")
    assert result.exit_code == 0
    assert not (repo / "indicators" / "2565").exists()
    assert yaml.load(result.stdout, Loader=yaml.CSafeLoader)["code"] == "0406-0909"


@pytest.mark.parametrize("args, message", [
    (["0406-0910", "--agency", "0303"], "does not match the code"),
    (["0999-0910"], "not in agencies.yaml"),
    (["406-0910"], "is not an indicator code"),
    (["0406-0910", "--kind", "points"], "'points' is not one of"),
    (["0406-0910", "--year", "64"], "from 2500 to 2700"),
])
def test_usage_errors_exit_2(repo, args, message):
    kind = [] if "--kind" in args else ["--kind", "percent"]
    result = run("new", *args, *kind)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (repo / "indicators" / "2565").exists()


def test_help_has_examples():
    result = run("new", "--help")
    assert result.exit_code == 0
    assert "kpi new 0406-0773 --kind innovation" in result.output


def test_the_command_offers_every_kind():
    from kpi_cli.cli.onboard import Kind

    assert tuple(k.value for k in Kind) == KINDS


def test_an_output_folder_under_a_file_is_a_message_not_a_traceback(repo):
    (repo / "file.txt").write_text("hello\n", encoding="utf-8")
    result = run("new", "0406-0960", "--kind", "percent", "--year", "2565", "-o", "file.txt/sub")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "error: cannot write file.txt/sub/2565: Not a directory" in result.output
    assert "fix: file.txt is a file, not a folder" in result.output
    assert (repo / "file.txt").read_text(encoding="utf-8") == "hello\n"


def test_a_folder_in_place_of_the_file_is_a_message(repo):
    (repo / "indicators" / "2565" / "0406-0961.yaml").mkdir(parents=True)
    result = run("new", "0406-0961", "--kind", "percent", "--year", "2565", "--force")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "cannot write indicators/2565/0406-0961.yaml: Is a directory" in result.output


def test_new_files_get_the_mode_of_a_plain_open_and_replaced_ones_keep_theirs(repo):
    import os

    old = os.umask(0o027)
    try:
        assert run("new", "0406-0962", "--kind", "percent", "--year", "2565").exit_code == 0
        path = repo / "indicators" / "2565" / "0406-0962.yaml"
        assert path.stat().st_mode & 0o777 == 0o640
        path.chmod(0o604)
        assert run("new", "0406-0962", "--kind", "levels", "--year", "2565", "--force").exit_code == 0
        assert path.stat().st_mode & 0o777 == 0o604
        assert "method: levels" in path.read_text(encoding="utf-8")
    finally:
        os.umask(old)


@pytest.mark.parametrize("year, code, said", [
    ("2450", 2, "2450 is not a fiscal year kpi keeps"),   # Buddhist Era, but before any file kpi accepts
    ("2701", 2, "from 2500 to 2700"),
    ("2021", 2, "write 2564"),                           # Common Era
    ("2500", 0, ""), ("2700", 0, ""),
])
def test_every_year_new_accepts_is_one_validate_accepts(repo, year, code, said):
    """`kpi new --year` takes the fiscal years the files may hold, no more: a year it takes makes a
    file that passes `kpi validate`; one it refuses is a usage error that says the range."""
    result = run("new", "0406-0950", "--kind", "percent", "--year", year, "--dry-run")
    assert result.exit_code == code, result.output
    assert said in result.output
