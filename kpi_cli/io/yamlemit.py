"""Python values as YAML text: the one place kpi decides how a value is written.

* :func:`scalar` writes one value: plain where it reads back as itself, else double-quoted
  (:func:`quoted`: JSON's escapes, plus YAML's non-printable characters). :func:`misread` is the
  rule every writer of kpi follows, this one and the round-trip edits of
  :mod:`kpi_cli.io.yamledit`: a string that YAML 1.1 (PyYAML) would read as another type
  (``yes``, ``0406``, ``1:20``, ``2021-02-08``, the empty string) is double-quoted.
* :func:`emit` writes an indicator held as plain data (from :mod:`kpi_cli.importer`) in the layout
  of the hand-made seed: the ``$schema`` line and a comment header, quoted codes, long text as
  ``|-`` blocks, short lists in brackets, comments beside fields (:func:`beside`). Every scalar is
  proven to read back as itself, and so is the whole document.

New files (`kpi import`, `kpi new`) and the strategies `kpi import` appends are written with this
module; a change to an existing file is written by :mod:`kpi_cli.io.yamledit`, whose new nodes
ruamel.yaml lays out in the file's own indentation (see there).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass

import yaml

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import KpiError

SCHEMA_PREFIX = "# yaml-language-server: $schema="  # then the path of the JSON Schema, relative to the file
COMMENT_COLUMN = 33  # comments beside fields start here, as in the seed


# --- scalars ----------------------------------------------------------------------------------

_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _reads_as(text: str, value) -> bool:
    try:
        return yaml.load(text, Loader=yaml.CSafeLoader) == value
    except yaml.YAMLError:
        return False


def misread(text: str) -> bool:
    """True when `text`, written as a plain scalar, would read back as another type with YAML 1.1
    as PyYAML reads it (yes/no/on/off, ~, 0406, 1_000, 1:20, 2021-02-08, the empty string): such a
    value is double-quoted, by every writer of kpi. (Keys follow the read-back test alone: '=' is
    a plain key.)"""
    return yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str"


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes, plus YAML's non-printable characters)."""
    out = json.dumps(text, ensure_ascii=False)
    return _NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000
                              else f"\\U{ord(m.group()):08x}", out)


