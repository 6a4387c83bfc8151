"""The seed's PDF through WeasyPrint: A4, the Laksaman font, the seed's key facts in its text, and
no PDF at all (rather than one with boxes for Thai) when the font is missing.

The pages are also written as PNG under tests/artifacts/ (pdftoppm -png -r 80) for a person to
look at: Thai correctly shaped (marks stacked on their consonants, no dotted circles) and lines
broken between words.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"


def _pdf_ready() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return "WeasyPrint is not installed (pip install '.[pdf]')"
    from kpi_cli.render.pdf import _font_installed

    if _font_installed("Laksaman") is False:
        return "the Laksaman font is not installed (apt-get install fonts-tlwg-laksaman)"
    return None


_MISSING = _pdf_ready()
pytestmark = [pytest.mark.pdf, pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")]

# Facts of the seed page that the PDF's text must carry.
KEY_FACTS = [
    "รายละเอียดตัวชี้วัด",
    "0406-0772",
    "ความสำเร็จในการเสนอนวัตกรรมเพื่อเพิ่มประสิทธิภาพการปฏิบัติงานของหน่วยงาน",
    "ค่าเป้าหมาย คะแนน : 10",
    "ผลงานที่ทำได้ คะแนน : 100",
    "ตัวชี้วัดงานประจำ",
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


def _comparable(text: str) -> str:
    """Text as PDF extraction returns it: no spaces or line breaks, and sara am (ำ) as sara aa (า),
    because Laksaman draws ำ as two glyphs and the PDF's text layer keeps only the second."""
    text = unicodedata.normalize("NFC", text).replace("\u0e33", "\u0e32").replace("\u0e4d", "")
    return "".join(text.split())


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "0406-0772.pdf"
    done = subprocess.run([sys.executable, "-m", "kpi_cli", "render", "0406-0772", "-f", "pdf", "-o", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


def test_pdf_is_a4_with_laksaman(seed_pdf):
    from pypdf import PdfReader

    reader = PdfReader(seed_pdf)
    assert len(reader.pages) >= 3
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1  # A4 in points
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Laksaman" in f for f in fonts), fonts
    assert not any("sarabun" in f.lower() for f in fonts), fonts


def test_pdf_text_has_the_seed_key_facts(seed_pdf):
    from pypdf import PdfReader

    text = _comparable("".join(page.extract_text() for page in PdfReader(seed_pdf).pages))
    missing = [fact for fact in KEY_FACTS if _comparable(fact) not in text]
    assert not missing, missing
    if shutil.which("pdftotext"):
        plain = subprocess.run(["pdftotext", str(seed_pdf), "-"], capture_output=True, text=True).stdout
        assert _comparable("0406/191") in _comparable(plain) and "30.00" in plain


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
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


def _no_thai_fonts(tmp_path: Path) -> dict:
    """An environment whose fontconfig knows only DejaVu: no font has Thai glyphs."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_CONF.format(fonts="/usr/share/fonts/truetype/dejavu", cache=tmp_path / "cache"),
                    encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def test_no_pdf_when_the_thai_font_is_missing(tmp_path):
    out = tmp_path / "r.pdf"
    done = subprocess.run([sys.executable, "-m", "kpi_cli", "render", "0406-0772", "-o", str(out)],
                          cwd=REPO, env=_no_thai_fonts(tmp_path), capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "apt-get install fonts-tlwg-laksaman" in done.stderr
    assert not out.exists()


def test_no_pdf_with_boxes_even_past_the_font_check(tmp_path):
    """Should fontconfig answer yes and still have no Thai glyphs, the rendered fonts are checked."""
    code = (
        "import kpi_cli.render.pdf as r\n"
        "r._font_installed = lambda family: True\n"
        "try:\n"
        "    r.pdf_bytes('<html lang=\"th\"><body style=\"font-family: Laksaman, sans-serif\">ทดสอบ</body></html>')\n"
        "except r.PdfUnavailable as exc:\n"
        "    print('refused:', exc, '|', exc.fix)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=_no_thai_fonts(tmp_path),
                          capture_output=True, text=True, timeout=300)
    assert "refused:" in done.stdout, done.stdout + done.stderr
    assert "fonts-tlwg-laksaman" in done.stdout
