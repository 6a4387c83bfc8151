"""The little of git that kpi needs: revisions, changed files, a file at a revision."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .i18n import _
from .problems import KpiError


class GitError(KpiError):
    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.fix = fix or _("run kpi inside a git repository and name a revision that exists (git log --oneline)")


def git(args: list[str], cwd: Path, *, check: bool = True) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise GitError(_("git is not installed"), _("install git")) from exc
    if check and proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or [_("git failed")])[0]
        raise GitError(_("git {command}: {error}").format(command=" ".join(args[:2]), error=first))
    return proc.stdout


def toplevel(cwd: Path) -> Path:
    return Path(git(["rev-parse", "--show-toplevel"], cwd).strip())


def is_revision(rev: str, cwd: Path) -> bool:
    try:
        git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
        return True
    except GitError:
        return False


def main_branch(cwd: Path) -> str:
    """The branch pull requests go into: origin's HEAD, else main, else master."""
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
        names = git(["diff", "--name-only", "--diff-filter=d", base, "--"], top).splitlines()
        names += git(["ls-files", "--others", "--exclude-standard"], top).splitlines()
    else:
        names = git(["diff", "--name-only", "--diff-filter=d", base, head, "--"], top).splitlines()
    return sorted({(top / n) for n in names if n})


def show(rev: str, path: Path, cwd: Path) -> str | None:
    """The text of `path` at `rev`, or None when it did not exist there."""
    top = toplevel(cwd)
    rel = path.resolve().relative_to(top.resolve()).as_posix()
    proc = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=top, capture_output=True, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", errors="replace")


def list_files(rev: str, folder: Path, cwd: Path) -> list[str]:
    """Paths (relative to the top) of the files under `folder` at `rev`."""
    top = toplevel(cwd)
    rel = folder.resolve().relative_to(top.resolve()).as_posix()
    return git(["ls-tree", "-r", "--name-only", rev, "--", rel], top).splitlines()
