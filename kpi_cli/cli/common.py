"""CLI commands, one module per group. Shared helpers for them live here."""

import os
import sys
from contextlib import contextmanager

import typer

from kpi_cli.core.i18n import _


def examples(*lines: str | tuple[str, str], note: str | None = None) -> str:
    """A command's epilog: its example command lines (with a comment, as `(line, _("comment"))`) and a
    translated note. Only the words are in the catalog, never the commands."""
    width = max((len(line[0]) for line in lines if isinstance(line, tuple) and len(line[0]) <= 40), default=0)
    shown = [f"  {line[0]:<{width}}  # {line[1]}" if isinstance(line, tuple) else f"  {line}" for line in lines]
    head = _("Examples:") if len(lines) > 1 else _("Example:")
    return "\n\n".join([head, *shown] + ([note] if note else []))


def fail(message: str, *, fix: str | None = None, code: int = 1) -> typer.Exit:
    """Print an error (and its fix) to stderr, control characters from files made visible, and
    return the Exit to raise."""
    from kpi_cli.core.escape import for_terminal

    typer.echo(for_terminal(_("error: {message}").format(message=message)), err=True)
    if fix:
        typer.echo(for_terminal(_("  fix: {fix}").format(fix=fix)), err=True)
    return typer.Exit(code)


def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def terminal_width(default: int = 80) -> int:
    """The terminal's columns as rich measured them: $COLUMNS, else the size of the terminal on
    standard input, output or error, else `default` (80)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns):
        return int(columns)
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or default
        except (OSError, ValueError):
            continue
    return default


def show_progress() -> bool:
    """A progress bar on stderr for long runs on a terminal; none in CI or when piped."""
    return sys.stderr.isatty() and not os.environ.get("CI")


class Progress:
    """A rich progress bar behind the small interface the core calls (start, advance)."""

    def __init__(self, label: str, threshold: int = 200):
        self.label = label
        self.threshold = threshold
        self._bar = None
        self._task = None

    def start(self, total: int) -> None:
        if total < self.threshold or not show_progress():
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as _P, TimeRemainingColumn
        from rich.console import Console

        self._bar = _P("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                       TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=total)

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


@contextmanager
def errors_as_messages():
    """Turn the core's errors (KpiError and subclasses) into a message, its fix and an exit code.

    An invalid indicator prints its problems as `kpi validate` would.
    """
    from kpi_cli.core.problems import KpiError

    try:
        yield
    except KpiError as exc:
        problems = getattr(exc, "problems", None)
        if problems:
            from kpi_cli.cli.formats import format_text

            sys.stderr.write(format_text(problems, 1, color=use_color(sys.stderr)))
        raise fail(str(exc), fix=exc.fix, code=exc.exit_code)


def complete_code(incomplete: str) -> list[str]:
    """Shell completion of indicator codes from the repository's indicators/ folder."""
    try:
        from kpi_cli.io.repo import all_codes
        from kpi_cli.io.paths import find_indicators_dir

        root = find_indicators_dir()
        return [c for c in all_codes(root) if c.startswith(incomplete)] if root else []
    except Exception:  # noqa: BLE001 - completion must never print a traceback into the shell
        return []


def buddhist_year(value: int | None) -> int | None:
    """A --year option: a fiscal year in the Buddhist Era (2564). A Common-Era year (2021) is a
    usage error that says which year was meant."""
    from kpi_cli.core.thai import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN

    if value is None or FISCAL_YEAR_MIN <= value <= FISCAL_YEAR_MAX:
        return value
    if 1900 <= value <= 2200:
        raise typer.BadParameter(_("{year} is a Common-Era year; fiscal years are Buddhist Era (พ.ศ.): "
                                   "write {be}").format(year=value, be=value + 543))
    raise typer.BadParameter(_("{year} is not a fiscal year kpi keeps: fiscal years are Buddhist Era (พ.ศ.) "
                               "from {first} to {last}, e.g. 2564").format(year=value, first=FISCAL_YEAR_MIN,
                                                                           last=FISCAL_YEAR_MAX))
