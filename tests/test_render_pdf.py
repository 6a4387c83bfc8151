"""The seed's PDF: A4, tagged, in Sarabun (from the pip package fontpkg-sarabun, embedded), and a
text layer that gives the Thai back exactly: `pdftotext` (default mode) of the seed's report holds
every Thai paragraph of the source (tests/pdf_text.py says which). No PDF at all (rather than one
with boxes for Thai) when the font is missing or the Thai is not set in it.

The pages are also written as PNG under tests/artifacts/ (pdftoppm -png -r 80) for a person to
look at: Thai correctly shaped (marks stacked on their consonants, no dotted circles) and lines
broken between words.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pdf_text import collapse, found_exactly, page_text, report_paragraphs

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
SEED = REPO / "indicators" / "2564" / "0406-0772.yaml"


def _pdf_ready() -> str | None:
    try:
        from kpi_cli.render.pdf import check_pdf_ready

        check_pdf_ready()
    except Exception as exc:  # PdfUnavailable, or WeasyPrint failing to start
        return f"{exc} ({getattr(exc, 'fix', '')})"
    return None


_MISSING = _pdf_ready()
pytestmark = [pytest.mark.pdf, pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")]
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils is not installed (apt-get install poppler-utils)")

# Facts of the seed page that the PDF's text must carry.
KEY_FACTS = [
    "รายละเอียดตัวชี้วัด",
    "0406-0772",
    "ความสำเร็จในการเสนอนวัตกรรมเพื่อเพิ่มประสิทธิภาพการปฏิบัติงานของหน่วยงาน",
    "ค่าเป้าหมาย คะแนน : 10",
    "ผลงานที่ทำได้ คะแนน : 100",
    "ตัวชี้วัดงานประจำ",
    "น้ำหนัก : ร้อยละ 10",
    "สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 100",
    "ผลงานเทียบกับเป้าหมายรายไตรมาส",
    "30.00", "50.00", "80.00", "100.00", "100 / 100", "0 / 0",
    "รายงานผลฯ ไตรมาสที่ 4",
    "กท 0406/191 ลงวันที่ 15 เมษายน 2564",
    "มีผู้ใช้บริการทั้งสิ้น 132 คน",
    "สรุปผลการดำเนินงาน",
    "นิยาม หรือความหมายของตัวชี้วัด",
    "วิธีการคำนวณ หรือ เกณฑ์การประเมิน",
    "คะแนนรวม = ส่วนที่ 1 + ส่วนที่ 2 + ส่วนที่ 3",
    "สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ",
    "๗.๕.๑.๑",
    "โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด",
]


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "0406-0772.pdf"
    done = subprocess.run([sys.executable, "-m", "kpi_cli", "render", "0406-0772", "-f", "pdf", "-o", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def seed_text(seed_pdf) -> str:
    """`pdftotext` in its default mode: what search, copy and document systems read."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed (apt-get install poppler-utils)")
    return subprocess.run(["pdftotext", str(seed_pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=300).stdout


def _fonts(pdf: Path) -> set[str]:
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(pdf).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            for descendant in font.get("/DescendantFonts") or []:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font  # embedded
    return fonts


def test_pdf_is_a4_tagged_and_embeds_sarabun(seed_pdf):
    from pypdf import PdfReader

    reader = PdfReader(seed_pdf)
    assert len(reader.pages) >= 3
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1  # A4 in points
    fonts = _fonts(seed_pdf)
    assert any("Sarabun" in f for f in fonts), fonts
    assert not any("laksaman" in f.lower() for f in fonts), fonts
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], "the PDF is not tagged"
    assert root["/Lang"] == "th"


def test_pdf_text_layer_has_the_issue_phrases_exactly(seed_text):
    for phrase in ("สำนักงานปกครองและทะเบียน", "ตัวชี้วัด", "ความสำเร็จในการเสนอนวัตกรรม"):
        assert phrase in seed_text, phrase
    # what the text layer gave before: sara am lost, marks out of order
    for wrong in ("สานักงาน", "ตัวชีว", "นาหนัก", "เป้ าหมาย"):
        assert wrong not in seed_text, wrong


def test_pdf_text_layer_gives_every_thai_paragraph_back(seed_text):
    paragraphs = report_paragraphs(SEED)
    assert len(paragraphs) > 40  # the file's texts and the catalogues' lines
    text = page_text(seed_text)
    missing = [(where, collapse(p)[:60]) for where, p in paragraphs if not found_exactly(p, text)]
    assert not missing, missing


def test_pdf_text_layer_has_the_seed_key_facts(seed_text):
    text = page_text(seed_text)
    missing = [fact for fact in KEY_FACTS if not found_exactly(fact, text)]
    assert not missing, missing


def test_the_comparison_itself_tells_wrong_text_apart():
    """found_exactly is strict: a lost sara am, a mark on its own line, a lost space all fail."""
    assert found_exactly("ผลงานที่ทำได้ คะแนน", "ผลงานที่ทำได้\nคะแนน")
    assert found_exactly("สำนักงานปกครองและทะเบียน จำนวน", "สำนักงานปกครอง\nและทะเบียน จำนวน")
    assert not found_exactly("สำนักงาน", "สานักงาน")
    assert not found_exactly("ตัวชี้วัด", "ตัวชี\n้วัด")
    assert not found_exactly("ผลงาน คะแนน", "ผลงานคะแนน")
    assert not found_exactly("ตัวชี้วัด", "ตัวชี้ วัด")


@needs_poppler
def test_pdf_pages_as_png_for_a_person_to_look_at(seed_pdf):
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("0406-0772-pdf-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(seed_pdf), str(ARTIFACTS / "0406-0772-pdf")],
                   check=True, timeout=300)
    pngs = sorted(ARTIFACTS.glob("0406-0772-pdf-*.png"))
    assert len(pngs) >= 3
    assert all(p.stat().st_size > 10_000 for p in pngs)  # pages with ink on them, not blank


FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def _run_pdf_bytes(code: str, env: dict | None = None) -> str:
    program = ("import kpi_cli.render.pdf as r\n" + code + "\n"
               "try:\n"
               "    r.pdf_bytes(HTML)\n"
               "    print('written')\n"
               "except r.PdfUnavailable as exc:\n"
               "    print('refused:', exc, '|', exc.fix)\n")
    done = subprocess.run([sys.executable, "-c", program], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    return done.stdout + done.stderr


@pytest.mark.skipif(not (DEJAVU / "DejaVuSans.ttf").is_file(), reason="fonts-dejavu-core is not installed")
def test_no_pdf_with_boxes_when_the_font_has_no_thai(tmp_path):
    """Should the font's files have no Thai (and no other font either), the rendered fonts are checked."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_CONF.format(fonts=DEJAVU, cache=tmp_path / "cache"), encoding="utf-8")
    code = (f"dejavu = {str(DEJAVU / 'DejaVuSans.ttf')!r}\n"
            "r.font_files = lambda: {face: __import__('pathlib').Path(dejavu) for face in "
            "((400, 'normal'), (700, 'normal'))}\n"
            "HTML = '<html lang=\"th\"><body style=\"font-family: Sarabun\">ทดสอบ</body></html>'")
    out = _run_pdf_bytes(code, env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    assert "refused:" in out and "no font has glyphs" in out, out


def test_no_pdf_when_the_thai_is_not_set_in_sarabun(tmp_path):
    """A repository's stylesheet that names another family: refused, with the fix."""
    from kpi_cli.render.pdf import font_files

    regular = font_files()[(400, "normal")]
    code = ("HTML = '<html lang=\"th\"><head><style>@font-face { font-family: Other; src: url(%s) }"
            "body { font-family: Other }</style></head><body>ทดสอบ</body></html>'" % regular.as_uri())
    out = _run_pdf_bytes(code)
    assert "refused:" in out and "not set in Sarabun" in out and "font-family" in out, out


def test_the_seed_pdf_is_written_with_the_font_from_the_package_not_fontconfig(tmp_path):
    """Sarabun comes from the pip package: fontconfig knowing no Thai font changes nothing."""
    if not (DEJAVU / "DejaVuSans.ttf").is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_CONF.format(fonts=DEJAVU, cache=tmp_path / "cache"), encoding="utf-8")
    out = tmp_path / "r.pdf"
    done = subprocess.run([sys.executable, "-m", "kpi_cli", "render", "0406-0772", "-o", str(out)], cwd=REPO,
                          env={**os.environ, "FONTCONFIG_FILE": str(conf)}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert any("Sarabun" in f for f in _fonts(out))


def test_no_pdf_when_weasyprint_draws_text_past_the_actual_text_spans(monkeypatch):
    """A WeasyPrint whose lines kpi cannot read: no PDF whose text would read back wrong."""
    import weasyprint.draw.text as drawing

    import kpi_cli.render.pdf as r

    original = drawing.draw_first_line

    def unreadable(layout):
        raise AttributeError("no text")

    monkeypatch.setattr(r, "_line_text", unreadable)
    with pytest.raises(r.PdfUnavailable, match="draws text in a way kpi does not know") as refused:
        r.pdf_bytes('<html lang="th"><body>ทดสอบ</body></html>')
    assert "pip install --upgrade" in refused.value.fix
    assert drawing.draw_first_line is original  # WeasyPrint is left as it was


def test_each_line_is_one_actual_text_span():
    import re

    import weasyprint.draw.text as drawing
    from pypdf import PdfReader

    import kpi_cli.render.pdf as r

    original = drawing.draw_first_line
    data = r.pdf_bytes('<html lang="th"><body><p>สำนักงาน น้ำหนัก</p><p>ตัวชี้วัด</p></body></html>')
    assert drawing.draw_first_line is original
    from io import BytesIO

    content = PdfReader(BytesIO(data)).pages[0].get_contents().get_data()
    texts = [bytes.fromhex(h.decode()).decode("utf-16-be").lstrip("\ufeff")
             for h in re.findall(rb"/ActualText <([0-9a-fA-F]+)>", content)]
    # a line of words kept whole is a text box per word (the space between them is the gap a
    # reader sees); a line of one word, one box; a <wbr> between words is no text
    assert texts == ["สำนักงาน", "น้ำหนัก", "ตัวชี้วัด"], texts
