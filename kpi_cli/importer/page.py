"""`kpi import`, the core: the text of a BMA "รายละเอียดตัวชี้วัด" page -> the indicator as data.

Pure: text in, values out. :func:`parse_page` returns an :class:`Imported`: the indicator as a
plain mapping in the file's key order, the comments to write beside its fields, and the report of
what was inferred or left out. Nothing here reads files, prints or exits; refusals are
:class:`ImportRefused` subclasses. The file itself (layout, validation, atomic create) is
:mod:`kpi_cli.scaffold`.

The page, as its text comes out of the BMA system (the seed is one)::

    8/สปท.<title> : 0406-0772              sequence / agency abbreviation, title, code
    ค่าเป้าหมาย <unit> : <value>
    ผลงานที่ทำได้ <unit> : <value>
    ประเภทตัวชี้วัด : ตัวชี้วัดงานประจำ
    (ตัวชี้วัดระดับผลลัพธ์ (outcome))
    *** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 100
    ผลงานเทียบกับเป้าหมายรายไตรมาส           a header, then one cell a line, four a quarter:
    1 / 30.00 / 100 / 100 / 100            quarter, performance, assessed, "2.1 / 2.2"
    รายงานผลฯ ไตรมาสที่ 1 … 4, ** สรุปผลการดำเนินงาน **, นิยาม…, วิธีการคำนวณ…,
    วิธีการการเก็บข้อมูล…, สนับสนุนยุทธศาสตร์…, โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด

The fields are read as printed. From the narrative of the quarter reports come, where the text
says so, the dated events with their letters (``timeline``), an appeal (``amendments``) and, for
the innovation indicator, the project record and the stage events whose gates the text supports.
Whatever is not printed as such but concluded is listed under ``inferred:`` with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from kpi_cli.core.i18n import N_, _, ngettext
from kpi_cli.core.problems import KpiError
from kpi_cli.check.rules.letters import is_letter
from kpi_cli.core.thai import THAI_MONTHS, THAI_MONTHS_ABBR, fiscal_position, thai_date, to_arabic_digits

# --- refusals -----------------------------------------------------------------------------


class ImportRefused(KpiError):
    """The page was not imported; nothing was written."""

    def __init__(self, message: str, fix: str | None = None):
        self.fix = fix
        super().__init__(message)


class NotAPage(ImportRefused):
    pass


class NoFiscalYear(ImportRefused):
    exit_code = 2  # the page is fine; the command needs --year


class UnknownAgency(ImportRefused):
    pass


class MissingStrategies(ImportRefused):
    def __init__(self, missing: list[dict], catalogue: str):
        self.missing = missing
        lines = "".join(f'\n    - code: "{s["code"]}"\n      label: {s["label"]}'
                        + ("\n      truncated: true" if s.get("truncated") else "") for s in missing)
        super().__init__(
            _("the page supports strategies that are not in {catalogue}: {codes}").format(
                catalogue=catalogue, codes=", ".join(s["code"] for s in missing)),
            _("run again with --add-strategies to add them from the page, or add them by hand:{entries}").format(
                entries=lines))


class Reason(str):
    """Why a value was inferred: in English in the file, so that a page gives the same file whoever
    imports it, and in the user's language (`shown`) in the report of `kpi import`.
    `Reason(N_("… {name} …"), name=value)`."""

    shown: str

    def __new__(cls, message: str, **values):
        obj = super().__new__(cls, message.format(**values))
        obj.shown = _(message).format(**values)
        return obj


# --- the result ---------------------------------------------------------------------------


@dataclass
class Imported:
    """One page, imported: the data, comments for the file, and the report."""

    data: dict
    comments: dict[str, str] = field(default_factory=dict)  # field path -> comment beside it
    above: dict[str, str] = field(default_factory=dict)  # top-level key -> comment lines above it
    read: list[str] = field(default_factory=list)  # what was read, in a few words each
    notes: list[str] = field(default_factory=list)  # what was left out, chosen or is missing
    new_strategies: list[dict] = field(default_factory=list)  # strategies not in the catalogue
    source: str = ""

    @property
    def code(self) -> str:
        return self.data["code"]

    @property
    def fiscal_year(self) -> int:
        return self.data["fiscal_year"]

    @property
    def inferred(self) -> dict[str, str]:
        return self.data.get("inferred", {})

    @property
    def reasons(self) -> dict[str, str]:
        """The inferred paths with their reasons in the user's language."""
        return {path: getattr(why, "shown", why) for path, why in self.inferred.items()}


class Figure(float):
    """A number as the page prints it: 30.00 stays 30.00 in the file (it equals 30.0)."""

    text: str

    def __new__(cls, text: str):
        obj = super().__new__(cls, text)
        obj.text = text
        return obj


# --- reading the text ---------------------------------------------------------------------

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
_HEADER_RE = re.compile(r"^(?:(?P<seq>[0-9๐-๙]+)\s*/\s*)?(?P<rest>.*?)\s*:\s*"
                        r"(?P<code>[0-9๐-๙]{4}\s*-\s*[0-9๐-๙]{3,4})\s*$")
_NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")


@dataclass
class _Page:
    header: str | None = None
    sections: dict[str, list[str]] = field(default_factory=dict)
    stray: list[tuple[int, str]] = field(default_factory=list)


def _split(text: str) -> _Page:
    page = _Page()
    current: str | None = None
    rank = -1
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if line in CHROME:
            continue
        if page.header is None:
            if _HEADER_RE.match(line) and "ค่าเป้าหมาย" not in line:
                page.header = line
            elif line:
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


def _text(lines: list[str] | None, what: str, notes: list[str]) -> str:
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


def figure(text: str) -> int | float | None:
    """'30.00' -> 30.00 (kept as printed), '๑๐๐' -> 100, '2,700' -> 2700, '' or '-' -> None."""
    text = to_arabic_digits(text.strip()).replace(",", "")
    if text in EMPTY:
        return None
    if not _NUMBER_RE.match(text):
        raise ValueError(text)
    return Figure(text) if "." in text else int(text)


def _figure(text: str, what: str, notes: list[str]) -> int | float | None:
    try:
        return figure(text)
    except ValueError:
        notes.append(_("{what}: '{text}' is not a figure; left out").format(what=what, text=text))
        return None


