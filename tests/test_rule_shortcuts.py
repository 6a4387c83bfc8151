"""The shortcuts validation takes for speed answer exactly as the long way would: the text rules'
one-pass filter (`plain_text`) never hides a text the rules would report, and the recursive
`leaves` lists what a plain walk of the document lists, in the same order."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_cli.check.rules.registry import leaves, plain_text
from kpi_cli.check.rules.text import _CONTROL
from kpi_cli.core.thai import text_issues

# what the rules look for, beside the text they are usually given
ODD = ["\u0e4d\u0e32", "\u0e4d", "\u0e32", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\x1b", "\x00", "\x7f",
       "\x85", "\x9f", "\u061c", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\u00a0", "\u00ad",
       "\r", "\t", "\n", "\u2028", "e\u0301", "\u0e01\u0e48\u0e38", "\u0e01\u0e38\u0e48", "\u1100\u1161", "\u212b"]
USUAL = ["การดำเนินงาน", "ร้อยละ", "ก.ก.", "text", " ", "2564", "×", "–", "“", "…", "๑๒๓"]
TEXTS = st.lists(st.sampled_from(ODD + USUAL), max_size=8).map("".join) | st.text(max_size=20)


def _rules_find(text: str) -> bool:
    return bool(text_issues(text)) or _CONTROL.search(text) is not None


@settings(max_examples=1500, deadline=None)
@given(TEXTS)
def test_plain_text_never_hides_what_a_rule_reports(text):
    if plain_text(text):
        assert not _rules_find(text), repr(text)


def test_plain_text_passes_ordinary_text():
    for text in USUAL + ["บรรทัดแรก\nบรรทัดที่สอง\n", "a\tb", ""]:
        assert plain_text(text), repr(text)
    for text in ["\u0e4d\u0e32", "\u200b", "\x1b[31m", "\u202e", unicodedata.normalize("NFD", "é")]:
        assert not plain_text(text), repr(text)


def _walk(data):
    """The plain walk: an explicit stack, isinstance, reversed pushes (the previous `leaves`)."""
    out, stack = [], [((), data)]
    while stack:
        loc, obj = stack.pop()
        if isinstance(obj, dict):
            for k, v in reversed(obj.items()):
                stack.append((loc + (k,), v))
        elif isinstance(obj, list):
            for i in range(len(obj) - 1, -1, -1):
                stack.append((loc + (i,), obj[i]))
        else:
            out.append((loc, obj))
    return out


_DOCS = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=4), st.dates(), st.tuples(st.integers())),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=3), inner, max_size=4)),
    max_leaves=30)


@settings(max_examples=500, deadline=None)
@given(_DOCS)
def test_leaves_lists_what_a_plain_walk_lists(doc):
    assert leaves(doc) == _walk(doc)


@settings(max_examples=1000, deadline=None)
@given(st.lists(TEXTS | st.integers() | st.none(), max_size=12))
def test_the_texts_the_text_rules_read_are_the_odd_and_the_blank_ones(values):
    """FileContext.odd_texts inlines plain_text for speed: it keeps exactly the texts plain_text
    sends to the rules, and those of spaces alone (blank-text reads them too)."""
    from pathlib import Path

    from kpi_cli.check.rules.registry import FileContext
    from kpi_cli.check.rules.text import blank

    data = {"texts": values}
    ctx = FileContext(Path("x.yaml"), "x.yaml", data, None, None, None)
    expected = [(loc, v) for loc, v in leaves(data) if isinstance(v, str) and (not plain_text(v) or not v.strip())]
    assert ctx.odd_texts == expected
    assert not any(blank(v) for loc, v in leaves(data) if isinstance(v, str) and (loc, v) not in expected)
