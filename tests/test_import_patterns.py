"""`kpi import` over the patterns of real BMA pages (issue 13): each page in tests/fixtures/pages/
with a `<page>.facts.yaml` beside it says what it must keep. Add a case by adding a page and its
facts. Every page imports into a fresh repository with no catalogue edit and no --year, the file
passes `kpi validate`, `kpi render --format txt` shows every figure as printed, and an audited
quarter is never called unassessed. Then: the saved HTML gives what the text gives, and a page
imported twice with a changed figure keeps both copies' provenance and shows the difference.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.core.assessment import assessment_of
from kpi_cli.core.figures import shown
from kpi_cli.core.model import Indicator
from kpi_cli.io.loader import load

HERE = Path(__file__).parent
REPO = HERE.parent
PAGES = HERE / "fixtures" / "pages"
FACTS = sorted(PAGES.glob("*.facts.yaml"))

runner = CliRunner()


@pytest.fixture
def repo(tmp_path, monkeypatch):
    folder = tmp_path / "indicators"
    folder.mkdir()
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(REPO / "indicators" / name, folder / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def printed(value) -> str:
    """A figure of the file as printed ("" for none; a pair as '100 / 50')."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " / ".join(printed(v) for v in value)
    return shown(value)


def _facts(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("facts_file", FACTS, ids=lambda p: p.name.removesuffix(".facts.yaml"))
def test_page_keeps_its_facts(repo, facts_file):
    facts = _facts(facts_file)
    agencies = repo / "indicators" / "agencies.yaml"
    before = agencies.read_bytes()
    result = run("import", str(PAGES / facts["page"]), "--captured", "2021-10-05")  # no --year, no catalogue edit
    assert result.exit_code == 0, result.output
    path = repo / "indicators" / str(facts["fiscal_year"]) / f"{facts['code']}.yaml"
    assert path.is_file(), result.output

    # the agency: in the catalogue, or appended as a stub (the rest of agencies.yaml byte for byte)
    after = agencies.read_bytes()
    if facts["agency"] is None:
        assert after == before
    else:
        assert after.startswith(before.rstrip(b"\n") + b"\n")
        stub = yaml.safe_load(after)["agencies"][-1]
        assert stub == facts["agency"]
        assert f"warning: agency {facts['agency']['code']} is not in agencies.yaml" in result.output

    # the file: figures as printed, the audit line as printed, the states kpi reads
    data = load(path).data
    assert data["title"] == facts["title"]
    assert data.get("partial", False) is facts["partial"]
    assert (printed(data["target"]["value"]), printed(data.get("achieved"))) == (facts["target"], facts["achieved"])
    model = Indicator.model_validate(data)
    rows = {row["quarter"]: row for row in data.get("quarters", [])}
    for q, want in (facts["quarters"] or {}).items():
        row = rows.get(q, {})
        got = {"performance": printed(row.get("performance")), "assessed": printed(row.get("assessed")),
               "sub_scores": printed(row.get("sub_scores")),
               "audit": None if "audit" not in row else printed(row["audit"]),
               "state": assessment_of(model.quarters, q, model.inferred).state}
        assert got == want, (q, got)
    assert data["sources"][0]["file"] == facts["page"] and data["sources"][0]["captured"].isoformat() == "2021-10-05"

    # kpi validate passes on the result (warnings allowed: a stub agency asks to be checked)
    checked = run("validate")
    assert checked.exit_code == 0, checked.output

    # kpi render --format txt: every figure as printed, on its quarter's row; audited never "not assessed"
    rendered = run("render", facts["code"], "--format", "txt")
    assert rendered.exit_code == 0, rendered.output
    text = rendered.stdout
    assert f"ค่าเป้าหมาย {data['target']['unit']} : {facts['target']}" in text
    if facts["achieved"]:
        assert f"ผลงานที่ทำได้ {data['target']['unit']} : {facts['achieved']}" in text
    if facts["audit_line"] is not None:
        assert f"สยป. ตรวจประเมินตัวชี้วัด : {facts['audit_line']}".rstrip() in text
    lines = {int(m.group(1)): m.group(0) for m in re.finditer(r"^([1-4])  .*$", text, re.M)}
    for q, want in (facts["quarters"] or {}).items():
        line = lines[q]
        figures = [want["performance"], want["assessed"], want["sub_scores"]]
        if want["performance"] and "." not in want["performance"]:
            figures = figures[1:]  # see test_an_integer_performance_renders_as_printed
        pattern = r".*?".join(r"(?<![\d.])" + re.escape(f) + r"(?![\d.])" for f in figures if f) or "."
        assert re.search(pattern, line), (q, figures, line)
        if want["state"] == "assessed":
            assert "ยังไม่ประเมิน" not in line, line


def test_an_integer_performance_renders_as_printed(repo):
    assert run("import", str(PAGES / "district-stub.txt")).exit_code == 0
    text = run("render", "5012-0318", "--format", "txt").stdout
    assert re.search(r"^1\s+75\s", text, re.M), text


def test_the_saved_html_page_gives_what_the_text_gives(repo):
    html = run("import", str(PAGES / "district-stub.html"), "--dry-run", "--captured", "2021-10-05")
    text = run("import", str(PAGES / "district-stub.txt"), "--dry-run", "--captured", "2021-10-05")
    assert html.exit_code == text.exit_code == 0
    a = yaml.safe_load(html.stdout)
    b = yaml.safe_load(text.stdout)
    source = a.pop("sources")[0]
    b.pop("sources")
    assert a == b
    assert source["address"] == "https://kpi.bangkok.go.th/KPI/IndicatorDetail.aspx?code=5012-0318&year=2564"
    assert "read as HTML" in html.output


def test_a_page_imported_twice_with_a_changed_figure_keeps_both_copies(repo):
    first = run("import", str(PAGES / "audited-zero.txt"), "--source-url", "https://kpi.bangkok.go.th/a",
                "--captured", "2021-10-05")
    assert first.exit_code == 0, first.output
    path = repo / "indicators" / "2564" / "5001-0316.yaml"
    before = path.read_text(encoding="utf-8")

    strict = run("import", str(PAGES / "audited-zero-copy2.txt"), "--strict")  # refused: nothing written
    assert strict.exit_code == 1 and "otherwise than the file" in strict.output
    assert path.read_text(encoding="utf-8") == before

    second = run("import", str(PAGES / "audited-zero-copy2.txt"), "--source-url", "https://office.bangkok.go.th/b",
                 "--captured", "2022-01-10")
    assert second.exit_code == 0, second.output
    assert "recorded" in second.output and "warning:" in second.output
    assert "quarters[2].assessed: this copy 95, the file 100" in second.output
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n").rsplit("\nsources:", 1)[0])  # the rest of the file untouched
    data = load(path).data
    assert printed(data["quarters"][2]["assessed"]) == "100"  # the file's figures are kept
    first_copy, second_copy = data["sources"]
    assert first_copy["address"] == "https://kpi.bangkok.go.th/a" and "differences" not in first_copy
    assert second_copy["address"] == "https://office.bangkok.go.th/b"
    assert str(second_copy["captured"]) == "2022-01-10" and second_copy["file"] == "audited-zero-copy2.txt"
    assert {"path": "quarters[2].assessed", "this_copy": "95", "file": "100"} in second_copy["differences"]
    assert {"path": "quarters[2].sub_scores", "this_copy": "95 / 100", "file": "100 / 100"} in \
        second_copy["differences"]
    assert run("validate").exit_code == 0

    again = run("import", str(PAGES / "audited-zero-copy2.txt"))  # the same copy once more: nothing to do
    assert again.exit_code == 0 and "recorded already" in again.output
    assert path.read_text(encoding="utf-8") == after


def test_a_folder_of_pages_gives_a_summary_and_the_good_pages_are_written(repo, tmp_path):
    folder = tmp_path / "year"
    folder.mkdir()
    for name in ("district-stub.txt", "department-stub.txt", "audited-zero.txt", "trees.txt"):
        shutil.copy(PAGES / name, folder / name)
    (folder / "notes.md").write_text("not a page\n", encoding="utf-8")
    result = run("import", str(folder))
    assert result.exit_code == 1  # trees.txt needs --add-strategies
    assert "summary: 4 pages: 3 imported, 0 recorded as another copy, 1 refused, 3 with warnings" in result.output
    assert re.search(r"refused: \S*trees\.txt: the page supports strategies", result.output)
    for code in ("5012-0318", "0600-0413", "5001-0316"):
        assert (repo / "indicators" / "2564" / f"{code}.yaml").is_file()
    codes = [a["code"] for a in yaml.safe_load((repo / "indicators" / "agencies.yaml").read_text("utf-8"))["agencies"]]
    assert codes[-2:] == ["0600", "5012"]


def test_strict_refuses_an_agency_missing_from_the_catalogue(repo):
    agencies = repo / "indicators" / "agencies.yaml"
    before = agencies.read_bytes()
    result = run("import", str(PAGES / "district-stub.txt"), "--strict")
    assert result.exit_code == 1
    assert "agency '5012'" in result.output and "abbr: สนข.ยานนาวา" in result.output
    assert agencies.read_bytes() == before and not (repo / "indicators" / "2564").exists()


def test_a_copy_with_no_code_anywhere_is_refused(repo, tmp_path):
    page = tmp_path / "stripped.txt"
    page.write_text((PAGES / "stripped-5001-0322.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("import", str(page))
    assert result.exit_code == 1
    assert "not the text of a รายละเอียดตัวชี้วัด page" in result.output and "file name" in result.output


def test_the_code_of_a_stripped_copy_is_read_from_its_text():
    from kpi_cli.importer.fields import code_of_copy

    assert code_of_copy("รายละเอียดตัวชี้วัด\nร้อยละของ… : 5012-0318\nปี 2563-2564", "x.txt") == ("5012-0318", "text")
    assert code_of_copy("ปีงบประมาณ 2563-2564 เท่านั้น", "page-5001-322.txt") == ("5001-322", "file name")
    assert code_of_copy("nothing", "page.txt") == (None, "")
