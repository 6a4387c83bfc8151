"""`kpi import`, `kpi new`: move the BMA's existing pages in, start new indicators.

Each command parses its arguments, calls the core (kpi_cli.importer reads a page,
kpi_cli.write.scaffold lays out, validates and writes the file) and says what happened.
"""

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from kpi_cli.cli.root import app
from kpi_cli.core.i18n import _
from kpi_cli.cli.common import errors_as_messages, examples, use_color
from kpi_cli.scoring.registry import KINDS

Output = typer.Option(None, "--output", "-o", file_okay=False,
                      help=_("The indicators/ folder to write into (files go to DIR/<year>/<code>.yaml). "
                             "Default: the indicators/ folder of this repository."), show_default=False)
Force = typer.Option(False, "--force", help=_("Replace a file that exists already."))
DryRun = typer.Option(False, "--dry-run", help=_("Print the file instead of writing it; write nothing."))


def _root(output: Optional[Path]):
    from kpi_cli.write.scaffold import target

    return target(output)


def _show(path: Path) -> str:
    from kpi_cli.io.paths import display_path

    return display_path(path)


def _warnings(problems) -> None:
    if problems:
        from kpi_cli.cli.formats import format_text

        sys.stderr.write(format_text(problems, 1, color=use_color(sys.stderr)))


@app.command(
    "import",
    help=_("Import the text of BMA indicator pages (รายละเอียดตัวชี้วัด) as indicator files.\n\n"
           "Every field of the page is kept; dated events, letters, an appeal and the innovation project's "
           "stages are read from the quarter reports where the text says so. What is concluded rather than read "
           "is listed under `inferred:` in the file and reported here. The file is checked as `kpi validate` "
           "would before it is written, and an existing file is never replaced without --force."),
    epilog=examples(
        ("kpi import page.txt", _("writes indicators/<year>/<code>.yaml")),
        ("kpi import pages/*.txt --year 2564", _("many pages; the year when a page has no dates")),
        ("kpi import page.txt --dry-run | less", _("see the file first; write nothing")),
        ("kpi import page.txt --add-strategies", _("also add the page's new strategies to strategies.yaml")),
        ("kpi import page.txt --force", _("replace the file imported before")),
        note=_("Save a page as text: open รายละเอียดตัวชี้วัด in the browser, select all, copy, paste into a text "
               "editor and save as UTF-8 (docs/import.md).\n\n"
               "Exit codes: 0 all pages imported, 1 a page refused (nothing written for it), 2 usage errors.")),
)
def import_pages(
    pages: List[Path] = typer.Argument(..., exists=True, dir_okay=False, readable=True, show_default=False,
                                       help=_("Text of one or more รายละเอียดตัวชี้วัด pages (.txt).")),
    year: Optional[int] = typer.Option(None, "--year", min=2400, max=2700, show_default=False,
                                       help=_("Fiscal year (ปีงบประมาณ, พ.ศ.), e.g. 2564. Default: from the "
                                              "page's text (ปีงบประมาณ พ.ศ. …, or its dates).")),
    force: bool = Force,
    dry_run: bool = DryRun,
    output: Optional[Path] = Output,
    add_strategies: bool = typer.Option(False, "--add-strategies",
                                        help=_("Add the strategies the page supports that strategies.yaml "
                                               "lacks, with the page's labels. Without it such a page is "
                                               "refused.")),
) -> None:
    from kpi_cli.write.scaffold import import_file

    with errors_as_messages():
        root, catalogues = _root(output)
    worst = 0
    for i, page in enumerate(pages):
        try:
            with errors_as_messages():
                done = import_file(page, root, catalogues, year=year, force=force, dry_run=dry_run,
                                   add_strategies=add_strategies, display=_show)
        except typer.Exit as exc:
            typer.echo("  " + _("(page: {page})").format(page=_show(page)), err=True)
            worst = max(worst, exc.exit_code)
            continue
        if dry_run:
            sys.stdout.write(("---\n" if len(pages) > 1 else "") + done.text)
        _report(done, sys.stderr if dry_run else sys.stdout)
        _warnings(done.warnings)
        if done.added_strategies:
            catalogues = _root(output)[1]  # the next pages see the added strategies
    raise typer.Exit(worst)


