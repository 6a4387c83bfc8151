"""The filters of the Jinja environment (:data:`FILTERS`) and what every {{ … }} goes through
(:func:`finalize_for`): Thai dates, scores and figures, Markdown escaping, Thai digits, and the
tables of the text and Markdown reports. The text tables are textgrid's, the engine of every
table kpi draws in a terminal.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Callable, Iterable

from markupsafe import Markup, escape

from kpi_cli.core.escape import for_markdown, for_terminal, markdown_code
from kpi_cli.core.thai import fiscal_year_label, format_number, format_plain, quarter_bounds, thai_date, thai_date_range, to_thai_digits
from kpi_cli.render.context import Href, Verbatim
from kpi_cli.render.limits import check_width
from kpi_cli.render.textgrid import COLUMNS, Table, display_width, pad

_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?\w+;)")


def _digits_outside_markup(text: str) -> str:
    """Thai digits in the text of HTML, leaving tags, attributes and entities alone."""
    parts = _TAG_OR_ENTITY.split(text)
    return "".join(p if i % 2 else to_thai_digits(p) for i, p in enumerate(parts))


def md_escape(text: str) -> str:
    """Text as Markdown shows it literally: no emphasis, links, HTML, lists, headings, quotes or
    code made by accident (kpi_cli/core/escape.py)."""
    return for_markdown(text)


def finalize_for(fmt: str, thai_digits: bool) -> Callable[[object], object]:
    """What every {{ … }} goes through: None as '-', escaping for the medium, Thai digits throughout.

    Every text has its control characters made visible (kpi_cli/core/escape.py): an escape
    sequence from a file never reaches a terminal, a bidirectional override never reorders a page.
    Markdown templates run with autoescape on, so that what macros and filters return (Markup)
    is not escaped twice; here plain values are escaped for Markdown instead of for HTML (where
    Jinja's autoescape does it after this). A Verbatim value (a field path) keeps its digits; a
    link kpi made (Href) is written as it is.
    """
    markdown = fmt == "md"

    def finalize(value):
        if isinstance(value, Href):
            return Markup(value) if markdown else value
        if isinstance(value, Markup):
            return Markup(_digits_outside_markup(str(value))) if thai_digits else value
        text = "-" if value is None else str(value)
        text = for_markdown(text) if markdown else for_terminal(text)
        if thai_digits and not isinstance(value, Verbatim):
            text = to_thai_digits(text)
        return Markup(text) if markdown else text

    return finalize


def _pad(value: object, width: int, align: str = "left") -> str:
    """A value padded to `width` terminal columns (text tables by hand); None as '-'."""
    return pad("-" if value is None else str(value), check_width(width), "right" if align == "right" else "left")


def _text_bar(ratio: float | None, mark: float | None = None, width: int = 20) -> str:
    """'██████░░░░│░░░': performance filled, the target marked with │."""
    width = check_width(width)
    filled = max(0, min(width, round((ratio or 0) * width)))
    cells = ["█"] * filled + ["░"] * (width - filled)
    if mark is not None:
        at = min(width - 1, max(0, round(mark * width) - 1))
        cells[at] = "┃" if at >= filled else "╂"
    return "".join(cells)


def _rectangle(rows: list[list]) -> list[list]:
    """The rows of a table as lists of one length: short rows end with empty cells."""
    ncols = max(len(r) for r in rows)
    return [list(r) + [""] * (ncols - len(r)) for r in rows]


def text_table(rows: list[list], align: str = "", header: int = 1) -> str:
    """Rows as aligned text columns for the terminal (textgrid's COLUMNS box), the first `header`
    rows as its header: "r" in `align` puts a column's figures to the right. A cell may hold
    several lines ("a\nb"); None in a header row continues the cell to its left across that column."""
    if not rows:
        return ""
    rows = _rectangle(rows)
    heads, body = rows[:max(0, header)], rows[max(0, header):]
    # a header with no row under it is drawn without its rule
    table = Table(header_style=None, box=COLUMNS if header <= len(rows) else replace(COLUMNS, head_rule=None),
                  show_header=bool(heads))
    for c in range(len(rows[0])):
        head = heads[0][c] if heads else ""
        table.add_column(None if head is None else str(head), justify="right" if align[c:c + 1] == "r" else "left",
                         header_justify="left")
    for row in heads[1:]:
        table.add_header_row(*row)
    for row in body:
        table.add_row(*row)
    return "\n".join(table.lines(None))


def md_table(rows: list[list], align: str = "", header: int = 1) -> Markup:
    """Rows as a Markdown table: the header rows joined into one, cells escaped (Markup cells,
    such as links, are kept as they are)."""
    if not rows:
        return Markup("")
    rows = _rectangle(rows)

    def cell(value) -> str:
        if isinstance(value, Markup):
            return str(value).replace("\n", " ")
        return for_markdown("" if value is None else str(value).replace("\r\n", " ").replace("\n", " "))

    head = [" ".join(cell(r[c]) for r in rows[:header] if r[c]).strip() for c in range(len(rows[0]))]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---:" if align[c:c + 1] == "r" else "---" for c in range(len(head))) + "|"]
    for r in rows[header:]:
        lines.append("| " + " | ".join(cell(value) for value in r) + " |")
    return Markup("\n".join(lines))


def _paragraphs(text: str | None) -> Markup:
    """Text as HTML paragraphs: a blank line between paragraphs, <br> for a single line break."""
    if not text or not text.strip():
        return Markup("<p>-</p>")
    paras = re.split(r"\n\s*\n", text.strip())
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(for_terminal(line)) for line in p.split("\n")))
        for p in paras)


def _or_dash(text: str | None) -> str:
    return text if text and text.strip() else "-"


def _scores(values: Iterable) -> str:
    """The page's '2.1 / 2.2' column: '100 / 100', '0 / 0'."""
    values = list(values)
    return " / ".join(format_plain(v) for v in values) if values else "-"


def _score(value: float | None) -> str:
    """A score as the page writes one, to two decimals at most: 100, 95, 99.77."""
    return format_plain(None if value is None else round(value, 2))


def _date(day: dt.date | None, abbr: bool = False) -> str:
    return thai_date(day, abbr=abbr) if day else "-"


def _date_span(first: dt.date | None, last: dt.date | None = None, abbr: bool = False) -> str:
    """'1 – 9 เมษายน 2564', '18 มีนาคม – 9 เมษายน 2564', '1 ตุลาคม 2563 – 31 ธันวาคม 2563': the month
    and year written once where both days share them."""
    if first is None:
        return "-"
    if not last or last == first:
        return thai_date(first, abbr=abbr)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} – {thai_date(last, abbr=abbr)}"
    if first.year == last.year:
        head = thai_date(first, abbr=abbr).rsplit(" ", 1)[0]
        return f"{head} – {thai_date(last, abbr=abbr)}"
    return f"{thai_date(first, abbr=abbr)} – {thai_date(last, abbr=abbr)}"


_PREFIX_UNITS = ("ร้อยละ", "ระดับ")


def _with_unit(value, unit: str | None) -> str:
    """A figure with its unit as Thai writes it: ร้อยละ 100, ระดับ 5, 10 คะแนน, 2,700 ต้น."""
    figure = format_plain(value)
    if value is None or not unit:
        return figure
    return f"{unit} {figure}" if unit in _PREFIX_UNITS else f"{figure} {unit}"


def _words(text) -> Markup:
    """HTML: the text escaped, its dates, letter numbers and Thai words of three letters or more
    each in a no-break span, a <wbr> between words, so that a line breaks between words only
    (kpi_cli/render/words.py)."""
    if text is None:
        return Markup("-")
    if isinstance(text, Markup):
        return text
    from kpi_cli.render.words import pieces

    from kpi_cli.render.words import word_html

    return Markup(word_html(for_terminal(str(text))))


def _paragraphs_words(text: str | None) -> Markup:
    """As `paragraphs`, each paragraph's words kept whole (`words`)."""
    if not text or not text.strip():
        return Markup("<p>-</p>")
    paras = re.split(r"\n\s*\n", text.strip())
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(_words(line) for line in p.split("\n")))
        for p in paras)


