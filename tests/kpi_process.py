"""Running kpi as its users do, in a process of its own: `python -m kpi_cli` with this checkout first
on PYTHONPATH (the `kpi` on PATH may be another install), and git with an identity of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def environment(**extra: str) -> dict[str, str]:
    """os.environ with this checkout's kpi first on PYTHONPATH, English messages, no colours, a git
    identity, and `extra`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "KPI_LANG": "en", "NO_COLOR": "1", "GIT_AUTHOR_NAME": "kpi tests", "GIT_AUTHOR_EMAIL": "kpi@example.org",
           "GIT_COMMITTER_NAME": "kpi tests", "GIT_COMMITTER_EMAIL": "kpi@example.org"}
    env.pop("GITHUB_ACTIONS", None)  # --format auto stays text
    env.update(extra)
    return env


def kpi(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`kpi ARGS` in `cwd`, from this checkout; its output as text."""
    return subprocess.run([sys.executable, "-m", "kpi_cli", *args], cwd=cwd, env=env or environment(),
                          capture_output=True, text=True, timeout=120)


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, env=env or environment(), capture_output=True, text=True,
                          timeout=120)
