"""Problems are values: every finding of every check is a :class:`Problem`.

Rules never print; formatters in :mod:`kpi_cli.report` turn a list of problems into text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class Level(str, Enum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where (path, line, column; 1-based), what rule, how bad, and the fix."""

    path: str
    line: int
    column: int
    rule: str
    level: Level = field(compare=False)
    message: str = field(compare=False)
    fix: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.level is Level.error

    def to_dict(self) -> dict:
        d = asdict(self)
        d["level"] = self.level.value
        return d


@dataclass
class Finding:
    """A problem before its position is known: a rule reports where in the document
    (`loc`, the path of keys and indexes) and the loader turns it into a line and column."""

    rule: str
    message: str
    loc: tuple = ()
    level: Level = Level.error
    fix: str | None = None
    key: bool = False  # point at the key of `loc` rather than its value
    line: int | None = None  # known already (syntax errors)
    column: int | None = None


def fmt_loc(loc: tuple) -> str:
    """('quarters', 0, 'target') -> 'quarters[0].target': a place in a document, as people write it."""
    out = ""
    for seg in loc:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else str(seg))
    return out


# What a person calls the n-th item of a list, by the list's key (Thai only: English shows the path)
_ITEM_NAMES = {
    "stages": "รายการบันทึกขั้นตอนที่ {n}",
    "ideas": "ความคิดเห็นรายการที่ {n}",
    "activities": "กิจกรรมที่ {n}",
    "evidence_sent": "รายการส่งหลักฐานที่ {n}",
    "amendments": "บันทึกอุทธรณ์/การแก้ไขรายการที่ {n}",
    "timeline": "เหตุการณ์ที่ {n}",
    "quarters": "แถวที่ {n} ของตารางรายไตรมาส",
}


def where(loc: tuple) -> str:
    """A place in a document for a message: the YAML path (`innovation.stages[4].completed`); in
    Thai, the item counted from 1 first and the path beside it for those who edit the file
    ("รายการบันทึกขั้นตอนที่ 5 (innovation.stages[4].completed)")."""
    from kpi_cli.core.i18n import language

    path = fmt_loc(loc)
    if language() != "th":
        return path
    last = max((i for i, seg in enumerate(loc) if isinstance(seg, int)), default=None)
    if last is None:
        return path
    key = loc[last - 1] if last > 0 and isinstance(loc[last - 1], str) else ""
    person = _ITEM_NAMES.get(key, "รายการที่ {n} ของ " + (key or "รายการ")).format(n=loc[last] + 1)
    return f"{person} ({path})"


class KpiError(Exception):
    """An error the CLI reports as a message with its fix, never as a traceback."""

    fix: str | None = None
    exit_code: int = 1
