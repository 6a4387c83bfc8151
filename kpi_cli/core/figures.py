"""Official figures as they were printed.

The BMA system prints one figure as `95`, `95.00` or `95.0000` depending on the page, and an
official record shown back to its evaluators must read as it was published. A figure therefore
carries its printed text beside its value: :class:`Printed` is a float that remembers how it was
written (``Printed("95.0000") == 95``). The loader makes one of every decimal scalar of a file
(kpi_cli.io.loader), the importer of every decimal figure of a page, the model keeps them
(kpi_cli.core.model_base.Figure), and :func:`shown` is the one function that turns a figure into
text for people. Arithmetic on a Printed gives a plain float: a computed value is never mistaken
for a printed one.
"""

from __future__ import annotations

import re

DECIMAL = re.compile(r"^[-+]?\d+\.\d+$")  # the printed forms a figure keeps: 30.00, 95.0000, 0.5


class Printed(float):
    """A number and the text it was printed as: 30.00 stays 30.00 (it equals 30.0)."""

    text: str

    def __new__(cls, text: str):
        obj = super().__new__(cls, text)
        obj.text = text.lstrip("+")
        return obj

    def __getnewargs__(self):  # pickling (worker processes) rebuilds it from its text
        return (self.text,)

    def __repr__(self) -> str:
        return f"Printed({self.text!r})"

    def __str__(self) -> str:  # and format(x, ""): a message shows the figure as printed
        return self.text


def printed_form(text: str) -> Printed | None:
    """Printed(text) for a decimal written in plain notation, else None (integers, 1e3, .inf)."""
    return Printed(text) if DECIMAL.match(text) else None


def text_of(value) -> str | None:
    """The printed text of a figure, or None when it has none (an int, a computed float)."""
    return getattr(value, "text", None)


def shown(value: float | int | None, *, decimals: int | None = None, empty: str = "-") -> str:
    """A figure for people: its printed text when it has one; an int as written (75, 2,700);
    a computed float with `decimals` places (with thousands separators), else in its shortest
    form (100.0 -> '100', 95.5 -> '95.5')."""
    if value is None:
        return empty
    text = text_of(value)
    if text is not None:
        return text
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if decimals is not None else str(value)  # a figure printed without decimals
    if decimals is not None:
        return f"{value:,.{decimals}f}" if decimals else f"{value:,.0f}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def json_pair(value) -> str | None:
    """What `--format json` writes beside a figure's number: its printed text (None: no figure)."""
    return None if value is None else shown(value)