# --- dates and letters in the narrative ---------------------------------------------------

_MONTH_NAMES = {name: i + 1 for i, name in enumerate(THAI_MONTHS)}
_MONTH_NAMES.update({abbr: i + 1 for i, abbr in enumerate(THAI_MONTHS_ABBR)})
_MONTH = "|".join(re.escape(m) for m in sorted(_MONTH_NAMES, key=len, reverse=True))
DATE_RE = re.compile(
    rf"(?<![\d./])(?:(?P<d1>\d{{1,2}})\s*(?:(?P<m1>{_MONTH})\s*(?:(?P<y1>\d{{4}})\s*)?)?(?:–|-|ถึง)\s*)?"
    rf"(?P<d>\d{{1,2}})\s*(?P<m>{_MONTH})\s*(?:พ\.ศ\.\s*)?(?P<y>\d{{4}}|\d{{2}})(?!\d)")
_LETTER_RES = (
    re.compile(r"(?P<bma>กท\.?)\s*(?P<office>\d{4})\s*/\s*(?P<no>\d{1,6})(?![\d/])"),
    re.compile(r"คำสั่ง\s*(?P<issuer>\S*?)\s*ที่\s*(?P<order>\d{1,5}\s*/\s*\d{4})"),
    re.compile(r"(?<![\u0E00-\u0E7F.])(?P<prefix>(?:[ก-ฮ]{1,4}\.)+)\s*(?P<internal>\d{1,5}/\d{2,4})(?![\d/])"),
)
_LETTER_DATE_RE = re.compile(r"\s*(?:ลงวันที่|ลว\.?)\s*")


@dataclass(frozen=True)
class Dated:
    date: dt.date
    end: dt.date | None
    start: int  # offset in the text
    stop: int


def _be(year: str) -> int:
    return int(year) + (2500 if len(year) == 2 else 0)


def dates_in(text: str) -> list[Dated]:
    """Thai dates in `text`: '8 กุมภาพันธ์ 2564' -> 2021-02-08; '1 – 9 เมษายน 2564' a period."""
    out = []
    for m in DATE_RE.finditer(to_arabic_digits(text)):
        year, month = _be(m["y"]) - 543, _MONTH_NAMES[m["m"]]
        try:
            day = dt.date(year, month, int(m["d"]))
            first = None
            if m["d1"]:
                first = dt.date(_be(m["y1"]) - 543 if m["y1"] else year,
                                _MONTH_NAMES[m["m1"]] if m["m1"] else month, int(m["d1"]))
        except ValueError:
            continue  # 31 กุมภาพันธ์: not a date
        if first is not None and first < day:
            out.append(Dated(first, day, m.start(), m.end()))
        else:
            out.append(Dated(day, None, m.start(), m.end()))
    return out


@dataclass(frozen=True)
class Letter:
    number: str  # as the files write it: 'กท 0406/191', 'ฝบ. 634/2564', 'คำสั่ง สปท. ที่ 4/2564'
    date: dt.date | None
    start: int


def letters_in(text: str, names: dict[str, str]) -> list[Letter]:
    """Official letters in `text`, with the date that follows them ('ลงวันที่ …').
    `names` maps agency names to abbreviations, for orders: 'คำสั่งสำนักงานปกครองและทะเบียน ที่
    4/2564' -> 'คำสั่ง สปท. ที่ 4/2564'."""
    plain = to_arabic_digits(text)
    found: list[tuple[int, int, str]] = []
    for rx in _LETTER_RES:
        for m in rx.finditer(plain):
            if any(a < m.end() and m.start() < b for a, b, _number in found):
                continue
            if m.groupdict().get("bma"):
                number = f"กท {m['office']}/{m['no']}"
            elif m.groupdict().get("order"):
                issuer = names.get(m["issuer"], m["issuer"])
                order = re.sub(r"\s", "", m["order"])
                number = f"คำสั่ง {issuer} ที่ {order}" if issuer else f"คำสั่ง ที่ {order}"
            else:
                number = f"{m['prefix']} {m['internal']}"
            if is_letter(number):
                found.append((m.start(), m.end(), number))
    out = []
    for start, end, number in sorted(found):
        when = None
        lead = _LETTER_DATE_RE.match(plain, end)
        if lead:
            d = DATE_RE.match(plain, lead.end())
            if d:
                when = next((x.date for x in dates_in(plain[d.start():d.end()])), None)
        out.append(Letter(number, when, start))
    return out


# --- numbered items of a report -------------------------------------------------------------

_ITEM_RE = re.compile(r"(?:(?<=\s)|^)(?P<num>\d{1,2}(?:\.\d{1,2})*)(?P<mark>[.)]?)(?=\s)")


@dataclass
class Item:
    path: tuple[int, ...]
    text: str  # its own text, without the number, up to the next item of the outline
    children: int = 0  # how many items below it
    notes: list["Item"] = field(default_factory=list)  # its '1) … 2) …' list


def _follows(path: tuple[int, ...], prev: tuple[int, ...] | None, mark: str) -> bool:
    if prev is None:
        return path == (1,) and mark == "."
    if len(path) == 1:
        return mark == "." and path[0] == prev[0] + 1
    if mark:
        return False
    if path == prev + (1,):
        return True
    head, last = path[:-1], path[-1]
    return len(path) <= len(prev) and head == prev[:len(head)] and prev[len(head)] <= last <= prev[len(head)] + 2


def items(text: str) -> list[Item]:
    """The outline of a report: '1. … 2. … 4.1 … 4.2.1 …' (numbers in sequence only, so that
    'จำนวน 10 เรื่อง' or 'COVID 19)' stay text), with each item's '1) … 2) …' list."""
    plain = to_arabic_digits(text)
    marks: list[tuple[int, int, tuple[int, ...], bool]] = []  # start, body start, path, paren
    prev: tuple[int, ...] | None = None
    paren = 0
    for m in _ITEM_RE.finditer(plain):
        path = tuple(int(p) for p in m["num"].split("."))
        if _follows(path, prev, m["mark"]):
            marks.append((m.start(), m.end(), path, False))
            prev, paren = path, 0
        elif prev is not None and m["mark"] == ")" and len(path) == 1 and path[0] == paren + 1:
            marks.append((m.start(), m.end(), path, True))
            paren += 1
    out: list[Item] = []
    for i, (start, body, path, is_paren) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        if is_paren:
            out[-1].notes.append(Item(path, text[body:stop].strip()))
            continue
        nxt = next((j for j in range(i + 1, len(marks)) if not marks[j][3]), None)
        own_stop = marks[nxt][0] if nxt is not None else len(text)
        out.append(Item(path, text[body:own_stop].strip()))
    for i, item in enumerate(out):
        item.children = sum(1 for later in out[i + 1:] if later.path[:len(item.path)] == item.path
                            and len(later.path) > len(item.path))
    return out


