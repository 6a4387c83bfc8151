"""`kpi validate` over a tree: collect the files, check each (:mod:`kpi_cli.check.checked`: the
cache in front of :mod:`kpi_cli.check.check`), on every core for large trees, then run the rules
across files over small per-file summaries, so that 10,000 files never sit in memory at once.
Nothing here prints or exits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from kpi_cli.check import cache, parallel
from kpi_cli.check.checked import check, load_catalogues
from kpi_cli.check.rules import load_all, tree_rules
from kpi_cli.core.facts import Catalogues, Summary, SummaryTable, Texts
from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Level, Problem
from kpi_cli.io.loader import load, locate
from kpi_cli.io.paths import CATALOGUE_NAMES, YEAR_DIR, NoIndicators, display_path, find_catalogue_dir, find_indicators_dir


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    summaries: SummaryTable = field(default_factory=SummaryTable)  # columns: ~70 bytes a file

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level is Level.error)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.level is Level.warning)

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0


def collect(paths: list[Path], problems: list[Problem], folders: dict | None = None) -> Texts:
    """The YAML files under `paths`, sorted, as compact strings (a Path costs three times the
    memory of its text, a str four times its place in `Texts`, and a tree of 30,000 files keeps
    them all for the run). Links are never followed, by this or any command: a linked file or
    folder is a `symlink` problem, an unreadable folder an `unreadable` one."""
    files = Texts()
    for root in paths:
        if root.is_symlink():
            problems.append(_link_problem(root))
            continue
        if not root.exists():
            problems.append(Problem(display_path(root), 1, 1, "unreadable", Level.error,
                                    _("no such file or folder"), _("check the path")))
            continue
        if root.is_file():
            files.append(str(root))
            continue
        if not root.is_dir():  # a device, a FIFO, a socket: nothing to read as YAML
            problems.append(Problem(display_path(root), 1, 1, "unreadable", Level.error,
                                    _("not a file or a folder"), _("check the path")))
            continue
        _walk(root, problems, files)
    if len(paths) == 1:  # one file, or one folder walked without following links: no file twice
        return files
    seen: set[str] = set()
    unique = Texts()
    folders = {} if folders is None else folders
    for f in files:
        key = real_path(f, folders)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _walk(root: Path, problems: list[Problem], files: Texts) -> None:
    """The YAML files of the folder `root`, sorted folder by folder, added to `files`; links,
    folders named like files and names in upper case are problems, not files."""

    def unreadable(exc: OSError) -> None:
        problems.append(Problem(display_path(Path(exc.filename or root)), 1, 1, "unreadable", Level.error,
                                _("the folder cannot be read ({reason}): its files were not checked").format(
                                    reason=exc.strerror or exc),
                                _("give yourself read permission on it (chmod u+rx), or move it out of "
                                  "indicators/")))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        here = Path(dirpath)
        for d in sorted(dirnames):
            if not d.startswith(".") and (here / d).is_symlink():
                problems.append(_link_problem(here / d))
            elif d.lower().endswith((".yaml", ".yml")):  # a folder named like a file: said, not skipped
                problems.append(Problem(display_path(here / d), 1, 1, "unreadable", Level.error,
                                        _("cannot read the file: it is a folder, not a file"),
                                        _("kpi reads regular files only: put the .yaml file itself there")))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(filenames):
            if not name.lower().endswith((".yaml", ".yml")):
                continue
            p = os.path.join(dirpath, name)
            if os.path.islink(p):
                problems.append(_link_problem(Path(p)))
                continue
            if not name.endswith((".yaml", ".yml")):
                stem, suffix = os.path.splitext(name)
                problems.append(Problem(display_path(Path(p)), 1, 1, "file-name", Level.error,
                                        _("not read: indicator files end in .yaml (lower case)"),
                                        _("rename it to {name}").format(name=stem + suffix.lower())))
                continue
            files.append(p)


def _link_problem(path: Path) -> Problem:
    return Problem(display_path(path), 1, 1, "symlink", Level.error,
                   _("not followed: it is a link, and kpi reads only the files and folders themselves"),
                   _("put the file (or folder) itself here instead of a link to it"))


def real_path(path: str, folders: dict[str, str]) -> str:
    """`os.path.realpath(path)`, resolving each folder once (`folders` remembers them for one
    run): thousands of files share a few folders."""
    if os.path.islink(path):
        return os.path.realpath(path)
    folder, name = os.path.split(path)
    real = folders.get(folder)
    if real is None:
        real = folders[folder] = os.path.realpath(folder or ".")
    return os.path.join(real, name)


def check_file(path: Path | str, catalogues: Catalogues | None, display: str | None = None):
    """(problems, summary, model) of one indicator file, through the cache of checked files; the
    model only when the file is valid and was checked now (not remembered)."""
    return check(path, catalogues, display)[:3]


def _remembered(path: str, catalogues: Catalogues | None) -> tuple[list[Problem], Summary] | None:
    got = check(path, catalogues, cached_only=True)
    return None if got is None else got[:2]


PARALLEL_MIN = 400  # below this, starting worker processes costs more than it saves


def _jobs(requested: int | None, n_files: int) -> int:
    """Worker processes: never more than the files, nor than a few per core."""
    return parallel.jobs(requested, n_files, PARALLEL_MIN)


def _check_item(catalogues_of: dict[str, Catalogues | None], path: str) -> tuple[list[Problem], Summary]:
    return check_file(path, catalogues_of[os.path.dirname(path)])[:2]


def _as_shown(path: str, folders: dict[str, str | None] | None = None) -> str:
    """The path as kpi shows it (relative to the working folder, as `display_path` makes it), which
    opens the same file: workers are handed the name they show. Unless that loses the
    name of the file's folder (the working folder is a year's): it says the fiscal year.
    `folders` remembers each folder's answer for one run (thousands of files share a few)."""
    folder, name = os.path.split(path)
    if folders is not None and folder in folders:
        shown = folders[folder]
        return path if shown is None else os.path.join(shown, name)
    try:
        shown = os.path.relpath(folder or ".")
    except ValueError:  # another drive on Windows
        shown = None
    else:
        if os.path.basename(shown) != os.path.basename(folder):
            shown = None
    if folders is not None:
        folders[folder] = shown
    return path if shown is None else os.path.join(shown, name)


