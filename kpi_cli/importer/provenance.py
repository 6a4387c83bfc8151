"""`kpi import`: where a page came from (`sources:`), and what two copies of one page print
differently.

A file imported from a page records the copy it was read from: the page's address where known,
the day the copy was saved, the file's name and the SHA-256 of its bytes (``sha256sum`` gives
the same). Importing another copy of the page later does not overwrite the file: the copy is
added to `sources:`, and where its official figures differ from the file's, the differences are
listed with it (the file's figures are kept). Pure: values in, values out.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from kpi_cli.core.figures import shown

# the official figures two copies are compared on: (path in the data, what it is)
_TOP = (("target.value", ("target", "value")), ("achieved", ("achieved",)))
_ROW = ("performance", "assessed", "sub_scores", "audit")


def source_entry(raw: bytes, name: str, *, address: str | None = None, captured: dt.date | None = None) -> dict:
    """One `sources:` item, in the model's key order (core.model.Source)."""
    entry: dict = {}
    if address:
        entry["address"] = address
    if captured is not None:
        entry["captured"] = captured
    entry["file"] = name
    entry["sha256"] = hashlib.sha256(raw).hexdigest()
    return entry


def _text(value) -> str:
    """A figure as printed, for the comparison and the file ("" for none; a pair as '100 / 50')."""
    if value is None or value == "":
        return ""
    if isinstance(value, (list, tuple)):
        return " / ".join(_text(v) or "-" for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return shown(value)
    return str(value)


def official_figures(data: dict) -> dict[tuple, str]:
    """The official figures of an indicator held as plain data, as printed, by key: (path,) for
    the header's, (quarter, field) for a quarter's."""
    out: dict[tuple, str] = {}
    for path, keys in _TOP:
        node = data
        for k in keys:
            node = node.get(k) if isinstance(node, dict) else None
        out[(path,)] = _text(node)
    for row in _rows(data).values():
        for key in _ROW:
            out[(row["quarter"], key)] = _text(row.get(key))
    return out


def _rows(data: dict) -> dict[int, dict]:
    return {row["quarter"]: row for row in data.get("quarters") or []
            if isinstance(row, dict) and isinstance(row.get("quarter"), int) and not isinstance(row["quarter"], bool)}


def differences(copy: dict, file: dict) -> list[dict]:
    """The official figures the imported `copy` prints otherwise than the `file` holds them:
    [{path, this_copy, file}] in the file's order, `path` as in `inferred:` (the row's index in the
    file's `quarters:`, or in the copy's where the file has no row for the quarter)."""
    mine, theirs = official_figures(copy), official_figures(file)
    where = {q: i for i, q in enumerate(_rows(copy))}
    where.update({q: i for i, q in enumerate(_rows(file))})
    out = []
    for key in dict.fromkeys([*theirs, *mine]):
        if mine.get(key, "") != theirs.get(key, ""):
            path = key[0] if len(key) == 1 else f"quarters[{where[key[0]]}].{key[1]}"
            out.append({"path": path, "this_copy": mine.get(key, ""), "file": theirs.get(key, "")})
    return out
