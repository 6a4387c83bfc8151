"""Round-trip edits of indicator files: only what changes is written, atomically.

An edit is a value: :class:`Set` puts a value under a key, :class:`Append` adds an item to a
sequence; missing mappings and sequences on the way are created in the canonical key order the
caller gives. :func:`edit_text` applies edits to YAML text with ruamel.yaml (comments, key order,
quoting and blank lines kept), then *splices*: only the lines of the regions the edits touch are
taken from ruamel's output; every other line stays exactly as it was. The result is checked
against the same edits applied to the plain data, so a faithful write is proven, not hoped for.

New values are laid out by ruamel.yaml in the file's own indentation, not by
:mod:`kpi_cli.io.yamlemit` (which writes new files): the two differ where ruamel chooses single
quotes ('a: b', '#1', '0o17'), an empty value for None, a literal block with an indentation
indicator or a kept final line break, or flow and block lists by another measure, and the files
changed so far were written that way. The rule both follow is :func:`kpi_cli.io.yamlemit.misread`:
a string YAML 1.1 would read as another type is double-quoted.

:func:`read` takes a file as a :class:`Snapshot` (bytes, hash, line ends) and
:meth:`Snapshot.encode` gives the edited text back its line ends. The whole transaction for one
file (validate, refuse a change that would make the file invalid, write atomically unless the file
changed on disk meanwhile) is :func:`kpi_cli.write.transaction.edit_indicator`.

Nothing here prints or exits; refusals are :class:`KpiError` subclasses.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from kpi_cli.core.edits import Append, Edit, KeyOrder, Remove, apply_plain, no_order, position
from kpi_cli.core.i18n import _
from kpi_cli.io.atomic import WriteRefused
from kpi_cli.io.source import read_bounded
from kpi_cli.io.yamlemit import misread

WIDTH = 1_000_000  # never re-wrap long Thai lines
FLOW_WIDTH = 80  # a new list of scalars longer than this is written one item a line
INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 2, 2))  # (mapping, sequence, offset)


# --- refusals ---------------------------------------------------------------------------

class CannotEditInPlace(WriteRefused):
    def __init__(self, display: str, why: str, fix: str | None = None):
        self.fix = fix or _("make this change by hand in an editor, then run `kpi validate`")
        super().__init__(_("kpi cannot write this change to {path} without disturbing the rest of "
                           "the file ({why}); nothing was written").format(path=display, why=why))


def _yaml(indent: tuple[int, int, int]):
    from ruamel.yaml import YAML  # lazy: 60 ms

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = WIDTH
    y.allow_unicode = True
    mapping, sequence, offset = indent
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    return y


def _dump(y, doc) -> str:
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


_SEQ_ITEM = re.compile(r"^( *)([^\s#-][^:#]*):[ \t]*(?:#.*)?\n( *)- +\S", re.MULTILINE)
_MAP_CHILD = re.compile(r"^( *)[^\s#-][^:#]*:[ \t]*(?:#.*)?\n( *)[^\s#-][^:#]*:", re.MULTILINE)


def detect_indent(text: str) -> tuple[int, int, int]:
    """The (mapping, sequence, offset) indentation the file uses, from its first nested blocks."""
    mapping, sequence, offset = INDENTS[0]
    m = _MAP_CHILD.search(text)
    if m and len(m.group(2)) > len(m.group(1)):
        mapping = len(m.group(2)) - len(m.group(1))
    s = _SEQ_ITEM.search(text)
    if s:
        offset = len(s.group(3)) - len(s.group(1))
        sequence = offset + 2
    return mapping, sequence, offset


def _load(text: str):
    """(yaml, document), loaded with the indentation that reproduces the text if any does; where
    none does, splicing keeps the lines ruamel.yaml would change."""
    detected = detect_indent(text)
    first = None
    for indent in dict.fromkeys((detected, *INDENTS)):
        y = _yaml(indent)
        doc = y.load(text)
        if _dump(y, doc) == text:
            return y, doc
        first = first or (y, doc)
    return first


def roundtrip(text: str) -> str:
    """Read and write an unchanged document with ruamel.yaml (exact for the files kpi writes)."""
    return _dump(*_load(text))


def _to_rt(value):
    """Plain data as ruamel nodes: mappings in block style, short lists of scalars in flow style
    ([a, b], as the files write evidence), texts with line breaks as literal blocks."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if isinstance(value, dict):
        m = CommentedMap((k, _to_rt(v)) for k, v in value.items())
        m.fa.set_block_style()
        return m
    if isinstance(value, (list, tuple)):
        s = CommentedSeq(_to_rt(v) for v in value)
        if all(not isinstance(v, (dict, list, tuple)) for v in value) and len(str(value)) <= FLOW_WIDTH:
            s.fa.set_flow_style()
        else:
            s.fa.set_block_style()
        return s
    if isinstance(value, str):
        if "\n" in value:
            return LiteralScalarString(value)
        if misread(value):  # the rule of kpi_cli.io.yamlemit, which writes new files
            return DoubleQuotedScalarString(value)
    return value


