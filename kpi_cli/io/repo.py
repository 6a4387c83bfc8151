"""Finding indicator files in a repository: by code (`kpi status`, `kpi advance`, `kpi score`,
`kpi render`), or all of them. :func:`kpi_cli.check.checked.open_indicator` loads and validates one.

Raises :class:`UnknownIndicator` (with close matches); the CLI turns it into a message.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

from kpi_cli.core.i18n import _
from kpi_cli.core.patterns import INDICATOR_CODE
from kpi_cli.core.problems import KpiError


class UnknownIndicator(KpiError):
    def __init__(self, code: str, suggestions: list[str]):
        self.code = code
        self.suggestions = suggestions
        self.fix = (_("did you mean {names}?").format(names=", ".join(suggestions)) if suggestions
                    else _("see the files under indicators/ (kpi score --all lists them)"))
        super().__init__(_("no indicator '{code}' under indicators/").format(code=code))


class LinkNotFollowed(KpiError):
    def __init__(self, shown: str):
        self.fix = _("name the file itself, not a link to it")
        super().__init__(_("{path} is a link: kpi never follows links (kpi validate reports them)").format(
            path=shown))


class FolderUnreadable(KpiError):
    def __init__(self, folder: Path, exc: OSError):
        self.fix = _("give yourself read permission on it (chmod u+rx), or move it out of indicators/; nothing "
                     "was done, so that no result leaves its files out unseen")
        super().__init__(_("the folder {path} cannot be read ({reason})").format(path=folder,
                                                                                reason=exc.strerror or exc))


_CODE_RE = re.compile(INDICATOR_CODE)


def folders(root: Path, years_only: bool = False) -> list[Path]:
    """The folders of an indicators/ folder (fiscal years, or all): folders themselves, never links
    or hidden ones (the same policy as `kpi validate`)."""
    try:
        return sorted(d for d in root.iterdir() if not d.name.startswith(".") and (d.name.isdigit() or not years_only)
                      and not d.is_symlink() and d.is_dir())
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise FolderUnreadable(root, exc) from None


def yaml_files(folder: Path) -> list[Path]:
    """The .yaml files of one folder; an unreadable folder is an error, never an empty folder."""
    try:
        return [folder / name for name in os.listdir(folder) if name.endswith(".yaml")]
    except OSError as exc:
        raise FolderUnreadable(folder, exc) from None


def indicator_files(root: Path) -> list[Path]:
    """Every indicator file under an indicators/ folder (catalogues excluded), sorted; links to files
    or folders are not followed (the same policy as `kpi validate`)."""
    return [Path(path) for path in indicator_paths(root)]


def indicator_paths(root: Path):
    """`indicator_files(root)` as compact strings (core.facts.Texts: about 20 bytes a file where a
    Path costs 250), for the commands that go through a whole tree."""
    from kpi_cli.core.facts import Texts

    out = Texts()
    for folder in folders(root):  # sorted: so the files, folder by folder, are sorted as paths are
        try:
            names = sorted(name for name in os.listdir(folder) if name.endswith(".yaml") and _CODE_RE.match(name[:-5]))
        except OSError as exc:
            raise FolderUnreadable(folder, exc) from None
        where = str(folder)
        out.extend(path for path in (os.path.join(where, name) for name in names) if not os.path.islink(path))
    return out


def all_codes(root: Path) -> list[str]:
    return sorted({p.stem for p in indicator_files(root)})


def find_indicator(code: str, root: Path | None = None, fiscal_year: int | None = None) -> Path:
    """The file of indicator `code`: the latest fiscal year unless one is given.

    `code` may also be a path to the file itself.
    """
    from kpi_cli.io.paths import NoIndicators, find_indicators_dir

    as_path = Path(code)
    if as_path.suffix in (".yaml", ".yml") and as_path.is_symlink():
        raise LinkNotFollowed(code)
    if as_path.suffix in (".yaml", ".yml") and as_path.exists() and not as_path.is_dir():
        return as_path
    root = root or find_indicators_dir()
    if root is None:
        raise NoIndicators()
    if not _CODE_RE.match(code):
        # codes only: never let a code reach outside the folder (../../etc/passwd)
        raise UnknownIndicator(code, difflib.get_close_matches(code, all_codes(root), n=3))
    matches = [folder / f"{code}.yaml" for folder in folders(root, years_only=True)]
    matches = [m for m in matches if not m.is_symlink() and m.exists()]  # a FIFO too: reading it says why
    if fiscal_year is not None:
        matches = [m for m in matches if m.parent.name == str(fiscal_year)]
    if not matches:
        raise UnknownIndicator(code, difflib.get_close_matches(code, all_codes(root), n=3, cutoff=0.5))
    return matches[-1]
