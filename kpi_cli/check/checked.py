"""Checking files through the cache: the same answers as :mod:`kpi_cli.check.check`, without doing
the work twice for the same bytes; and opening one indicator for the commands that work on one.

A hit costs reading the file, hashing it and reading one small JSON file: no YAML, no rules, no
pydantic validator (the model is rebuilt by :func:`kpi_cli.model.construct`). This module imports
neither YAML nor pydantic itself, so `kpi score` on an unchanged file never loads them for its data.
A miss runs the real checks (kpi_cli.check.check, imported on the miss path only) and records what
they found.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kpi_cli.check import cache
from kpi_cli.io.paths import CATALOGUE_NAMES, display_path
from kpi_cli.io.source import read_bounded
from kpi_cli.core.i18n import _, ngettext
from kpi_cli.core.problems import KpiError, Level, Problem
from kpi_cli.core.facts import Catalogues, Summary

if TYPE_CHECKING:  # pydantic is imported on the cache-miss path only
    from kpi_cli.core.model import Indicator


def _problems_out(problems: list[Problem]) -> list[list]:
    return [[p.line, p.column, p.rule, p.level.value, p.message, p.fix] for p in problems]


def _problems_in(rows: list[list], display: str) -> list[Problem]:
    return [Problem(display, int(line), int(column), str(rule), Level(level), str(message),
                    None if fix is None else str(fix))
            for line, column, rule, level, message, fix in rows]


def check(path: Path | str, catalogues: Catalogues | None, display: str | None = None, *, want_model: bool = False,
          cached_only: bool = False, raw: bytes | None = None
          ) -> tuple[list[Problem], Summary, object | None, bytes | None] | None:
    """(problems, summary, model or None, the file's bytes) of one indicator file.

    The model is given when the file has no errors, and on a cache hit only if `want_model`.
    With `cached_only`, None when the cache does not know the file (nothing is checked).
    The model's JSON is remembered only for a caller that wants the model: `kpi validate` keeps
    its entries small (writing every model would cost it a tenth of its time); the first
    command that needs the model completes the entry. `raw`: the file's bytes, when the caller
    has read them already. `path` may be a string: a Path is made only when the file is checked
    (pathlib interns every part of every path it parses, a table that grows with the tree).
    """
    from kpi_cli.io.source import Loaded, read, read_bounded

    display = display or display_path(path)
    early = None
    if raw is None:
        try:
            raw = read_bounded(path)
        except OSError:  # read() says why, as a finding
            raw, early = read(Path(path))
    # catalogues that could not all be read have no key: files checked against them are not kept
    usable = raw is not None and cache.active() and (catalogues is None or bool(catalogues.key))
    if cached_only and not usable:
        return None
    if raw is None:  # too large or unreadable: nothing to remember
        from kpi_cli.check.check import check_loaded

        problems, summary, model = check_loaded(early, catalogues, display)
        return problems, summary, model, None
    k = None
    if usable:
        name, folder = _name_and_folder(path)
        k = cache.key("indicator", raw, display, name, folder,
                      catalogues.key if catalogues is not None else "-")
        hit = cache.get(k, model=want_model)
        if hit is not None:
            # a damaged or foreign entry is a miss: the file is checked again below
            with contextlib.suppress(KeyError, TypeError, ValueError, IndexError, AttributeError, RecursionError):
                return (*_from_entry(hit, display, want_model), raw)
        if cached_only:
            return None
    from kpi_cli.check.check import check_loaded
    from kpi_cli.check.rules import load_all
    from kpi_cli.io.loader import load_bytes

    load_all()
    problems, summary, model = check_loaded(load_bytes(Loaded(Path(path)), raw), catalogues, display)
    if k is not None:
        valid = model is not None and not any(p.level is Level.error for p in problems)
        cache.put(k, {"p": _problems_out(problems), "s": [summary.code, summary.fiscal_year, summary.agency, summary.weight]},
                  model.model_dump_json(exclude_unset=True).encode("utf-8") if valid and want_model else None)
    return problems, summary, model, raw


def _name_and_folder(path: Path | str) -> tuple[str, str]:
    """`path.name` and `path.parent.name` as pathlib gives them, without making a Path."""
    parts = [part for part in os.fspath(path).replace(os.altsep or os.sep, os.sep).split(os.sep) if part not in ("", ".")]
    return (parts[-1] if parts else ""), (parts[-2] if len(parts) > 1 else "")


def _from_entry(hit: tuple[dict, bytes], display: str, want_model: bool):
    head, body = hit
    problems = _problems_in(head["p"], display)
    code, fiscal_year, agency, weight = head["s"]
    if not (isinstance(code, (str, type(None))) and isinstance(agency, (str, type(None)))
            and (fiscal_year is None or type(fiscal_year) is int)
            and (weight is None or type(weight) is float)):
        raise TypeError("a summary of the wrong types")  # not what this kpi wrote: a miss
    summary = Summary(display, code, fiscal_year, agency, weight=weight)
    model = None
    if want_model and body is not None:
        from kpi_cli.core.model import Indicator, construct

        model = construct(Indicator, json.loads(body))
    elif want_model and not any(p.level is Level.error for p in problems):
        raise ValueError("an entry of `kpi validate`, without the model")  # a miss: check and complete it
    return problems, summary, model


def load_catalogues(folder: Path | None) -> tuple[Catalogues | None, list[Problem]]:
    """agencies.yaml and strategies.yaml of `folder`, with their problems (kpi_cli.check.catalogues
    does the reading on a miss). The catalogues' `key` names their content in the keys of the files
    checked against them."""
    if folder is None:
        return None, []
    k = _catalogues_key(folder)
    if k is not None:
        hit = cache.get(k)
        if hit is not None:
            try:
                return _catalogues_from_entry(hit[0], folder, k.hex())
            except (KeyError, TypeError, ValueError, IndexError, AttributeError, RecursionError):
                pass
    from kpi_cli.check.catalogues import read_catalogues

    catalogues, problems = read_catalogues(folder)
    if catalogues is not None:
        catalogues.key = k.hex() if k else ""
    if k is not None and catalogues is not None:
        by_display = {}
        for p in problems:
            by_display.setdefault(p.path, []).append(p)
        cache.put(k, {"p": {d: _problems_out(ps) for d, ps in by_display.items()},
                      "m": {name: (m.model_dump(mode="json", exclude_unset=True) if m is not None else None)
                            for name, m in catalogues.models.items()}})
    return catalogues, problems


def _catalogues_key(folder: Path) -> bytes | None:
    """The cache's key of the catalogues of `folder`: their bytes, names and folder (None when one
    of them cannot be read, or the cache is off)."""
    if not cache.active():
        return None
    raws, context = [], []
    for name in CATALOGUE_NAMES:
        path = folder / name
        try:
            raw = read_bounded(path)
            raws.append(b"1%d:" % len(raw) + raw)
        except FileNotFoundError:
            raws.append(b"0")
        except OSError:
            return None
        context.append(display_path(path))
    return cache.key("catalogues", b"\0".join(raws), str(folder), *context)


def catalogues_key(path: Path, known: dict) -> str | None:
    """What the catalogues of the indicator file `path` are to the cache's keys, without reading
    them as catalogues: the hex key of their bytes, "-" when the file has none, None when they
    cannot be read (then nothing is kept). `known`: the answers by folder, as they are found."""
    from kpi_cli.io.paths import find_catalogue_dir

    if path.parent not in known:
        folder = find_catalogue_dir(path)
        k = _catalogues_key(folder) if folder is not None else b""
        known[path.parent] = None if k is None else (k.hex() if k else "-")
    return known[path.parent]


def _catalogues_from_entry(head: dict, folder: Path, k: str) -> tuple[Catalogues, list[Problem]]:
    from kpi_cli.core.model import CATALOGUES, construct

    problems = [p for d, rows in head["p"].items() for p in _problems_in(rows, d)]
    cat = Catalogues(folder=folder, key=k)
    for name, dump in head["m"].items():
        if dump is not None:
            cat.use(construct(CATALOGUES[name], dump))
    return cat, problems


class InvalidIndicator(KpiError):
    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        self.fix = _("run `kpi validate {path}` and correct the errors first").format(path=path)
        errors = sum(p.is_error for p in problems)
        if not errors:  # no error found, yet no indicator built: never "has 0 errors"
            super().__init__(_("{path} cannot be read as an indicator").format(path=path))
            return
        super().__init__(ngettext("{path} has {n} error", "{path} has {n} errors", errors).format(path=path, n=errors))


@dataclass
class Opened:
    """One indicator, loaded and validated, with what it came from."""

    path: Path
    text: str
    model: Indicator
    catalogues: Catalogues | None
    warnings: list[Problem]


def open_indicator(path: Path, catalogues_of: dict | None = None) -> Opened:
    """Load and validate one indicator file (through the cache of checked files); raise
    InvalidIndicator when it has errors. `catalogues_of`: the catalogues already read, by folder
    (a command opening every file of a year reads them once, not once a file)."""
    from kpi_cli.io.source import decode

    catalogues, cat_problems = _catalogues_of(path, catalogues_of)
    display = display_path(path)
    problems, _summary, model, raw = check(path, catalogues, display, want_model=True)
    problems = cat_problems + problems
    errors = [p for p in problems if p.level is Level.error]
    if errors or model is None:
        raise InvalidIndicator(display, sorted(problems))
    return Opened(path, decode(raw) or "", model, catalogues, [p for p in problems if p.level is Level.warning])


def _catalogues_of(path: Path, known: dict | None) -> tuple[Catalogues | None, list[Problem]]:
    """(catalogues, their problems) of the file `path`; with `known`, remembered by its folder."""
    from kpi_cli.io.paths import find_catalogue_dir

    if known is None:
        return load_catalogues(find_catalogue_dir(path))
    if path.parent not in known:
        known[path.parent] = load_catalogues(find_catalogue_dir(path))
    return known[path.parent]
