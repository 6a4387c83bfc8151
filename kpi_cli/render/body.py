"""Pieces of the report's Thai body that are read from the record, not copied from it: the Thai
name of an inferred field (the body never prints a YAML path), the year's events in date order,
and a numbered narrative (1. … 2. … 4.1 … 4.2.1 … 1) …) as the list it is.

Pure functions of the standard library: context.py builds the view models with them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# the Thai name of each field `inferred:` may list; [n] is a position, shown counted from 1
_LABELS: list[tuple[str, str]] = [
    (r"weight", "น้ำหนัก"),
    (r"target(\..*)?", "ค่าเป้าหมาย"),
    (r"achieved", "ผลงานที่ทำได้"),
    (r"quarters\[\*\]\.target", "เป้าหมายรายไตรมาส"),
    (r"quarters\[(\d+)\]\.target", "เป้าหมายรายไตรมาสของไตรมาสที่ {n}"),
    (r"quarters\[\*\](\..*)?", "ข้อมูลรายไตรมาส"),
    (r"quarters\[(\d+)\](\..*)?", "ข้อมูลของไตรมาสที่ {n}"),
    (r"scoring(\..*)?", "เกณฑ์การให้คะแนน (คะแนนของแต่ละขั้นตอน)"),
    (r"innovation\.ideas(\[.*)?", "ความคิดเห็นที่รวบรวม (ชื่อเรื่องที่ไม่ปรากฏในหน้ารายละเอียดตัวชี้วัด)"),
    (r"innovation\.stages\[(\d+)\]\.completed", "วันที่แล้วเสร็จของรายการบันทึกขั้นตอนที่ {n}"),
    (r"innovation\.stages(\[.*)?", "รายการบันทึกขั้นตอน"),
    (r"innovation\.proposal\.kind", "ประเภทนวัตกรรม"),
    (r"innovation\.proposal\.target", "เป้าหมายโครงการ"),
    (r"innovation\.proposal\.form3", "แบบฟอร์ม 3 (โครงการนวัตกรรม)"),
    (r"innovation\.proposal\.form4", "แบบฟอร์ม 4 (แบบนำเสนอโครงการ)"),
    (r"innovation\.proposal(\..*)?", "โครงการนวัตกรรม"),
    (r"innovation\.decision(\..*)?", "มติคณะกรรมการ"),
    (r"innovation\.activities(\[.*)?", "กิจกรรมของโครงการ"),
    (r"innovation\.evidence_sent(\[.*)?", "การส่งหลักฐานให้สำนักงาน ก.ก."),
    (r"innovation\.survey\.approved", "การให้ความเห็นชอบแบบฟอร์ม 5"),
    (r"innovation\.survey\.approved_by", "ผู้ให้ความเห็นชอบแบบฟอร์ม 5"),
    (r"innovation\.survey(\..*)?", "แบบสำรวจผลการนำนวัตกรรมไปใช้ประโยชน์ (แบบฟอร์ม 5)"),
    (r"amendments\[(\d+)\]\.grounds", "สาเหตุของบันทึกอุทธรณ์/การแก้ไขรายการที่ {n}"),
    (r"amendments\[(\d+)\]\.criteria_before", "เกณฑ์การประเมินเดิมของบันทึกอุทธรณ์/การแก้ไขรายการที่ {n}"),
    (r"amendments\[(\d+)\]\.effective", "วันที่มีผลของบันทึกอุทธรณ์/การแก้ไขรายการที่ {n}"),
    (r"amendments\[(\d+)\](\..*)?", "บันทึกอุทธรณ์/การแก้ไขรายการที่ {n}"),
    (r"timeline(\[.*)?", "ลำดับเหตุการณ์"),
]
GENERIC = "ข้อมูลอื่นในแฟ้มตัวชี้วัด"


def inferred_label(path: str) -> str:
    """The Thai name of an inferred field: weight -> น้ำหนัก; innovation.stages[0].completed ->
    วันที่แล้วเสร็จของรายการบันทึกขั้นตอนที่ 1; an unknown field -> a generic name."""
    for pattern, label in _LABELS:
        m = re.fullmatch(pattern, path)
        if m:
            n = next((g for g in m.groups() if g and g.isdigit()), None)
            return label.format(n=int(n) + 1) if n is not None else label
    return GENERIC


def event_order(events, quarter_bounds) -> list:
    """Events in date order (a range by its first day); an event known only by its quarter stays
    after the event written before it, within its quarter. `quarter_bounds(q)` gives (first, last)."""
    keyed = []
    previous: dt.date | None = None
    for n, e in enumerate(events):
        if e.date is not None:
            key = e.date
        else:
            first, last = quarter_bounds(e.quarter)
            key = min(max(previous or first, first), last)
        keyed.append(((key, e.date is None, e.end or key, n), e))
        previous = key
    return [e for _key, e in sorted(keyed, key=lambda item: item[0])]


@dataclass(frozen=True)
class Item:
    """One item of a numbered narrative: its number as written (4.2.1, 1)) and its text."""

    number: str
    depth: int              # 1 for "1.", 2 for "4.1", 3 for "4.2.1"; ")" items one below the item before
    text: str


_MARK = re.compile(r"(?:(?<=\s)|^)(\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}\.|\d{1,2}\))(?=\s)")


def numbered(text: str) -> tuple[str, tuple[Item, ...]]:
    """(text before the first item, items) of a narrative written as a numbered list on one line:
    '1. … 2. … 4.1 … 4.2.1 … 1) …'. A number counts as an item only where it continues the
    numbering (the next number at a level already open, or a first sub-item), so figures
    ('8 วัน', '30.00', 'ที่ 4/2564') stay in the text. Not numbered: ('text', ())."""
    path: list[int] = []
    paren = 0
    cuts: list[tuple[int, int, str, int]] = []
    for m in _MARK.finditer(text or ""):
        mark = m.group(1)
        if mark.endswith(")"):
            value = int(mark[:-1])
            if path and value == paren + 1:
                paren = value
                cuts.append((m.start(), m.end(), mark, len(path) + 1))
            continue
        parts = [int(p) for p in mark.rstrip(".").split(".")]
        if _continues(path, parts):
            path, paren = parts, 0
            cuts.append((m.start(), m.end(), mark, len(parts)))
    if len(cuts) < 2 or not cuts[0][2].startswith("1"):
        return text, ()
    intro = text[:cuts[0][0]].strip()
    items = []
    for i, (start, end, mark, depth) in enumerate(cuts):
        stop = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        items.append(Item(mark, depth, text[end:stop].strip()))
    return intro, tuple(items)


def _continues(path: list[int], parts: list[int]) -> bool:
    """`parts` (4.2.3) comes next after `path` (4.2.1): a sibling at some open level, numbered on
    (a number repeated or skipped is a typing slip of the page, kept), or a first sub-item."""
    if not path:
        return parts == [1]
    if len(parts) == len(path) + 1:
        return parts[:-1] == path and parts[-1] == 1
    if len(parts) <= len(path):
        return parts[:-1] == path[:len(parts) - 1] and path[len(parts) - 1] <= parts[-1] <= path[len(parts) - 1] + 2
    return False


def removed_words(before: str | None, after: str | None) -> str | None:
    """The words an amendment removed: what `before` holds that `after` does not, when `after`
    is `before` with one piece taken out (spaces aside)."""
    if not before or not after:
        return None
    b, a = before.strip(), after.strip()
    if b.startswith(a) and len(b) > len(a):
        return b[len(a):].strip() or None
    if b.endswith(a) and len(b) > len(a):
        return b[:len(b) - len(a)].strip() or None
    return None


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def without(text: str, words: str) -> tuple[str, str] | None:
    """(text without `words`, the words as `text` writes them) when `text` holds `words`, spaces
    aside (the page writes "30สิงหาคม" where the file has "30 สิงหาคม"); else None."""
    target = _squeeze(words)
    if not target:
        return None
    squeezed, where = [], []
    for i, ch in enumerate(text):
        if not ch.isspace():
            squeezed.append(ch)
            where.append(i)
    at = "".join(squeezed).find(target)
    if at < 0:
        return None
    start, end = where[at], where[at + len(target) - 1] + 1
    return (text[:start] + text[end:]).strip(), text[start:end]
