"""`kpi import` over the ways one page reaches kpi: copy-and-paste artefacts, sections in another
order or printed twice, the site's navigation around the page, the table copied from the browser
(cells between tabs), figures written with their unit, Thai dates written with digits or without
the dots of their month, and the encodings pages are saved in. Each variant must give the file the
plain page gives (its `sources:` aside: another file, another SHA-256), or, where it is a piece,
what the page means.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from kpi_cli.importer import dates_in, decode, figure, letters_in
from test_import_patterns import repo, run  # noqa: F401  (the fixture and the runner of the page tests)

HERE = Path(__file__).parent
PAGES = HERE / "fixtures" / "pages"
PLAIN = PAGES / "skipped-quarter.txt"  # 5001-0320: an agency in the catalogue, every section printed


def dry(page: Path) -> tuple[dict, str]:
    """The file `kpi import --dry-run` prints for `page`, without its `sources:`, and the report."""
    result = run("import", str(page), "--dry-run", "--captured", "2021-10-05")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    data.pop("sources")
    return data, result.output


def variant(tmp_path: Path, text: str | bytes, name: str = "page.txt") -> Path:
    page = tmp_path / name
    page.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return page


# --- copy and paste ------------------------------------------------------------------------

def _in_every_line(mark: str):
    return lambda text: "\n".join(mark + line if line else line for line in text.split("\n"))


ARTEFACTS = {
    "windows line endings": lambda t: t.replace("\n", "\r\n"),
    "old Mac line endings": lambda t: t.replace("\n", "\r"),
    "zero-width space before every line": _in_every_line("\u200b"),
    "zero-width space inside every figure": lambda t: re.sub(r"(?m)^(\d+)\.(\d+)$", "\\1.\u200b\\2", t),
    "soft hyphen inside every heading": lambda t: t.replace("ผลงานที่ทำได้", "ผลงาน\u00adที่ทำได้").replace(
        "รายงานผลฯ", "รายงาน\u00adผลฯ").replace("นิยาม", "นิ\u00adยาม"),
    "no-break spaces for spaces": lambda t: t.replace(" ", "\u00a0"),
    "tabs around every line": lambda t: "\n".join(f"\t{line}\t" if line else line for line in t.split("\n")),
    "word joiner and BOM inside lines": lambda t: t.replace("ไตรมาสที่", "ไตร\u2060มาสที่").replace(
        "ค่าเป้าหมาย", "\ufeffค่าเป้าหมาย"),
    "decomposed sara am": lambda t: t.replace("\u0e33", "\u0e4d\u0e32"),
    "the site's navigation before and after": lambda t: (
        "หน้าหลัก\tระบบติดตามและประเมินผลตัวชี้วัด กรุงเทพมหานคร\nเข้าสู่ระบบ\n" + t.rstrip("\n") +
        "\nCopyright © 2021 สำนักยุทธศาสตร์และประเมินผล กรุงเทพมหานคร\nกลับด้านบน\n"),
}


@pytest.mark.parametrize("artefact", ARTEFACTS, ids=list(ARTEFACTS))
def test_copy_and_paste_artefacts_give_the_plain_page(repo, tmp_path, artefact):
    plain, _report = dry(PLAIN)
    damaged = ARTEFACTS[artefact](PLAIN.read_text(encoding="utf-8"))
    got, report = dry(variant(tmp_path, damaged))
    assert got == plain, report
    assert not re.search("[\u200b\u00ad\u00a0\u2060\ufeff]", yaml.safe_dump(got, allow_unicode=True))


def test_artefacts_are_named_in_the_report_and_the_file_passes_validate_without_warnings(repo):
    result = run("import", str(PAGES / "copy-artefacts.txt"))
    assert result.exit_code == 0, result.output
    assert "invisible character" in result.output and "no-break space" in result.output
    assert "line 1: 'หน้าหลัก" in result.output and "'กลับด้านบน' is not part of any field" in result.output
    checked = run("validate")
    assert checked.exit_code == 0 and "thai-text" not in checked.output, checked.output


# --- sections ------------------------------------------------------------------------------

BLOCKS = {  # heading -> the first words of the section's text in the plain page
    "นิยาม หรือความหมายของตัวชี้วัด": "ผู้รับบริการที่พึงพอใจ",
    "วิธีการคำนวณ หรือ เกณฑ์การประเมิน": "ร้อยละ =",
    "วิธีการการเก็บข้อมูล/แหล่งข้อมูล": "แบบสำรวจความพึงพอใจ",
    "สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ": ":ด้านที่",
    "โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด": "โครงการ",
    "** สรุปผลการดำเนินงาน **": "-",
}


def _move_before_reports(text: str, heading: str) -> str:
    """The page with the section under `heading` moved before รายงานผลฯ ไตรมาสที่ 1."""
    lines = text.split("\n")
    start = lines.index(heading)
    ends = set(BLOCKS) | {"ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง"}
    stop = next((i for i in range(start + 1, len(lines)) if lines[i] in ends or lines[i] == ""
                 and i + 1 < len(lines) and lines[i + 1] in ends), len(lines))
    block = lines[start:stop] + [""]
    rest = lines[:start] + lines[stop:]
    at = rest.index("รายงานผลฯ ไตรมาสที่ 1")
    return "\n".join(rest[:at] + block + rest[at:])


@pytest.mark.parametrize("heading", BLOCKS, ids=[h[:12] for h in BLOCKS])
def test_a_section_printed_before_the_reports_is_read_under_its_heading(repo, tmp_path, heading):
    plain, _report = dry(PLAIN)
    moved = _move_before_reports(PLAIN.read_text(encoding="utf-8"), heading)
    assert moved.index(heading) < moved.index("รายงานผลฯ ไตรมาสที่ 1")
    got, report = dry(variant(tmp_path, moved))
    assert got == plain, report


@pytest.mark.parametrize("heading", ["ผลงานเทียบกับเป้าหมายรายไตรมาส", "รายงานผลฯ ไตรมาสที่ 1",
                                     "รายงานผลฯ ไตรมาสที่ 3", "นิยาม หรือความหมายของตัวชี้วัด",
                                     "โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด"])
def test_a_heading_printed_twice_is_read_once(repo, tmp_path, heading):
    plain, _report = dry(PLAIN)
    text = PLAIN.read_text(encoding="utf-8").replace(f"\n{heading}\n", f"\n{heading}\n{heading}\n", 1)
    got, report = dry(variant(tmp_path, text))
    assert got == plain, report
    assert f"the heading '{heading}' is printed twice" in report


def test_reordered_page_reads_every_report_and_the_audit_line_over_two_lines(repo):
    data, report = dry(PAGES / "reordered.txt")
    rows = {row["quarter"]: row for row in data["quarters"]}
    assert rows[1]["report"] == "สำรวจผู้รับบริการ 320 ราย พึงพอใจ 282 ราย ณ วันที่ 31/12/2563"
    assert rows[3]["report"].startswith("สำรวจผู้รับบริการสะสม 650 ราย") and rows[3]["audit"] == 100
    assert "รายงานผล" not in data["definition"]["text"] and data["method"].startswith("ร้อยละ =")
    assert "3 of the 3 dates" in report or "dates in the text" in report  # 31/12/2563 and 30 มิย. 64 are read


def test_one_line_fields_whose_value_stands_in_the_next_cells(repo, tmp_path):
    plain, _report = dry(PLAIN)
    text = PLAIN.read_text(encoding="utf-8").replace("ค่าเป้าหมาย ร้อยละ : 85", "ค่าเป้าหมาย ร้อยละ\n:\n85").replace(
        "ผลงานที่ทำได้ ร้อยละ : 91.40", "ผลงานที่ทำได้ ร้อยละ :\n91.40").replace(
        "*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 3: 100", "*** สยป. ตรวจประเมินตัวชี้วัด :\nไตรมาสที่ 3: 100")
    got, report = dry(variant(tmp_path, text))
    assert got == plain, report


# --- the quarterly table -------------------------------------------------------------------

def test_a_table_copied_from_the_browser_gives_the_one_cell_a_line_table(repo, tmp_path):
    plain, _report = dry(PLAIN)
    text = PLAIN.read_text(encoding="utf-8")
    start, stop = text.index("ไตรมาสที่\n(1 - 4)"), text.index("รายงานผลฯ ไตรมาสที่ 1")
    table = ("ไตรมาสที่ (1 - 4)\t*ผลงาน* (ร้อยละ)\t*ผลประเมินตัวชี้วัด* (* 2.1 / 2.2 *)\n"
             "1\t88.10\t100\t100 / 100\n2\t0.00\t0\t0 / 0\n3\t91.40\t100\t100 / 100\n4\t\t\t\n\n")
    got, report = dry(variant(tmp_path, text[:start] + table + text[stop:]))
    assert got == plain, report


@pytest.mark.parametrize("row", ["{q}\t{p}\t{a}\t{s}", "{q} | {p} | {a} | {s}", "{q}  {p}  {a}  {s}"],
                         ids=["tabs", "bars", "spaces"])
def test_a_table_a_row_a_line_gives_the_one_cell_a_line_table(repo, tmp_path, row):
    plain, _report = dry(PLAIN)
    text = PLAIN.read_text(encoding="utf-8")
    start, stop = text.index("1\n88.10"), text.index("รายงานผลฯ ไตรมาสที่ 1")
    rows = [("1", "88.10", "100", "100 / 100"), ("2", "0.00", "0", "0 / 0"), ("3", "91.40", "100", "100 / 100")]
    table = "\n".join(row.format(q=q, p=p, a=a, s=s) for q, p, a, s in rows) + "\n4\n\n"
    got, report = dry(variant(tmp_path, text[:start] + table + text[stop:]))
    assert got == plain, report


@pytest.mark.parametrize("rows", [
    "1\n88.10\n100\n100 / 100\n3\n91.40\nabc\n100 / 100\n",  # quarter 2 missing, a word for a figure
    "2\n88.10\n100\n100 / 100\n",  # starts at quarter 2
    "1 ; 88.10 ; 100 ; 100 / 100\n2 ; 0.00 ; 0 ; 0 / 0\n",  # cells between another mark
    "ไตรมาส 1 ผลงาน 88.10 คะแนน 100\n",
], ids=["quarter-missing", "starts-at-2", "semicolons", "prose"])
def test_a_table_that_cannot_be_read_refuses_the_page_and_writes_nothing(repo, tmp_path, rows):
    text = PLAIN.read_text(encoding="utf-8")
    start, stop = text.index("1\n88.10"), text.index("รายงานผลฯ ไตรมาสที่ 1")
    page = variant(tmp_path, text[:start] + rows + "\n" + text[stop:])
    agencies = (repo / "indicators" / "agencies.yaml").read_bytes()
    result = run("import", str(page))
    assert result.exit_code == 1, result.output
    heading = text.split("\n").index("ผลงานเทียบกับเป้าหมายรายไตรมาส") + 1
    assert f"line {heading}: the quarterly table (ผลงานเทียบกับเป้าหมายรายไตรมาส) cannot be read" in result.output
    assert "fix:" in result.output and "page.txt" in result.output
    assert not (repo / "indicators" / "2564").exists()
    assert (repo / "indicators" / "agencies.yaml").read_bytes() == agencies


def test_cells_of_a_table_line():
    from kpi_cli.importer.quarters import _cells

    assert _cells("1\t75\t100.00\t100 / 100") == ["1", "75", "100.00", "100 / 100"]
    assert _cells("4\t\t95") == ["4", "", "95"]
    assert _cells("1  75  100.00  100  /  100") == ["1", "75", "100.00", "100  /  100"]
    assert _cells("1 | 75 | 100.00 | 100 / 100") == ["1", "75", "100.00", "100 / 100"]
    assert _cells("100 / 100") == ["100 / 100"] and _cells("(ร้อยละ)") == ["(ร้อยละ)"]


@pytest.mark.parametrize("printed, shown", [("ร้อยละ 96.50", "96.50"), ("ร้อยละ96.50", "96.50"), ("97.00%", "97.00"),
                                            ("97.00 %", "97.00"), ("ร้อยละ ๙๕.๐๐๐๐", "95.0000"), ("1,234.50", "1234.50")])
def test_a_figure_written_with_its_percent_sign_keeps_its_digits(printed, shown):
    assert figure(printed).text == shown


@pytest.mark.parametrize("blank", ["", "-", "–", "ไม่มีข้อมูล", "ยังไม่มีข้อมูล", " - "])
def test_no_data_is_unknown_never_zero(blank):
    assert figure(blank) is None


@pytest.mark.parametrize("bad", ["%", "ร้อยละ", "n/a", "95.00 คะแนน", "9 5", "ร้อยละ %"])
def test_what_is_not_a_figure_stays_refused(bad):
    with pytest.raises(ValueError):
        figure(bad)


# --- dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["15 เมษายน 2564", "15 เม.ย. 2564", "15 เม.ย. 64", "15 เม.ย 64", "15 เมย. 64",
                                  "15 เมย 2564", "๑๕ เม.ย. ๖๔", "15/04/2564", "15/4/64", "2564-04-15", "๑๕/๐๔/๒๕๖๔",
                                  "15 เม.ย.2564"])
def test_a_thai_date_as_pages_write_it(text):
    assert [d.date for d in dates_in(f"ลงวันที่ {text} แล้ว")] == [dt.date(2021, 4, 15)]


@pytest.mark.parametrize("text", ["ที่ 4/2564", "ฝบ. 634/2564", "15/04/2021", "2021-04-15", "31/02/2564",
                                  "2564-13-01", "จำนวน 10 เรื่อง", "2563-2564"])
def test_what_is_not_a_date_of_the_page(text):
    assert dates_in(text) == []


def test_a_letter_dated_in_digits_or_without_dots():
    found = letters_in("ที่ กท 5012/1410 ลงวันที่ 5 กค. 64 และ ที่ กท 5012/1411 ลว. 15/04/2564", {})
    assert [(x.number, x.date) for x in found] == [("กท 5012/1410", dt.date(2021, 7, 5)),
                                                  ("กท 5012/1411", dt.date(2021, 4, 15))]


# --- encodings -----------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "cp874"])
def test_a_page_saved_in_another_encoding_gives_the_utf8_page(repo, tmp_path, encoding):
    plain, _report = dry(PLAIN)
    text = PLAIN.read_text(encoding="utf-8").replace("÷", "/").replace("×", "x").replace("–", "-")
    raw = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # as Notepad writes it: with its byte-order mark
        raw = ("\ufeff" + text).encode(encoding)
    got, report = dry(variant(tmp_path, raw))
    ref, _report = dry(variant(tmp_path, text.encode("utf-8"), "ref.txt"))
    assert got == ref, report
    assert got["quarters"] == plain["quarters"]


def test_a_broken_utf16_page_is_refused_with_the_reason(repo, tmp_path):
    page = variant(tmp_path, b"\xff\xfe" + "รายละเอียด".encode("utf-16-le") + b"A")
    result = run("import", str(page))
    assert result.exit_code == 1 and "UTF-16" in result.output and "fix:" in result.output
    assert not (repo / "indicators" / "2564").exists()
    assert decode("ก".encode("utf-16"))[0] == "ก"


def test_a_folder_with_images_and_finder_files_imports_its_pages_only(repo, tmp_path):
    folder = tmp_path / "saved"
    (folder / "page_files").mkdir(parents=True)
    shutil.copy(PAGES / "copy-artefacts.txt", folder / "5001-0320.txt")
    shutil.copy(PAGES / "cells-windows-874.html", folder / "5012-0318.HTML")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1\x00")
    (folder / "page_files" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    result = run("import", str(folder))
    assert result.exit_code == 0, result.output
    assert "summary: 2 pages: 2 imported" in result.output
    assert (repo / "indicators" / "2564" / "5001-0320.yaml").is_file()
    assert (repo / "indicators" / "2564" / "5012-0318.yaml").is_file()
