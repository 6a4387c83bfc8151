"""The cache of checked files: writing entries must never raise.

conftest.py gives every test its own empty cache (KPI_CACHE_DIR).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_cli.check import cache
from kpi_cli.cli import app
from kpi_cli.check.pipeline import validate

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "indicators" / "2564" / "0406-0772.yaml"


def _tree_with_undecodable_name(tmp_path: Path) -> Path:
    root = tmp_path / "indicators"
    shutil.copytree(REPO / "indicators", root)
    name = os.fsdecode(b"\xff.yaml")  # not UTF-8: Python names it with a lone surrogate ('\udcff.yaml')
    try:
        shutil.copy(SEED, root / "2564" / name)
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses file names that are not UTF-8")
    return root


def test_a_file_name_that_is_not_utf8_does_not_crash_the_cache(tmp_path, monkeypatch):
    """A file whose name is not UTF-8 (common on shares written by Windows tools in TIS-620) gets
    a `code-filename` problem whose message holds the name, with a lone surrogate. `cache.put`
    serialises the head with `ensure_ascii=False`, and sqlite3 cannot encode the surrogate:
    `cache.flush()` raises UnicodeEncodeError (not sqlite3.Error, so it is not caught), and
    `kpi validate` ends with a traceback, leaving the connection inside `begin immediate`.

    Correct: the cache costs time, never an error: the same problems as with KPI_NO_CACHE=1,
    and no exception from flush (e.g. json.dumps with ensure_ascii=True, and catch
    UnicodeError/ValueError in flush with a rollback)."""
    root = _tree_with_undecodable_name(tmp_path)
    monkeypatch.setenv("KPI_NO_CACHE", "1")
    expected = [str(p) for p in validate([root]).problems]
    monkeypatch.delenv("KPI_NO_CACHE")
    got = [str(p) for p in validate([root]).problems]  # validate() flushes the cache itself
    cache.flush()
    assert got == expected
    assert [str(p) for p in validate([root]).problems] == expected


def test_kpi_validate_with_a_file_name_that_is_not_utf8_prints_its_problems(tmp_path, monkeypatch):
    """The same through the command: `kpi validate` must print the problems and exit 1, not
    end in a UnicodeEncodeError traceback from cache.flush()."""
    root = _tree_with_undecodable_name(tmp_path)
    monkeypatch.chdir(root.parent)
    result = CliRunner().invoke(app, ["validate", "indicators"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    assert "code-filename" in result.output