def _styled_like(old, new):
    """A new scalar keeps the quoting of the one it replaces ("0406" stays quoted)."""
    from ruamel.yaml.scalarstring import ScalarString

    if isinstance(old, ScalarString) and isinstance(new, str) and not isinstance(new, ScalarString) \
            and ("\n" in new) == ("\n" in old):
        return type(old)(new)
    return new


@dataclass(frozen=True)
class _Anchor:
    """Where an edit lands in the original document: an existing entry, or the gap between two."""
    mapping: tuple  # path of the mapping
    key: str | None = None  # an existing key whose entry changes
    before: tuple = ()  # a new key goes after these keys (nearest first) ...
    after: tuple = ()  # ... and before these (nearest first); some may be new themselves


def _block(node):
    node.fa.set_block_style()
    return node


def _child(m, path: tuple, key: str, make, order: KeyOrder, anchors: list[_Anchor], fresh: bool):
    """m[key], created with `make()` at its canonical place when missing or null; an empty flow
    collection ({} or []) that gains content turns into a block."""
    if key in m and m[key] is not None:
        value = m[key]
        if not fresh and hasattr(value, "fa") and len(value) == 0:
            anchors.append(_Anchor(path, key=key))
            _block(value)
        return value, fresh
    if key in m:  # `key:` with no value
        if not fresh:
            anchors.append(_Anchor(path, key=key))
        m[key] = make()
        return m[key], True
    keys = list(m)
    pos = position(keys, key, order(path))
    if not fresh:
        anchors.append(_Anchor(path, before=tuple(reversed(keys[:pos])), after=tuple(keys[pos:])))
    m.insert(pos, key, make())
    return m[key], True


def _apply_rt(doc, edits: Sequence[Edit], order: KeyOrder) -> list[_Anchor]:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    anchors: list[_Anchor] = []
    for edit in edits:
        node, fresh, path = doc, False, ()
        for seg in edit.path[:-1]:
            if isinstance(seg, int):
                node = node[seg]
            else:
                node, fresh = _child(node, path, seg, lambda: _block(CommentedMap()), order, anchors, fresh)
            path += (seg,)
        last = edit.path[-1]
        if isinstance(edit, Remove):
            # the whole collection is the region: its other entries come out of the dump unchanged
            if not fresh and path:
                anchors.append(_Anchor(path[:-1], key=path[-1]))
            del node[last]
        elif isinstance(edit, Append):
            seq, fresh = _child(node, path, last, lambda: _block(CommentedSeq()), order, anchors, fresh)
            if not fresh:
                anchors.append(_Anchor(path, key=last))
            if isinstance(edit.value, (dict, list)):
                _block(seq)
            seq.append(_to_rt(edit.value))
        elif last in node:
            if not fresh:
                anchors.append(_Anchor(path, key=last))
            node[last] = _styled_like(node[last], _to_rt(edit.value))
        else:
            _child(node, path, last, lambda: _to_rt(edit.value), order, anchors, fresh)
    return anchors


# --- splicing ---------------------------------------------------------------------------

