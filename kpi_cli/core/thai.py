"""Thai conventions: Buddhist-Era dates, the fiscal calendar, Thai digits, text hygiene.

Pure functions, no heavy imports: `kpi validate` uses this module on every file.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata

from kpi_cli.core.i18n import _
from kpi_cli.core.figures import shown
from kpi_cli.core.thai_dates import (BE_OFFSET, THAI_MONTHS, THAI_MONTHS_ABBR, be_year, thai_date,  # noqa: F401
                                      thai_date_range, to_arabic_digits, to_thai_digits)

# --- years and the fiscal calendar -------------------------------------------------

def ce_year(be: int) -> int:
    return be - BE_OFFSET


def common_era_fix(year: int, month: int, day: int, prefix: str = "") -> str:
    """The fix for a Buddhist-Era year typed into an ISO date: the Common-Era date to write, or,
    where that day does not exist in the Common-Era year (2564 has a 29 February, 2021 has none),
    what to check. `prefix` goes before the date ('--date ')."""
    ce = year - BE_OFFSET
    try:
        fixed = _dt.date(ce, month, day).isoformat()
    except (ValueError, OverflowError):
        return _("the Common-Era year is {year}, which has no day {month:02d}-{day:02d}: check the day and the "
                 "month, then write {prefix}{year}-MM-DD").format(year=ce, month=month, day=day, prefix=prefix)
    return _("write {value}").format(value=prefix + fixed)


# the fiscal years kpi keeps (Buddhist Era): the model's JSON Schema, rule code-folder and every --year
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2500, 2700


def looks_like_be_year(year: int) -> bool:
    """A year in 2400..2700 is a Buddhist-Era year (CE 1857..2157) typed where CE was expected."""
    return 2400 <= year <= 2700


def fiscal_year_bounds(fiscal_year_be: int) -> tuple[_dt.date, _dt.date]:
    """FY 2564 -> (2020-10-01, 2021-09-30)."""
    start_ce = ce_year(fiscal_year_be) - 1
    return _dt.date(start_ce, 10, 1), _dt.date(start_ce + 1, 9, 30)


@functools.lru_cache(maxsize=256)  # dates are immutable; scoring a year's indicators asks the same few
def quarter_bounds(fiscal_year_be: int, quarter: int) -> tuple[_dt.date, _dt.date]:
    """Q1 = Oct-Dec, Q2 = Jan-Mar, Q3 = Apr-Jun, Q4 = Jul-Sep."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1-4, not {quarter}")
    start, _end = fiscal_year_bounds(fiscal_year_be)
    month0 = (start.month - 1) + 3 * (quarter - 1)  # 0-based months from January of start year
    y, m = start.year + month0 // 12, month0 % 12 + 1
    first = _dt.date(y, m, 1)
    m_end = m + 2
    last_day = _dt.date(y + (m_end // 12), m_end % 12 + 1, 1) - _dt.timedelta(days=1)
    return first, last_day


def fiscal_position(day: _dt.date) -> tuple[int, int]:
    """The (fiscal year BE, quarter) a CE date falls in: 2021-04-15 -> (2564, 3)."""
    fy = be_year(day.year + (1 if day.month >= 10 else 0))
    quarter = ((day.month - 10) % 12) // 3 + 1
    return fy, quarter


# --- formatting ---------------------------------------------------------------------

def fiscal_year_label(fiscal_year_be: int, *, thai_digits: bool = False) -> str:
    text = f"ปีงบประมาณ พ.ศ. {fiscal_year_be}"
    return to_thai_digits(text) if thai_digits else text


def format_number(value: float | int | None, decimals: int = 2, *, thai_digits: bool = False) -> str:
    """30 -> '30.00', as the BMA page writes performance figures; a figure read from a file or a
    page keeps the form it was printed in (95.0000 stays 95.0000)."""
    if value is None:
        return "-"
    text = shown(value, decimals=decimals)
    return to_thai_digits(text) if thai_digits else text


def format_plain(value: float | int | None, *, thai_digits: bool = False) -> str:
    """100.0 -> '100', 95.5 -> '95.5'; a printed figure as it was printed (100.0000)."""
    if value is None:
        return "-"
    text = shown(value)
    return to_thai_digits(text) if thai_digits else text


# --- text hygiene -------------------------------------------------------------------

ZERO_WIDTH = {
    "\u200b": "ZERO WIDTH SPACE",
    "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER",
    "\u2060": "WORD JOINER",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE (BOM)",
}
_DECOMPOSED_SARA_AM = re.compile("\u0e4d\u0e32")  # NIKHAHIT + SARA AA, should be SARA AM (U+0E33)
_ZW_RE = re.compile("[" + "".join(ZERO_WIDTH) + "]")


def text_issues(text: str) -> list[tuple[int, str, str]]:
    """Problems in a piece of Thai text: [(offset, what, fix)]. Empty when clean."""
    issues: list[tuple[int, str, str]] = []
    if text.isascii():
        return issues
    for m in _DECOMPOSED_SARA_AM.finditer(text):
        issues.append((m.start(), _("decomposed sara am (ํ + า)"), _("write ำ (U+0E33) instead of ํ + า")))
    for m in _ZW_RE.finditer(text):
        name = ZERO_WIDTH[m.group()]
        issues.append((m.start(), _("invisible character U+{code:04X} {name}").format(code=ord(m.group()), name=name),
                       _("delete it")))
    if not unicodedata.is_normalized("NFC", text):
        issues.append((0, _("text is not in Unicode NFC form"), _("normalise it to NFC")))
    return issues