def scalar(value, *, flow: bool = False, key: bool = False, quote: bool = False) -> str:
    """One value as YAML: plain where it reads back as itself, else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return getattr(value, "text", None) or repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if quote or not text or text != text.strip() or "\n" in text or (not key and misread(text)):
        return quoted(text)
    probe = f"{text}: x" if key else (f"k: [{text}]" if flow else f"k: {text}")
    want = {text: "x"} if key else ({"k": [text]} if flow else {"k": text})
    return text if _reads_as(probe, want) else quoted(text)


# --- the document -------------------------------------------------------------------------------

BLOCK_KEYS = {"report", "text", "method", "summary", "data_collection"}  # long text as |- blocks
BLOCK_LISTS = {"strategies", "projects", "conditions"}  # lists written one item a line
QUOTED_KEYS = {"code", "agency"}  # codes: always in quotes ("0406")
BLANK_BEFORE = {"target", "quarters", "summary", "definition", "method", "data_collection", "strategies",
                "projects", "scoring", "innovation", "amendments", "timeline", "inferred"}


def _path(base: str, key) -> str:
    return f"{base}[{key}]" if isinstance(key, int) else (f"{base}.{key}" if base else str(key))


def beside(text: str, note: str) -> str:
    """A line with a comment beside it, aligned as in the seed (Thai vowel and tone marks take
    no column of their own)."""
    width = sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))
    return f"{text}{' ' * (COMMENT_COLUMN - 1 - width)} # {note}" if width < COMMENT_COLUMN - 1 else f"{text}  # {note}"


@dataclass
class _Writer:
    comments: dict[str, str]
    lines: list[str]

    def put(self, text: str, path: str) -> None:
        note = self.comments.get(path)
        self.lines.append(beside(text, note) if note else text)

    def mapping(self, m: dict, indent: int, path: str, first: str | None = None) -> None:
        for i, (key, value) in enumerate(m.items()):
            lead = first if (first is not None and i == 0) else " " * indent
            self.entry(f"{lead}{scalar(key, key=True)}:", value, indent, _path(path, key), key)

    def entry(self, head: str, value, indent: int, path: str, key) -> None:
        if isinstance(value, dict):
            if not value:
                self.put(f"{head} {{}}", path)
                return
            self.put(head, path)
            self.mapping(value, indent + 2, path)
        elif isinstance(value, list):
            self.sequence(head, value, indent, path, key)
        elif isinstance(value, str) and value and (("\n" in value) or (key in BLOCK_KEYS and len(value) > 100)) \
                and _block_ok(value):
            self.put(f"{head} |-", path)
            pad = " " * (indent + 2)
            self.lines.extend(f"{pad}{line}" if line else "" for line in value.split("\n"))
        else:
            self.put(f"{head} {scalar(value, quote=key in QUOTED_KEYS)}", path)

    def sequence(self, head: str, items: list, indent: int, path: str, key) -> None:
        if not items:
            self.put(f"{head} []", path)
            return
        scalars = all(not isinstance(v, (dict, list)) for v in items)
        if scalars and key not in BLOCK_LISTS:
            flow = "[" + ", ".join(scalar(v, flow=True) for v in items) + "]"
            if len(head) + len(flow) <= 100:
                self.put(f"{head} {flow}", path)
                return
        self.put(head, path)
        pad = " " * (indent + 2)
        for i, item in enumerate(items):
            here = _path(path, i)
            if isinstance(item, dict) and item:
                self.mapping(item, indent + 4, here, first=f"{pad}- ")
            elif isinstance(item, (dict, list)):
                self.entry(f"{pad}-", item, indent + 2, here, None)
            else:
                self.put(f"{pad}- {scalar(item, quote=key == 'strategies')}", here)


def _block_ok(text: str) -> bool:
    """A literal block keeps the text exactly (no leading space on line 1, no odd whitespace)."""
    body = "\n".join(f"  {line}" if line else "" for line in text.split("\n"))
    return not text[:1].isspace() and _reads_as(f"k: |-\n{body}\n", {"k": text})


class EmitError(KpiError):
    def __init__(self, message: str):
        self.fix = _("this is a bug in kpi: please report it with the page")
        super().__init__(message)


def schema_lines(schema: str | None) -> list[str]:
    """The first line of a new file: `# yaml-language-server: $schema=PATH` (editors find the JSON
    Schema there); none where the repository has no schema to point at."""
    return [SCHEMA_PREFIX + schema] if schema else []


def emit(data: dict, *, comments: dict[str, str] | None = None, above: dict[str, str] | None = None,
         header: str = "", schema: str | None = None) -> str:
    """The indicator `data` as YAML text in the seed's layout; reads back exactly as `data`.
    `schema`: the path of the JSON Schema from the file's folder, for the `$schema` line."""
    out = _Writer(comments or {}, schema_lines(schema))
    if header:
        if out.lines:
            out.lines.append("#")
        out.lines.extend(f"# {line}".rstrip() for line in header.split("\n"))
    out.lines.append("")
    above = above or {}
    for key, value in data.items():
        if (key in BLANK_BEFORE or key in above) and out.lines[-1] != "":
            out.lines.append("")
        for line in above.get(key, "").split("\n") if key in above else ():
            out.lines.append(f"# {line}".rstrip())
        out.entry(f"{scalar(key, key=True)}:", value, 0, key, key)
    text = "\n".join(out.lines) + "\n"
    if not _reads_as(text, data):
        raise EmitError(_("internal error: the written YAML does not read back as the imported data"))
    return text
