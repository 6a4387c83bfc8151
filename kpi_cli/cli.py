"""The `kpi` command line. Each command: parse arguments -> call the core -> format -> exit code.

Commands live in kpi_cli/commands/, one module per group, and import the heavy parts (pydantic,
jinja2, rich tables, ruamel.yaml) inside their bodies, so `kpi --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Optional

import typer

from . import __version__
from .i18n import _, set_language, use_command_line

# Help texts are translated when the command modules are imported: choose the language first.
use_command_line(sys.argv[1:])

app = typer.Typer(
    name="kpi",
    help=_(
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


class Lang(str, Enum):
    en = "en"
    th = "th"


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help=_("Show the version and exit.")),
    lang: Optional[Lang] = typer.Option(
        None, "--lang", case_sensitive=False, show_default=False,
        help=_("Language of messages and help: en or th (ภาษาไทย). Default: KPI_LANG, else the locale "
               "(LANG=th_TH.UTF-8 is Thai), else English.")),
) -> None:
    """kpi: indicators as code."""
    # cli.py read --lang before the help texts; this is for `app([...])` in-process, where one call's
    # choice must not carry over to the next
    set_language(lang.value if lang is not None else None)


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
        sys.stderr.write(_("interrupted") + "\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
