"""The `kpi` command line. Each command: parse arguments -> call the core -> format -> exit code.

`root` holds the typer app; each command group is one module here (validate, stages, score,
render, review, onboard, init) that registers on it when imported. Commands import the heavy parts
(pydantic, jinja2, rich's progress bar, ruamel.yaml) inside their bodies, so `kpi --help` stays fast.
"""

import sys

from kpi_cli.cli.root import app
from kpi_cli.cli import validate as _validate_cmds  # noqa: F401  (registers commands)
from kpi_cli.cli import stages as _stage_cmds  # noqa: F401
from kpi_cli.cli import corrections as _correction_cmds  # noqa: F401
from kpi_cli.cli import score as _score_cmds  # noqa: F401
from kpi_cli.cli import render as _render_cmds  # noqa: F401
from kpi_cli.cli import review as _review_cmds  # noqa: F401
from kpi_cli.cli import onboard as _onboard_cmds  # noqa: F401
from kpi_cli.cli import init as _init_cmds  # noqa: F401
from kpi_cli.core.i18n import _

__all__ = ["app", "main"]


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write(_("interrupted") + "\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