def _entry_spans(root, path: tuple, n_lines: int) -> tuple[object, int, int] | None:
    """The node at `path` in a PyYAML node tree, with the lines [start, end) of its entry:
    from its key (or '- ') to the line before the next sibling (trailing comments included).
    None when the path is not in the tree (made by an earlier edit of the same change)."""
    import yaml

    node, start, end = root, 0, n_lines
    for seg in path:
        if isinstance(node, yaml.MappingNode):
            keys = [k.value for k, _value in node.value]
            if seg not in keys:
                return None
            i = keys.index(seg)
            start = node.value[i][0].start_mark.line
            if i + 1 < len(keys):
                end = node.value[i + 1][0].start_mark.line
            node = node.value[i][1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(seg, int) and seg < len(node.value):
            start = node.value[seg].start_mark.line
            if seg + 1 < len(node.value):
                end = node.value[seg + 1].start_mark.line
            node = node.value[seg]
        else:
            return None
    return node, start, end


def _regions(old: str, anchors: list[_Anchor]) -> list[tuple[int, int]]:
    """The line ranges of the original text that the edits may change (both ends inclusive for
    insertions)."""
    import yaml

    root = yaml.compose(old, Loader=yaml.CSafeLoader)
    n = old.count("\n") + (0 if old.endswith("\n") else 1)
    regions = []
    for a in anchors:
        # An anchor inside what an earlier edit of the same change created lies within the region
        # that edit's own anchor already covers.
        if a.key is not None:
            found = _entry_spans(root, a.mapping + (a.key,), n)
            if found:
                regions.append(found[1:])
            continue
        found = _entry_spans(root, a.mapping, n)
        if found is None:
            continue
        mapping, start, end = found
        present = {k.value for k, _value in mapping.value} if isinstance(mapping, yaml.MappingNode) else set()
        before = next((k for k in a.before if k in present), None)
        after = next((k for k in a.after if k in present), None)
        if before is not None:
            start = _entry_spans(root, a.mapping + (before,), n)[1]
        if after is not None:
            end = _entry_spans(root, a.mapping + (after,), n)[1]
        regions.append((start, end))
    return regions


def _trivia(line: str) -> bool:
    """A blank or comment-only line: it belongs to what follows it, not to what precedes it."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _hoisted(lines: list[str], depth: int) -> int:
    """How many of the first `lines` are nested deeper than `depth` (blank lines go along)."""
    n = 0
    for i, line in enumerate(lines):
        if line.strip() and _indent(line) <= depth:
            break
        if line.strip():
            n = i + 1
    return n


def splice(old: str, new: str, regions: list[tuple[int, int]]) -> str:
    """`old` with only the changes of `new` that fall inside `regions` (line ranges of `old`).

    ruamel.yaml keeps blank lines and comments with the item they follow, so lines added at the
    end of a block come out after them; in a file they introduce what comes next. Added lines
    nested deeper than the line after such trivia are moved before it.
    """
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[str] = []
    held = 0  # trailing trivia lines of `out` that came from an unchanged run
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += a[i1:i2]
            held = 0
            for line in reversed(a[i1:i2]):
                if not _trivia(line):
                    break
                held += 1
            continue
        inside = any(start <= i1 and i2 <= end for start, end in regions)
        added = b[j1:j2] if inside else a[i1:i2]
        if inside and held:
            depth = _indent(a[i1]) if i1 < len(a) else 0
            n = _hoisted(added, depth)
            out[len(out) - held:] = added[:n] + out[len(out) - held:]
            added = added[n:]
        out += added
        held = 0
    return "".join(out)


def _refuse_aliases(text: str, display: str) -> None:
    """Refuse an edit that the file's anchors and aliases (`&name`, `*name`) stand in the way of,
    with the line of the first alias: a value written once and used again cannot be changed in
    one place without changing it, or breaking it, in the other."""
    import yaml

    if "*" not in text:
        return
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1
                raise CannotEditInPlace(
                    display, _("line {line} reuses a value written elsewhere (YAML alias *{name}), and this change "
                               "touches it").format(line=line, name=event.anchor),
                    fix=_("write the value out in full where the alias is (and drop its &{name}), then run the "
                          "command again").format(name=event.anchor))
    except yaml.YAMLError:
        return


def edit_text(text: str, edits: Sequence[Edit], order: KeyOrder = no_order, display: str = "the file") -> str:
    """`text` with `edits` applied; untouched lines are kept byte for byte.

    Raises CannotEditInPlace when the result would not read back as the edited data.
    """
    import yaml

    if not edits:
        return text
    if "\r" in text:  # a lone carriage return (CRLF is folded before): YAML reads it as a line break
        line = text[:text.index("\r")].count("\n") + 1
        raise CannotEditInPlace(display, _("line {line} ends in a lone carriage return (\\r), which kpi cannot keep "
                                           "as it is").format(line=line),
                                fix=_("save the file with ordinary line ends (LF or CRLF) in your editor, then run "
                                      "the command again"))
    expected = apply_plain(yaml.load(text, Loader=yaml.CSafeLoader), edits, order)
    if all(isinstance(e, Remove) for e in edits):
        result = _remove_lines(text, [e.path for e in edits])
    else:
        y, doc = _load(text)
        anchors = _apply_rt(doc, edits, order)
        candidate = _dump(y, doc)
        result = splice(text, candidate, _regions(text, anchors))
    try:
        reread = yaml.load(result, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        _refuse_aliases(text, display)
        raise CannotEditInPlace(display, _("the result would not parse: {error}").format(  # pragma: no cover - a bug
            error=str(exc).splitlines()[0])) from None
    if reread != expected:
        _refuse_aliases(text, display)
        raise CannotEditInPlace(display, _("the result would not read back as the change"))
    lost = _comments(text) - _comments(result)
    if lost:
        raise CannotEditInPlace(display, _("a comment would be lost: {comment}").format(
            comment=next(iter(lost)).strip()))
    return result


def _remove_lines(text: str, paths: list[tuple]) -> str:
    """`text` without the lines of the sequence items or mapping entries at `paths`; the blank lines
    and comments that follow the last of them introduce what comes next, and stay. A block sequence
    left with no item is written `[]` after its key."""
    import yaml

    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()
    emptied: list[int] = []
    for path in paths:
        found = _entry_spans(root, path, len(lines))
        if found is None:
            continue
        _node, start, end = found
        while end > start + 1 and _trivia(lines[end - 1]):
            end -= 1
        drop.update(range(start, end))
        parent = _entry_spans(root, path[:-1], len(lines)) if path[:-1] else None
        if isinstance(path[-1], int) and parent is not None and isinstance(parent[0], yaml.SequenceNode) \
                and len(parent[0].value) == 1 and not parent[0].flow_style:
            emptied.append(parent[1])
    for i in emptied:
        lines[i] = re.sub(r":([ \t]*)(#.*)?$", lambda m: ": []" + (f"{m.group(1) or ' '}{m.group(2)}" if m.group(2)
                                                                 else ""), lines[i].rstrip("\n"), count=1) + "\n"
    return "".join(line for i, line in enumerate(lines) if i not in drop)


def _comments(text: str):
    """Full-line comments, counted (a change never drops one)."""
    from collections import Counter

    return Counter(line.strip() for line in text.splitlines() if line.strip().startswith("#"))


def unified_diff(old: str, new: str, display: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"a/{display}", tofile=f"b/{display}"))


# --- the file ---------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    """The lines of `text`, each with its '\\n' (the last one without, when the text has none)."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


@dataclass(frozen=True)
class Snapshot:
    """A file as read: its bytes (and their hash), its text with '\\n' line ends, and the line end
    each line had in the file (a file may mix '\\r\\n' and '\\n': each untouched line keeps its own)."""
    path: Path
    raw: bytes
    text: str
    bom: bool
    newline: str  # the file's dominant line end: new lines get it
    endings: tuple[str, ...] = ()  # the line end of each line of `text` in the file ("" for a last line without)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def decoded(self) -> str:
        """The text as the loader sees it: without the BOM, line ends as in the file."""
        return (self.raw[3:] if self.bom else self.raw).decode("utf-8")

    def encode(self, text: str) -> bytes:
        """`text` ('\\n' line ends) as the file's bytes: a line kept from the file (or changed in
        place) keeps the line end it had; a new line gets the dominant one."""
        old, new = _lines(self.text), _lines(text)
        out: list[str] = []
        for _tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            for k, line in enumerate(new[j1:j2]):
                if not line.endswith("\n"):
                    out.append(line)
                    continue
                own = self.endings[i1 + k] if i1 + k < i2 and i1 + k < len(self.endings) else ""
                out.append(line[:-1] + (own or self.newline))
        data = "".join(out).encode("utf-8")
        return b"\xef\xbb\xbf" + data if self.bom else data


def read(path: Path) -> Snapshot:
    raw = read_bounded(path)
    bom = raw.startswith(b"\xef\xbb\xbf")
    decoded = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    endings = tuple("\r\n" if line.endswith("\r\n") else "\n" if line.endswith("\n") else ""
                    for line in _lines(decoded))
    crlf, lf = endings.count("\r\n"), endings.count("\n")
    first = next((e for e in endings if e), "\n")
    newline = "\r\n" if crlf > lf else "\n" if lf > crlf else first
    return Snapshot(path, raw, decoded.replace("\r\n", "\n"), bom, newline, endings)
