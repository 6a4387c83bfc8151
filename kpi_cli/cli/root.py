"""The `kpi` application: the typer app and its root options (--lang, --no-cache, --version).

Command modules (kpi_cli/cli/<group>.py) register on `app`; kpi_cli/cli/__init__.py imports
them. The command modules (and kpi_cli/core/model.py) do not use `from __future__ import
annotations`: typer and pydantic would evaluate every annotation string at start-up.
"""

import sys
from enum import Enum
from typing import Optional

import typer

from kpi_cli import __version__
from kpi_cli.cli.usage import install as install_usage_words
from kpi_cli.core.i18n import _, set_language, use_command_line

# Help texts are translated when the command modules are imported: choose the language first.
use_command_line(sys.argv[1:])
install_usage_words()  # usage errors and typer's help texts in kpi's words (kpi_cli/cli/usage.py)

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
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help=_("Show the version and exit.")),
    lang: Optional[Lang] = typer.Option(
        None, "--lang", case_sensitive=False, show_default=False,
        help=_("Language of messages and help: en or th (ภาษาไทย). Default: KPI_LANG, else the locale "
               "(LANG=th_TH.UTF-8 is Thai), else English.")),
    no_cache: bool = typer.Option(
        False, "--no-cache",
        help=_("Check every file again instead of using the cache of checked files (as KPI_NO_CACHE=1 does); "
               "see `kpi cache`.")),
) -> None:
    """kpi: indicators as code."""
    from kpi_cli.check import cache

    # cli.py read --lang before the help texts; this is for `app([...])` in-process, where one call's
    # choice must not carry over to the next
    set_language(lang.value if lang is not None else None)
    if no_cache:
        cache.disable()
    else:
        cache.enable()
    ctx.call_on_close(cache.flush)  # what the command learned, written once it is done


