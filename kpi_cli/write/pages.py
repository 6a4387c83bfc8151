"""`kpi import`: one saved page, one indicator file.

:func:`import_file` reads the page (text, or HTML saved from the browser), parses it
(:mod:`kpi_cli.importer`), adds what the catalogues lack (an agency as a stub, strategies with
`--add-strategies`: :mod:`kpi_cli.write.catalogue`), lays the file out
(:func:`kpi_cli.io.yamlemit.emit`), validates it in its place and writes it atomically.

When the indicator has a file already (and no `--force`), the page is another copy of it: the
file is kept, and the copy is added to its `sources:` with the official figures it prints
otherwise than the file (:mod:`kpi_cli.importer.provenance`), as a round-trip edit that leaves
the rest of the file byte for byte (:func:`kpi_cli.write.transaction.edit_indicator`).

Nothing here prints or exits; refusals are :class:`~kpi_cli.core.problems.KpiError` subclasses.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kpi_cli.core.i18n import N_, _
from kpi_cli.core.problems import KpiError, Problem
from kpi_cli.io.paths import printable, schema_reference
from kpi_cli.io.source import read_bounded
from kpi_cli.io.yamlemit import emit
from kpi_cli.write.catalogue import append_agency, append_strategies
from kpi_cli.write.scaffold import FileExists, _write_new, create, same_indicator

PAGE_BYTES = 8 * 1024 * 1024  # a saved BMA page is tens of KB; a few MB with its HTML


class CopiesDiffer(KpiError):
    """--strict: another copy of the page prints official figures otherwise than the file."""

    def __init__(self, display: str, differences: list[dict]):
        self.differences = differences
        self.fix = _("compare the two copies; the file keeps its figures. Without --strict the copy is recorded under "
                     "`sources:` with its differences; with --force the file is replaced by this copy")
        super().__init__(_("{path}: this copy of the page prints {n} official figure(s) otherwise than the file; "
                           "nothing was written").format(path=display, n=len(differences)))


@dataclass
class Outcome:
    """What importing one page did (or, in a dry run, would do)."""
    page: Path
    path: Path
    display: str
    text: str
    imported: object  # importer.Imported
    warnings: list[Problem]
    added_strategies: list[dict]
    written: bool = False
    added_agency: dict | None = None  # the stub added to agencies.yaml
    merged: bool = False  # the file existed: the copy was added to its `sources:`
    differences: list[dict] = field(default_factory=list)  # official figures this copy prints otherwise
    already: bool = False  # this very copy (same SHA-256) is recorded already: nothing to do
    diff: str = ""  # the change to the existing file, for --dry-run


def _origin(raw: bytes, page: Path, name: str, address: str | None, captured: dt.date | None,
            saved_from: str | None) -> tuple[dict, str | None]:
    """The `sources:` entry of this copy, and why its capture date is inferred (None: given)."""
    from kpi_cli.importer.provenance import source_entry

    why = None
    if captured is None:
        try:
            captured = dt.date.fromtimestamp(page.stat().st_mtime)
            why = N_("the day the page's file was last modified ({file}); give --captured when it was saved on "
                     "another day")
        except (OSError, ValueError, OverflowError):
            captured = None
    return source_entry(raw, name, address=address or saved_from, captured=captured), why


def import_file(page: Path, root: Path, catalogues, *, year: int | None = None, force: bool = False,
                dry_run: bool = False, add_strategies: bool = False, strict: bool = False,
                address: str | None = None, captured: dt.date | None = None, display=str) -> Outcome:
    """Import the page saved at `page` into the indicators/ folder `root`: parse, check the
    catalogues, lay out, validate in place, write; or, where the file exists, record this copy in
    its `sources:`. `display` shows paths to people."""
    from kpi_cli.importer import ImportRefused, MissingStrategies, UnknownAgency, decode, parse_page
    from kpi_cli.importer.html import html_to_text, looks_like_html
    from kpi_cli.importer.result import Reason

    try:
        raw = read_bounded(page, PAGE_BYTES)
    except OSError as exc:
        raise ImportRefused(_("cannot read {path}: {reason}").format(path=display(page),
                                                                     reason=exc.strerror or exc)) from None
    text, notes = decode(raw)
    name = printable(page.name)  # a name that is not UTF-8 is written with \xff escapes
    saved_from = None
    if looks_like_html(text, page.name):
        text, saved_from = html_to_text(text)
        notes.append(_("the page was read as HTML saved from the browser") + (
            _(" (saved from {address})").format(address=saved_from) if saved_from else ""))
    origin, why = _origin(raw, page, name, address, captured, saved_from)
    captured_why = Reason(why, file=name) if why else None
    imported = parse_page(text, catalogues, year=year, source=name, origin=(origin, captured_why))
    imported.notes[:0] = notes
    if imported.new_agency is not None:
        if strict:
            raise UnknownAgency(imported.new_agency, imported.code)
        catalogues = _with_agency(catalogues, imported.new_agency)
    strategies_file = Path(catalogues.folder or root) / "strategies.yaml"
    agencies_file = Path(catalogues.folder or root) / "agencies.yaml"
    added: list[dict] = []
    if imported.new_strategies:
        if not add_strategies:
            raise MissingStrategies(imported.new_strategies, display(strategies_file))
        catalogues = _with_strategies(catalogues, imported.new_strategies)
        added = imported.new_strategies
    path = root / str(imported.fiscal_year) / f"{imported.code}.yaml"
    shown = display(path)
    if path.exists() and not force and same_indicator(path.parent, path.stem) is None:
        return _another_copy(page, path, shown, imported, origin, captured_why, strict=strict, dry_run=dry_run)
    header = (f"รายละเอียดตัวชี้วัด {imported.code}, fiscal year {imported.fiscal_year}, imported by `kpi import` "
              f"from {name}.\n"
              "Every field of the page is here. What `kpi import` concluded rather than read is listed under\n"
              "`inferred:` at the end, with the reason. Dates are ISO, Common Era (2021-02-08 = 8 ก.พ. 2564).")
    body = emit(imported.data, comments=imported.comments, above=imported.above, header=header,
                schema=schema_reference(root, path.parent))
    warnings = create(path, body, catalogues, force=force, dry_run=True, display=shown)
    outcome = Outcome(page, path, shown, body, imported, warnings, added, added_agency=imported.new_agency)
    if not dry_run:
        if imported.new_agency is not None:
            append_agency(agencies_file, imported.new_agency, name, display(agencies_file))
        if added:
            append_strategies(strategies_file, added, name, display(strategies_file))
        _write_new(path, body, force=force, display=shown)
        outcome.written = True
    return outcome


def _another_copy(page: Path, path: Path, shown: str, imported, origin: dict, captured_why, *,
                  strict: bool, dry_run: bool) -> Outcome:
    """The indicator has a file: add this copy to its `sources:` (with the figures it prints
    otherwise), keeping the rest of the file; nothing to do when the same copy is recorded."""
    from kpi_cli.core.edits import Append, Set
    from kpi_cli.core.stages import key_order
    from kpi_cli.importer.provenance import differences
    from kpi_cli.write.transaction import edit_indicator

    found: dict = {}

    def edits(opened):
        ind = opened.model
        data = ind.model_dump(exclude_unset=True)
        diffs = differences(imported.data, data)
        found["differences"] = diffs
        known = [s.sha256 for s in ind.sources]
        if origin["sha256"] in known:
            found["already"] = True
            return []
        if diffs and strict:
            raise CopiesDiffer(shown, diffs)
        entry = {**origin, **({"differences": diffs} if diffs else {})}
        out = [Append(("sources",), entry)]
        if captured_why and "captured" in origin:
            out.append(Set(("inferred", f"sources[{len(known)}].captured"), str(captured_why)))
        return out

    if not path.is_file():
        raise FileExists(shown)
    done = edit_indicator(path, edits, order=key_order, dry_run=dry_run)
    outcome = Outcome(page, path, shown, done.new, imported, [], [], written=done.written and done.changed,
                      merged=True, differences=found.get("differences", []), already=found.get("already", False),
                      diff=done.diff() if done.changed else "")
    return outcome


def _with_strategies(catalogues, new: list[dict]):
    from kpi_cli.core.model import Strategy

    out = copy.copy(catalogues)
    out.strategies = {**catalogues.strategies, **{s["code"]: Strategy(**s) for s in new}}
    out.key = ""  # not the catalogues on disk: nothing checked against them is kept in the cache
    return out


def _with_agency(catalogues, entry: dict):
    from kpi_cli.core.model import Agency

    out = copy.copy(catalogues)
    out.agencies = {**catalogues.agencies, entry["code"]: Agency(**entry)}
    out.key = ""
    return out
