"""The cache of checked files: the catalogues' part of an indicator's key.

conftest.py gives every test its own empty cache (KPI_CACHE_DIR).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kpi_cli.check.pipeline import validate

REPO = Path(__file__).resolve().parent.parent


def _rules(result) -> list[tuple[str, str]]:
    return sorted((p.path, p.rule) for p in result.problems)


def test_an_unreadable_catalogue_does_not_freeze_the_other_catalogue_out_of_the_key(tmp_path, monkeypatch):
    """When one catalogue cannot be read (here agencies.yaml is a folder; a file without read
    permission does the same for a non-root user), checked.load_catalogues gives up on the key
    (`raws = None`) and sets `catalogues.key = ""`. strategies.yaml is still read and used by the
    rules (strategy-unknown), but its bytes are no longer in any indicator's key: after
    strategies.yaml gains the missing strategy, the cache still reports `strategy-unknown`
    (and every repository with an unreadable catalogue shares the same "" key).

    Correct: the same problems as without the cache. Either key the catalogues on what could be
    read (the readable file's bytes, and the error of the other), or do not cache the files of a
    folder whose catalogues could not be read."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "indicators"
    shutil.copytree(REPO / "indicators", root)
    (root / "agencies.yaml").unlink()
    (root / "agencies.yaml").mkdir()  # unreadable as a file
    seed = root / "2564" / "0406-0772.yaml"
    seed.write_text(seed.read_text("utf-8").replace('- "7.5.1.1"', '- "9.9.9.9"'), "utf-8")
    first = validate([root])
    assert ("indicators/2564/0406-0772.yaml", "strategy-unknown") in _rules(first)

    strategies = root / "strategies.yaml"
    strategies.write_text(strategies.read_text("utf-8") + "".join(
        f'  - code: "{c}"\n    label: x\n' for c in ("9", "9.9", "9.9.9", "9.9.9.9")), "utf-8")
    monkeypatch.setenv("KPI_NO_CACHE", "1")
    expected = _rules(validate([root]))
    monkeypatch.delenv("KPI_NO_CACHE")
    assert ("indicators/2564/0406-0772.yaml", "strategy-unknown") not in expected
    assert _rules(validate([root])) == expected
