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
from kpi_cli.cli.common import buddhist_year, errors_as_messages, examples, fail, use_color
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


PAGE_SUFFIXES = (".txt", ".html", ".htm")  # what `kpi import DIR` takes from a folder


def _pages(paths: List[Path]) -> List[Path]:
    """The pages to import: files as given, and for a folder the .txt, .html and .htm files under
    it (hidden folders and files left out), in order."""
    out: List[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES and p.is_file()
                          and not p.is_symlink() and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            out.append(path)
    return out


def _captured(value: Optional[str]):
    if value is None:
        return None
    from kpi_cli.core.stages import BadDate, parse_date

    try:
        return parse_date(value, "--captured")
    except BadDate as exc:
        raise typer.BadParameter(str(exc)) from None


@app.command(
    "import",
    help=_("Import BMA indicator pages (รายละเอียดตัวชี้วัด), saved as text or as HTML, as indicator files.\n\n"
           "Every field of the page is kept; dated events, letters, an appeal and the innovation project's "
           "stages are read from the quarter reports where the text says so. What is concluded rather than read "
           "is listed under `inferred:` in the file and reported here. The file is checked as `kpi validate` "
           "would before it is written, and an existing file is never replaced without --force: another copy of "
           "the page is recorded under its `sources:`, with the official figures it prints otherwise. An agency "
           "agencies.yaml lacks is added to it as a stub to check (--strict refuses the page instead)."),
    epilog=examples(
        ("kpi import page.txt", _("writes indicators/<year>/<code>.yaml")),
        ("kpi import pages/", _("every .txt, .html and .htm page under the folder, with a summary")),
        ("kpi import page.html --captured 2021-10-05", _("a page saved from the browser; the day it was saved")),
        ("kpi import page.txt --dry-run | less", _("see the file first; write nothing")),
        ("kpi import page.txt --add-strategies", _("also add the page's new strategies to strategies.yaml")),
        ("kpi import page.txt --force", _("replace the file imported before")),
        note=_("Save a page as text (select all, copy, paste into a text editor, save as UTF-8) or with the browser's "
               "Save page as (docs/import.md).\n\n"
               "Exit codes: 0 all pages imported, 1 a page refused (nothing written for it; the others are), "
               "2 usage errors.")),
)
def import_pages(
    pages: List[Path] = typer.Argument(..., exists=True, readable=True, show_default=False,
                                       help=_("Pages saved as text (.txt) or HTML (.html), or folders of them.")),
    year: Optional[int] = typer.Option(None, "--year", callback=buddhist_year, show_default=False,
                                       help=_("Fiscal year (ปีงบประมาณ, พ.ศ.), e.g. 2564. Default: from the "
                                              "page (its title, ปีงบประมาณ พ.ศ. …, or its dates).")),
    force: bool = Force,
    dry_run: bool = DryRun,
    output: Optional[Path] = Output,
    add_strategies: bool = typer.Option(False, "--add-strategies",
                                        help=_("Add the strategies the page supports that strategies.yaml "
                                               "lacks, with the page's labels. Without it such a page is "
                                               "refused.")),
    strict: bool = typer.Option(False, "--strict",
                                help=_("Refuse a page whose agency is not in agencies.yaml (instead of adding it "
                                       "as a stub), and a copy whose official figures differ from the file's.")),
    source_url: Optional[str] = typer.Option(None, "--source-url", show_default=False,
                                             help=_("The page's address, recorded under `sources:`. Default: the "
                                                    "address a saved HTML page records, if any.")),
    captured: Optional[str] = typer.Option(None, "--captured", show_default=False,
                                           help=_("The day the page was saved, YYYY-MM-DD (Common Era), recorded "
                                                  "under `sources:`. Default: the file's modification day "
                                                  "(listed as inferred).")),
) -> None:
    from kpi_cli.cli.common import Progress

    day = _captured(captured)
    files = _pages(pages)
    if not files:
        raise fail(_("no .txt, .html or .htm pages under {paths}").format(
            paths=", ".join(_show(p) for p in pages)), code=2)
    many = len(files) > 1
    with errors_as_messages():
        root, catalogues = _root(output)
    worst = 0
    tally = {"imported": 0, "recorded": 0, "warned": 0}
    refused: list[tuple[Path, str]] = []
    progress = Progress(_("importing"), threshold=2)
    progress.start(len(files))
    try:
        for page in files:
            why: list[str] = []
            try:
                with errors_as_messages():
                    done = _attempt(why, page, root, catalogues, year=year, force=force, dry_run=dry_run,
                                    add_strategies=add_strategies, strict=strict, address=source_url,
                                    captured=day, display=_show)
            except typer.Exit as exc:
                typer.echo("  " + _("(page: {page})").format(page=_show(page)), err=True)
                worst = max(worst, exc.exit_code)
                refused.append((page, why[0] if why else ""))
                continue
            finally:
                progress.advance()
            if done.merged:
                _report_copy(done, dry_run)
                tally["recorded"] += 1
                tally["warned"] += bool(done.differences)
            else:
                if dry_run:
                    sys.stdout.write(("---\n" if many else "") + done.text)
                _report(done, sys.stderr if dry_run else sys.stdout)
                _warnings(done.warnings)
                tally["imported"] += 1
                tally["warned"] += bool(done.warnings or done.added_agency)
            if done.added_strategies or done.added_agency:
                catalogues = _root(output)[1]  # the next pages see the added entries
    finally:
        progress.stop()
    if many:
        _summary(len(files), tally, refused, dry_run)
    raise typer.Exit(worst)


def _attempt(why: list, page: Path, *args, **kwargs):
    """import_file, with the message of a refusal kept in `why` for the summary."""
    from kpi_cli.core.problems import KpiError
    from kpi_cli.write.pages import import_file

    try:
        return import_file(page, *args, **kwargs)
    except KpiError as exc:
        why.append(str(exc))
        raise


def _summary(total: int, tally: dict, refused: list, dry_run: bool) -> None:
    lines = [_("summary: {total} pages: {imported} imported, {recorded} recorded as another copy, {refused} "
               "refused, {warned} with warnings").format(total=total, refused=len(refused), **tally)
             + (" " + _("(dry run: nothing written)") if dry_run else "")]
    lines += ["  " + _("refused: {page}: {why}").format(page=_show(page), why=why) for page, why in refused]
    typer.echo("\n".join(lines), err=bool(dry_run))


def _report_copy(done, dry_run: bool) -> None:
    """Another copy of a page whose indicator has a file: what was recorded, and the differences."""
    from kpi_cli.core.escape import for_terminal

    if done.already:
        line = _("{path}: this copy of {page} is recorded already (same SHA-256); nothing to do").format(
            path=done.display, page=_show(done.page))
        typer.echo(for_terminal(line))
        return
    said = _("{path} exists: recorded {page} as another copy under `sources:`") if not dry_run else \
        _("{path} exists: would record {page} as another copy under `sources:`")
    lines = [said.format(path=done.display, page=_show(done.page))]
    if done.differences:
        lines.append("  " + _("warning: this copy prints {n} official figure(s) otherwise than the file; the file's "
                              "are kept:").format(n=len(done.differences)))
        lines += ["    " + _("{path}: this copy {copy}, the file {file}").format(
            path=d["path"], copy=d["this_copy"] or "-", file=d["file"] or "-") for d in done.differences]
    else:
        lines.append("  " + _("its official figures agree with the file's"))
    sys.stdout.write("\n".join(for_terminal(line, keep="") for line in lines) + "\n")
    if dry_run and done.diff:
        sys.stdout.write(done.diff)


def _report(done, stream) -> None:
    from kpi_cli.core.escape import for_terminal

    imp = done.imported
    said = _("wrote {path} from {page}") if done.written else _("would write {path} from {page}")
    lines = [said.format(path=done.display, page=_show(done.page))]
    if done.added_agency:
        a = done.added_agency
        said = _("warning: agency {code} is not in agencies.yaml; added it as a stub to check: {name} ({abbr}), "
                 "{kind}") if done.written else \
            _("warning: agency {code} is not in agencies.yaml; would add it as a stub to check: {name} ({abbr}), "
              "{kind}")
        lines.append("  " + said.format(code=a["code"], name=a["name"], abbr=a["abbr"], kind=a["kind"]))
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
    year: Optional[int] = typer.Option(None, "--year", callback=buddhist_year, show_default=False,
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
