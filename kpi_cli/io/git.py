"""The little of git that kpi needs: revisions, changed files, a file at a revision.

Git's output is read as bytes: file contents are decoded by the caller (an indicator file need not
be UTF-8), and every command that lists paths uses `-z`, so that names in Thai (which git would
otherwise quote as `"\\340\\270…"`) come back as they are.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import KpiError
from kpi_cli.io.source import MAX_BYTES

LINK_MODE = "120000"  # a symbolic link, as git records it


class GitError(KpiError):
    def __init__(self, message: str, fix: str | None = None, exit_code: int = 1):
        super().__init__(message)
        self.fix = fix or _("run kpi inside a git repository and name a revision that exists (git log --oneline)")
        self.exit_code = exit_code


def git_bytes(args: list[str], cwd: Path, *, check: bool = True, stdin: bytes | None = None) -> bytes:
    """The output of `git ARGS` as bytes; GitError when git fails (unless `check` is false)."""
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, input=stdin)
    except FileNotFoundError as exc:
        raise GitError(_("git is not installed"), _("install git")) from exc
    if check and proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", errors="replace")
        first = (stderr.strip().splitlines() or [_("git failed")])[0]
        raise GitError(_("git {command}: {error}").format(command=" ".join(args[:2]), error=first))
    return proc.stdout


def git(args: list[str], cwd: Path, *, check: bool = True) -> str:
    """The output of `git ARGS` as text (UTF-8; undecodable bytes replaced)."""
    return git_bytes(args, cwd, check=check).decode("utf-8", errors="replace")


def _names(args: list[str], cwd: Path) -> list[str]:
    """The NUL-separated paths a `git … -z` command prints, as file-system names."""
    return [os.fsdecode(n) for n in git_bytes(args, cwd).split(b"\0") if n]


def toplevel(cwd: Path) -> Path:
    """The top folder of the git repository at `cwd`; outside one, a usage error (exit 2) saying so."""
    out = git(["rev-parse", "--show-toplevel"], cwd, check=False).strip()
    if not out:
        raise GitError(_("{folder} is not in a git repository: comparing with a revision (kpi diff, "
                         "kpi validate --changed or --against) needs one").format(folder=cwd),
                       _("run kpi inside the clone of the indicators' repository (git clone …), or leave "
                         "out --changed and --against to check the files as they are"), exit_code=2)
    return Path(out)


def repository_root(cwd: Path) -> Path | None:
    """The folder the repository's paths are relative to, wherever in it kpi runs: the top of the
    git repository, else the folder that holds indicators/; None outside both. (GitHub attaches an
    annotation to a file named relative to the repository's top.)"""
    from kpi_cli.io.paths import find_indicators_dir

    try:
        out = git(["rev-parse", "--show-toplevel"], cwd, check=False).strip()
    except GitError:  # git is not installed
        out = ""
    if out:
        return Path(out)
    indicators = find_indicators_dir(cwd)
    return indicators.parent if indicators is not None else None


def is_revision(rev: str, cwd: Path) -> bool:
    try:
        git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
        return True
    except GitError:
        return False


def require_revision(rev: str, cwd: Path) -> None:
    """GitError (a usage error, exit code 2) unless `rev` names a commit of the repository at `cwd`."""
    toplevel(cwd)  # not a repository at all: git says so
    if rev.startswith("-") or not is_revision(rev, cwd):
        raise GitError(_("{revision} is not a revision of this repository").format(revision=rev),
                       _("name a branch, tag or commit that exists (git log --oneline), e.g. origin/main"),
                       exit_code=2)


def main_branch(cwd: Path) -> str:
    """The branch pull requests go into: origin's HEAD, else main, else master."""
    toplevel(cwd)  # outside a repository, say so (not "no main branch")
    out = git(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], cwd, check=False).strip()
    if out:
        return out.removeprefix("refs/remotes/")
    for name in ("main", "master", "origin/main", "origin/master"):
        if is_revision(name, cwd):
            return name
    raise GitError(_("no main branch found"), _("name the base revision, e.g. `kpi diff origin/main`"))


def default_base(cwd: Path) -> str:
    """The merge-base of HEAD with the main branch."""
    branch = main_branch(cwd)
    return git(["merge-base", branch, "HEAD"], cwd).strip()


def changed_files(base: str, cwd: Path, head: str | None = None) -> list[Path]:
    """Files changed between `base` and `head` (default: the working tree, untracked files
    included), as absolute paths; deleted files are left out."""
    top = toplevel(cwd)
    if head is None:
        names = _names(["diff", "-z", "--name-only", "--diff-filter=d", base, "--"], top)
        names += _names(["ls-files", "-z", "--others", "--exclude-standard"], top)
    else:
        names = _names(["diff", "-z", "--name-only", "--diff-filter=d", base, head, "--"], top)
    return sorted({(top / n) for n in names})


