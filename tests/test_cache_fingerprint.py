"""cache.fingerprint(): kpi's own code must be in every key.

conftest.py gives every test its own empty cache (KPI_CACHE_DIR).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kpi_cli"


def _fingerprint(where: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(where), "KPI_LANG": "en"}
    out = subprocess.run([sys.executable, "-c", "from kpi_cli.check import cache; print(cache.fingerprint())"],
                         env=env, cwd=where, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _install(where: Path) -> Path:
    """A copy of kpi as Nix, Guix or a reproducible build installs it: every file dated 1970-01-01."""
    target = where / "kpi_cli"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in [target, *target.rglob("*")]:
        os.utime(path, (1, 1))
    return target


def test_a_changed_rule_of_the_same_size_changes_the_fingerprint(tmp_path):
    """The fingerprint names kpi's modules by (name, size, mtime), and `__version__` is a constant
    (0.1.0). Where installers fix every file's time (Nix and Guix store paths are dated 1, and
    reproducible builds clamp to SOURCE_DATE_EPOCH), two builds of kpi whose rules differ by a
    character ('<' for '>', '2500' for '2600') have the same fingerprint: the second one is
    served the first one's verdicts from the cache (reproduced: a changed message of the same
    length is not seen; KPI_NO_CACHE=1 shows the new one). Conversely, on CI every `pip install .`
    writes new times, so the same code never meets its own entries and the cache the workflow
    keeps with actions/cache is never hit.

    Correct: the fingerprint follows the code's content (hash the bytes of the .py, .json and .mo
    files: a few hundred KB, about a millisecond; or a hash written at build time)."""
    first = _install(tmp_path / "a")
    before = _fingerprint(first.parent)
    second = _install(tmp_path / "b")
    codes = second / "check" / "rules" / "codes.py"
    text = codes.read_text("utf-8")
    old = "FISCAL_YEAR_MIN <= fy <= FISCAL_YEAR_MAX"
    assert old in text
    codes.write_text(text.replace(old, old.replace("<=", "< ", 1)), "utf-8")  # same size
    os.utime(codes, (1, 1))
    assert _fingerprint(second.parent) != before