# --- the header, the table, the strategies -------------------------------------------------

def _header(line: str, catalogues, notes: list[str], inferred: dict) -> dict:
    m = _HEADER_RE.match(line)
    code = re.sub(r"\s", "", to_arabic_digits(m["code"]))
    agency_code, number = code.split("-")
    agency = (catalogues.agencies if catalogues else {}).get(agency_code)
    if agency is None:
        kind = "district" if agency_code.startswith("50") else (
            "department" if agency_code.endswith("00") else "permanent-secretary-unit")
        guess = re.match(r"^([\u0E01-\u0E2E]{2,6}\.)", m["rest"]) if m["seq"] else None
        entry = "\n".join([f'    - code: "{agency_code}"', "      name: <ชื่อหน่วยงาน>",
                           f"      abbr: {guess.group(1) if guess else '<อักษรย่อ>'}",
                           f"      kind: {kind}   # department | district | permanent-secretary-unit | "
                           "council-secretariat | governor-secretariat"])
        raise UnknownAgency(
            _("agency '{agency}' (from the code {code}) is not in agencies.yaml").format(agency=agency_code,
                                                                                          code=code),
            _("add it to indicators/agencies.yaml, then import again:\n{entry}").format(entry=entry))
    rest = m["rest"].strip()
    out: dict = {"code": code}
    if m["seq"]:
        out["sequence"] = int(to_arabic_digits(m["seq"]))
        if rest.startswith(agency.abbr):
            rest = rest[len(agency.abbr):].strip()
        else:
            printed = re.match(r"^([\u0E01-\u0E2E]{2,6}\.)", rest)
            if printed:
                rest = rest[printed.end():].strip()
                notes.append(_("header: the page writes the agency as '{printed}'; agencies.yaml has '{abbr}' "
                               "for {agency}").format(printed=printed.group(1), abbr=agency.abbr, agency=agency_code))
    out["agency"] = agency_code
    out["title"] = rest
    if len(number) == 3:
        notes.append(_("code {code}: a 3-digit indicator number, kept as printed").format(code=code))
    return out


def _table(lines: list[str], notes: list[str]) -> tuple[list[dict], str | None]:
    """Rows of ผลงานเทียบกับเป้าหมายรายไตรมาส: one cell a line, blank cells as empty lines."""
    unit = None
    body = list(lines)
    for i, line in enumerate(body):
        if "ผลงาน" in line and i + 1 < len(body) and body[i + 1].startswith("("):
            unit = body[i + 1].strip("()* ").strip() or None
        if "2.1" in line and "2.2" in line and not re.match(r"^[\d.\s/]+$", line):
            body = body[i + 1:]
            break
    cells = [to_arabic_digits(c) for c in body]
    while cells and not cells[0]:
        cells.pop(0)
    while cells and not cells[-1]:
        cells.pop()
    rows: list[dict] = []
    quarters = [c for c in cells[0::4]]
    if cells and quarters == [str(q) for q in range(1, len(quarters) + 1)] and len(quarters) <= 4:
        for k in range(len(quarters)):
            rows.append(_row(k + 1, (cells[4 * k + 1: 4 * k + 4] + ["", "", ""])[:3], notes))
        return rows, unit
    # cells dropped rather than left blank: read a row up to its "2.1 / 2.2" cell
    i, q = 0, 1
    while i < len(cells) and q <= 4:
        while i < len(cells) and not cells[i]:
            i += 1
        if i >= len(cells) or cells[i] != str(q):
            notes.append(_("quarterly table: could not read the rows from quarter {quarter} on: '{cells}'; "
                           "left out").format(quarter=q, cells=" | ".join(cells[i:i + 4])))
            break
        i += 1
        got: list[str] = []
        while i < len(cells) and len(got) < 3:
            if cells[i] == str(q + 1) and "/" not in "".join(got) and len(got) >= 1 and \
                    any("/" in c for c in cells[i + 1:i + 4]):
                break
            got.append(cells[i])
            i += 1
            if "/" in got[-1]:
                break
        sub = [c for c in got if "/" in c]
        figures = [c for c in got if "/" not in c]
        if len(figures) == 1:
            notes.append(_("quarter {quarter}: one figure before the 2.1 / 2.2 cell; read as the performance").format(
                quarter=q))
        rows.append(_row(q, (figures + ["", ""])[:2] + (sub or [""]), notes))
        q += 1
    return rows, unit


def _row(q: int, cells: list[str], notes: list[str]) -> dict:
    perf, assessed, subs = cells
    row: dict = {"quarter": q}
    value = _figure(perf, _("quarter {quarter} performance").format(quarter=q), notes)
    if value is not None:
        row["performance"] = value
    value = _figure(assessed, _("quarter {quarter} assessed score").format(quarter=q), notes)
    if value is not None:
        row["assessed"] = value
    if "/" in subs:
        a, _slash, b = subs.partition("/")
        pair = [_figure(a, _("quarter {quarter} sub-score {part}").format(quarter=q, part="2.1"), notes),
                _figure(b, _("quarter {quarter} sub-score {part}").format(quarter=q, part="2.2"), notes)]
        if pair != [None, None]:
            row["sub_scores"] = pair
    elif subs.strip() not in EMPTY:
        notes.append(_("quarter {quarter}: '{cell}' is not a '2.1 / 2.2' pair; left out").format(quarter=q, cell=subs))
    return row


_STRATEGY_RE = re.compile(r"^:?\s*(?:ด้านที่\s*)?(?P<code>[0-9๐-๙]+(?:\.[0-9๐-๙]+)*)\s*(?:[–\-:]\s*)?(?P<label>.*)$")


