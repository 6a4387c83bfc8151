"""kpi's version is written in one place (kpi_cli/__init__.py), the one pyproject.toml, `kpi --version`,
the CHANGELOG and `kpi init`'s kpi.toml use; the wheel ships every file `kpi init` needs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from kpi_cli import __version__
from kpi_cli.cli import app
from kpi_cli.write.repository import STARTER, plan, source

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kpi_cli"


def test_the_version_is_written_once():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "kpi_cli.__version__"}
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", __version__)
    assert CliRunner().invoke(app, ["--version"]).stdout == f"kpi {__version__}\n"


def test_the_changelog_starts_with_this_version():
    headings = re.findall(r"^## (\S+)$", (ROOT / "CHANGELOG.md").read_text("utf-8"), re.M)
    assert headings[0] == __version__ and "0.1.0" in headings


def test_kpi_init_pins_this_version():
    files = plan(source())
    assert f'version = "{__version__}"' in files["kpi.toml"]
    assert f'"kpi-cli=={__version__}"' in files[".pre-commit-config.yaml"]


def test_the_wheel_ships_what_kpi_init_needs():
    """pyproject.toml's package-data takes every file of kpi_cli/data (schema, kpi init's starter files),
    the templates and the translations: a plain `pip install .` can run `kpi init` (.ci/run runs it)."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    shipped = {p for pattern in patterns["kpi_cli"] for p in PACKAGE.glob(pattern) if p.is_file()}
    needed = [p for folder in ("data", "locale") for p in (PACKAGE / folder).rglob("*") if p.is_file()]
    assert STARTER.is_dir() and any(p.parent == STARTER for p in needed)
    for path in needed:
        assert path in shipped, f"{path.relative_to(ROOT)} is not package data"
        assert not any(part.startswith(".") for part in path.relative_to(PACKAGE).parts), path  # glob skips them
