"""What kpi prints for machines: every JSON output starts with `version` and `kind`; GitHub
annotations name files relative to the repository's top, wherever kpi runs in it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from kpi_process import ROOT, environment, git, kpi


@pytest.mark.parametrize("args, kind", [
    (["validate", "--format", "json"], "validation"),
    (["score", "0406-0772", "--format", "json"], "indicator"),
    (["score", "--agency", "0406", "--quarter", "4", "--format", "json"], "agency"),
    (["score", "--all", "--quarter", "4", "--format", "json"], "all"),
    (["status", "0406-0772", "--format", "json"], "status"),
    (["diff", "HEAD", "--format", "json"], "diff"),
])
def test_every_json_output_has_a_version_and_a_kind(args, kind):
    done = kpi(*args, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert list(doc)[:2] == ["version", "kind"] and doc["version"] == 1 and doc["kind"] == kind


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of the shipped indicators with one mistake, in a git repository."""
    shutil.copytree(ROOT / "indicators", tmp_path / "indicators")
    seed = tmp_path / "indicators" / "2564" / "0406-0772.yaml"
    seed.write_text(seed.read_text("utf-8").replace('agency: "0406"', "agency: 0406"), encoding="utf-8")
    return tmp_path


def _annotated_files(done) -> set[str]:
    """The files with an error annotation (the shipped examples also carry agency-weights warnings)."""
    return {line.split("file=", 1)[1].split(",", 1)[0] for line in done.stdout.splitlines()
            if line.startswith("::error")}


@pytest.mark.parametrize("where", [".", "indicators", "indicators/2564"])
@pytest.mark.parametrize("in_git", [True, False])
def test_annotations_name_files_from_the_repositorys_top(repo, where, in_git):
    if in_git:
        assert git("init", "-q", cwd=repo).returncode == 0
    done = kpi("validate", "--format", "github", cwd=repo / where)
    assert done.returncode == 1
    assert _annotated_files(done) == {"indicators/2564/0406-0772.yaml"}, done.stdout
    text = kpi("validate", "--format", "text", cwd=repo / where)  # people see paths from where they are
    shown = os.path.relpath(repo / "indicators" / "2564" / "0406-0772.yaml", repo / where)
    assert f"\n{shown}:10:9: error [implicit-type]" in "\n" + text.stdout, text.stdout


def test_annotations_inside_github_actions_by_default(repo):
    done = kpi("validate", cwd=repo / "indicators" / "2564", env=environment(GITHUB_ACTIONS="true"))
    assert _annotated_files(done) == {"indicators/2564/0406-0772.yaml"}