def _strategies(lines: list[str], catalogues, notes: list[str]) -> tuple[list[str], list[dict]]:
    """Leaf codes (canonical Arabic digits) and the strategies that are not in the catalogue."""
    known = catalogues.strategies if catalogues else {}
    listed: list[dict] = []
    for line in lines:
        if not line or line.strip(": ") in EMPTY:
            continue
        m = _STRATEGY_RE.match(line)
        if not m:
            notes.append(_("strategies: '{line}' has no strategy code; left out").format(line=line))
            continue
        label = m["label"].strip()
        truncated = label.endswith("%")
        listed.append({"code": to_arabic_digits(m["code"]), "label": label.rstrip("%").strip(),
                       **({"truncated": True} if truncated else {})})
    codes = [s["code"] for s in listed]
    leaves = [c for c in codes if not any(o.startswith(c + ".") for o in codes)]
    missing = []
    for s in listed:
        have = known.get(s["code"])
        if have is None:
            missing.append(s)
        elif not (have.label.startswith(s["label"]) or s["label"].startswith(have.label)):
            notes.append(_("strategy {code}: the page's label '{label}' differs from strategies.yaml ('{known}'); "
                           "the catalogue's is kept").format(code=s["code"], label=s["label"], known=have.label))
    for code in leaves:  # parents the page does not list
        parts = code.split(".")
        for n in range(1, len(parts)):
            parent = ".".join(parts[:n])
            if parent not in known and parent not in codes:
                notes.append(_("strategy {code}: its parent {parent} is neither on the page nor in "
                               "strategies.yaml").format(code=code, parent=parent))
    return leaves, missing


# --- the definition's terms ----------------------------------------------------------------

KNOWN_TERMS = ("นวัตกรรมเชิงนโยบาย", "นวัตกรรมการบริการ", "นวัตกรรมการบริหาร/องค์กร")
_MEANS_RE = re.compile(r"(?P<term>[^\s()]+)(?:\s*\((?P<en>[A-Za-z][A-Za-z ,/&-]*)\))?\s+หมายถึง\s*")
_KNOWN_RE = re.compile("(?P<term>" + "|".join(map(re.escape, KNOWN_TERMS)) +
                       r")\s*\((?P<en>[A-Za-z][A-Za-z ,/&-]*)\)\s*")
_LEAD_IN_RE = re.compile(r"\s+\S+\s+ดังนี้\s*$")


def terms(text: str) -> list[dict]:
    """'X หมายถึง …' and the innovation kinds 'นวัตกรรมการบริการ (Service Innovation) …' as
    term, English name and meaning; the meaning runs to the next term."""
    marks = sorted([m for rx in (_MEANS_RE, _KNOWN_RE) for m in rx.finditer(text)], key=lambda m: m.start())
    kept = []
    for m in marks:
        if kept and m.start() < kept[-1].end():
            continue
        kept.append(m)
    out = []
    for i, m in enumerate(kept):
        stop = kept[i + 1].start() if i + 1 < len(kept) else len(text)
        meaning = _LEAD_IN_RE.sub("", text[m.end():stop].strip()).strip()
        if not meaning:
            continue
        term = {"term": m["term"]}
        if m["en"]:
            term["en"] = m["en"].strip()
        term["meaning"] = meaning
        out.append(term)
    return out


# --- the narrative: timeline, appeal, innovation --------------------------------------------

_OTHER_ACTORS = ("ปลัดกรุงเทพมหานคร", "ผู้ว่าราชการ", "คณะกรรมการ", "สำนักงาน ก.ก.")


@dataclass
class _Report:
    quarter: int
    text: str
    items: list[Item]

    def units(self) -> list[Item]:
        """The items, or the whole report when it has no numbered items."""
        return self.items or [Item((), self.text)]


def _event_of(item: Item, names: dict[str, str]) -> dict | None:
    """A dated event from one item: the date of its first dated letter, or its first date."""
    letters = letters_in(item.text, names)
    dated = [x for x in letters if x.date]
    found = dates_in(item.text)
    if dated:
        day = dated[0].date
        end = None
    elif found:
        day, end = found[0].date, found[0].end
    else:
        return None
    event = {"date": day}
    if end:
        event["end"] = end
    event["event"] = item.text
    refs = list(dict.fromkeys(x.number for x in letters))
    if refs:
        event["refs"] = refs
    return event


def _timeline(reports: list[_Report], names: dict[str, str]) -> list[dict]:
    best: dict[tuple, dict] = {}
    for report in reports:
        for item in report.units():
            event = _event_of(item, names)
            if event is None:
                continue
            key = (event["date"], event.get("end"), tuple(sorted(event.get("refs", []))))
            if key not in best or len(event["event"]) < len(best[key]["event"]):
                best[key] = event
    return sorted(best.values(), key=lambda e: (e["date"], e.get("end") or e["date"]))


_PROJECT_RE = re.compile(r"จัดทำเป็น\s*โครงการ\s*(.+?)\s+(เพื่อ.+?)?\s*(?:ประจำปีงบประมาณ|ให้คณะกรรมการ|$)")
_QUOTED = r"[“\"]([^”\"]+)[”\"]"


def _said(original: str, m: re.Match | None, group: int = 1) -> str | None:
    """What a match on the Arabic-digit copy of `original` covers, as the page writes it
    (to_arabic_digits maps one character to one, so the offsets agree)."""
    return original[m.start(group):m.end(group)] if m and m.group(group) is not None else None


