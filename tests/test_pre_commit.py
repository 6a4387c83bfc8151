"""The real pre-commit, in a repository made by `kpi init`: a commit that edits a catalogue so that
an indicator loses its agency is refused, a good one is accepted.

The hook is the one `kpi init` wrote (its id, the files it passes, pass_filenames, require_serial),
run as a `language: system` hook with the kpi under test (`python -m kpi_cli validate`, this
checkout first on PYTHONPATH): the written hook installs kpi-cli from the package index, which
would test the published kpi, need the network, and take a minute.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from kpi_process import environment, git, kpi

pytest.importorskip("pre_commit", reason="pre-commit is in the test extra: pip install '.[test]'")


@pytest.fixture
def repo(tmp_path) -> tuple[Path, dict]:
    env = environment(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    repo = tmp_path / "data"
    assert kpi("init", str(repo), cwd=tmp_path, env=env).returncode == 0
    config_path = repo / ".pre-commit-config.yaml"
    config = yaml.safe_load(config_path.read_text("utf-8"))
    hook = config["repos"][0]["hooks"][0]
    assert hook["id"] == "kpi-validate" and hook["entry"] == "kpi validate"
    hook.pop("additional_dependencies")
    hook.update(language="system", entry=f"{sys.executable} -m kpi_cli validate")
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert git("init", "-q", cwd=repo, env=env).returncode == 0
    for code in ("0406-0001", "0406-0002"):
        assert kpi("new", code, "--kind", "percent", cwd=repo, env=env).returncode == 0
    installed = _run([sys.executable, "-m", "pre_commit", "install"], repo, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert git("add", "-A", cwd=repo, env=env).returncode == 0
    first = git("commit", "-q", "-m", "a repository of indicators", cwd=repo, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    return repo, env


def _run(args, cwd, env):
    import subprocess

    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _head(repo: Path, env: dict) -> str:
    return git("rev-parse", "HEAD", cwd=repo, env=env).stdout.strip()


def test_a_catalogue_edit_that_orphans_indicators_is_refused(repo):
    repo, env = repo
    agencies = repo / "indicators" / "agencies.yaml"
    before = _head(repo, env)
    agencies.write_text(agencies.read_text("utf-8").replace('code: "0406"', 'code: "0407"'), encoding="utf-8")
    git("add", "indicators/agencies.yaml", cwd=repo, env=env)
    refused = git("commit", "-m", "renumber an agency", cwd=repo, env=env)
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0, out
    assert _head(repo, env) == before
    for code in ("0406-0001", "0406-0002"):  # files the commit did not touch, broken by it
        assert f"{code}.yaml:" in out
    assert out.count("[agency-unknown]") == 2 and "kpi validate" in out


def test_a_good_catalogue_edit_is_accepted(repo):
    repo, env = repo
    agencies = repo / "indicators" / "agencies.yaml"
    before = _head(repo, env)
    agencies.write_text(agencies.read_text("utf-8") + (
        '  - code: "0407"\n'
        "    name: สำนักงานตัวอย่าง\n"
        "    abbr: สตย.\n"
        "    kind: department\n"), encoding="utf-8")
    git("add", "indicators/agencies.yaml", cwd=repo, env=env)
    accepted = git("commit", "-m", "a new agency", cwd=repo, env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "kpi validate" in accepted.stdout + accepted.stderr and _head(repo, env) != before
