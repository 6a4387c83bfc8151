"""Text tables and wrapped lines for the terminal, with the standard library only: the one
engine of every table kpi draws as text.

`kpi score`, `kpi status` and `kpi diff` print with this module instead of rich, whose import
and rendering cost more than the rest of a command; the text reports draw their tables with it
too (the `text_table` filter). A boxed table looks like rich's default one (a heavy header box,
bold headers) and is laid out the same way: a column is as wide as its longest line; when the
table is too wide, the widest columns are wrapped first (a word too long is "folded" mid-word,
or cut with "…" as rich does), and at last every column gives up some width. The COLUMNS box
draws aligned columns without borders, as wide as their cells.

Widths are terminal columns (`display_width`): Thai vowel and tone marks take none, East Asian
wide characters two. Text is wrapped at spaces and, in Thai, where a word ends (PyThaiNLP's
dictionary, `kpi_cli/render/words.py`, loaded only when a Thai text must be broken); a word wider
than a whole line is cut between letters, never between a leading vowel (เ แ โ ใ ไ) and its
consonant nor before a mark (ั ิ ่ ำ …). A text cut short ends with "…".

Styles are ANSI SGR codes, written only when color is on; with color off the output is plain
text. Every text a table or a printer is given goes through `kpi_cli.core.escape.for_terminal`
first: control characters and bidirectional controls from a file show as ``\x1b``,
``\u202e``, never as what they do. The only codes written are those of :func:`paint`, whose
result (:class:`Painted`) a printer writes as it is.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace

from kpi_cli.core.escape import for_terminal

__all__ = ["display_width", "graphemes", "fold", "wrap", "crop", "pad", "paint", "Painted", "Box", "HEAVY_HEAD",
           "COLUMNS", "Table", "Printer", "STYLES"]

STYLES = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "red": "31", "green": "32",
          "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36"}
RESET = "\x1b[0m"

_char_width: dict[str, int] = {}
THAI_WORD_MOST = 16  # a Thai word wider than this may be cut between letters to fit a column


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
    try:  # the characters seen before: summed in C (a table of a thousand Thai titles)
        return sum(map(_char_width.__getitem__, text))
    except KeyError:
        pass
    cache = _char_width
    width = 0
    for ch in text:
        w = cache.get(ch)
        width += _width_of(ch) if w is None else w
    return width


_LEADING = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")  # เ แ โ ใ ไ: written before their consonant
_FOLLOWING = frozenset("\u0e33\u0e45")  # ำ ๅ: part of the letter before them


def graphemes(text: str) -> list[tuple[str, int]]:
    """(characters, width) of each character with the marks that follow it (and a Thai leading
    vowel with the consonant after it): the pieces text may be cut into without leaving a mark at
    the start of a line or a leading vowel at its end."""
    out: list[tuple[str, int]] = []
    glue = False
    for ch in text:
        w = display_width(ch)
        if out and (glue or w == 0 or ch in _FOLLOWING):
            out[-1] = (out[-1][0] + ch, out[-1][1] + w)
        else:
            out.append((ch, w))
        glue = ch in _LEADING
    return out


def _within(pieces: list[tuple[str, int]], width: int):
    """The pieces, each one wider than `width` (เก, กำ in one column) cut into its letters, each
    with the marks that follow it."""
    for chars, w in pieces:
        if w <= width or len(chars) == 1:
            yield chars, w
            continue
        out: list[tuple[str, int]] = []
        for ch in chars:
            cw = display_width(ch)
            if cw == 0 and out:
                out[-1] = (out[-1][0] + ch, out[-1][1])
            else:
                out.append((ch, cw))
        yield from out


def fold(text: str, width: int) -> list[str]:
    """Cut text into pieces of at most `width` columns (one character at least per piece)."""
    if text.isascii():
        step = max(1, width)
        return [text[i:i + step] for i in range(0, len(text), step)]
    lines: list[str] = []
    line, used = "", 0
    for chars, w in _within(graphemes(text), width):
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


def _thai_words(text: str):
    """(start, word) as _words, a Thai text cut where its words end (kpi_cli/render/words.py)."""
    for start, word in _words(text):
        if word.isascii() or not _has_thai(word):
            yield start, word
            continue
        from kpi_cli.render.words import words

        for piece in words(word):
            yield start, piece
            start += len(piece)


def _has_thai(text: str) -> bool:
    return any("\u0e01" <= ch <= "\u0e5b" for ch in text)


def _breaks(text: str, width: int, fold_words: bool = True) -> list[int]:
    """Where one line of text is cut to fit `width`: at the start of a word that does not fit (a
    Thai word too: where it ends, by the dictionary), and inside a word wider than a whole line
    (or, without `fold_words`, not: it stays whole)."""
    breaks: list[int] = []
    used = 0
    for start, word in _thai_words(text):
        need = display_width(word.rstrip())
        if width - used >= need:
            used += display_width(word)
        elif need > width and fold_words:
            pieces = fold(word, width)
            for n, piece in enumerate(pieces, 1):
                if start:
                    breaks.append(start)
                if n == len(pieces):
                    used = display_width(piece)
                else:
                    start += len(piece)
        elif need > width:
            if start:
                breaks.append(start)
            used = display_width(word)
        elif used and start:
            breaks.append(start)
            used = display_width(word)
    return breaks


def wrap(text: str, width: int, fold_words: bool = True) -> list[str]:
    """The lines of text ("\\n" starts one) wrapped to `width` columns: at spaces, or within a word
    too long for a line (without `fold_words` such a word has a line of its own, wider than
    `width`). The spaces where a line was cut are dropped."""
    out: list[str] = []
    width = max(1, width)
    for line in text.split("\n"):
        if display_width(line) <= width:
            out.append(line)
            continue
        cuts = [0, *_breaks(line, width, fold_words), len(line)]
        pieces = [line[a:b] for a, b in zip(cuts, cuts[1:])]
        out += [p.rstrip() if n < len(pieces) or display_width(p) > width else p for n, p in enumerate(pieces, 1)]
    return out


def crop(text: str, width: int) -> str:
    """Text cut to `width` columns at most, with "…" where it was cut: where a word ends when
    one ends in the second half of the room (Thai words too), else between two letters."""
    if display_width(text) <= width:
        return text
    if width < 1:
        return ""
    kept, used = "", 0
    for chars, w in graphemes(text):
        if used + w > width - 1:
            break
        kept += chars
        used += w
    if _has_thai(kept) and len(kept) < len(text):
        from kpi_cli.render.words import boundaries

        ends = [at for at in boundaries(text) if at <= len(kept)]
        if ends and display_width(text[:max(ends)]) * 2 >= width:
            kept = text[:max(ends)].rstrip()
            used = display_width(kept)
    return kept + " " * (width - 1 - used) + "…"


class Painted(str):
    """Text made safe for the terminal and styled by :func:`paint`: written as it is."""


def paint(text: str, style: str | None, color: bool) -> Painted:
    """Text, its controls made visible (unless it is Painted already), in a style ("bold", "dim
    yellow"): as ANSI codes when color is on, else as it is."""
    if not isinstance(text, Painted):
        text = for_terminal(text)
    if not (color and style and text):
        return Painted(text)
    codes = ";".join(STYLES[word] for word in style.split() if word in STYLES)
    return Painted(f"\x1b[{codes}m{text}{RESET}" if codes else text)


def pad(text: str, width: int, justify: str = "left") -> str:
    """Text padded with spaces to `width` terminal columns: left, right or center; as it is when wider."""
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


@dataclass(frozen=True)
class Box:
    """The lines a table is drawn with: a rule is (left, line, cross, right) and None where there
    is none; the cells of a row are joined as (left, between, right)."""

    top: tuple[str, str, str, str] | None
    head: tuple[str, str, str]
    head_rule: tuple[str, str, str, str] | None     # under the header rows
    row: tuple[str, str, str]
    row_rule: tuple[str, str, str, str] | None      # between rows, with show_lines
    bottom: tuple[str, str, str, str] | None
    pad: int = 1                    # spaces each side of a cell
    head_at_bottom: bool = True     # a header cell shorter than its row sits on the row's last line
    strip_cells: bool = True        # the lines of a cell lose their trailing spaces before they are justified
    strip_rows: bool = False        # a drawn line loses its trailing spaces (no right border)


# rich's default box
HEAVY_HEAD = Box(top=("┏", "━", "┳", "┓"), head=("┃", "┃", "┃"), head_rule=("┡", "━", "╇", "┩"),
                 row=("│", "│", "│"), row_rule=("├", "─", "┼", "┤"), bottom=("└", "─", "┴", "┘"))
# aligned columns two spaces apart, a rule under the header: the tables of the text reports
COLUMNS = Box(top=None, head=("", "  ", ""), head_rule=("", "─", "  ", ""), row=("", "  ", ""), row_rule=None,
              bottom=None, pad=0, head_at_bottom=False, strip_cells=False, strip_rows=True)


def _longest(text: str) -> int:
    """Terminal columns of the widest line of `text`."""
    return max(display_width(line) for line in text.split("\n"))


class Table:
    """A table, boxed (rich's look) or as aligned columns, laid out to fit a width or as wide as
    its cells.

        table = Table()
        table.add_column("code", justify="left")
        table.add_column("score\\ncomputed", justify="right", max_width=20)
        table.add_row("0406-0772", "100.00", style="yellow")
        sys.stdout.write(table.render(width=100, color=True))

    In a header row a cell None continues the cell to its left across that column.
    """

    def __init__(self, header_style: str | None = "bold", *, box: Box = HEAVY_HEAD, title: str | None = None,
                 title_style: str | None = "italic", show_header: bool = True, show_lines: bool = False):
        self.header_style = header_style
        self.box = box
        self.title_style = title_style
        self.show_header = show_header
        self.show_lines = show_lines
        self.title = None if title is None else for_terminal(title, keep="")
        self.columns: list[dict] = []
        self.header_rows: list[list[str | None]] = []  # below the columns' headers
        self.rows: list[tuple[list[str], str | None]] = []
        # what the layout learns of each text (see _fact) and each cell drawn, by text: a table of a
        # thousand rows repeats its "-" and its figures, and a caller may hand them over (add_row)
        self._facts: dict[str, list] = {}
        self._drawn: dict[tuple, list[str]] = {}
        self.drawn_at: tuple[int, list[int]] | None = None  # (padding, widths) of the rows last drawn

    def add_column(self, header: str | None = "", justify: str = "left", max_width: int | None = None,
                   no_wrap: bool = False, header_justify: str | None = None, overflow: str = "fold") -> None:
        """justify: left, right or center (the header too, unless header_justify says otherwise);
        max_width: columns of text at most (without the padding); no_wrap: narrowed only when
        narrowing the others is not enough; overflow: a word wider than the column is "fold"ed
        across lines, or cut with an "ellipsis" (as rich does; then a no_wrap column's lines are
        cut, not wrapped); a header None continues the header to its left."""
        for how in (justify, header_justify or justify):
            if how not in ("left", "right", "center"):
                raise ValueError(f"justify must be left, right or center, not {how!r}")
        if overflow not in ("fold", "ellipsis"):
            raise ValueError(f"overflow must be fold or ellipsis, not {overflow!r}")
        header = None if header is None else _cell_text(header)
        self.columns.append({"header": header, "justify": justify, "header_justify": header_justify or justify,
                             "max_width": max_width, "wrap": not no_wrap, "overflow": overflow})

    def _cells(self, cells: tuple) -> list:
        if len(cells) > len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        return list(cells) + [""] * (len(self.columns) - len(cells))

    def add_header_row(self, *cells: object) -> None:
        """Another header row, under the columns' headers: text, or None to continue the cell to its left."""
        self.header_rows.append([None if c is None else _cell_text(c) for c in self._cells(cells)])

    def add_row(self, *cells: object, style: str | None = None, facts: list | None = None,
                drawn: tuple | None = None) -> None:
        """Cells as text (None is empty); fewer cells than columns leave the rest empty.

        `facts` and `drawn`: what :meth:`known` said of the same cells in the same table (kept by a
        caller, e.g. in the cache), so that laying them out again measures and wraps nothing."""
        texts = ["" if c is None else _cell_text(c) for c in self._cells(cells)]
        self.rows.append((texts, style))
        if facts is not None:
            for text, fact in zip(texts, facts):
                self._facts.setdefault(text, fact)
        if drawn is not None:
            pad, widths, lines = drawn
            n, strip = len(texts), self.box.strip_cells
            for key in zip(range(n), (False,) * n, (pad,) * n, (strip,) * n, widths, texts):
                self._drawn.setdefault(key, lines[key[0]])

    def known(self, n: int) -> tuple[list, tuple | None]:
        """(facts, drawn) of body row `n` for :meth:`add_row`: what measuring its cells found, and
        their lines as the last :meth:`lines` drew them (None when it did not draw them all)."""
        texts, _style = self.rows[n]
        facts = [self._fact(text) for text in texts]
        if self.drawn_at is None:
            return facts, None
        pad, widths = self.drawn_at
        strip = self.box.strip_cells
        lines = [self._drawn.get((i, False, pad, strip, widths[i], text)) for i, text in enumerate(texts)]
        return facts, (None if None in lines else (pad, list(widths), lines))

    def unmeasured(self) -> list[str]:
        """The texts in Thai of the table's cells (headers included) whose facts no caller handed
        over: measuring them may need the dictionary (kpi_cli/render/words.py)."""
        seen = self._facts
        return list(dict.fromkeys(text for row in self._placed() for _first, _last, text in row
                                  if text not in seen and _has_thai(text)))

    def measured(self, text: str, fact: list | None = None) -> list:
        """The facts of a text (see _fact); with `fact`, take those (what measuring it gave before)."""
        if fact is not None:
            self._facts.setdefault(text, fact)
        return self._fact(text)

    def _fact(self, text: str) -> list:
        """[terminal columns of its widest line, blank, has a wide character, its widest word (up to
        THAI_WORD_MOST), its widest Thai word (the same; -1 until asked: it needs the dictionary)]."""
        fact = self._facts.get(text)
        if fact is None:
            lines = text.splitlines()
            fact = [max(map(display_width, lines)) if lines else 0, not text.strip(),
                    not text.isascii() and any(display_width(ch) == 2 for ch in text),
                    max([min(THAI_WORD_MOST, display_width(word)) for word in text.split()], default=0), -1]
            self._facts[text] = fact
        return fact

    def _thai_most(self, text: str) -> int:
        fact = self._fact(text)
        if fact[4] < 0:
            most = 0
            if _has_thai(text):
                from kpi_cli.render.words import words

                most = max([min(THAI_WORD_MOST, display_width(word.strip()))
                            for line in text.split("\n") for word in words(line) if _has_thai(word)], default=0)
            fact[4] = most
        return fact[4]

    # --- layout ---------------------------------------------------------------------------

    def _heads(self) -> list[list[str | None]]:
        if not self.show_header:
            return []
        return [[c["header"] for c in self.columns], *self.header_rows]

    def _placed(self) -> list[list[tuple[int, int, str]]]:
        """Every row, header rows first, as its cells (first column, last column, text)."""
        return ([list(_spans(cells, header=True)) for cells in self._heads()]
                + [list(zip(range(len(cells)), range(len(cells)), cells)) for cells, _style in self.rows])

    def _texts(self) -> tuple[list[list[str]], list[tuple[int, int, str]]]:
        """The texts of the cells that fill one column, by column; the cells that span columns."""
        texts: list[list[str]] = [[] for _column in self.columns]
        spans = []
        for row in [list(_spans(cells, header=True)) for cells in self._heads()]:
            for first, last, text in row:
                if first == last:
                    texts[first].append(text)
                else:
                    spans.append((first, last, text))
        if self.rows:  # a body row has a cell per column
            for column, cells in zip(texts, zip(*[cells for cells, _style in self.rows])):
                column += cells
        return texts, spans

    def _widest(self, index: int, limit: int, longest: int | None) -> int:
        """The width a column asks for (its longest line, padding included), within `limit`;
        `longest`: the terminal columns of the longest line of its texts (None: it has none)."""
        if limit < 1:
            return 0
        column = self.columns[index]
        pad = 2 * self.box.pad
        if limit - pad < 1:
            return limit
        # the widest of each text's min(longest + pad, limit) (pad when empty): the longest one's
        if longest is None:
            widest = 0
        else:
            longest = min(longest, limit)
            widest = min(longest + pad, limit) if longest else pad
        if column["max_width"] is not None:
            widest = min(widest, column["max_width"] + pad)
        return widest

    def widths(self, width: int | None) -> list[int]:
        """Each column's width, its padding included, for a table of `width` columns at most
        (None: as wide as the cells)."""
        texts, spans = self._texts()
        pad = 2 * self.box.pad
        if width is None:
            widths = [max(map(_longest, column), default=0) + pad for column in texts]
        else:
            widths = self._fit(width, texts)
        between = display_width(self.box.head[1])
        for first, last, text in spans:  # a cell across columns widens the last of them
            have = sum(widths[first:last + 1]) + between * (last - first)
            widths[last] += max(0, _longest(text) + pad - have)
        return widths

    def _fit(self, width: int, texts: list[list[str]]) -> list[int]:
        limit = width - (len(self.columns) + 1)  # the borders
        longest = [max([fact[0] for fact in map(self._fact, column)], default=None) for column in texts]
        widths = [self._widest(i, limit, longest[i]) or 1 for i in range(len(self.columns))]
        narrowed = sum(widths) > limit
        if narrowed:
            widths = _collapse(widths, [c["wrap"] for c in self.columns], limit)
            if sum(widths) > limit:  # last resort: every column gives some
                widths = _ratio_reduce(sum(widths) - limit, [1] * len(widths), widths, widths)
            widths = [self._widest(i, w, longest[i]) for i, w in enumerate(widths)]
        # a column keeps room for its widest character, taken from the widest other columns if they can
        # give it, else the table is wider than `width`
        least = [self._least(column, thai_words=narrowed and c["wrap"] and c["overflow"] == "fold",
                             whole=narrowed and not c["wrap"] and c["overflow"] == "fold")
                 for column, c in zip(texts, self.columns)]
        kept = [max(w, most) for w, most in zip(widths, least)]
        excess = sum(kept) - max(limit, sum(widths))
        while excess > 0:
            can = [i for i, (w, most) in enumerate(zip(kept, least)) if w > most]
            if not can:
                break
            kept[max(can, key=kept.__getitem__)] -= 1
            excess -= 1
        return kept

    def _least(self, texts: list[str], thai_words: bool = False, whole: bool = False) -> int:
        """The narrowest a column can be: its widest character (none if it is empty) or, with
        `thai_words`, its widest Thai word (up to THAI_WORD_MOST columns: a Thai word is not cut
        while the table can make room for it), with `whole` its widest word, and the padding."""
        facts = list(map(self._fact, texts))
        if all(fact[1] for fact in facts):
            return 2 * self.box.pad
        least = 2 if any(fact[2] for fact in facts) else 1
        if whole:  # a no_wrap column keeps its words (a code: 0406-0772) whole, up to THAI_WORD_MOST
            least = max([least] + [fact[3] for fact in facts])
        if thai_words:
            least = max([least] + [self._thai_most(text) for text in texts])
        return 2 * self.box.pad + least

    # --- drawing --------------------------------------------------------------------------

    def _cell(self, text: str, width: int, column: dict, header: bool) -> list[str]:
        box = self.box
        inner = width - 2 * box.pad
        side = " " * box.pad
        justify = column["header_justify" if header else "justify"]
        if column["overflow"] == "fold":
            lines = wrap(text, inner)
        else:
            lines = text.split("\n") if not column["wrap"] else wrap(text, inner, fold_words=False)
            lines = [crop(line.rstrip(), inner) for line in lines]
        return [side + pad(line.rstrip() if box.strip_cells else line, inner, justify) + side for line in lines]

    def _row(self, cells: list[tuple[int, int, str]], widths: list[int], style: str | None, header: bool,
             color: bool) -> list[str]:
        left, between, right = self.box.head if header else self.box.row
        step = display_width(between)
        shaped = []
        drawn, pad, strip = self._drawn, self.box.pad, self.box.strip_cells  # what _cell reads of the box
        for first, last, text in cells:
            width = sum(widths[first:last + 1]) + step * (last - first)
            key = (first, header, pad, strip, width, text)
            lines = drawn.get(key)
            if lines is None:
                lines = drawn[key] = self._cell(text, width, self.columns[first], header)
            shaped.append((list(lines), width))
        height = max(len(lines) for lines, _width in shaped)
        for lines, width in shaped:  # a header at the bottom of its row (when the box says so), others at the top
            blank = [" " * width] * (height - len(lines))
            lines[:] = blank + lines if header and self.box.head_at_bottom else lines + blank
        if color and style:
            out = [left + between.join(paint(Painted(lines[n]), style, color) for lines, _width in shaped) + right
                   for n in range(height)]
        else:  # paint would give each line as it is
            out = [left + between.join([lines[n] for lines, _width in shaped]) + right for n in range(height)]
        return [line.rstrip() for line in out] if self.box.strip_rows else out

    def lines(self, width: int | None, color: bool = False) -> list[str]:
        """The table as lines of at most `width` columns (when it can be that narrow; None: as
        wide as its cells)."""
        if not self.columns:
            return []
        widths = self.widths(width)
        box = self.box
        if width is not None and box.pad and sum(widths) + len(widths) + 1 > width:
            # too narrow for the words to stay whole with spaces around the cells: drop the spaces
            self.box = replace(box, pad=0)
            try:
                return self.lines(width, color)
            finally:
                self.box = box

        def rule(parts: tuple[str, str, str, str]) -> str:
            left, line, cross, right = parts
            return left + cross.join(line * w for w in widths) + right

        out = []
        if self.title:
            total = display_width(rule(box.top or box.head_rule or ("", " ", " ", "")))
            out += [paint(Painted(pad(line, total, "center")), self.title_style, color)
                    for line in wrap(self.title, total)]
        if box.top:
            out.append(rule(box.top))
        self.drawn_at = (box.pad, list(widths))
        placed = self._placed()
        heads = len(self._heads())
        for cells in placed[:heads]:
            out += self._row(cells, widths, self.header_style, True, color)
        if heads and box.head_rule:
            out.append(rule(box.head_rule))
        for n, (cells, (_texts, style)) in enumerate(zip(placed[heads:], self.rows)):
            if n and self.show_lines and box.row_rule:
                out.append(rule(box.row_rule))
            out += self._row(cells, widths, style, False, color)
        if box.bottom:
            out.append(rule(box.bottom))
        return out

    def render(self, width: int | None, color: bool = False) -> str:
        lines = self.lines(width, color)
        return "\n".join(lines) + "\n" if lines else "\n"


def _cell_text(value: object) -> str:
    """A cell as the terminal may show it: its lines kept, controls and tabs made visible."""
    return for_terminal(str(value), keep="\n")


def _spans(cells: list, header: bool):
    """(first column, last column, text) of each cell of a row; in a header row a None cell
    continues the cell to its left."""
    c = 0
    while c < len(cells):
        end = c
        while header and end + 1 < len(cells) and cells[end + 1] is None:
            end += 1
        yield c, end, "" if cells[c] is None else cells[c]
        c = end + 1


class Printer:
    """Lines and tables to a stream (stdout by default), wrapped to `width` columns and styled
    when `color` is on."""

    def __init__(self, width: int, color: bool = False, stream=None):
        self.width = max(1, width)
        self.color = color
        self.stream = stream

    def _write(self, text: str) -> None:
        (self.stream or sys.stdout).write(text)

    def line(self, *parts: str, style: str | None = None, wrapped: bool = True) -> None:
        """A line of text, its controls made visible (parts that :func:`paint` made are written as
        they are), wrapped to the width (or, not `wrapped`, written as it is: painted parts are
        for lines that are not wrapped)."""
        text = "".join(p if isinstance(p, Painted) else for_terminal(p) for p in parts)
        lines = wrap(text, self.width) if wrapped else text.split("\n")
        self._write("".join(paint(Painted(line), style, self.color) + "\n" for line in lines))

    def table(self, table: Table) -> None:
        self._write(table.render(self.width, self.color))
