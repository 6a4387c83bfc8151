"""Thai text hygiene: NFC, no decomposed sara am, no zero-width characters."""

from __future__ import annotations

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Finding, Level
from kpi_cli.core.thai import text_issues
from kpi_cli.check.rules.registry import FileContext, fmt_loc, rule


@rule("thai-text", "warning")
def thai_text(ctx: FileContext):
    """Thai text is NFC, without a decomposed sara am (ํ + า) or zero-width characters.

    Text pasted from PDFs often carries them; they break search and sorting.
    Bad:  'การดําเนินงาน' (ํ + า), 'ราย\u200bงาน' (a zero-width space)
    Good: 'การดำเนินงาน', 'รายงาน'
    """
    for loc, value in ctx.leaves:
        if isinstance(value, str) and not value.isascii():
            for offset, what, fix in text_issues(value):
                near = value[max(0, offset - 8): offset + 8].replace("\u200b", "␣")
                yield Finding("thai-text", _("{where}: {what} near '{near}'").format(where=fmt_loc(loc), what=what,
                                                                                      near=near),
                              loc, level=Level.warning, fix=fix)