def _appeal(reports: list[_Report], names: dict[str, str], inferred: dict) -> dict | None:
    """An appeal (อุทธรณ์) the agency sent, with its outcome when a later item gives it."""
    units = [item for r in reports for item in r.units()]
    for i, item in enumerate(units):
        if "ขออุทธรณ์" not in item.text:
            continue
        letters = [x for x in letters_in(item.text, names) if x.date]
        if not letters:
            continue
        text = to_arabic_digits(item.text)
        appeal: dict = {"kind": "appeal", "letter": letters[0].number, "date": letters[0].date}
        urgency = re.search(r"(ด่วนที่สุด|ด่วนมาก|ด่วน)\s*(?:ที่)?\s*\S*$", text[:letters[0].start])
        if urgency:
            appeal["urgency"] = urgency.group(1)
        grounds = re.search(r"สาเหตุ(?:ของการเปลี่ยนแปลง)?\s*(ข้อ\s*\d+\s*.+?)\s+(?:ผลการพิจารณา|ขอ)", text)
        if grounds:
            appeal["grounds"] = _said(item.text, grounds)
        request = re.search(r"ตาม(ข้อ\s*\d+\s*.+?)\s+เป็น\s*[“\"]", text)
        if request:
            appeal["request"] = _said(item.text, request)
        after = re.search(r"เป็น\s*" + _QUOTED, text)
        removed = re.search(r"ตัด(?:คำว่า)?\s*" + _QUOTED, text)
        appeal["outcome"] = "pending"
        for later in units[i + 1:]:
            if "อุทธรณ์" not in later.text:
                continue
            lt = to_arabic_digits(later.text)
            verdict = re.search(r"(ไม่รับอุทธรณ์|ยกอุทธรณ์|รับอุทธรณ์)", lt)
            decision_letters = [x.number for x in letters_in(later.text, names) if x.number != appeal["letter"]]
            if decision_letters:
                appeal["decision_letters"] = decision_letters
            if verdict:
                appeal["outcome"] = "accepted" if verdict.group(1) == "รับอุทธรณ์" else "rejected"
                before = [d for d in dates_in(lt[:verdict.start()])]
                if before:
                    appeal["decided"] = before[-1].date
                conditions = [n.text for n in later.notes]  # already as written
                if conditions:
                    appeal["conditions"] = conditions
            break
        if after:
            if removed:
                appeal["criteria_before"] = f"{_said(item.text, after)} {_said(item.text, removed)}"
                inferred["amendments[0].criteria_before"] = Reason(N_(
                    "the page quotes the new criteria and the words the appeal removed; the criteria before "
                    "are the two together"))
            appeal["criteria_after"] = _said(item.text, after)
        if appeal["outcome"] == "accepted" and "decided" in appeal:
            appeal["effective"] = appeal["decided"]
            inferred["amendments[0].effective"] = Reason(N_("the page does not say from when the new criteria "
                                                          "apply; taken as the day the appeal was accepted"))
        order = ("kind", "letter", "date", "urgency", "grounds", "request", "outcome", "decided",
                 "decision_letters", "conditions", "criteria_before", "criteria_after", "effective")
        return {k: appeal[k] for k in order if k in appeal}
    return None


def _is_innovation(data: dict, method: str) -> bool:
    return "นวัตกรรม" in data["title"] or "แบบฟอร์ม 5" in method


def _innovation(reports: list[_Report], data: dict, catalogues, names: dict[str, str],
                inferred: dict, notes: list[str]) -> dict | None:
    """The innovation project as the reports tell it, and the stage events the text supports."""
    units = [item for r in reports for item in r.units()]
    plain = [(item, to_arabic_digits(item.text)) for item in units]
    inn: dict = {}
    ideas_item = next(((it, m) for it, t in reversed(plain) if "ความคิดเห็น" in t
                       for m in [re.search(r"จำนวน\s*(\d+)\s*(เรื่อง|ชุด|ความคิดเห็น)", t)] if m), None)
    if ideas_item:
        inn["ideas_reported"] = int(ideas_item[1].group(1))
    selected = next((_said(it.text, m) for it, t in plain
                     for m in [re.search(r"เลือก\s*1\s*ความคิดเห็น\s*เรื่อง\s*(.+?)\s+เพื่อ", t)] if m), None)
    if selected:
        inn["ideas"] = [{"id": 1, "title": selected}]
        inn["selected_idea"] = 1
    proposal_hit = next(((it, t, m) for it, t in plain
                         for m in [_PROJECT_RE.search(t)]
                         if m), None)
    if proposal_hit:
        item, text, m = proposal_hit
        title = "โครงการ" + _said(item.text, m).strip()
        kind = "policy" if "นโยบาย" in title else ("service" if "บริการ" in title else "administrative")
        proposal: dict = {"title": title, "kind": kind}
        inferred["innovation.proposal.kind"] = Reason(
            N_("the page does not name the kind of innovation; '{kind}' from the project's title"), kind=kind)
        if m.group(2):
            proposal["objective"] = _said(item.text, m, 2).strip()
        years = re.findall(r"ปีงบประมาณ\s*(?:พ\.ศ\.\s*)?(\d{4})", text)
        if years:
            proposal["fiscal_years"] = sorted({int(y) for y in years})
        when = re.search(r"ให้(คณะกรรมการ\S*?)\s*พิจารณา", text)
        day = dates_in(text[when.end():]) if when else []
        if when and day:
            proposal.update(form3=True, form4=True, submitted=day[0].date, submitted_to=_said(item.text, when))
            inferred["innovation.proposal.form3"] = Reason(N_("the project was put to the committee, which takes "
                                                              "the project document (แบบฟอร์ม 3)"))
            inferred["innovation.proposal.form4"] = Reason(N_("the project was put to the committee, which takes "
                                                              "the proposal form (แบบฟอร์ม 4)"))
        inn["proposal"] = proposal
    decided = next(((it, m) for it, t in plain
                    for m in [re.search(r"(ไม่)?ผ่านการพิจารณา\s*จาก\s*(คณะกรรมการ\S+)", t)] if m), None)
    if decided:
        it, m = decided
        inn["decision"] = {"result": "rejected" if m.group(1) else "approved", "by": _said(it.text, m, 2)}
    activities = _activities(units, names, data["agency"], catalogues)
    if activities:
        inn["activities"] = activities
    sent = [(it, t) for it, t in plain if "สำนักงาน ก.ก." in t and "ส่ง" in t and "หลักฐาน" in t]
    if sent:
        inn["evidence_sent"] = []
        for it, t in sent:
            sub: dict = {}
            d = dates_in(t)
            if d:
                sub["date"] = d[0].date
            sub["to"] = "สำนักงาน ก.ก."
            lt = letters_in(it.text, names)
            if lt:
                sub["letter"] = lt[0].number
            inn["evidence_sent"].append(sub)
    survey_hit = next(((it, t) for it, t in plain if "แบบสำรวจผลการนำนวัตกรรม" in t and dates_in(t)), None)
    if survey_hit:
        it, t = survey_hit
        lt = [x for x in letters_in(it.text, names) if x.date]
        survey: dict = {"date": lt[0].date if lt else dates_in(t)[0].date}
        if lt:
            survey["letter"] = lt[0].number
        survey["approved"] = bool(re.search(r"ได้รับความเห็นชอบ|เห็นชอบแล้ว|อนุมัติแล้ว", t))
        inn["survey"] = survey
    if not inn:
        notes.append(_("innovation indicator: the reports name no idea count, idea or project; "
                       "record them with `kpi idea add`, `kpi idea select`, `kpi propose`"))
        return None
    stages = _stages(inn, data, catalogues, ideas_item, inferred)
    if stages:
        inn["stages"] = stages
    order = ("minimum_ideas", "ideas_reported", "ideas", "selected_idea", "selected_date", "proposal",
             "decision", "activities", "evidence_sent", "survey", "stages")
    return {k: inn[k] for k in order if k in inn}


