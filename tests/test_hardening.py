"""Hardening: a killed write leaves the old file, codes cannot reach outside indicators/,
and hostile YAML is refused quickly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.io.repo import UnknownIndicator, find_indicator
from kpi_cli.check.pipeline import validate

REPO = Path(__file__).parent.parent
SEED = REPO / "indicators" / "2564" / "0406-0772.yaml"

# Run the CLI in a child whose fsync announces itself and then hangs: the parent kills it there,
# in the middle of writing the temporary file.
CHILD = r"""
import os, sys, time
from pathlib import Path
marker = Path(sys.argv[1])
real_fsync = os.fsync
def slow_fsync(fd):
    marker.write_text("writing")
    time.sleep(60)
os.fsync = slow_fsync
from kpi_cli.cli import main
sys.argv = ["kpi", "idea", "add", "0406-0772", "ความคิดเห็นใหม่", "--date", "2020-11-20"]
main()
"""


@pytest.fixture
def tree(tmp_path, monkeypatch):
    root = tmp_path / "indicators"
    (root / "2564").mkdir(parents=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(REPO / "indicators" / name, root)
    shutil.copy(SEED, root / "2564")
    monkeypatch.chdir(tmp_path)
    return root


def test_killing_a_write_midway_leaves_the_old_file_intact(tree, tmp_path):
    target = tree / "2564" / "0406-0772.yaml"
    before = target.read_bytes()
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(marker)], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the child ended before it started writing"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert target.read_bytes() == before
    leftovers = [p.name for p in target.parent.iterdir() if p.name != target.name]
    assert all(name.endswith(".tmp") for name in leftovers)  # never a half-written .yaml
    # the temporary file is not taken for an indicator (the seed alone: its agency's weight is partial)
    assert [p.rule for p in validate([tree]).problems] == ["agency-weights"]
    # the kernel released the dead writer's lock: the next write goes through
    result = CliRunner().invoke(app, ["idea", "add", "0406-0772", "ความคิดเห็นใหม่", "--date", "2020-11-20"])
    assert result.exit_code == 0, result.output
    assert "ความคิดเห็นใหม่" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("code", ["../../etc/passwd", "2564/../../x", "/etc/passwd", "0406-0772/../x", "..", "*"])
def test_codes_cannot_reach_outside_the_indicators_folder(tree, code):
    with pytest.raises(UnknownIndicator):
        find_indicator(code, tree)


def test_cli_refuses_a_path_like_code(tree):
    result = CliRunner().invoke(app, ["score", "../../etc/passwd", "--quarter", "1"])
    assert result.exit_code == 1
    assert "no indicator" in result.output and "Traceback" not in result.output


def test_a_symlinked_indicator_pointing_outside_is_not_opened_by_code(tree, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    shutil.copy(SEED, outside)
    (tree / "2565").mkdir()
    (tree / "2565" / "0406-0772.yaml").symlink_to(outside)
    assert find_indicator("0406-0772", tree).parent.name == "2564"


def test_alias_bomb_is_refused_without_expanding(tmp_path):
    bomb = "a: &a [" + ",".join(['"lol"'] * 10) + "]\n"
    prev = "a"
    for name in "bcdefghijkl":  # 10^12 values if expanded
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"
        prev = name
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb)
    (problem,) = validate([path]).problems
    assert problem.rule == "alias-bomb"


def test_deep_nesting_is_refused_without_recursing(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 200_000 + "]" * 200_000)  # would overflow the C stack of the composer
    (problem,) = validate([path]).problems
    assert problem.rule == "nesting-too-deep"
