"""Formatters: the same list of problems as text, JSON or GitHub annotations.

`FORMATTERS` is the list of choices of `--format`. Each formatter returns a string; the CLI
decides where it goes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

from kpi_cli.core.escape import for_terminal
from kpi_cli.core.i18n import _, ngettext
from kpi_cli.core.problems import Level, Problem


def summary_line(problems: list[Problem], files: int) -> str:
    errors = sum(1 for p in problems if p.level is Level.error)
    warnings = len(problems) - errors
    checked = ngettext("{n} file checked", "{n} files checked", files).format(n=files)
    if not problems:
        return _("{checked}: no problems").format(checked=checked)
    return _("{checked}: {errors}, {warnings}").format(
        checked=checked, errors=ngettext("{n} error", "{n} errors", errors).format(n=errors),
        warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings))


def level_name(level: Level) -> str:
    """'error' or 'warning', in the user's language (JSON keeps the English values)."""
    return _("error") if level is Level.error else _("warning")


def format_text(problems: list[Problem], files: int, *, color: bool = False, **_options) -> str:
    """path:line:column: level [rule] message, then the fix indented: one line each, whatever the
    file holds (a key with a newline shows \\n, an escape sequence \\x1b)."""
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    def shown(text: str) -> str:
        return for_terminal(text, keep="")

    lines = []
    for p in problems:
        level = paint(level_name(p.level), "1;31" if p.level is Level.error else "1;33")
        lines.append(f"{paint(shown(f'{p.path}:{p.line}:{p.column}'), '1')}: {level} [{shown(p.rule)}] "
                     f"{shown(p.message)}")
        if p.fix:
            lines.append(f"    {paint(_('fix:'), '36')} {shown(p.fix)}")
    lines.append(summary_line(problems, files))
    return "\n".join(lines) + "\n"


def format_json(problems: list[Problem], files: int, **_options) -> str:
    errors = sum(1 for p in problems if p.level is Level.error)
    doc = {
        "version": 1,
        "kind": "validation",
        "files": files,
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": [p.to_dict() for p in problems],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(problems: list[Problem], files: int, *, root: Path | None = None, **_options) -> str:
    """GitHub Actions workflow commands: annotations on the offending lines. GitHub attaches an
    annotation to a path relative to the repository's top: `root`, when given, is that folder, and
    the problems' paths (relative to the current folder) are rewritten relative to it."""
    here = Path.cwd().resolve() if root is not None else None
    lines = []
    for p in problems:
        kind = "error" if p.level is Level.error else "warning"
        message = for_terminal(p.message + (_(" — fix: {fix}").format(fix=p.fix) if p.fix else ""), keep="")
        path = p.path if root is None else _relative_to(p.path, here, root.resolve())
        lines.append(f"::{kind} file={_gh_escape(path, True)},line={p.line},col={p.column},"
                     f"title={_gh_escape(p.rule, True)}::{_gh_escape(message)}")
    lines.append(summary_line(problems, files))
    return "\n".join(lines) + "\n"


def _relative_to(shown: str, here: Path, root: Path) -> str:
    """A path shown relative to the folder `here`, as a path relative to `root` (with /); as it
    was when it lies outside `root`."""
    where = os.path.normpath(os.path.join(here, shown))
    relative = os.path.relpath(where, root)
    return shown if relative == os.pardir or relative.startswith(os.pardir + os.sep) else Path(relative).as_posix()


FORMATTERS: dict[str, Callable[..., str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
}


def pick_format(name: str) -> str:
    """`auto` is github inside GitHub Actions, text elsewhere."""
    if name == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return name