def _activities(units: list[Item], names: dict[str, str], agency: str, catalogues) -> list[dict]:
    """Stage 4: the agency's own steps under the item that carries out the project."""
    others = _OTHER_ACTORS + tuple(a.name for code, a in (catalogues.agencies.items() if catalogues else ())
                                   if code != agency)
    out = []
    for i, parent in enumerate(units):
        if not parent.children or "ดำเนินโครงการ" not in parent.text:
            continue
        below = units[i + 1:i + 1 + parent.children]
        for j, item in enumerate(below):
            if item.children or "อุทธรณ์" in item.text or item.text.startswith(others):
                continue
            activity: dict = {"title": item.text}
            letters = letters_in(item.text, names)
            dated = [x for x in letters if x.date]
            found = dates_in(item.text)
            if dated:
                activity["date"] = dated[0].date
            elif found:
                activity["date"] = found[0].date
                if found[0].end:
                    activity["end"] = found[0].end
            if letters:
                activity["evidence"] = list(dict.fromkeys(x.number for x in letters))
            out.append(activity)
        break
    return out


def _stages(inn: dict, data: dict, catalogues, ideas_item, inferred: dict) -> list[dict]:
    """Stage events from 1 on, while each stage's gate holds on the facts read and a date is
    known (its own, or no later than the next dated stage that depends on it)."""
    from kpi_cli.core.model import Indicator
    from kpi_cli.core.stages import gate

    agency = catalogues.agencies.get(data["agency"]) if catalogues else None
    minimum = catalogues.minimum_ideas.get(agency.kind.value) if agency else None
    probe = Indicator.model_validate({**{k: data[k] for k in ("code", "fiscal_year", "agency", "title", "type",
                                                              "level", "target")}, "innovation": inn})
    own: list[tuple[dt.date | None, list[str], str]] = []  # per stage: date, evidence, note
    unit = ideas_item[1].group(2) if ideas_item else "เรื่อง"
    proposal = inn.get("proposal", {})
    own.append((None, [], f"ค้นหา และรวบรวมความคิดเห็น จำนวน {inn.get('ideas_reported', 0)} {unit}"))
    title = inn["ideas"][0]["title"] if inn.get("ideas") else ""
    own.append((None, [], f"เลือก 1 ความคิดเห็น เรื่อง {title}"))
    own.append((proposal.get("submitted"), [x for x in [proposal.get("letter")] if x],
                f"เสนอโครงการต่อ{proposal.get('submitted_to', 'คณะกรรมการนวัตกรรมกรุงเทพมหานคร')}"))
    sent = [s["date"] for s in inn.get("evidence_sent", []) if s.get("date")]
    own.append((max(sent) if sent else None,
                [e for a in inn.get("activities", []) for e in a.get("evidence", [])],
                "ดำเนินโครงการและส่งหลักฐานให้สำนักงาน ก.ก."))
    survey = inn.get("survey", {})
    own.append((survey.get("date") if survey.get("approved") else None,
                [x for x in [survey.get("letter")] if x], "แบบสำรวจผลการนำนวัตกรรมไปใช้ประโยชน์ (แบบฟอร์ม 5)"))
    done = 0
    for stage in range(1, 6):
        missing = gate(stage, probe, minimum)
        if stage == 1 and minimum and (inn.get("ideas_reported") or 0) >= minimum:
            missing = []  # the count is reported; the page names only the selected idea
        if missing:
            break
        done = stage
    events: list[dict] = []
    for stage in range(1, done + 1):
        day, evidence, note = own[stage - 1]
        if day is None:
            later = [own[s][0] for s in range(stage, done) if own[s][0] is not None]
            if not later:
                break
            day = later[0]
            inferred[f"innovation.stages[{stage - 1}].completed"] = Reason(N_(
                "the page gives no date; stage {stage} is done no later than the next dated stage ({date}), "
                "which needs it"), stage=stage, date=thai_date(day))
        if events and day < events[-1]["completed"]:
            day = events[-1]["completed"]
        event: dict = {"stage": stage, "completed": day}
        if evidence:
            event["evidence"] = list(dict.fromkeys(evidence))
        event["note"] = note
        events.append(event)
    return events


# --- the fiscal year --------------------------------------------------------------------------

def _fiscal_year(text: str, year: int | None, inferred: dict) -> int:
    if year is not None:
        inferred["fiscal_year"] = Reason(N_("given with --year {year}; the page does not print the fiscal year as a "
                                            "field"), year=year)
        return year
    plain = to_arabic_digits(text)
    named = re.findall(r"ปีงบประมาณ\s*(?:พ\.ศ\.\s*)?(\d{4})", plain)
    if named:
        fy = max(set(named), key=named.count)
        inferred["fiscal_year"] = Reason(N_("the page does not print it as a field; the text names ปีงบประมาณ "
                                            "พ.ศ. {year}"), year=fy)
        return int(fy)
    counts: dict[int, int] = {}
    for d in dates_in(text):
        fy = fiscal_position(d.date)[0]
        counts[fy] = counts.get(fy, 0) + 1
    if counts:
        best = max(counts.values())
        top = sorted(fy for fy, n in counts.items() if n == best)
        if len(top) == 1:
            inferred["fiscal_year"] = Reason(N_("the page does not print it; {n} of the {total} dates in the text "
                                                "fall in fiscal year {year}"), n=best, total=sum(counts.values()),
                                             year=top[0])
            return top[0]
        raise NoFiscalYear(_("cannot tell the fiscal year: the dates in the text fall in {years} equally").format(
            years=_(" and ").join(map(str, top))), _("give it: --year {year}").format(year=top[-1]))
    raise NoFiscalYear(_("cannot tell the fiscal year (ปีงบประมาณ): the page prints no date and no year"),
                       _("give it: --year {year}").format(year=2564))


