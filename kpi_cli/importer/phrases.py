"""`kpi import`: what pieces of the text say: figures as printed, Thai dates, official letters, the
numbered outline of a quarter report, and the terms a definition defines."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from kpi_cli.check.rules.letters import is_letter
from kpi_cli.io.loader import MAX_DIGITS
from kpi_cli.core.figures import Printed
from kpi_cli.core.i18n import _
from kpi_cli.core.thai import THAI_MONTHS, THAI_MONTHS_ABBR, to_arabic_digits
from kpi_cli.importer.sections import EMPTY

# --- the page's own words --------------------------------------------------------------------

def said(original: str, m: re.Match | None, group: int = 1) -> str | None:
    """What a match on the Arabic-digit copy of `original` covers, as the page writes it
    (to_arabic_digits maps one character to one, so the offsets agree)."""
    return original[m.start(group):m.end(group)] if m and m.group(group) is not None else None


# --- figures ---------------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
_PERCENT_RE = re.compile(r"^(?:ร้อยละ\s*)?(?P<n>[^\s%]+?)\s*%?$")  # 'ร้อยละ 96.50', '96.50%', '96.50 %'


def figure(text: str) -> int | float | None:
    """'30.00' -> 30.00 (kept as printed), '๑๐๐' -> 100, '2,700' -> 2700, 'ร้อยละ 96.50' and
    '96.50%' -> 96.50, '', '-' or 'ไม่มีข้อมูล' -> None."""
    text = to_arabic_digits(text.strip())
    if text in EMPTY:
        return None
    text = _PERCENT_RE.sub(r"\g<n>", text).replace(",", "")
    if text in EMPTY:
        return None
    if not _NUMBER_RE.match(text) or sum(ch.isdigit() for ch in text) > MAX_DIGITS:
        raise ValueError(text)  # not a figure, or longer than any figure (the loader's number-too-long)
    return Printed(text) if "." in text else int(text)


def figure_or_note(text: str, what: str, notes: list[str]) -> int | float | None:
    """figure(text), or None and a note on `what` when the text is not a figure."""
    try:
        return figure(text)
    except ValueError:
        shown = text if len(text) <= 40 else f"{text[:20]}…{text[-10:]} ({len(text):,} characters)"
        notes.append(_("{what}: '{text}' is not a figure; left out").format(what=what, text=shown))
        return None


# --- dates and letters in the narrative ---------------------------------------------------

_MONTH_NAMES = {name: i + 1 for i, name in enumerate(THAI_MONTHS)}
for _i, _abbr in enumerate(THAI_MONTHS_ABBR):  # 'ก.ค.', and as typed: 'ก.ค', 'กค.', 'กค'
    _bare = _abbr.replace(".", "")
    _MONTH_NAMES.update({_abbr: _i + 1, _abbr.rstrip("."): _i + 1, _bare + ".": _i + 1, _bare: _i + 1})
_MONTH = "|".join(re.escape(m) for m in sorted(_MONTH_NAMES, key=len, reverse=True))
_NUMERIC_DATE = (r"(?P<nd>\d{1,2})/(?P<nm>\d{1,2})/(?P<ny>\d{4}|\d{2})(?![\d/])"  # 15/04/2564, 15/04/64
                 r"|(?P<iy>2[45]\d\d)-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?![\d-])")  # 2564-04-15 (a BE year)
DATE_RE = re.compile(
    rf"(?<![\d./])(?:"
    rf"(?:(?P<d1>\d{{1,2}})\s*(?:(?P<m1>{_MONTH})\s*(?:(?P<y1>\d{{4}})\s*)?)?(?:–|-|ถึง)\s*)?"
    rf"(?P<d>\d{{1,2}})\s*(?P<m>{_MONTH})\s*(?:พ\.ศ\.\s*)?(?P<y>\d{{4}}|\d{{2}})(?!\d)"
    rf"|{_NUMERIC_DATE})")
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
    """Thai dates in `text`: '8 กุมภาพันธ์ 2564', '8 ก.พ. 64', '8 กพ. 64', '8/02/2564' and '2564-02-08'
    -> 2021-02-08; '1 – 9 เมษายน 2564' a period."""
    out = []
    for m in DATE_RE.finditer(to_arabic_digits(text)):
        if m["d"] is None:  # 15/04/2564 or 2564-04-15: a Buddhist-Era year, as the pages write it
            day_, month_, year_ = (m["nd"], m["nm"], m["ny"]) if m["nd"] else (m["id"], m["im"], m["iy"])
            if not (len(year_) == 2 or 2400 <= int(year_) <= 2700):
                continue  # a Common-Era year (2021) or none: not the pages' way of writing a date
            try:
                out.append(Dated(dt.date(_be(year_) - 543, int(month_), int(day_)), None, m.start(), m.end()))
            except ValueError:
                pass
            continue
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


@dataclass
class Report:
    """A quarter's report (รายงานผลฯ): its text and its outline."""

    quarter: int
    text: str
    items: list[Item]

    def units(self) -> list[Item]:
        """The items, or the whole report when it has no numbered items."""
        return self.items or [Item((), self.text)]


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
