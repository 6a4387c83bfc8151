"""What a command changes in an indicator file, as values: :class:`Set` puts a value under a
key, :class:`Append` adds an item to a sequence, :class:`Remove` takes one out. :mod:`kpi_cli.core.stages` decides the edits;
:mod:`kpi_cli.io.yamledit` writes them into the file's text; :func:`apply_plain` says what the
file must read back as. Pure: standard library only.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable, Sequence, Union


@dataclass(frozen=True)
class Set:
    """Put `value` at `path` (mapping keys and sequence indexes); the last segment is a key."""
    path: tuple
    value: object


@dataclass(frozen=True)
class Append:
    """Add `value` as the last item of the sequence at `path` (created when missing)."""
    path: tuple
    value: object


@dataclass(frozen=True)
class Remove:
    """Take out the sequence item (an index) or the mapping entry (a key) at `path`."""
    path: tuple


Edit = Union[Set, Append, Remove]
KeyOrder = Callable[[tuple], Sequence[str]]  # the path of a mapping -> its canonical key order


def no_order(_path: tuple) -> Sequence[str]:
    return ()


def position(keys: Sequence[str], key: str, order: Sequence[str]) -> int:
    """Where a new `key` goes among `keys`: before the first key that follows it in `order`."""
    if key in order:
        later = set(order[order.index(key) + 1:])
        for i, k in enumerate(keys):
            if k in later:
                return i
    return len(keys)


def apply_plain(data: dict, edits: Sequence[Edit], order: KeyOrder = no_order) -> dict:
    """The edits applied to plain data (a deep copy): what the written file must read back as."""
    data = copy.deepcopy(data)
    for edit in edits:
        node = data
        for seg in edit.path[:-1]:
            if isinstance(seg, str) and node.get(seg) is None:
                node[seg] = {}
            node = node[seg]
        last = edit.path[-1]
        if isinstance(edit, Remove):
            del node[last]
        elif isinstance(edit, Append):
            if not isinstance(node.get(last), list):
                node[last] = []
            node[last].append(copy.deepcopy(edit.value))
        else:
            node[last] = copy.deepcopy(edit.value)
    return data


# --- ruamel.yaml ------------------------------------------------------------------------
