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


def test_the_jinja_baseline_renders_the_pages_kpi_renders(tmp_path, monkeypatch):
    """bench/jinja_site.py, fed the contexts bench/run.py pickles, writes the same site as
    `kpi render --all`, byte for byte: the benchmark compares kpi with Jinja doing the same work."""
    import filecmp

    sys.path.insert(0, str(REPO / "bench"))
    try:
        import jinja_site
        import run
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    root = generate(40, tmp_path / "tree")
    monkeypatch.setenv("KPI_NO_CACHE", "1")
    shards = run.Bench(work=tmp_path, repeat=1).contexts(root, 40)
    pages = sum(jinja_site.render_all(tmp_path / "jinja", shard) for shard in shards)
    monkeypatch.chdir(root.parent)
    done = CliRunner().invoke(app, ["render", "--all", "-o", str(tmp_path / "kpi")])
    assert done.exit_code == 0, done.output

    def differences(cmp: filecmp.dircmp, at: str = "") -> list[str]:
        found = [at + name for name in cmp.left_only + cmp.right_only + cmp.diff_files]
        for name, sub in cmp.subdirs.items():
            found += differences(sub, f"{at}{name}/")
        return found

    assert pages > 40  # the indicators, their agencies and the index
    assert differences(filecmp.dircmp(tmp_path / "jinja", tmp_path / "kpi", ignore=[])) == []
