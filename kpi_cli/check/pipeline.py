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
from kpi_cli.core.facts import Catalogues, Summary
from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Level, Problem
from kpi_cli.io.loader import load, locate
from kpi_cli.io.paths import CATALOGUE_NAMES, YEAR_DIR, NoIndicators, display_path, find_catalogue_dir, find_indicators_dir


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    summaries: list[Summary] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level is Level.error)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.level is Level.warning)

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0


def collect(paths: list[Path], problems: list[Problem], folders: dict | None = None) -> list[Path]:
    """The YAML files under `paths`, sorted. Links are never followed, by this or any command: a
    linked file or folder is a `symlink` problem, an unreadable folder an `unreadable` one."""
    files: list[Path] = []
    for root in paths:
        if root.is_symlink():
            problems.append(_link_problem(root))
            continue
        if not root.exists():
            problems.append(Problem(display_path(root), 1, 1, "unreadable", Level.error,
                                    _("no such file or folder"), _("check the path")))
            continue
        if root.is_file():
            files.append(root)
            continue
        if not root.is_dir():  # a device, a FIFO, a socket: nothing to read as YAML
            problems.append(Problem(display_path(root), 1, 1, "unreadable", Level.error,
                                    _("not a file or a folder"), _("check the path")))
            continue

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
                p = here / name
                if p.is_symlink():
                    problems.append(_link_problem(p))
                    continue
                if not name.endswith((".yaml", ".yml")):
                    problems.append(Problem(display_path(p), 1, 1, "file-name", Level.error,
                                            _("not read: indicator files end in .yaml (lower case)"),
                                            _("rename it to {name}").format(
                                                name=p.stem + p.suffix.lower())))
                    continue
                files.append(p)
    seen: set[Path] = set()
    unique = []
    folders = {} if folders is None else folders
    for f in files:
        key = real_path(f, folders)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _link_problem(path: Path) -> Problem:
    return Problem(display_path(path), 1, 1, "symlink", Level.error,
                   _("not followed: it is a link, and kpi reads only the files and folders themselves"),
                   _("put the file (or folder) itself here instead of a link to it"))


def real_path(path: Path, folders: dict[Path, Path]) -> Path:
    """`path.resolve()`, resolving each folder once (`folders` remembers them for one run):
    thousands of files share a few folders."""
    if path.is_symlink():
        return path.resolve()
    folder = path.parent
    real = folders.get(folder)
    if real is None:
        real = folders[folder] = folder.resolve()
    return real / path.name


def check_file(path: Path, catalogues: Catalogues | None, display: str | None = None):
    """(problems, summary, model) of one indicator file, through the cache of checked files; the
    model only when the file is valid and was checked now (not remembered)."""
    return check(path, catalogues, display)[:3]


def _remembered(path: Path, catalogues: Catalogues | None) -> tuple[list[Problem], Summary] | None:
    got = check(path, catalogues, cached_only=True)
    return None if got is None else got[:2]


PARALLEL_MIN = 400  # below this, starting worker processes costs more than it saves


def _jobs(requested: int | None, n_files: int) -> int:
    """Worker processes: never more than the files, nor than a few per core."""
    return parallel.jobs(requested, n_files, PARALLEL_MIN)


def _check_item(catalogue_dirs: dict, item: tuple[Path, Path | None]) -> tuple[list[Problem], Summary]:
    path, folder = item
    return check_file(path, catalogue_dirs.get(folder))[:2]


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
    if not paths:
        found = find_indicators_dir()
        if found is None:
            raise NoIndicators()
        paths = [found]
    paths = with_catalogue_folders(paths)
    folders: dict[Path, Path] = {}
    files = collect(paths, result.problems, folders)
    folder_of: dict[Path, Path | None] = {}
    catalogue_dirs: dict[Path | None, Catalogues | None] = {}
    catalogue_files: set[Path] = set()
    work: list[tuple[Path, Path | None]] = []
    for f in files:
        parent = f.parent
        if parent not in folder_of:
            folder_of[parent] = find_catalogue_dir(f)
        folder = folder_of[parent]
        if folder not in catalogue_dirs:
            cat, cat_problems = load_catalogues(folder)
            catalogue_dirs[folder] = cat
            result.problems += cat_problems
            if folder is not None:
                catalogue_files.update((folder / n).resolve() for n in CATALOGUE_NAMES)
        work.append((f, folder))
    # catalogues are checked as catalogues (above), never as indicators, wherever they are
    work = [(f, folder) for f, folder in work
            if f.name not in CATALOGUE_NAMES and real_path(f, folders) not in catalogue_files]
    uncatalogued = {display_path(f) for f, folder in work if folder is None}
    result.files = len(files)
    if progress:
        progress.start(len(work))
    outcomes = parallel.run(
        partial(_check_item, catalogue_dirs), work, jobs=_jobs(jobs, len(work)), parallel_min=PARALLEL_MIN,
        forced=jobs is not None, probe=lambda item: _remembered(item[0], catalogue_dirs.get(item[1])),
        progress=progress)
    for problems, summary in outcomes:  # one by one as they come: only the summaries stay
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
    if context:
        checked = {real_path(f, folders) for f, _folder in work}
        light = [Summary(display_path(f), f.stem, int(f.parent.name), None, by_name=True) for f in context
                 if real_path(f, folders) not in checked and YEAR_DIR.match(f.parent.name)]
    else:
        light = []
    result.problems += _run_tree_rules(light + result.summaries)
    if against is not None:
        result.problems += guard(against)
    result.problems.sort()
    return result


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


def _run_tree_rules(summaries: list[Summary]) -> list[Problem]:
    out: list[Problem] = []
    for r in tree_rules():
        for summary, finding in r.check(summaries):
            path = Path(summary.display)
            loaded = load(path)
            if loaded.text is not None:
                finding.line = None
            out += locate(path, loaded.text, [finding], summary.display)
    return out
