"""Text from the files, made safe for where it is shown: one function per medium.

* :func:`for_terminal`: control characters (C0, DEL, C1), bidirectional controls (U+202E …),
  line and paragraph separators, invisible tag characters and lone surrogates become visible
  escapes (``\\x1b``, ``\\u202e``), so that text from a file can neither drive the terminal (ANSI
  sequences, a carriage return that overwrites a line) nor reorder what is shown around it.
  Newlines and tabs are kept unless told otherwise (``keep=""``: one line).
* :func:`for_markdown`: the same, then Markdown's inline syntax escaped (``\\*``, ``\\<``,
  ``\\[``) and the syntax that means something at the start of a line (``#``, ``>``, ``-``,
  ``1.``, fences ```` ``` ```` and ``~~~``, indentation) neutralised: the text shows as written
  and never opens a heading, a list, a quote, a code block, a link or raw HTML.
* :func:`markdown_code`: a Markdown code span that holds any text (the fence outgrows the
  backticks inside).
* HTML is escaped by Jinja's autoescape and markupsafe; :func:`visible_controls` is what all three
  share.

Pure and standard library only: every layer may use it.
"""

from __future__ import annotations

import re

_C0_C1 = r"\x00-\x1f\x7f-\x9f"
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u206a-\u206f"  # marks, embeddings, overrides, isolates
_INVISIBLE = r"\u2028\u2029\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff"  # separators, tags, lone surrogates
_CONTROLS = re.compile(f"[{_C0_C1}{_BIDI}{_INVISIBLE}]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible_controls(text: str, keep: str = "\n\t") -> str:
    """`text` with every control, bidirectional control and invisible tag character written as a
    visible escape (ESC as ``\\x1b``, U+202E as ``\\u202e``), except the characters in `keep`."""
    if text.isascii() and text.isprintable():
        return text
    if not keep:
        return _CONTROLS.sub(_visible, text)
    return _CONTROLS.sub(lambda m: m.group() if m.group() in keep else _visible(m), text)


def for_terminal(text: str, keep: str = "\n\t") -> str:
    """Text from a file as a terminal may show it: see :func:`visible_controls`. `keep=""` for a
    value shown on one line (a key with a newline shows ``\\n``)."""
    return visible_controls(text, keep)


_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&$])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])(?=\s|$)", re.M)
_MD_BLOCK = re.compile(r"^([-+#=])", re.M)
_MD_INDENT = re.compile(r"^[ \t]+", re.M)


def for_markdown(text: str) -> str:
    """Text as Markdown shows it literally: no emphasis, link, raw HTML, code, heading, list,
    quote, table or code block made by accident. Controls are made visible (a carriage return
    would start a line of its own), and a line's leading spaces, which Markdown does not show but
    may read as a code block, are dropped."""
    text = visible_controls(text)
    text = _MD_INDENT.sub("", text)
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_ORDERED.sub(r"\1\\\2", text)
    return _MD_BLOCK.sub(r"\\\1", text)


def markdown_code(text: str) -> str:
    """`text` as one Markdown code span: on one line, controls visible, and fenced with more
    backticks than any run of them inside (with a space where the text begins or ends with one)."""
    text = visible_controls(text.replace("\r\n", " ").replace("\n", " "), keep="")
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    spaced = text.startswith(" ") and text.endswith(" ") and text.strip()  # CommonMark takes one off each side
    pad = " " if text.startswith("`") or text.endswith("`") or spaced else ""
    return f"{fence}{pad}{text}{pad}{fence}"
