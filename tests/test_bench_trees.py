"""The benchmark's trees are what a real repository holds: every generated file passes `kpi
validate` without a problem (a warning in every third file would have the benchmark time the
reporting of problems, as it once did: the agencies' weights did not sum to 100)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from typer.testing import CliRunner

from kpi_cli.cli import app

REPO = Path(__file__).resolve().parent.parent


def test_generated_trees_have_nothing_to_report(tmp_path, monkeypatch):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    root = generate(300, tmp_path / "tree")  # every agency in 2564, four of them with several indicators
    monkeypatch.setenv("KPI_NO_CACHE", "1")
    done = CliRunner().invoke(app, ["validate", str(root), "--format", "json"])
    report = json.loads(done.stdout)
    assert done.exit_code == 0, done.output
    assert (report["errors"], report["warnings"]) == (0, 0), report["problems"][:3]
    assert report["files"] == 302  # and the two catalogues
