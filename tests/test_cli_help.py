"""Every command is documented: help text, examples, and a mention in the README."""

from pathlib import Path

import typer
from typer.testing import CliRunner

from kpi_cli.cli import app

REPO = Path(__file__).parent.parent


def _commands(group, prefix=""):
    for name, cmd in sorted(group.commands.items()):
        yield f"{prefix}{name}", cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, f"{prefix}{name} ")


def test_every_command_has_help_and_examples():
    root = typer.main.get_command(app)
    runner = CliRunner()
    for name, cmd in _commands(root):
        assert (cmd.help or "").strip(), f"`kpi {name}` has no help text"
        if hasattr(cmd, "commands"):
            continue
        out = runner.invoke(app, [*name.split(), "--help"]).output
        assert "kpi " + name.split()[0] in out, f"`kpi {name} --help` shows no example"


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    for name, _cmd in _commands(root):
        if " " not in name:
            assert f"kpi {name}" in readme, f"`kpi {name}` is not in the README"
