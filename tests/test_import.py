"""`kpi import`: the seed page, and pages of other units and shapes built in the page's text
layout (tests/fixtures/pages/). Each import runs in a fresh repository holding copies of the
catalogues, and every written file must pass `kpi validate`.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.importer import dates_in, figure, items, letters_in, terms
from kpi_cli.check.pipeline import validate

HERE = Path(__file__).parent
REPO = HERE.parent
PAGES = HERE / "fixtures" / "pages"
SEED_PAGE = PAGES / "seed-0406-0772.txt"  # a copy of ../shared/seed/000_89b6be4c485c7f04.txt
HAND_MADE = REPO / "indicators" / "2564" / "0406-0772.yaml"
DOC = REPO / "docs" / "import.md"

runner = CliRunner()

# The fields where the imported seed differs from the hand-made file; docs/import.md justifies
# each under "Import of the seed compared with the hand-made file".
SEED_DIFFERENCES = [
    "quarters[*].target",
    "quarters[1].assessment",
    "innovation.ideas",
    "innovation.proposal.target",
    "innovation.activities",
    "innovation.survey.approved",
    "innovation.survey.approved_by",
    "innovation.stages",
    "innovation.evidence_sent",
    "amendments[0].grounds",
    "timeline",
    "weight",
    "scoring",
    "sources",
]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository with the catalogues, the JSON Schema at schema/ (as `kpi init` makes one) and
    no indicators; the current folder."""
    folder = tmp_path / "indicators"
    folder.mkdir()
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(REPO / "indicators" / name, folder / name)
    (tmp_path / "schema").mkdir()
    for schema in (REPO / "kpi_cli" / "data").glob("*.schema.json"):
        shutil.copy(schema, tmp_path / "schema" / schema.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def run(*args: str):
    return runner.invoke(app, list(args))


def imported(repo: Path, page: str, *args: str, year: int = 2564, code: str) -> tuple[dict, Path]:
    result = run("import", str(PAGES / page), *args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    path = repo / "indicators" / str(year) / f"{code}.yaml"
    checked = validate([path])
    assert checked.errors == 0, [p for p in checked.problems]
    return load(path), path


def differences(a, b, path: str = "") -> list[str]:
    """The paths where two documents differ: mappings key by key, lists of equal length item by
    item, anything else as a whole; items that differ on the same key in every row become [*]."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in list(a) + [k for k in b if k not in a]:
            here = f"{path}.{key}" if path else key
            out += [here] if key not in a or key not in b else differences(a[key], b[key], here)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = [p for i, (x, y) in enumerate(zip(a, b)) for p in differences(x, y, f"{path}[{i}]")]
        for tail in {re.sub(rf"^{re.escape(path)}\[\d+\]", "", p) for p in out}:
            every = [f"{path}[{i}]{tail}" for i in range(len(a))]
            if len(a) > 1 and all(p in out for p in every):
                out = [p for p in out if p not in every] + [f"{path}[*]{tail}"]
        return out
    return [] if a == b else [path]


# --- the seed ---------------------------------------------------------------------------------

def test_seed_page_imports_to_a_file_that_validates(repo):
    result = run("import", str(SEED_PAGE))
    assert result.exit_code == 0, result.output
    path = repo / "indicators" / "2564" / "0406-0772.yaml"
    checked = validate([path])
    assert checked.problems == [], checked.problems
    assert "wrote indicators/2564/0406-0772.yaml" in result.output


def test_seed_facts_match_the_hand_made_file_but_for_the_documented_differences(repo):
    data, _ = imported(repo, SEED_PAGE.name, code="0406-0772")
    hand = load(HAND_MADE)
    data.pop("inferred"), hand.pop("inferred")
    assert sorted(differences(data, hand)) == sorted(SEED_DIFFERENCES)


def test_docs_justify_exactly_the_differences():
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Import of the seed compared with the hand-made file", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- `([^`]+)`", section, re.M)
    assert sorted(listed) == sorted(SEED_DIFFERENCES)


def test_seed_file_keeps_the_page_and_the_seed_layout(repo):
    _, path = imported(repo, SEED_PAGE.name, code="0406-0772")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../schema/indicator.schema.json"
    assert 'code: "0406-0772"' in lines and any(ln.startswith('agency: "0406"') for ln in lines)
    assert "    report: |-" in lines and "method: |-" in " ".join(lines)
    assert "    performance: 30.00" in lines  # figures as printed
    assert any("*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 100" in ln for ln in lines)
    data = load(path)
    page = SEED_PAGE.read_text(encoding="utf-8")
    for row in data["quarters"]:  # every report verbatim
        assert row["report"] in page
    assert data["definition"]["text"] in page and data["method"] in page
    assert data["strategies"] == ["7.5.1.1"] and data["projects"] == []
    assert data["definition"]["terms"] == load(HAND_MADE)["definition"]["terms"]


def test_seed_narrative_gives_events_letters_the_appeal_and_three_stages(repo):
    data, _ = imported(repo, SEED_PAGE.name, code="0406-0772")
    refs = [r for e in data["timeline"] for r in e.get("refs", [])]
    assert refs == ["คำสั่ง สปท. ที่ 4/2564", "กท 0406/2006", "กท 0406/191", "กท 0406/3937", "กท 0303/2208",
                    "ฝบ. 634/2564"]
    assert [e["date"] for e in data["timeline"]][:2] == [dt.date(2021, 2, 8), dt.date(2021, 3, 18)]
    hand = load(HAND_MADE)
    assert data["amendments"][0] == {**hand["amendments"][0], "grounds": "ข้อ 1 ปัจจัยภายนอกของหน่วยงาน"}
    stages = data["innovation"]["stages"]
    assert [s["stage"] for s in stages] == [1, 2, 3]
    assert stages[2]["completed"] == dt.date(2021, 2, 8)
    assert set(data["inferred"]) >= {"innovation.stages[0].completed", "innovation.proposal.kind", "fiscal_year"}


def test_import_reports_what_it_inferred(repo):
    result = run("import", str(SEED_PAGE))
    assert result.exit_code == 0
    data = load(repo / "indicators" / "2564" / "0406-0772.yaml")
    assert f"inferred ({len(data['inferred'])}, listed under `inferred:` in the file)" in result.output
    for path in data["inferred"]:
        assert f"    {path}: " in result.output
    assert "stage 4" in result.output and "'0' is not part of any field" in result.output


def test_import_is_deterministic(repo):
    run("import", str(SEED_PAGE))
    first = (repo / "indicators" / "2564" / "0406-0772.yaml").read_bytes()
    result = run("import", str(SEED_PAGE), "--force")
    assert result.exit_code == 0
    assert (repo / "indicators" / "2564" / "0406-0772.yaml").read_bytes() == first


# --- other units and shapes --------------------------------------------------------------------

def test_district_percent_page_with_blank_cells_and_partial_sub_scores(repo):
    data, _ = imported(repo, "district-percent.txt", code="5001-0315")
    assert data["target"] == {"value": 95, "unit": "ร้อยละ"} and data["achieved"] == 97.2
    assert (data["type"], data["level"]) == ("routine", "output")
    q1, q2, q3, q4 = data["quarters"]
    assert q1["sub_scores"] == [95, 100] and q1["assessed"] == 95 and q1["audit"] == 95
    assert q2["performance"] == 100 and q2["sub_scores"] == [100, 50] and q2["audit"] == 100
    assert q3 == {"quarter": 3, "performance": 97.2, "report": q3["report"]}  # blank cells stay out
    assert q4 == {"quarter": 4}  # a blank row, and the report '-'
    assert data["summary"] == "" and data["strategies"] == ["7.1.1"]
    assert data["projects"] == ["โครงการเขตพระนครใส่ใจทุกเรื่องร้องเรียน"]
    assert [t["term"] for t in data["definition"]["terms"]] == ["เรื่องร้องเรียน", "การแก้ไขภายในระยะเวลาที่กำหนด"]
    assert data["timeline"][-1]["refs"] == ["กท 5001/884"]
    assert "innovation" not in data and "amendments" not in data


def test_levels_page(repo):
    data, _ = imported(repo, "levels.txt", code="0100-0108")
    assert data["title"].startswith("ตัวชี้วัดที่ 2 : (2.1) ระดับความสำเร็จ")  # its own numbering kept
    assert data["target"] == {"value": 5, "unit": "ระดับ"} and data["achieved"] == 4
    assert data["type"] == "strategic"
    assert [q["performance"] for q in data["quarters"]] == [1, 3, 3, 4]
    assert data["quarters"][2]["sub_scores"] == [50, 0]
    assert ["audit" in q for q in data["quarters"]] == [False, True, False, False]
    assert data["projects"] == ["โครงการพัฒนาระบบติดตามข้อสั่งการ", "โครงการประชุมผู้บริหารกรุงเทพมหานคร"]
    refs = [r for e in data["timeline"] for r in e.get("refs", [])]
    assert refs == ["คำสั่ง สลผ. ที่ 12/2564", "กท 0100/1520"]


def test_count_page_in_trees_adds_its_strategies_when_asked(repo):
    strategies = repo / "indicators" / "strategies.yaml"
    before = strategies.read_text(encoding="utf-8")
    refused = run("import", str(PAGES / "trees.txt"))
    assert refused.exit_code == 1
    assert "2.3, 2.3.1" in refused.output and "--add-strategies" in refused.output
    assert strategies.read_text(encoding="utf-8") == before
    assert not (repo / "indicators" / "2564").exists()

    data, path = imported(repo, "trees.txt", "--add-strategies", code="5001-521")
    assert path.name == "5001-521.yaml" and data["code"] == "5001-521"
    assert data["target"] == {"value": 2700, "unit": "ต้น"} and data["achieved"] == 2850
    assert [q["performance"] for q in data["quarters"]] == [400, 1200, 2100, 2850]
    assert data["strategies"] == ["2.3.1"] and data["projects"] == []
    after = strategies.read_text(encoding="utf-8")
    assert after.startswith(before)  # the rest of the catalogue untouched
    added = {s["code"]: s for s in load(strategies)["strategies"]}
    assert added["2.3"]["label"] == "พื้นที่สีเขียว"
    assert added["2.3.1"]["truncated"] is True and not added["2.3.1"]["label"].endswith("%")
    assert validate([repo / "indicators"]).errors == 0


def test_page_with_empty_sections_and_no_agreement_yet(repo):
    refused = run("import", str(PAGES / "empty-sections.txt"))
    assert refused.exit_code == 2 and "--year" in refused.output
    result = run("import", str(PAGES / "empty-sections.txt"), "--year", "2565")
    assert result.exit_code == 0, result.output
    assert "ยังไม่มีคำรับรองฯ" in result.output
    data = load(repo / "indicators" / "2565" / "0303-0114.yaml")
    assert data["title"] == "ร้อยละของข้าราชการที่ได้รับการพัฒนาตามแผนพัฒนารายบุคคล"  # abbreviation with a space
    assert "achieved" not in data and "definition" not in data
    assert (data["method"], data["data_collection"], data["summary"]) == ("", "", "")
    assert data["strategies"] == [] and data["projects"] == []
    for row in data["quarters"]:
        assert row["sub_scores"] == [0, 0] and "audit" not in row and "report" not in row
        assert row["assessment"] == "not-assessed"  # nothing on the page says otherwise (inferred)
    assert {f"quarters[{i}].assessment" for i in range(4)} <= set(data["inferred"])
    assert data["inferred"]["fiscal_year"].startswith("given with --year 2565")
    assert validate([repo / "indicators"]).errors == 0


def test_page_with_thai_digits(repo):
    data, _ = imported(repo, "thai-digits.txt", code="0700-0412")
    assert (data["sequence"], data["agency"]) == (4, "0700")
    assert data["title"] == "ปี 2564 ๑๓. ร้อยละของการจัดเก็บภาษีที่ดินและสิ่งปลูกสร้างเทียบกับประมาณการรายรับ"
    assert data["target"] == {"value": 80, "unit": "ร้อยละ"} and data["achieved"] == 85.02
    q1 = data["quarters"][0]
    assert (q1["performance"], q1["assessed"], q1["sub_scores"], q1["audit"]) == (3.18, 63.6, [63.6, 50], 63.6)
    assert [q["performance"] for q in data["quarters"]] == [3.18, 12.02, 49.25, 85.02]
    assert data["strategies"] == ["7.2.1"]
    assert data["timeline"][-1] == {"date": dt.date(2021, 6, 15), "event": data["quarters"][2]["report"],
                                    "refs": ["กท 0700/3321"]}
    assert "๓.๑๘" in data["quarters"][0]["report"]  # the text itself is kept as written


# --- refusals and writing -------------------------------------------------------------------------

def test_never_overwrites_without_force(repo):
    path = repo / "indicators" / "2564" / "0406-0772.yaml"
    assert run("import", str(SEED_PAGE)).exit_code == 0
    path.write_text(path.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    edited = path.read_bytes()
    again = run("import", str(SEED_PAGE))  # the same copy again: recorded already, the file untouched
    assert again.exit_code == 0, again.output
    assert "recorded already (same SHA-256)" in again.output
    assert path.read_bytes() == edited
    assert run("import", str(SEED_PAGE), "--force").exit_code == 0
    assert b"# edited by hand" not in path.read_bytes()
    assert [p.name for p in path.parent.iterdir()] == ["0406-0772.yaml"]  # no temporary files left


def test_refuses_the_same_indicator_under_another_spelling(repo):
    folder = repo / "indicators" / "2564"
    folder.mkdir()
    (folder / "0406-772.yaml").write_text("code: \"0406-772\"\n", encoding="utf-8")
    result = run("import", str(SEED_PAGE), "--force")
    assert result.exit_code == 1 and "0406-772.yaml" in result.output
    assert not (folder / "0406-0772.yaml").exists()


def test_dry_run_prints_the_file_and_writes_nothing(repo):
    result = run("import", str(SEED_PAGE), "--dry-run")
    assert result.exit_code == 0
    assert not (repo / "indicators" / "2564").exists()
    assert result.stdout.startswith("# yaml-language-server:")
    assert yaml.load(result.stdout, Loader=yaml.CSafeLoader)["code"] == "0406-0772"
    assert "would write indicators/2564/0406-0772.yaml" in result.output


def test_output_folder(repo):
    result = run("import", str(SEED_PAGE), "-o", "elsewhere")
    assert result.exit_code == 0, result.output
    assert (repo / "elsewhere" / "2564" / "0406-0772.yaml").is_file()
    assert not (repo / "indicators" / "2564").exists()


def test_an_output_folder_under_a_file_is_a_message_not_a_traceback(repo):
    (repo / "file.txt").write_text("hello\n", encoding="utf-8")
    result = run("import", str(SEED_PAGE), str(PAGES / "levels.txt"), "-o", "file.txt/sub")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "error: cannot write file.txt/sub/2564: Not a directory" in result.output
    assert "fix: file.txt is a file, not a folder" in result.output
    assert result.output.count("error: cannot write") == 2  # each page says it, and the run goes on
    assert "refused: " in result.output and "2 refused" in result.output  # and the summary
    assert (repo / "file.txt").read_text(encoding="utf-8") == "hello\n"


def test_year_option_sets_the_year_and_the_file_must_still_validate(repo):
    data, _ = imported(repo, "levels.txt", "--year", "2565", year=2565, code="0100-0108")
    assert data["fiscal_year"] == 2565
    refused = run("import", str(SEED_PAGE), "--year", "2565")  # its stage dates fall outside 2565
    assert refused.exit_code == 1
    assert "stage-sequence" in refused.output and "would not pass `kpi validate`" in refused.output
    assert not (repo / "indicators" / "2565" / "0406-0772.yaml").exists()


def test_unknown_agency_under_strict_says_how_to_add_it(repo, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(SEED_PAGE.read_text(encoding="utf-8").replace("0406-0772", "0999-0772"), encoding="utf-8")
    agencies = repo / "indicators" / "agencies.yaml"
    before = agencies.read_bytes()
    result = run("import", str(page), "--strict")
    assert result.exit_code == 1
    assert "agency '0999'" in result.output and 'code: "0999"' in result.output and "abbr: สปท." in result.output
    assert "Traceback" not in result.output
    assert agencies.read_bytes() == before and not (repo / "indicators" / "2564").exists()


def test_not_a_page(repo, tmp_path):
    page = tmp_path / "notes.txt"
    page.write_text("hello\n", encoding="utf-8")
    binary = tmp_path / "page.pdf"
    binary.write_bytes(b"%PDF\x00\x01\x02")
    result = run("import", str(page), str(binary))
    assert result.exit_code == 1
    assert "not the text of a รายละเอียดตัวชี้วัด page" in result.output and "binary" in result.output


def test_one_bad_page_does_not_stop_the_others(repo, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("nothing\n", encoding="utf-8")
    result = run("import", str(bad), str(PAGES / "levels.txt"))
    assert result.exit_code == 1
    assert (repo / "indicators" / "2564" / "0100-0108.yaml").is_file()


def test_a_page_saved_as_tis620_is_read(repo, tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(SEED_PAGE.read_text(encoding="utf-8").encode("cp874"))
    result = run("import", str(page))
    assert result.exit_code == 0, result.output
    assert "Windows-874" in result.output


def test_usage_errors_exit_2(repo):
    assert run("import").exit_code == 2
    assert run("import", "no-such-page.txt").exit_code == 2
    assert run("import", str(SEED_PAGE), "--year", "64").exit_code == 2


def test_help_has_examples():
    result = run("import", "--help")
    assert result.exit_code == 0
    assert "kpi import page.txt" in result.output and "--force" in result.output


# --- the pieces ----------------------------------------------------------------------------------

def test_figures():
    assert figure("30.00") == 30 and figure("30.00").text == "30.00"
    assert figure("๑๐๐") == 100 and isinstance(figure("100"), int)
    assert figure("2,700") == 2700 and figure("100.0000").text == "100.0000"
    assert figure("") is None and figure("-") is None
    with pytest.raises(ValueError):
        figure("n/a")


def test_thai_dates():
    found = dates_in("ลงวันที่ 8 กุมภาพันธ์ 2564 และตั้งแต่วันที่ 1 – 9 เมษายน 2564, ๑๕ เม.ย. ๖๔, 31 กุมภาพันธ์ 2564")
    assert [(d.date, d.end) for d in found] == [
        (dt.date(2021, 2, 8), None), (dt.date(2021, 4, 1), dt.date(2021, 4, 9)), (dt.date(2021, 4, 15), None)]
    assert dates_in("1 ตุลาคม 2563 - 30 กันยายน 2564")[0].end == dt.date(2021, 9, 30)


def test_letters():
    names = {"สำนักงานปกครองและทะเบียน": "สปท."}
    text = ("มีคำสั่งสำนักงานปกครองและทะเบียน ที่ 4/2564 ลงวันที่ 18 มีนาคม 2564 หนังสือ ที่ กท ๐๔๐๖/๑๙๑ "
            "และ ฝบ. 634/2564 ลงวันที่ 30 สิงหาคม 2564")
    found = letters_in(text, names)
    assert [(x.number, x.date) for x in found] == [
        ("คำสั่ง สปท. ที่ 4/2564", dt.date(2021, 3, 18)), ("กท 0406/191", None),
        ("ฝบ. 634/2564", dt.date(2021, 8, 30))]


def test_numbered_items_follow_the_outline_only():
    found = items("1. เก็บ 10 เรื่อง 2. เลือก (COVID 19) แล้ว 4.1 ไม่ใช่ 3. เสนอ 3.1 ก 3.2 ข 3.2.1 ค 3.2.1 ง "
                  "3.3 จ 1) หนึ่ง 2) สอง 4. จบ")
    assert [i.path for i in found] == [(1,), (2,), (3,), (3, 1), (3, 2), (3, 2, 1), (3, 2, 1), (3, 3), (4,)]
    assert found[1].text == "เลือก (COVID 19) แล้ว 4.1 ไม่ใช่"
    assert found[7].text == "จ 1) หนึ่ง 2) สอง" and [n.text for n in found[7].notes] == ["หนึ่ง", "สอง"]
    assert found[2].children == 5


def test_terms_split_glued_words_and_drop_the_lead_in():
    text = ("นวัตกรรม หมายถึง แนวคิดใหม่ หน่วยงานนำเสนอรูปแบบหนึ่ง ดังนี้ นวัตกรรมเชิงนโยบาย (Policy Innovation) "
            "เป็นการคิดริเริ่มนโยบายของกรุงเทพมหานครนวัตกรรมการบริการ (Service Innovation) การพัฒนาบริการ")
    assert terms(text) == [
        {"term": "นวัตกรรม", "meaning": "แนวคิดใหม่"},
        {"term": "นวัตกรรมเชิงนโยบาย", "en": "Policy Innovation", "meaning": "เป็นการคิดริเริ่มนโยบายของกรุงเทพมหานคร"},
        {"term": "นวัตกรรมการบริการ", "en": "Service Innovation", "meaning": "การพัฒนาบริการ"}]