def changed_names(base: str, top: Path, under: str) -> list[str]:
    """Every path under `under` (relative to the top) that differs between `base` and the working
    tree: modified, deleted, re-typed (a file become a link), added, and untracked files."""
    names = _names(["diff", "-z", "--name-only", "--no-renames", base, "--", under], top)
    names += _names(["ls-files", "-z", "--others", "--exclude-standard", "--", under], top)
    return sorted(set(names))


def in_repository(path: Path, top: Path) -> str | None:
    """`path` relative to the repository's top as git names it (a/b/c.yaml), or None when it lies
    outside. The file itself is not resolved: a link is named where it is, not where it leads."""
    where = path.absolute()
    where = where.parent.resolve() / where.name
    try:
        return where.relative_to(top.resolve()).as_posix()
    except ValueError:
        return None


@dataclass(frozen=True)
class Entry:
    """One file of a revision's tree: its path (relative to the top), mode and blob."""

    path: str
    mode: str
    blob: str

    @property
    def is_link(self) -> bool:
        return self.mode == LINK_MODE


def tree_entries(rev: str, paths: list[str], top: Path) -> list[Entry]:
    """The files (blobs: regular files and links; not folders or submodules) at or under `paths`
    at `rev`. An empty list when there is none; GitError when git fails (a bad revision)."""
    out = []
    for line in git_bytes(["ls-tree", "-r", "-z", "--full-tree", rev, "--", *paths], top).split(b"\0"):
        if not line:
            continue
        meta, _tab, name = line.partition(b"\t")
        mode, kind, blob = meta.decode("ascii").split()
        if kind == "blob":
            out.append(Entry(os.fsdecode(name), mode, blob))
    return out


def blob_sizes(blobs: list[str], top: Path) -> dict[str, int]:
    """The size of each blob, read by one git process (no content is read)."""
    if not blobs:
        return {}
    out = git_bytes(["cat-file", "--batch-check"], top, stdin="".join(f"{b}\n" for b in blobs).encode("ascii"))
    sizes = {}
    for line in out.decode("ascii", errors="replace").splitlines():
        name, kind, size = (line.split() + ["", ""])[:3]
        if kind != "blob":
            raise GitError(_("git cat-file: {error}").format(error=line),
                           _("the repository lacks a file's content: check it (git fsck), or fetch its full "
                             "history (in CI: actions/checkout with fetch-depth: 0)"))
        sizes[name] = int(size)
    return sizes


def blobs(entries: list[Entry], top: Path, limit: int = MAX_BYTES) -> dict[str, bytes]:
    """The contents of files at a revision (for a link: the path it leads to), by blob, read by one
    git process. A blob larger than `limit` is left out (its size first, so memory stays bounded):
    no indicator file is that large, and the caller says so."""
    wanted = sorted({e.blob for e in entries})
    if not wanted:
        return {}
    sizes = blob_sizes(wanted, top)
    wanted = [b for b in wanted if sizes.get(b, 0) <= limit]
    if not wanted:
        return {}
    out = git_bytes(["cat-file", "--batch"], top, stdin="".join(f"{b}\n" for b in wanted).encode("ascii"))
    contents, i = {}, 0
    for _wanted in wanted:  # each: "<blob> blob <size>\n<content>\n"
        eol = out.index(b"\n", i)
        name, kind, size = (out[i:eol].decode("ascii").split() + ["", ""])[:3]
        if kind != "blob":
            raise GitError(_("git cat-file: {error}").format(error=out[i:eol].decode("ascii", errors="replace")),
                           _("the repository lacks a file's content: check it (git fsck), or fetch its full "
                             "history (in CI: actions/checkout with fetch-depth: 0)"))
        contents[name] = out[eol + 1:eol + 1 + int(size)]
        i = eol + 1 + int(size) + 1
    return contents


def files_at(rev: str, paths: list[Path], cwd: Path) -> dict[Path, bytes]:
    """The contents at `rev` of those of `paths` that were files there. Paths that did not exist at
    `rev`, were a folder or a link there, or lie outside the repository are left out: they have no
    past. GitError when git fails (a bad revision, a damaged repository); three git processes in all."""
    top = toplevel(cwd)
    wanted: dict[str, Path] = {}
    for path in paths:
        rel = in_repository(path, top)
        if rel is not None:
            wanted[rel] = path
    if not wanted:
        return {}
    folders = sorted({posixpath.dirname(rel) or "." for rel in wanted})
    entries = [e for e in tree_entries(rev, folders, top) if e.path in wanted and not e.is_link]
    contents = blobs(entries, top)
    return {wanted[e.path]: contents[e.blob] for e in entries if e.blob in contents}