def _report(done, stream) -> None:
    from kpi_cli.core.escape import for_terminal

    imp = done.imported
    said = _("wrote {path} from {page}") if done.written else _("would write {path} from {page}")
    lines = [said.format(path=done.display, page=_show(done.page))]
    if imp.read:
        lines.append("  " + _("read: {what}").format(what="; ".join(imp.read)))
    for s in done.added_strategies:
        said = _("added strategy {code} to strategies.yaml: {label}") if done.written else \
            _("would add strategy {code} to strategies.yaml: {label}")
        lines.append("  " + said.format(code=s["code"], label=s["label"]))
    reasons = imp.reasons
    if reasons:
        lines.append("  " + _("inferred ({n}, listed under `inferred:` in the file):").format(n=len(reasons)))
        lines += [f"    {path}: {why}" for path, why in reasons.items()]
    if imp.notes:
        lines.append("  " + _("notes:"))
        lines += [f"    {note}" for note in imp.notes]
    stream.write("\n".join(for_terminal(line, keep="") for line in lines) + "\n")  # text from the page


# the kinds of the registry; its KINDS are names only, so `kpi --help` loads no method and no pydantic
Kind = Enum("Kind", {k: k for k in KINDS}, type=str)


@app.command(
    "new",
    help=_("Start a new indicator file: every field explained in Thai and English, valid as it is.\n\n"
           "Fill in the fields (or, for the innovation indicator, record them with `kpi idea add`, `kpi propose`, …) "
           "and run `kpi validate`."),
    epilog=examples(
        ("kpi new 0406-0773 --kind innovation", _("this fiscal year, agency from the code")),
        'kpi new 5001-0320 --agency 5001 --kind percent --year 2565 --title "ร้อยละของเรื่องร้องเรียน…"',
        ("kpi new 0100-0101 --kind levels --dry-run", _("print it; write nothing")),
        note=_("Kinds: innovation (the five stages, stage points), percent (ร้อยละ, จำนวน, ต้น … against the "
               "quarter's target), levels (ระดับ 1-5 with thresholds), composite (คะแนนรวม = ส่วนที่ 1 + 2 + 3)."
               "\n\nExit codes: 0 written, 1 refused (the file exists), 2 usage errors.")),
)
def new(
    code: str = typer.Argument(..., show_default=False, help=_("The indicator's code, AAAA-NNNN, e.g. 0406-0773.")),
    kind: Kind = typer.Option(..., "--kind", "-k", show_default=False,
                              help=_("What the indicator measures and how it is scored: innovation, percent, "
                                     "levels or composite.")),
    agency: Optional[str] = typer.Option(None, "--agency", "-a", show_default=False,
                                         help=_("Agency code (หน่วยงาน) from agencies.yaml. Default: the code's "
                                                "first four digits.")),
    year: Optional[int] = typer.Option(None, "--year", min=2400, max=2700, show_default=False,
                                       help=_("Fiscal year (ปีงบประมาณ, พ.ศ.). Default: the current one.")),
    title: Optional[str] = typer.Option(None, "--title", show_default=False,
                                        help=_("The indicator's title (ชื่อตัวชี้วัด).")),
    force: bool = Force,
    dry_run: bool = DryRun,
    output: Optional[Path] = Output,
) -> None:
    from kpi_cli.write.scaffold import new_file

    with errors_as_messages():
        root, catalogues = _root(output)
        done = new_file(code, kind.value, root, catalogues, agency=agency, year=year, title=title,
                        force=force, dry_run=dry_run, display=_show)
    if dry_run:
        sys.stdout.write(done.text)
        typer.echo(_("would write {path}").format(path=done.display), err=True)
    else:
        typer.echo(_("wrote {path}: fill it in, then run `kpi validate {path}`").format(path=done.display))
    _warnings(done.warnings)
