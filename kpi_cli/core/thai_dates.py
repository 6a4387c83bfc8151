"""Thai dates and digits for people: 2021-04-15 -> 15 เมษายน 2564, '7.5.1.1' -> '๗.๕.๑.๑'.

The standard library alone, so that every module can show a date, kpi_cli.core.i18n's messages
included (kpi_cli.core.thai re-exports these with the fiscal calendar and text hygiene).
"""

from __future__ import annotations

import datetime as _dt

BE_OFFSET = 543

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
THAI_MONTHS_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)

_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI = str.maketrans("0123456789", _THAI_DIGITS)
_TO_ARABIC = str.maketrans(_THAI_DIGITS, "0123456789")


def to_thai_digits(text: object) -> str:
    """'7.5.1.1' -> '๗.๕.๑.๑'."""
    return str(text).translate(_TO_THAI)


def to_arabic_digits(text: str) -> str:
    """'๗.๕.๑.๑' -> '7.5.1.1'."""
    return text.translate(_TO_ARABIC)


def be_year(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def thai_date(day: _dt.date, *, abbr: bool = False, thai_digits: bool = False) -> str:
    """2021-04-15 -> '15 เมษายน 2564' (Buddhist Era)."""
    months = THAI_MONTHS_ABBR if abbr else THAI_MONTHS
    text = f"{day.day} {months[day.month - 1]} {be_year(day.year)}"
    return to_thai_digits(text) if thai_digits else text


def thai_date_range(first: _dt.date, last: _dt.date, *, thai_digits: bool = False) -> str:
    """'1 ตุลาคม 2563 – 31 ธันวาคม 2563'."""
    text = f"{thai_date(first)} – {thai_date(last)}"
    return to_thai_digits(text) if thai_digits else text