# --- the whole page -----------------------------------------------------------------------------

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


def parse_page(text: str, catalogues=None, *, year: int | None = None, source: str = "") -> Imported:
    """Read one page's text into an indicator. `catalogues` (rules.Catalogues) supplies the
    agency and the known strategies; `year` the fiscal year when the text cannot."""
    from kpi_cli.core.model import LABELS_LEVEL, LABELS_TYPE

    page = _split(text)
    if page.header is None:
        message = _("{source} is an HTML file, not the text of a รายละเอียดตัวชี้วัด page with a header line "
                    "'N/ABBR.<title> : AAAA-NNNN'") if text.lstrip().startswith("<") else \
            _("{source} is not the text of a รายละเอียดตัวชี้วัด page with a header line 'N/ABBR.<title> : AAAA-NNNN'")
        raise NotAPage(message.format(source=source or _("the text")),
                       _("open the indicator's page, select all, copy and save it as a .txt file (UTF-8)"))
    notes: list[str] = []
    inferred: dict[str, str] = {}
    comments: dict[str, str] = {}
    read: list[str] = []
    sec = page.sections
    head = _header(page.header, catalogues, notes, inferred)
    agency = catalogues.agencies[head["agency"]]
    data: dict = {"code": head["code"], "fiscal_year": 0}
    if "sequence" in head:
        data["sequence"] = head["sequence"]
        comments["sequence"] = f'"{head["sequence"]}/{agency.abbr}" – the number in the agency\'s list'
    data["agency"] = head["agency"]
    comments["agency"] = f"{agency.name} ({agency.abbr}), see agencies.yaml"
    data["title"] = head["title"]
    if not head["title"]:
        notes.append(_("header: the title is empty on the page"))
    data["fiscal_year"] = _fiscal_year(text, year, inferred)

    type_text = " ".join(sec.get("type", []))
    kind = "strategic" if "ยุทธศาสตร์" in type_text else ("routine" if "งานประจำ" in type_text else None)
    level = "output" if re.search(r"ผลผลิต|output", type_text) else (
        "outcome" if re.search(r"ผลลัพธ์|outcome", type_text) else None)
    if kind is None:
        inferred["type"] = Reason(N_("the page gives no ประเภทตัวชี้วัด; routine (ตัวชี้วัดงานประจำ) is the common "
                                     "case"))
    if level is None:
        inferred["level"] = Reason(N_("the page gives no level; outcome (ผลลัพธ์) is the common case"))
    data["type"], data["level"] = kind or "routine", level or "outcome"
    comments["type"], comments["level"] = LABELS_TYPE[data["type"]], LABELS_LEVEL[data["level"]]

    rows, table_unit = _table(sec.get("table", []), notes) if "table" in sec else ([], None)
    target_line = (sec.get("target") or [""])[0]
    unit, _colon, value = target_line.partition(":") if ":" in target_line else (target_line, "", "")
    unit = unit.strip() or (table_unit or "")
    if not unit:
        notes.append(_("target: the page prints no unit (หน่วย)"))
    target_value = _figure(value, _("target"), notes) if value.strip() and not NO_AGREEMENT.match(value.strip()) \
        else None
    if target_value is None:
        target_value = 0
        inferred["target.value"] = Reason(N_("the page prints no ค่าเป้าหมาย; 0 holds its place: write the target of "
                                             "the performance agreement"))
    data["target"] = {"value": target_value, "unit": unit}
    comments["target"] = f"ค่าเป้าหมาย {unit} : {value.strip() or '(none)'}"
    if table_unit and unit and table_unit != unit:
        notes.append(_("the table's unit ({table}) differs from the target's ({target}); the target's is kept").format(
            table=table_unit, target=unit))
    achieved_line = (sec.get("achieved") or [""])[0]
    a_unit, _colon, a_value = achieved_line.partition(":")
    achieved = _figure(a_value, "ผลงานที่ทำได้", notes) if a_value.strip() else None
    if achieved is not None:
        data["achieved"] = achieved
        comments["achieved"] = f"ผลงานที่ทำได้ {a_unit.strip()} : {a_value.strip()}"
        if a_unit.strip() and a_unit.strip() != unit:
            notes.append(_("ผลงานที่ทำได้ is in {unit}, the target in {target}").format(unit=a_unit.strip(),
                                                                                      target=unit))

    audit_line = (sec.get("audit") or [""])[0]
    printed = dict(re.findall(r"ไตรมาสที่\s*([1-4])\s*:?\s*([\d.,]+)", to_arabic_digits(audit_line)))
    audits = {int(q): _figure(v, _("audit of quarter {quarter}").format(quarter=q), notes) for q, v in printed.items()}
    reports: list[_Report] = []
    by_q = {row["quarter"]: row for row in rows}
    for q in range(1, 5):
        report = _text(sec.get(f"report{q}"), f"รายงานผลฯ ไตรมาสที่ {q}", notes)
        if report:
            by_q.setdefault(q, {"quarter": q})
            reports.append(_Report(q, report, items(report)))
        if q in audits:
            row = by_q.setdefault(q, {"quarter": q})
            if row.get("assessed") is None and audits[q] is not None:
                row["assessed"] = audits[q]
                notes.append(_("quarter {quarter}: the table has no assessed score; the audit line's {score} is "
                               "used").format(quarter=q, score=f"{audits[q]:g}"))
            elif audits[q] is not None and row["assessed"] != audits[q]:
                notes.append(_("quarter {quarter}: the audit line says {audit}, the table {table}; the table's figure "
                               "is kept").format(quarter=q, audit=f"{audits[q]:g}", table=f"{row['assessed']:g}"))
            if row.get("sub_scores") == [0, 0] and not row.get("assessed"):
                notes.append(_("quarter {quarter}: the audit line lists it but the table shows 0 / 0 (not assessed); "
                               "not marked audited").format(quarter=q))
            elif row.get("assessed") is None:
                notes.append(_("quarter {quarter}: the audit line lists it without a score and the table has none; "
                               "not marked audited").format(quarter=q))
            else:
                row["audited"] = True
        if report:
            by_q[q]["report"] = report
    quarters = [by_q[q] for q in sorted(by_q)]
    for i, row in enumerate(quarters):
        q = row["quarter"]
        if row.get("sub_scores") == [0, 0] and not row.get("assessed"):
            comments[f"quarters[{i}].sub_scores"] = "0 / 0: not assessed (yet)"
            row["difference_reason"] = f"สยป. ยังไม่ได้ตรวจประเมินไตรมาสที่ {q} (0 / 0 = ยังไม่ประเมิน)"
            inferred[f"quarters[{i}].difference_reason"] = Reason(
                N_("the page shows 0 and 0 / 0 for quarter {quarter}, which on BMA pages means not assessed yet"),
                quarter=q)
        if row.get("audited"):
            comments[f"quarters[{i}].audited"] = f"*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ {q}: {printed[str(q)]}"
        order = ("quarter", "performance", "assessed", "sub_scores", "audited", "difference_reason", "report")
        quarters[i] = {k: row[k] for k in order if k in row}
    if quarters:
        data["quarters"] = quarters
        said = ngettext("{n} table row", "{n} table rows", len(rows)).format(n=len(rows)) + ", " + \
            ngettext("{n} quarter report", "{n} quarter reports", len(reports)).format(n=len(reports))
        if audits:
            said += ", " + _("audit of quarter {quarter}").format(quarter=", ".join(map(str, sorted(audits))))
        read.append(said)

    data["summary"] = _text(sec.get("summary"), "สรุปผลการดำเนินงาน", notes)
    if not data["summary"]:
        comments["summary"] = "** สรุปผลการดำเนินงาน ** is empty on the page"
    definition = _text(sec.get("definition"), "นิยาม", notes)
    if definition:
        data["definition"] = {"text": definition}
        found = terms(definition)
        if found:
            data["definition"]["terms"] = found
        comments["definition"] = "นิยาม หรือความหมายของตัวชี้วัด"
        read.append(ngettext("definition with {n} term", "definition with {n} terms", len(found)).format(n=len(found)))
    method = _text(sec.get("method"), "วิธีการคำนวณ", notes)
    data["method"] = method
    comments["method"] = "วิธีการคำนวณ หรือ เกณฑ์การประเมิน" + ("" if method else ": empty on the page")
    data["data_collection"] = _text(sec.get("data_collection"), "วิธีการการเก็บข้อมูล", notes)
    comments["data_collection"] = "วิธีการการเก็บข้อมูล/แหล่งข้อมูล" + (
        "" if data["data_collection"] else ": empty on the page")

    leaves, missing = _strategies(sec.get("strategies", []), catalogues, notes)
    data["strategies"] = leaves
    comments["strategies"] = "สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ (the leaf; its parents follow from the code)" \
        if leaves else "สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ: none on the page"
    projects_text = _text(sec.get("projects"), "โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด", notes)
    data["projects"] = [re.sub(r"^(?:[-•*]|\d+[.)])\s*", "", p).strip() for p in projects_text.split("\n")
                        if p.strip() and p.strip() not in EMPTY] if projects_text else []
    comments["projects"] = "โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด" + ("" if data["projects"] else ": empty on the page")

    names = {a.name: a.abbr for a in (catalogues.agencies.values() if catalogues else ())}
    if _is_innovation(data, method):
        innovation = _innovation(reports, data, catalogues, names, inferred, notes)
        if innovation:
            data["innovation"] = innovation
            stages = innovation.get("stages", [])
            read.append(ngettext("innovation project: {fields}; {n} stage event",
                                 "innovation project: {fields}; {n} stage events", len(stages)).format(
                fields=", ".join(k for k in innovation if k != "stages"), n=len(stages)))
            if len(stages) < 5:
                nxt = len(stages) + 1
                from kpi_cli.core.stages import stage_label

                notes.append(_("innovation: {stage} is not recorded: the text does not show its gate holding "
                               "with a date; `kpi status` says what is missing").format(stage=stage_label(nxt)))
    appeal = _appeal(reports, names, inferred)
    if appeal:
        data["amendments"] = [appeal]
        read.append(_("appeal {letter} ({outcome})").format(letter=appeal["letter"], outcome=appeal["outcome"]))
    timeline = _timeline(reports, names)
    if timeline:
        data["timeline"] = timeline
        letters = sum(len(e.get("refs", [])) for e in timeline)
        read.append(ngettext("{n} dated event", "{n} dated events", len(timeline)).format(n=len(timeline)) + " " +
                    ngettext("with {n} letter", "with {n} letters", letters).format(n=letters))
    for lineno, line in page.stray:
        notes.append(_("line {line}: '{text}' is not part of any field (the page does not say what it is); "
                       "left out").format(line=lineno, text=line[:60]))
    if inferred:
        data["inferred"] = _ordered_inferred(inferred, data)
    for path in inferred:
        comments.setdefault(path, "inferred (see `inferred:`)")
    notes.append(_("the quarterly targets, `weight:` and `scoring:` are not on the page: add them from the "
                   "performance agreement (คำรับรองการปฏิบัติราชการ) so that `kpi score` can compute the quarters"))
    return Imported(data, comments, _above(data), read, notes, missing, source)


def _ordered_inferred(inferred: dict[str, str], data: dict) -> dict[str, str]:
    keys = list(data)
    return dict(sorted(inferred.items(), key=lambda kv: (keys.index(re.split(r"[.\[]", kv[0])[0])
                                                         if re.split(r"[.\[]", kv[0])[0] in keys else 99, kv[0])))


def _above(data: dict) -> dict[str, str]:
    above = {
        "quarters": "ผลงานเทียบกับเป้าหมายรายไตรมาส: performance and the official figures as the page prints them.\n"
                    "The quarterly targets come from the performance agreement, which the page does not print.",
        "innovation": "The innovation project, as the quarter reports tell it. Stage events are recorded only\n"
                      "where the text shows the stage's gate holding; `kpi advance` records the others.",
        "amendments": "Appeals (อุทธรณ์) and amendments of the criteria, read from the quarter reports.",
        "timeline": "The year's dated events with their letters, read from the quarter reports (verbatim).",
        "inferred": "What is not printed on the page as such but inferred, and why. `kpi validate` checks\n"
                    "that every path names a value.",
    }
    return {k: v for k, v in above.items() if k in data}