def validate(paths: list[Path] | None = None, *, progress=None, jobs: int | None = None,
             context: list[Path] = (), against: str | None = None) -> Result:
    """Validate files and folders (default: the repository's indicators/ tree).

    A catalogue among `paths` (agencies.yaml, strategies.yaml) brings in every indicator of its
    folder: each of them depends on it, so a change to it (a commit, a pre-commit hook that passes
    only the changed files) is checked by what it can break.

    Large trees are checked on every core. Each file's document is freed as soon as it is
    checked (the per-file path leaves no reference cycle), and of each result only the problems
    and a small summary are kept, for the rules across files.
    """
    load_all()
    result = Result()
    if not context and paths:
        context = _siblings(paths)
    if not paths:
        found = find_indicators_dir()
        if found is None:
            raise NoIndicators()
        paths = [found]
    paths = with_catalogue_folders(paths)
    folders: dict[str, str] = {}
    files = collect(paths, result.problems, folders)
    folder_of: dict[str, Path | None] = {}
    catalogue_dirs: dict[Path | None, Catalogues | None] = {}
    catalogue_files: set[str] = set()
    for f in files:
        parent = os.path.dirname(f)
        if parent in folder_of:
            continue
        folder = folder_of[parent] = find_catalogue_dir(Path(f))
        if folder not in catalogue_dirs:
            cat, cat_problems = load_catalogues(folder)
            catalogue_dirs[folder] = cat
            result.problems += cat_problems
            if folder is not None:
                catalogue_files.update(os.path.realpath(folder / n) for n in CATALOGUE_NAMES)
    # the work is the files' names alone, as kpi shows them (each finds its catalogues by its
    # folder); catalogues are checked as catalogues (above), never as indicators, wherever they are
    catalogues_of: dict[str, Catalogues | None] = {}
    uncatalogued: set[str] = set()
    work = Texts()
    shown_folders: dict[str, str | None] = {}
    for f in files:
        if os.path.basename(f) in CATALOGUE_NAMES or real_path(f, folders) in catalogue_files:
            continue
        shown = _as_shown(f, shown_folders)
        parent, folder = os.path.dirname(shown), folder_of[os.path.dirname(f)]
        catalogues_of.setdefault(parent, catalogue_dirs[folder])
        if folder is None:
            uncatalogued.add(display_path(shown))
        work.append(shown)
    result.files = len(files)
    del files
    if progress:
        progress.start(len(work))
    outcomes = parallel.run(
        partial(_check_item, catalogues_of), work, jobs=_jobs(jobs, len(work)), parallel_min=PARALLEL_MIN,
        forced=jobs is not None, probe=lambda f: _remembered(f, catalogues_of[os.path.dirname(f)]),
        progress=progress)
    for problems, summary in outcomes:  # one by one as they come: only the summaries stay, as columns
        result.problems += problems
        result.summaries.append(summary)
    cache.flush()
    # indicators read without catalogues: say that their agency and strategy codes went unchecked
    unchecked = [sm.display for sm in result.summaries if sm.display in uncatalogued and sm.code is not None]
    if unchecked:
        result.problems.append(Problem(
            unchecked[0], 1, 1, "catalogue", Level.warning,
            _("no agencies.yaml or strategies.yaml in this folder or above: agency and strategy codes "
              "are not checked ({count} files)").format(count=len(unchecked)),
            _("run kpi in the repository, or validate its whole indicators/ folder")))
    # files not checked this time still count for the rules across files, by their names only
    light = SummaryTable()
    if context:
        checked = {real_path(f, folders) for f in work}
        light.extend(Summary(display_path(f), f.stem, int(f.parent.name), f.stem.partition("-")[0] or None,
                             by_name=True)
                     for f in context if real_path(str(f), folders) not in checked and YEAR_DIR.match(f.parent.name))
    result.problems += _run_tree_rules(_Joined(light, result.summaries))
    if against is not None:
        result.problems += guard(against)
    result.problems.sort()
    return result


