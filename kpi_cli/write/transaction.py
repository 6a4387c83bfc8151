"""A change to one indicator file, as one transaction: open and validate the file, let the
command compute its edits (:mod:`kpi_cli.core.stages`), write them into the text keeping every
other byte (:mod:`kpi_cli.io.yamledit`), check the result as `kpi validate` would
(:mod:`kpi_cli.check.check`), and write it atomically unless the file changed meanwhile
(:mod:`kpi_cli.io.atomic`). A refused change leaves the file byte for byte as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from kpi_cli.check.check import check_text
from kpi_cli.check.checked import open_indicator
from kpi_cli.core.edits import Edit, KeyOrder, no_order
from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Level, Problem
from kpi_cli.io.atomic import FileChanged, WriteRefused, fix_for, replace_if_unchanged
from kpi_cli.io.paths import display_path
from kpi_cli.io.yamledit import edit_text, read, unified_diff


class ChangeInvalid(WriteRefused):
    def __init__(self, display: str, problems: list[Problem]):
        self.problems = problems
        self.fix = _("the lines above are the problems the file would have after the change (--dry-run shows "
                     "the change); correct what they name first, or leave the record as it is")
        super().__init__(_("the change would make {path} invalid; nothing was written").format(path=display))


class WriteFailed(WriteRefused):
    def __init__(self, display: str, exc: OSError, path: Path | None = None):
        self.fix = fix_for(path or Path(display), exc, display)
        super().__init__(_("cannot read or write {path}: {reason}").format(path=display, reason=exc.strerror or exc))


@dataclass
class Outcome:
    """What an edit did (or, in a dry run, would do) to one file."""
    path: Path
    display: str
    old: str
    new: str
    written: bool = False

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def diff(self) -> str:
        return unified_diff(self.old, self.new, self.display)


def edit_indicator(path: Path, make_edits: Callable[[object], Sequence[Edit]], *,
                   order: KeyOrder = no_order, dry_run: bool = False) -> Outcome:
    """Open the indicator at `path`, compute the edits from it (`make_edits(opened)` may refuse
    by raising a KpiError), validate the result and write it, or only show it (`dry_run`)."""
    display = display_path(path)
    opened = open_indicator(path)
    try:
        snapshot = read(path)
    except UnicodeDecodeError:  # it was UTF-8 a moment ago
        raise FileChanged(display) from None
    except OSError as exc:
        raise WriteFailed(display, exc, path) from None
    if opened.text != snapshot.decoded:
        raise FileChanged(display)
    edits = make_edits(opened)
    new = edit_text(snapshot.text, edits, order, display)
    outcome = Outcome(path, display, snapshot.text, new)
    if not outcome.changed:
        return outcome
    errors = [p for p in check_text(path, snapshot.encode(new).decode("utf-8-sig"), opened.catalogues, display)
              if p.level is Level.error]
    if errors:
        raise ChangeInvalid(display, errors)
    if not dry_run:
        try:
            replace_if_unchanged(path, snapshot.encode(new), snapshot.digest, display)
        except OSError as exc:
            raise WriteFailed(display, exc, path) from None
        outcome.written = True
    return outcome
