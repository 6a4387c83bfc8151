"""`kpi import`: the page as text: decoded from its bytes, its navigation dropped, split into the
sections under its headings, and a text section as the file writes it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kpi_cli.core.i18n import _
from kpi_cli.importer.refusals import NotAPage

EMPTY = {"", "-", "–", "—", "ไม่มี"}
NO_AGREEMENT = re.compile(r"^ยังไม่มีคำรับรอง\S*$")
CHROME = {"รายละเอียดตัวชี้วัด", "Back Home", "รายละเอียดตัวชี้วัดฯ : พิมพ์ข้อมูล", "พิมพ์ข้อมูล",
          "ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง"}

# Headings in page order: a heading is recognised only after those before it, so a report line
# that happens to start like an earlier heading stays text.
_HEADINGS = (
    ("target", r"ค่าเป้าหมาย(?P<rest>.*)"),
    ("achieved", r"ผลงานที่ทำได้(?P<rest>.*)"),
    ("type", r"ประเภทตัวชี้วัด\s*:?\s*(?P<rest>.*)"),
    ("audit", r"\**\s*สยป\.?\s*ตรวจประเมินตัวชี้วัด\s*:?\s*(?P<rest>.*)"),
    ("table", r"ผลงานเทียบกับเป้าหมายรายไตรมาส\s*(?P<rest>)"),
    ("report1", r"รายงานผล\S*\s*ไตรมาสที่\s*[1๑]\s*:?\s*(?P<rest>.*)"),
    ("report2", r"รายงานผล\S*\s*ไตรมาสที่\s*[2๒]\s*:?\s*(?P<rest>.*)"),
    ("report3", r"รายงานผล\S*\s*ไตรมาสที่\s*[3๓]\s*:?\s*(?P<rest>.*)"),
    ("report4", r"รายงานผล\S*\s*ไตรมาสที่\s*[4๔]\s*:?\s*(?P<rest>.*)"),
    ("summary", r"\**\s*สรุปผลการดำเนินงาน\s*\**\s*(?P<rest>)"),
    ("definition", r"นิยาม(?: หรือความหมายของตัวชี้วัด)?\s*(?P<rest>)"),
    ("method", r"วิธีการคำนวณ(?:\s*หรือ\s*เกณฑ์การประเมิน)?\s*(?P<rest>)"),
    ("data_collection", r"วิธีการ(?:การ)?เก็บข้อมูล(?:\s*/\s*แหล่งข้อมูล)?\s*(?P<rest>)"),
    ("strategies", r"สนับสนุนยุทธศาสตร์กรุงเทพมหานคร\S*\s*(?P<rest>)"),
    ("projects", r"โครงการ\s*/\s*กิจกรรมที่สนับสนุนตัวชี้วัด\s*(?P<rest>)"),
)
_HEADING_RES = [(name, re.compile(rf"^{rx}$")) for name, rx in _HEADINGS]
_ONE_LINE = {"target", "achieved", "audit"}  # the heading line is the whole field
HEADER_RE = re.compile(r"^(?:(?P<seq>[0-9๐-๙]+)\s*/\s*)?(?P<rest>.*?)\s*:\s*"
                       r"(?P<code>[0-9๐-๙]{4}\s*-\s*[0-9๐-๙]{3,4})\s*$")


@dataclass
class Page:
    header: str | None = None
    sections: dict[str, list[str]] = field(default_factory=dict)
    stray: list[tuple[int, str]] = field(default_factory=list)


def split(text: str) -> Page:
    """The page's header line, the lines under each heading, and the lines that belong to no field."""
    page = Page()
    current: str | None = None
    rank = -1
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if line in CHROME:
            continue
        if page.header is None and not page.sections:
            if HEADER_RE.match(line) and "ค่าเป้าหมาย" not in line:
                page.header = line
                continue
            if not any(rx.match(line) for _name, rx in _HEADING_RES):  # a stripped copy starts at a heading
                if line:
                    page.stray.append((lineno, line))
                continue
        hit = next(((i, name, m) for i, (name, rx) in enumerate(_HEADING_RES) if i > rank
                    for m in [rx.match(line)] if m), None)
        if hit:
            rank, current, m = hit
            page.sections[current] = [m.group("rest").strip()] if m.group("rest").strip() else []
            if current in _ONE_LINE:
                current = None
            continue
        if current is None:
            if line:
                page.stray.append((lineno, line))
            continue
        if current == "type" and not line:
            current = None  # the type is the heading and the lines right below it
            continue
        page.sections[current].append(line)
    return page


def section_text(lines: list[str] | None, what: str, notes: list[str]) -> str:
    """A text section: its lines, blank lines kept inside, '-' and ยังไม่มีคำรับรองฯ as empty."""
    lines = list(lines or [])
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    text = "\n".join(lines)
    if NO_AGREEMENT.match(text):
        notes.append(_("{what}: the page says '{text}' (no performance agreement yet); left empty").format(
            what=what, text=text))
        return ""
    return "" if text in EMPTY else text


def decode(raw: bytes) -> tuple[str, list[str]]:
    """The page's text: UTF-8 (with or without BOM), or Thai Windows-874 / TIS-620 as older tools save it."""
    notes: list[str] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp874")
        except UnicodeDecodeError:
            raise NotAPage(_("the file is neither UTF-8 nor Thai Windows-874 / TIS-620 text"),
                           _("save the page as text (UTF-8) from the browser and import that")) from None
        notes.append(_("the page was read as Thai Windows-874 / TIS-620; the file is written as UTF-8"))
    if "\x00" in text:
        raise NotAPage(_("this is binary data, not the text of a page"), _("save the page as text from the browser"))
    return text.replace("\r\n", "\n").replace("\r", "\n"), notes
