"""The shapes of codes, letter numbers and dates, as regular expressions: one text each, used by
kpi's rules (kpi_cli/check/rules) and written into the JSON Schema (kpi_cli/core/model.py), so that
an editor and `kpi validate` refuse the same codes.

Each is a regular expression that Python and JSON Schema (ECMAScript) read alike: anchored, no
flags, no look-behind, no named groups. At the end, the one reading of the paths of `inferred:`
(:func:`inferred_covers`), which those paths' shape (INFERRED_PATH) goes with.
"""

import re

# an indicator code: the 4-digit agency code, a dash, a 3- or 4-digit number (ASCII digits only)
INDICATOR_CODE = r"^([0-9]{4})-([0-9]{3,4})$"

# an agency code, as agencies.yaml lists it
AGENCY_CODE = r"^[0-9]{4}$"

# a strategy code as strategies.yaml lists it: Arabic digits separated by dots
STRATEGY_CODE = r"^[0-9]+(\.[0-9]+)*$"

# a strategy code as an indicator names it: Thai digits are accepted on reading (with a warning)
STRATEGY_REFERENCE = r"^[0-9๐-๙]+(\.[0-9๐-๙]+)*$"

# an official letter number: 'กท 0406/191', 'ฝบ. 634/2564', 'คำสั่ง สปท. ที่ 4/2564' (prefix: Thai or
# Latin letters and dots, optionally 'คำสั่ง'/'ประกาศ'/'หนังสือ' before it and 'ที่' after; then a
# running number, a slash, and a number: the office code or the year)
LETTER = (r"^(?:(?:คำสั่ง|ประกาศ|หนังสือ)\s*)?"
          r"(?:[\u0E01-\u0E4EA-Za-z][\u0E01-\u0E4EA-Za-z.]*(?:\s+[\u0E01-\u0E4EA-Za-z.]+)*\.?\s*)"
          r"(?:ที่\s*)?"
          r"[0-9๐-๙]{1,5}(?:\.[0-9๐-๙]+)?/[0-9๐-๙]{1,5}$")

# the same, with the blanks around it that kpi ignores (the JSON Schema of letter fields)
LETTER_PADDED = r"^\s*" + LETTER[1:-1] + r"\s*$"

# a date whose year is not a Buddhist-Era year (2400-2700) typed where the Common Era belongs
# (rule date-be-year); that it is a real day is JSON Schema's `format: date`
COMMON_ERA_DATE = r"^(?!2[4-6][0-9]{2}-|2700-)"

# a path under `inferred:`: field.sub[index].field (rule inferred-path resolves it)
INFERRED_PATH = r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])*)*$"

# a text with something in it besides blanks
NOT_BLANK = r"\S"


def inferred_covers(patterns, path: str) -> bool:
    """Whether one of the `inferred:` paths `patterns` covers the value at `path`: itself or a field
    above it; 'quarters[*].target' covers quarters[2].target, 'innovation.ideas[1:]' the ideas from
    the second."""
    return any(_covers(pattern, path) for pattern in patterns or ())


def _covers(pattern: str, path: str) -> bool:
    starts: list[int] = []

    def part(m: re.Match) -> str:
        if m.group(1) == "\\*":
            return r"\[\d+\]"
        starts.append(int(m.group(1)[:-1]))
        return r"\[(\d+)\]"

    regex = re.sub(r"\\\[(\\\*|\d+:)\\\]", part, re.escape(pattern))
    found = re.fullmatch(regex + r"(?:[.\[].*)?", path)
    return found is not None and all(int(i) >= n for i, n in zip(found.groups(), starts))