def _siblings(paths: list[Path]) -> list[Path]:
    """The other indicator files of the year folders of the files named in `paths`: the rules across
    files know them by name (their code, their year), so a file checked alone is still checked
    against its folder (one code per year), and an agency's weights are not judged without them."""
    named = [p for p in paths if p.suffix in (".yaml", ".yml") and YEAR_DIR.match(p.parent.name) and p.is_file()]
    out: list[Path] = []
    for folder in dict.fromkeys(p.parent for p in named):
        try:
            out += [f for f in sorted(folder.iterdir()) if f.suffix in (".yaml", ".yml") and f not in named]
        except OSError:
            continue  # an unreadable folder: collect() says so where it matters
    return out


def with_catalogue_folders(paths: list[Path]) -> list[Path]:
    """`paths` and, after them, the folder of each catalogue among them (the folder it is the
    catalogue of: every indicator below it depends on it). Links are left to `collect`, which
    refuses them."""
    out = list(paths)
    for path in paths:
        if path.name in CATALOGUE_NAMES and not path.is_symlink() and path.is_file() and path.parent not in out:
            out.append(path.parent)
    return out


def guard(base: str, cwd: Path | None = None) -> list[Problem]:
    """The audited past of the repository's whole indicators/ tree against the git revision `base`
    (whatever files were checked: a deleted or moved file is never among them)."""
    from kpi_cli.check.guard import check_against

    cwd = cwd or Path.cwd()
    root = find_indicators_dir(cwd)
    if root is None:
        raise NoIndicators()
    return check_against(base, root, cwd, display_path)


def changed_since(base: str, cwd: Path | None = None) -> tuple[list[Path], list[Path]]:
    """(files to check, the other indicator files) for `kpi validate --changed BASE`.

    A changed catalogue puts every file in the first list: every indicator depends on it.
    """
    from kpi_cli.io.git import changed_files
    from kpi_cli.io.repo import indicator_files

    cwd = cwd or Path.cwd()
    root = find_indicators_dir(cwd)
    if root is None:
        raise NoIndicators()
    real_root = root.resolve()
    changed = [f for f in changed_files(base, cwd) if f.suffix in (".yaml", ".yml")
               and f.resolve().is_relative_to(real_root)]
    every = indicator_files(root)
    if any(f.name in CATALOGUE_NAMES for f in changed):
        return [root], []
    changed_set = {f.resolve() for f in changed}
    return changed, [f for f in every if f.resolve() not in changed_set]


class _Joined:
    """Two sequences of summaries read as one, as often as a rule wants, without a third."""

    def __init__(self, *parts):
        self.parts = parts

    def __iter__(self):
        for part in self.parts:
            yield from part

    def __len__(self) -> int:
        return sum(map(len, self.parts))


def _run_tree_rules(summaries: _Joined) -> list[Problem]:
    out: list[Problem] = []
    for r in tree_rules():
        for summary, finding in r.check(summaries):
            path = Path(summary.display)
            loaded = load(path)
            if loaded.text is not None:
                finding.line = None
            out += locate(path, loaded.text, [finding], summary.display)
    return out
