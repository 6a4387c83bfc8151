"""Official letter numbers: 'กท 0406/191', 'ฝบ. 634/2564', 'คำสั่ง สปท. ที่ 4/2564'."""

from __future__ import annotations

import re

from kpi_cli.core.i18n import _
from kpi_cli.core.patterns import LETTER
from kpi_cli.core.problems import Finding
from kpi_cli.check.rules.registry import FileContext, fmt_loc, rule
from kpi_cli.core.problems import where

# prefix, running number, slash, office code or year (kpi_cli/core/patterns.py, shared with the JSON Schema)
LETTER_RE = re.compile(LETTER)
# fields that hold a letter number
_LETTER_FIELDS = {"letter", "evidence", "refs", "decision_letters"}


def is_letter(text: str) -> bool:
    return bool(LETTER_RE.match(text.strip()))


def _letters(scalars):
    """(loc, text) of every letter-number field in the document."""
    for loc, value in scalars:
        if not loc or not isinstance(value, str):
            continue
        name = loc[-1] if isinstance(loc[-1], str) else (loc[-2] if len(loc) > 1 else None)
        if name in _LETTER_FIELDS:
            yield loc, value


@rule("letter-format")
def letter_format(ctx: FileContext):
    """Letter numbers are recognisable: prefix, running number, slash, office code or year.

    Bad:  `letter: 0406/3937` (no prefix) or `letter: กท 0406-3937`
    Good: `letter: กท 0406/3937`, `ฝบ. 634/2564`, `คำสั่ง สปท. ที่ 4/2564`
    """
    for loc, text in _letters(ctx.leaves):
        if not is_letter(text):
            yield Finding("letter-format", _("{where}: '{text}' is not a recognisable letter number").format(
                              where=where(loc), text=text), loc,
                          fix=_("write it as on the letter: e.g. 'กท 0406/191', 'ฝบ. 634/2564', "
                                "'คำสั่ง สปท. ที่ 4/2564'"))
