"""`kpi diff`: what a change does to stages and scores, for reviewers of pull requests."""

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from kpi_cli.cli.root import app
from kpi_cli.core.i18n import _
from kpi_cli.cli.common import errors_as_messages, examples, terminal_width, use_color


class DiffFormat(str, Enum):
    table = "table"
    md = "md"
    json = "json"


@app.command(
    "diff",
    help=_("Show what a change does to the indicators: new and removed ones, stages advanced, "
           "performance and scores per quarter, amendments recorded, narrative text edited."),
    epilog=examples(("kpi diff", _("this branch's changes, against main")),
                    'kpi diff origin/main --format md >> "$GITHUB_STEP_SUMMARY"',
                    "kpi diff v2564-q3 v2564-q4 --format json"))
def diff_cmd(
    base: Optional[str] = typer.Argument(None, help=_("Git revision to compare from. Default: the merge-base "
                                                       "of HEAD with the main branch.")),
    head: Optional[str] = typer.Argument(None, help=_("Git revision to compare to. Default: the working tree.")),
    format: DiffFormat = typer.Option(DiffFormat.table, "--format", "-f",
                                      help=_("table for the terminal, md for pull-request comments and job "
                                             "summaries, json for machines.")),
) -> None:
    from kpi_cli.check.diff import diff, head_name, lines_of, status_name, to_markdown
    from kpi_cli.io.git import default_base

    with errors_as_messages():
        cwd = Path.cwd()
        report = diff(base or default_base(cwd), head, cwd)
    if format is DiffFormat.json:  # every JSON output of kpi starts with its version and kind
        doc = report.to_dict()
        doc = {"version": doc.pop("version"), "kind": "diff", **doc}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    if format is DiffFormat.md:
        sys.stdout.write(to_markdown(report))
        return
    from kpi_cli.render.textgrid import Printer, Table

    out = Printer(terminal_width(), color=use_color())
    if not report.indicators:
        out.line(_("No indicator changed between {base} and {head}.").format(base=report.base[:12],
                                                                             head=head_name(report.head)))
        return
    table = Table(title=f"kpi diff: {report.base[:12]} → {head_name(report.head)}", show_lines=True)
    table.add_column(_("indicator"), no_wrap=True, overflow="ellipsis")  # rich's way: long words cut with "…"
    for header in ("ปี", _("status"), _("changes")):
        table.add_column(header, overflow="ellipsis")
    for d in report.indicators:
        table.add_row(f"{d.code}\n{d.title[:40]}", str(d.fiscal_year), status_name(d.status), "\n".join(lines_of(d)))
    out.table(table)
