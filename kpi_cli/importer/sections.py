"""`kpi import`: the page as text: decoded from its bytes, its navigation dropped, split into the
sections under its headings, and a text section as the file writes it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kpi_cli.core.i18n import _
from kpi_cli.importer.refusals import NotAPage

EMPTY = {"", "-", "–", "—", "ไม่มี", "ไม่มีข้อมูล", "ยังไม่มีข้อมูล"}
NO_AGREEMENT = re.compile(r"^ยังไม่มีคำรับรอง\S*$")
CHROME = {"รายละเอียดตัวชี้วัด", "Back Home", "รายละเอียดตัวชี้วัดฯ : พิมพ์ข้อมูล", "พิมพ์ข้อมูล",
          "ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง"}
END = "ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง"  # the page's last line: it ends the section above it

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
_INDEX = {name: i for i, (name, _rx) in enumerate(_HEADINGS)}
_ONE_LINE = {"target", "achieved", "audit"}  # the heading line is the whole field
# a one-line field whose value the page puts in the cells after its label ('ค่าเป้าหมาย ร้อยละ' | ':' |
# '95.0000'): the lines that continue it
_CONTINUES = {"target": re.compile(r"^:?\s*[-+]?[\d๐-๙][\d๐-๙,.]*\s*$|^:$"),
              "achieved": re.compile(r"^:?\s*[-+]?[\d๐-๙][\d๐-๙,.]*\s*$|^:$"),
              "audit": re.compile(r"^:$|^:?\s*ไตรมาสที่\s*[1-4๑-๔]\s*:?.*$")}
HEADER_RE = re.compile(r"^(?:(?P<seq>[0-9๐-๙]+)\s*/\s*)?(?P<rest>.*?)\s*:\s*"
                       r"(?P<code>[0-9๐-๙]{4}\s*-\s*[0-9๐-๙]{3,4})\s*$")


@dataclass
class Page:
    header: str | None = None
    sections: dict[str, list[str]] = field(default_factory=dict)
    stray: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # section -> the line of its heading


def _heading(line: str, rank: int, seen: dict) -> tuple[int, str, re.Match] | None:
    """The heading `line` is, if any: one after the last heading (page order), or a block heading
    of a section not met yet that the page prints in another order (its whole line, nothing after
    it, so that a report line that starts like a heading stays text)."""
    for i, (name, rx) in enumerate(_HEADING_RES):
        m = rx.match(line)
        if m and (i > rank or (name not in seen and name not in _ONE_LINE and not m.group("rest").strip())):
            return i, name, m
    return None


def split(text: str) -> Page:
    """The page's header line, the lines under each heading, and the lines that belong to no field.

    Headings are read in the page's order, and a section printed elsewhere (นิยาม before the
    reports) is still read under its own heading; a heading printed twice in a row is read once; a
    one-line field whose value stands on the lines after its label (cells of a saved page) is
    joined; the page's last line (ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง) ends the section above it, so
    that the site's text after it is no project."""
    page = Page()
    current: str | None = None
    joining: str | None = None  # the one-line field whose value may follow on the next lines
    rank = -1
    seen = page.lines  # section -> the line of its heading
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if line == END:
            current = joining = None  # the section ends; what follows is the site's unless it is a heading
            continue
        if line in CHROME:
            continue
        if joining is not None:
            if not line:
                continue
            if _CONTINUES[joining].match(line):
                page.sections[joining] = [f"{page.sections[joining][0] if page.sections[joining] else ''} "
                                          f"{line}".strip()]
                if joining != "audit" and re.search(r":\s*\S", page.sections[joining][0]):
                    joining = None
                continue
            joining = None
        if page.header is None and not page.sections:
            if HEADER_RE.match(line) and "ค่าเป้าหมาย" not in line:
                page.header = line
                continue
            if not any(rx.match(line) for _name, rx in _HEADING_RES):  # a stripped copy starts at a heading
                if line:
                    page.stray.append((lineno, line))
                continue
        hit = _heading(line, rank, seen)
        if hit is None and current is not None and current in seen and not any(page.sections[current]) and \
                _HEADING_RES[_INDEX[current]][1].match(line) and current not in _ONE_LINE:
            page.notes.append(_("line {line}: the heading '{text}' is printed twice (line {first}); read once").format(
                line=lineno, text=line[:60], first=seen[current]))
            continue
        if hit:
            i, current, m = hit
            rank = max(rank, i)
            seen[current] = lineno
            page.sections[current] = [m.group("rest").strip()] if m.group("rest").strip() else []
            if current in _ONE_LINE:
                if current == "audit" or not re.search(r":\s*\S", m.group("rest")):
                    joining = current
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


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")  # zero-width characters, soft hyphen
_ODD_SPACE = re.compile("[\u00a0\u2007\u202f\u3000\u2000-\u200a]")  # no-break and other fixed-width spaces
_SARA_AM = re.compile("\u0e4d\u0e32")  # ํ + า, as PDFs give it: ำ


def clean(text: str) -> tuple[str, list[str]]:
    """The page's text without the artefacts of copy and paste, and a note on what was changed:
    zero-width characters and soft hyphens deleted, no-break spaces made spaces, a decomposed
    sara am (ํ + า) made ำ, the text made NFC. Lines stay where they were (the notes' line numbers
    are the file's)."""
    counts = {"invisible": len(_INVISIBLE.findall(text)), "space": len(_ODD_SPACE.findall(text)),
              "sara_am": len(_SARA_AM.findall(text))}
    out = _SARA_AM.sub("\u0e33", _ODD_SPACE.sub(" ", _INVISIBLE.sub("", text)))
    out = unicodedata.normalize("NFC", out)
    notes = []
    if any(counts.values()):
        notes.append(_("the page's text carries {invisible} invisible character(s) (zero-width space, soft hyphen), "
                       "{space} no-break space(s) and {sara_am} decomposed sara am (ํ + า), as copy and paste "
                       "leaves them: deleted, made spaces and ำ").format(**counts))
    return out, notes


def decode(raw: bytes) -> tuple[str, list[str]]:
    """The page's text: UTF-8 (with or without BOM), UTF-16 with its BOM (Notepad's "Unicode"), or Thai
    Windows-874 / TIS-620 as older tools save it."""
    notes: list[str] = []
    save_utf8 = _("save the page as text (UTF-8) from the browser and import that")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise NotAPage(_("the file starts as UTF-16 text but is not UTF-16 throughout"), save_utf8) from None
        notes.append(_("the page was read as UTF-16 (Notepad's \"Unicode\"); the file is written as UTF-8"))
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp874")
            except UnicodeDecodeError:
                raise NotAPage(_("the file is neither UTF-8 nor Thai Windows-874 / TIS-620 text"), save_utf8) from None
            notes.append(_("the page was read as Thai Windows-874 / TIS-620; the file is written as UTF-8"))
    if "\x00" in text:
        raise NotAPage(_("this is binary data, not the text of a page"), _("save the page as text from the browser"))
    return text.replace("\r\n", "\n").replace("\r", "\n"), notes
