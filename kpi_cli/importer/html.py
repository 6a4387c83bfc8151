"""`kpi import`: a page saved from the browser as HTML ("Save page as…") -> the page's text, as
"select all, copy" gives it, and the page's address where the file records it.

Read with Python's own HTML parser (html.parser, which copes with the unclosed tags and stray
markup of real pages): scripts, styles, the head and comments are dropped; block elements
(paragraphs, divisions, headings, list items, table rows) end a line; each table cell is a line of
its own, an empty cell an empty line (the quarterly table has blank cells); `<br>` is a line
break; entities (&nbsp; &amp; &#3585;) are decoded. The address is the one the browser wrote in
`<!-- saved from url=(0071)https://… -->`, else the page's `<link rel="canonical">`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "head", "noscript", "template", "svg", "title", "select", "button"}
_BLOCK = {"p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "form", "fieldset",
          "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "blockquote", "pre", "hr", "center", "address", "figure", "figcaption", "legend"}
_CELL = {"td", "th"}
_ROWS = {"tr", "thead", "tbody", "tfoot"}  # end a line, but no blank line: the cells of a table run on
_EMPTY_CELL = "\x00"  # an empty cell's line, until the end: blank lines between blocks are collapsed, these not
_VOID = {"br", "hr", "img", "input", "link", "meta", "area", "base", "col", "embed", "source", "track", "wbr"}
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)", re.I)
_SPACE = re.compile(r"[ \t\r\n\f\u00a0]+")


def looks_like_html(text: str, name: str = "") -> bool:
    """A saved HTML page rather than text: by the file's extension, or by how the text starts."""
    if name.lower().endswith((".html", ".htm")):
        return True
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    return head.startswith(("<!doctype html", "<html", "<!-- saved from url"))


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.skip = 0
        self.pre = 0
        self.saved_from: str | None = None
        self.canonical: str | None = None

    # the current line
    def _flush(self, cell: bool = False) -> None:
        raw = "".join(self.buf)
        self.buf = []
        text = raw.strip() if self.pre else _SPACE.sub(" ", raw).strip()
        if text or cell:
            self.lines.append(text or _EMPTY_CELL)

    def _paragraph(self) -> None:
        self._flush()
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def handle_starttag(self, tag, attrs):
        if tag == "link":
            values = dict(attrs)
            if "canonical" in (values.get("rel") or "").lower().split() and values.get("href"):
                self.canonical = values["href"].strip()
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip += 1
            return
        if self.skip:
            return
        if tag == "br" or tag in _CELL or tag in _ROWS:
            self._flush()
        elif tag in _BLOCK:
            self._paragraph()
            if tag == "pre":
                self.pre += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIP and tag not in _VOID:
            self.skip = max(0, self.skip - 1)

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in _CELL:
            self._flush(cell=True)
        elif tag in _ROWS:
            self._flush()
        elif tag in _BLOCK:
            self._paragraph()
            if tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data):
        if not self.skip:
            self.buf.append(data)

    def handle_comment(self, data):
        m = _SAVED_FROM.search(data)
        if m and self.saved_from is None:
            self.saved_from = m.group(1)

    def text(self) -> str:
        self._flush()
        out: list[str] = []
        for line in self.lines:  # one blank line at most between blocks
            if line == "" and out and out[-1] == "":
                continue
            out.append(line)
        return "\n".join(out).replace(_EMPTY_CELL, "").strip("\n") + "\n"


def html_to_text(html: str) -> tuple[str, str | None]:
    """The text of a saved page and its address (saved-from comment, else canonical link; None)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text(), parser.saved_from or parser.canonical
