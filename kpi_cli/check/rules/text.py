"""Thai text hygiene: NFC, no decomposed sara am, no zero-width characters."""

from __future__ import annotations

import re

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Finding, Level
from kpi_cli.core.thai import text_issues
from kpi_cli.check.rules.registry import FileContext, fmt_loc, rule
from kpi_cli.core.problems import where


@rule("thai-text", "warning")
def thai_text(ctx: FileContext):
    """Thai text is NFC, without a decomposed sara am (ํ + า) or zero-width characters.

    Text pasted from PDFs often carries them; they break search and sorting.
    Bad:  'การดําเนินงาน' (ํ + า), 'ราย\u200bงาน' (a zero-width space)
    Good: 'การดำเนินงาน', 'รายงาน'
    """
    for loc, value in ctx.odd_texts:
        if not value.isascii():
            for offset, what, fix in text_issues(value):
                near = value[max(0, offset - 8): offset + 8].replace("\u200b", "␣")
                yield Finding("thai-text", _("{where}: {what} near '{near}'").format(where=where(loc), what=what,
                                                                                      near=near),
                              loc, level=Level.warning, fix=fix)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@rule("control-character", "warning")
def control_character(ctx: FileContext):
    """No control characters in text: terminal escape sequences (ESC, U+001B) and the other C0/C1
    controls, and the bidirectional overrides (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C)
    that make text read in another order than it is stored. They are invisible in an editor and
    in a review, and never part of an indicator.

    Bad:  `title: "\\e[31mความสำเร็จ"`, a title with U+202E RIGHT-TO-LEFT OVERRIDE
    Good: `title: ความสำเร็จ…`
    """
    for loc, value in ctx.odd_texts:
        m = _CONTROL.search(value)
        if m is not None:
            yield Finding("control-character",
                          _("{where}: a control character U+{code:04X} is in the text, invisible when it is "
                            "read").format(where=where(loc), code=ord(m.group())),
                          loc, level=Level.warning, fix=_("delete it; type the text again if it was pasted"))


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))


def blank(text: str) -> bool:
    """Text with no visible character: empty, spaces of any kind (NBSP, U+3000) and zero-width
    characters only."""
    rest = text.strip()
    if not rest:
        return True
    # a printable character that strip() left first is a visible one: no need to look further
    return not rest[0].isprintable() and len(rest) <= 64 and not rest.translate(_INVISIBLE).strip()


@rule("blank-text", needs_model=True)
def blank_text(ctx: FileContext):
    """A text the format requires is never only spaces (a no-break space, U+3000) or zero-width
    characters, which read as nothing in every report and look like words in an editor; the title
    of an idea, an activity or a proposal is never empty either. (A section the page leaves empty,
    such as `definition.text: ""`, stays as the page has it.)

    The indicator's own `title:` may be empty (a copy of the page that lacks it), never spaces or
    invisible characters alone.

    Bad:  `- {id: 2, title: " "}`, an activity whose title is a zero-width space (U+200B)
    Good: `- {id: 2, title: นัดหมายออนไลน์}`, or the entry deleted
    """
    return blank_findings(type(ctx.model), ctx.odd_texts)  # a blank text is odd, or spaces alone


def blank_findings(root, leaves) -> list[Finding]:
    """blank-text over the (loc, value) leaves of a document of the model class `root` (an
    indicator, a catalogue)."""
    from kpi_cli.check.rules.schema import _models_at

    out = []
    # a text that starts with a letter or a digit (nearly all of them) is not blank: one pass in C
    maybe = [(loc, value) for loc, value in leaves if isinstance(value, str) and not value[:1].isalnum()]
    for loc, value in maybe:
        if not loc or not isinstance(loc[-1], str) or not blank(value):
            continue
        if not value and loc[-1] != "title":  # an empty section of the page is its record
            continue
        if loc == ("title",) and value and root.__name__ == "Indicator":
            # the indicator's own title may be empty (a copy of the page that lacks it), never spaces
            out.append(Finding("blank-text", _("{where}: the title is only spaces or invisible characters; every "
                                               "report shows it").format(where=where(loc)),
                               loc, fix=_('write the title as the page prints it, or "" for a copy of the page '
                                          'that lacks it')))
            continue
        fields = [cls.model_fields.get(loc[-1]) for cls in _models_at(root, loc[:-1])]
        if any(f is not None and f.is_required() for f in fields):
            out.append(Finding("blank-text", _("{where}: the text is blank (only spaces or invisible characters), "
                                               "and this field needs one").format(where=where(loc)),
                               loc, fix=_("write it, or delete the entry it belongs to")))
    return out
