"""Boxed text tables and wrapped lines for the terminal, with the standard library only.

`kpi score` prints its tables with this module instead of rich, whose import and rendering cost
more than the rest of the command. The tables look like rich's default ones (a heavy header
box, bold headers) and are laid out the same way: a column is as wide as its longest line; when
the table is too wide, the widest columns are wrapped first ("folded" mid-word when a word is
too long), and at last every column gives up some width.

Widths are terminal columns (`display_width`): Thai vowel and tone marks take none, East Asian
wide characters two. Text is wrapped at spaces, or by width within a word, and a character is
never split from the marks that follow it.

Styles are ANSI SGR codes, written only when color is on; with color off the output is plain
text.
"""

from __future__ import annotations

import sys

__all__ = ["display_width", "graphemes", "fold", "wrap", "paint", "Table", "Printer", "STYLES"]

STYLES = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "red": "31", "green": "32",
          "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36"}
RESET = "\x1b[0m"

_char_width: dict[str, int] = {}


def _width_of(ch: str) -> int:
    import unicodedata

    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        width = 0
    else:
        width = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    if len(_char_width) < 4096:
        _char_width[ch] = width
    return width


def display_width(text: str) -> int:
    """Terminal columns: Thai vowel and tone marks take none, wide characters two."""
    if text.isascii():
        return len(text)
    cache = _char_width
    width = 0
    for ch in text:
        w = cache.get(ch)
        width += _width_of(ch) if w is None else w
    return width


def graphemes(text: str) -> list[tuple[str, int]]:
    """(characters, width) of each character with the zero-width marks that follow it: the pieces
    text may be cut into without leaving a mark at the start of a line."""
    out: list[tuple[str, int]] = []
    for ch in text:
        w = display_width(ch)
        if w == 0 and out:
            out[-1] = (out[-1][0] + ch, out[-1][1])
        else:
            out.append((ch, w))
    return out


def fold(text: str, width: int) -> list[str]:
    """Cut text into pieces of at most `width` columns (one character at least per piece)."""
    if text.isascii():
        step = max(1, width)
        return [text[i:i + step] for i in range(0, len(text), step)]
    lines: list[str] = []
    line, used = "", 0
    for chars, w in graphemes(text):
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line += chars
        used += w
    if line:
        lines.append(line)
    return lines


def _words(text: str):
    """(start, word with the spaces after it); spaces before the first word belong to it."""
    i, n = 0, len(text)
    while i < n:
        start = i
        while i < n and text[i].isspace():
            i += 1
        if i == n:
            return
        while i < n and not text[i].isspace():
            i += 1
        while i < n and text[i].isspace():
            i += 1
        yield start, text[start:i]


def _breaks(text: str, width: int) -> list[int]:
    """Where one line of text is cut to fit `width`: at the start of a word that does not fit, and
    inside a word wider than a whole line."""
    breaks: list[int] = []
    used = 0
    for start, word in _words(text):
        need = display_width(word.rstrip())
        if width - used >= need:
            used += display_width(word)
        elif need > width:
            pieces = fold(word, width)
            for n, piece in enumerate(pieces, 1):
                if start:
                    breaks.append(start)
                if n == len(pieces):
                    used = display_width(piece)
                else:
                    start += len(piece)
        elif used and start:
            breaks.append(start)
            used = display_width(word)
    return breaks


def wrap(text: str, width: int) -> list[str]:
    """The lines of text ("\\n" starts one) wrapped to `width` columns: at spaces, or within a word
    too long for a line. The spaces where a line was cut are dropped."""
    out: list[str] = []
    width = max(1, width)
    for line in text.split("\n"):
        if display_width(line) <= width:
            out.append(line)
            continue
        cuts = [0, *_breaks(line, width), len(line)]
        pieces = [line[a:b] for a, b in zip(cuts, cuts[1:])]
        out += [p.rstrip() if n < len(pieces) or display_width(p) > width else p for n, p in enumerate(pieces, 1)]
    return out


def paint(text: str, style: str | None, color: bool) -> str:
    """Text in a style ("bold", "dim yellow"), as ANSI codes when color is on, else as it is."""
    if not (color and style and text):
        return text
    codes = ";".join(STYLES[word] for word in style.split() if word in STYLES)
    return f"\x1b[{codes}m{text}{RESET}" if codes else text