FILTERS: dict[str, Callable] = {
    "thai_date": _date,                               # 2021-04-15 -> 15 เมษายน 2564
    "date_range": _date_span,                         # 1 – 9 เมษายน 2564
    "with_unit": _with_unit,                          # 100, ร้อยละ -> ร้อยละ 100; 10, คะแนน -> 10 คะแนน
    "words": _words,                                  # HTML: words, dates, letters kept whole
    "paragraphs_words": _paragraphs_words,            # HTML: paragraphs, words kept whole
    "thai_digits": to_thai_digits,                    # 7.5.1.1 -> ๗.๕.๑.๑
    "number": format_number,                          # 30 -> 30.00
    "plain": format_plain,                            # 100.0 -> 100
    "score": _score,                                  # 99.76842 -> 99.77, 100.0 -> 100
    "scores": _scores,                                # [100, 100] -> 100 / 100
    "fiscal_year": fiscal_year_label,                 # 2564 -> ปีงบประมาณ พ.ศ. 2564
    "quarter_range": lambda fy, q: thai_date_range(*quarter_bounds(fy, q)),
    "strategy_code": to_thai_digits,
    "paragraphs": _paragraphs,                        # HTML only
    "or_dash": _or_dash,
    "pad": _pad,                                      # text tables: pad to terminal columns
    "width": display_width,                           # terminal columns of a text
    "bar": _text_bar,                                 # text chart
    "md": md_escape,
    "md_code": lambda text: Markup(markdown_code(str(text))),  # md: a code span that holds any text
    "text_table": text_table,                         # txt
    "md_table": md_table,                             # md
}
