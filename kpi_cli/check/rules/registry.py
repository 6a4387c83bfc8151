"""The registry of validation rules. Each rule has a stable kebab-case ID, a default level, and a docstring with
a bad and a good example (`kpi rules` lists them). Rules return findings; they never print.

File rules take a :class:`FileContext`; tree rules take every file's :class:`Summary` at once.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from kpi_cli.core.i18n import _
from kpi_cli.core.facts import Catalogues, Summary  # noqa: F401  (the rules' context types)
from kpi_cli.core.problems import Finding, Level, fmt_loc  # noqa: F401  (the rules' helper)

if TYPE_CHECKING:
    from kpi_cli.core.model import Indicator


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    doc: str
    check: Callable | None = None
    scope: str = "file"  # "file", "tree", or "parse" (reported by the loader itself)
    needs_model: bool = False

    @property
    def summary(self) -> str:
        """What `kpi rules` says of the rule, translated (the catalog holds every rule's summary)."""
        summary = summary_of(self.doc)
        return _(summary) if summary else ""


    @property
    def details(self) -> list[str]:
        """The rest of the docstring (`kpi rules ID`): its paragraphs and its Bad:/Good: examples,
        each translated (the catalog holds every paragraph)."""
        return [_(paragraph) for paragraph in details_of(self.doc)]


def summary_of(doc: str) -> str:
    """The first paragraph of a rule's docstring, on one line."""
    first = doc.strip().split("\n\n")[0]
    return " ".join(line.strip() for line in first.splitlines())


def details_of(doc: str) -> list[str]:
    """The paragraphs of a rule's docstring after the first, dedented, as they are printed."""
    import inspect

    return [p.strip("\n") for p in inspect.cleandoc(doc).split("\n\n")[1:] if p.strip()]


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, level: str = "error", *, scope: str = "file", needs_model: bool = False):
    """Register a check function under a stable rule ID."""

    def wrap(fn):
        REGISTRY[rule_id] = Rule(rule_id, Level(level), fn.__doc__ or "", fn, scope, needs_model)
        return fn

    return wrap


def describe(rule_id: str, level: str, doc: str, scope: str = "parse") -> None:
    """Register a rule that the loader or the schema check reports (documentation only)."""
    REGISTRY[rule_id] = Rule(rule_id, Level(level), doc, None, scope)


@dataclass
class FileContext:
    path: Path
    display: str
    data: dict
    model: Indicator | None  # when the schema check passed
    catalogues: Catalogues | None
    folder_year: int | None  # the fiscal-year folder the file sits in, if any

    _leaves: list | None = None

    @property
    def leaves(self) -> list[tuple[tuple, object]]:
        """Every scalar of the document with its location, computed once per file."""
        if self._leaves is None:
            self._leaves = leaves(self.data)
        return self._leaves

    _texts: list | None = None

    @property
    def odd_texts(self) -> list[tuple[tuple, str]]:
        """The leaves that are text with anything the text rules look for (see :func:`plain_text`),
        and the texts of spaces alone (or empty): thai-text, control-character and blank-text
        read only these."""
        if self._texts is None:  # plain_text(v), inline: called for every text of every file
            normalized = unicodedata.is_normalized
            self._texts = [(loc, v) for loc, v in self.leaves
                           if isinstance(v, str) and (
                               not (v.isprintable() or v.replace("\n", "").replace("\t", "").isprintable())
                               or not (v.isascii() or ("\u0e4d\u0e32" not in v and normalized("NFC", v)))
                               or not v.strip())]
        return self._texts

    _dates: list | None = None

    @property
    def dates(self) -> list[tuple[tuple, object]]:
        """The leaves that are dates, real or not (loader.InvalidDate is a str)."""
        if self._dates is None:
            from kpi_cli.io.loader import InvalidDate

            self._dates = [(loc, v) for loc, v in self.leaves if isinstance(v, (dt.date, InvalidDate))]
        return self._dates

    @property
    def fiscal_year(self) -> int | None:
        fy = self.data.get("fiscal_year")
        return fy if isinstance(fy, int) and not isinstance(fy, bool) else None


# --- helpers shared by rules -------------------------------------------------------------

def leaves(data) -> list[tuple[tuple, object]]:
    """Every scalar (not dict or list) of a document with its location, in document order.

    Recursive: a document that reaches the rules is at most loader.MAX_DEPTH deep and has no
    cycle (the loader refuses both). Documents are made of plain dicts and lists (a subclass
    would be a leaf)."""
    out: list[tuple[tuple, object]] = []
    append = out.append

    def walk(loc, obj):
        for k, v in (obj.items() if type(obj) is dict else enumerate(obj)):
            kind = type(v)
            if kind is dict or kind is list:
                walk(loc + (k,), v)
            else:
                append((loc + (k,), v))

    kind = type(data)
    if kind is dict or kind is list:
        walk((), data)
    else:
        append(((), data))
    walk = None  # noqa: F841  the closure refers to itself: break the cycle
    return out


def plain_text(text: str) -> bool:
    """True when no text rule can find anything in `text`: printable throughout (no control
    character, zero-width or bidirectional mark: they are all of Unicode's categories Cc and Cf,
    which `str.isprintable` refuses) apart from line breaks and tabs, no decomposed sara am, and in
    Unicode NFC. One pass in C for most texts; a False sends the text to the rules themselves."""
    if not text.isprintable():
        if not text.replace("\n", "").replace("\t", "").isprintable():
            return False
    return text.isascii() or ("\u0e4d\u0e32" not in text and unicodedata.is_normalized("NFC", text))


def get(data, *loc, default=None):
    """data['a'][0]['b'] without exceptions."""
    cur = data
    for seg in loc:
        if isinstance(cur, dict) and seg in cur:
            cur = cur[seg]
        elif isinstance(cur, list) and isinstance(seg, int) and 0 <= seg < len(cur):
            cur = cur[seg]
        else:
            return default
    return cur


def is_date(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def run_file_rules(ctx: FileContext, skip: set[str] = frozenset()) -> list[Finding]:
    findings: list[Finding] = []
    for r in REGISTRY.values():
        if r.scope != "file" or r.check is None or r.id in skip:
            continue
        if r.needs_model and ctx.model is None:
            continue
        for f in r.check(ctx) or ():
            if f.level is Level.error and r.level is Level.warning:
                f.level = Level.warning
            findings.append(f)
    return findings


def tree_rules() -> Iterable[Rule]:
    return [r for r in REGISTRY.values() if r.scope == "tree" and r.check is not None]
