"""The `kpi` command line. Each command: parse arguments -> call the core -> format -> exit code.

Commands live in kpi_cli/commands/, one module per group, and import the heavy parts (pydantic,
jinja2, rich tables, ruamel.yaml) inside their bodies, so `kpi --help` stays fast.
"""

from __future__ import annotations

import os
import sys

import typer

from . import __version__

app = typer.Typer(
    name="kpi",
    help=(
        "Keep Bangkok's performance indicators (ตัวชี้วัด) as YAML files in git: validate them, "
        "move the innovation project through its five stages, compute quarterly scores and render "
        "Thai reports.\n\n"
        "Examples:\n\n"
        "  kpi validate\n\n"
        "  kpi score 0406-0772 --quarter 4\n\n"
        "  kpi status 0406-0772"
    ),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kpi {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """kpi: indicators as code."""


from .commands import validate as _validate_cmds  # noqa: E402,F401  (registers commands)
from .commands import stages as _stage_cmds  # noqa: E402,F401
from .commands import score as _score_cmds  # noqa: E402,F401
from .commands import render as _render_cmds  # noqa: E402,F401
from .commands import review as _review_cmds  # noqa: E402,F401
from .commands import onboard as _onboard_cmds  # noqa: E402,F401


def main() -> None:
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