def _pad(text: str, width: int, justify: str) -> str:
    space = width - display_width(text)
    if space <= 0:
        return text
    if justify == "right":
        return " " * space + text
    if justify == "center":
        return " " * (space // 2) + text + " " * (space - space // 2)
    return text + " " * space


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """Take `total` off `values` in proportion to `ratios`, at most `maximums` off each."""
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, most, value in zip(ratios, maximums, values):
        if ratio and total_ratio > 0:
            taken = min(most, round(ratio * remaining / total_ratio))
            result.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _collapse(widths: list[int], wrappable: list[bool], limit: int) -> list[int]:
    """Narrow the widest wrappable columns, down to the next widest, until the total fits `limit`."""
    total = sum(widths)
    excess = total - limit
    if not any(wrappable):
        return widths
    while total and excess > 0:
        widest = max(w for w, ok in zip(widths, wrappable) if ok)
        second = max(w if ok and w != widest else 0 for w, ok in zip(widths, wrappable))
        ratios = [1 if ok and w == widest else 0 for w, ok in zip(widths, wrappable)]
        if not any(ratios) or widest == second:
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
        total = sum(widths)
        excess = total - limit
    return widths


class Table:
    """A boxed table, laid out to fit a width.

        table = Table()
        table.add_column("code", justify="left")
        table.add_column("score\\ncomputed", justify="right", max_width=20)
        table.add_row("0406-0772", "100.00", style="yellow")
        sys.stdout.write(table.render(width=100, color=True))
    """

    PAD = 1  # a space each side of a cell

    def __init__(self, header_style: str | None = "bold"):
        self.header_style = header_style
        self.columns: list[dict] = []
        self.rows: list[tuple[list[str], str | None]] = []

    def add_column(self, header: str = "", justify: str = "left", max_width: int | None = None,
                   no_wrap: bool = False) -> None:
        """justify: left, right or center; max_width: columns of text at most (without the
        padding); no_wrap: narrowed only when narrowing the others is not enough."""
        if justify not in ("left", "right", "center"):
            raise ValueError(f"justify must be left, right or center, not {justify!r}")
        self.columns.append({"header": header, "justify": justify, "max_width": max_width, "wrap": not no_wrap})

    def add_row(self, *cells: object, style: str | None = None) -> None:
        """Cells as text (None is empty); fewer cells than columns leave the rest empty."""
        if len(cells) > len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        texts = ["" if c is None else str(c) for c in cells]
        self.rows.append((texts + [""] * (len(self.columns) - len(texts)), style))

    # --- layout ---------------------------------------------------------------------------

    def _widest(self, index: int, limit: int) -> int:
        """The width a column asks for (its longest line, padding included), within `limit`."""
        if limit < 1:
            return 0
        column = self.columns[index]
        pad = 2 * self.PAD
        if limit - pad < 1:
            return limit
        widest = 0
        for text in [column["header"], *(cells[index] for cells, _style in self.rows)]:
            lines = text.splitlines()
            longest = min(max(map(display_width, lines)) if lines else 0, limit)
            widest = max(widest, min(longest + pad, limit) if longest else pad)
        if column["max_width"] is not None:
            widest = min(widest, column["max_width"] + pad)
        return widest

    def widths(self, width: int) -> list[int]:
        """Each column's width, its padding included, for a table of `width` columns at most."""
        limit = width - (len(self.columns) + 1)  # the borders
        widths = [self._widest(i, limit) or 1 for i in range(len(self.columns))]
        if sum(widths) > limit:
            widths = _collapse(widths, [c["wrap"] for c in self.columns], limit)
            if sum(widths) > limit:  # last resort: every column gives some
                widths = _ratio_reduce(sum(widths) - limit, [1] * len(widths), widths, widths)
            widths = [self._widest(i, w) for i, w in enumerate(widths)]
        # a column keeps room for its widest character, taken from the widest other columns if they can
        # give it, else the table is wider than `width`
        least = [self._least(i) for i in range(len(self.columns))]
        kept = [max(w, most) for w, most in zip(widths, least)]
        excess = sum(kept) - max(limit, sum(widths))
        while excess > 0:
            can = [i for i, (w, most) in enumerate(zip(kept, least)) if w > most]
            if not can:
                break
            kept[max(can, key=kept.__getitem__)] -= 1
            excess -= 1
        return kept

    def _least(self, index: int) -> int:
        """The narrowest a column can be: its widest character (none if it is empty), and the padding."""
        texts = [self.columns[index]["header"], *(cells[index] for cells, _style in self.rows)]
        if not any(text.strip() for text in texts):
            return 2 * self.PAD
        wide = any(not text.isascii() and any(display_width(ch) == 2 for ch in text) for text in texts)
        return 2 * self.PAD + (2 if wide else 1)

    # --- drawing --------------------------------------------------------------------------

    def _cell(self, text: str, width: int, justify: str) -> list[str]:
        inner = width - 2 * self.PAD
        side = " " * self.PAD
        return [side + _pad(line.rstrip(), inner, justify) + side for line in wrap(text, inner)]

    def lines(self, width: int, color: bool = False) -> list[str]:
        """The table as lines of at most `width` columns (when it can be that narrow)."""
        if not self.columns:
            return []
        widths = self.widths(width)

        def rule(left: str, line: str, cross: str, right: str) -> str:
            return left + cross.join(line * w for w in widths) + right

        def row(cells: list[str], style: str | None, edge: str, header: bool) -> list[str]:
            shaped = [self._cell(text, w, c["justify"]) for text, w, c in zip(cells, widths, self.columns)]
            height = max(len(cell) for cell in shaped)
            for cell, w in zip(shaped, widths):  # a header at the bottom of its row, other cells at the top
                blank = [" " * w] * (height - len(cell))
                cell[:] = blank + cell if header else cell + blank
            return [edge + edge.join(paint(cell[n], style, color) for cell in shaped) + edge for n in range(height)]

        out = [rule("┏", "━", "┳", "┓")]
        out += row([c["header"] for c in self.columns], self.header_style, "┃", header=True)
        out.append(rule("┡", "━", "╇", "┩"))
        for cells, style in self.rows:
            out += row(cells, style, "│", header=False)
        out.append(rule("└", "─", "┴", "┘"))
        return out

    def render(self, width: int, color: bool = False) -> str:
        lines = self.lines(width, color)
        return "\n".join(lines) + "\n" if lines else "\n"


class Printer:
    """Lines and tables to a stream (stdout by default), wrapped to `width` columns and styled
    when `color` is on."""

    def __init__(self, width: int, color: bool = False, stream=None):
        self.width = max(1, width)
        self.color = color
        self.stream = stream

    def _write(self, text: str) -> None:
        (self.stream or sys.stdout).write(text)

    def line(self, text: str = "", style: str | None = None) -> None:
        self._write("".join(paint(line, style, self.color) + "\n" for line in wrap(text, self.width)))

    def table(self, table: Table) -> None:
        self._write(table.render(self.width, self.color))
