"""`kpi render`: Thai reports of the indicators, as text, Markdown, HTML or PDF, and a static site.

jinja2 and WeasyPrint are imported inside the command only: `kpi validate` never loads them.
"""

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from kpi_cli.cli.root import app
from kpi_cli.core.i18n import _, ngettext
from kpi_cli.cli.common import buddhist_year, Progress, errors_as_messages, examples, fail, use_color


class Format(str, Enum):
    txt = "txt"
    md = "md"
    html = "html"
    pdf = "pdf"


@app.command(
    help=_("Render Thai reports: รายละเอียดตัวชี้วัด of one indicator, an agency summary, the index, or a "
           "whole static site.\n\n"
           "The indicator report has every section of the BMA's indicator page, in its order, with the "
           "quarterly table and a chart of performance against target (HTML and PDF), and kpi's computed "
           "scores beside the official ones."),
    epilog=examples(
        ("kpi render 0406-0772", _("the report as text, in the terminal")),
        ("kpi render 0406-0772 -o 0406-0772.html", _("a standalone HTML page (format from the suffix)")),
        ("kpi render 0406-0772 -f md -o reports/", _("into a folder: reports/0406-0772.md")),
        ("kpi render 0406-0772 -f pdf -o 0406-0772.pdf", _("A4 PDF in Sarabun (needs pip install 'kpi-cli[pdf]')")),
        ("kpi render 0406-0772 -f md --thai-digits", _("Markdown, every figure in Thai digits")),
        ("kpi render --agency 0406 -f html -o สปท.html", _("the agency summary")),
        ("kpi render --all -o site/", _("index, indicator and agency pages; open site/index.html")),
        ("kpi render 0406-0772 --templates my-templates/", _("your indicator.txt replaces the shipped one")),
        note=_("Exit codes: 0 written, 1 errors (invalid indicator, template error, PDF tools missing), "
               "2 usage errors.")),
)
def render(
    code: Optional[str] = typer.Argument(
        None, help=_("The indicator's code (0406-0772) or the path of its file."), show_default=False),
    format: Optional[Format] = typer.Option(
        None, "--format", "-f", show_default=False,
        help=_("txt for the terminal, md, html (standalone page) or pdf (A4). "
               "Default: from the -o suffix, else txt (html with --all).")),
    output: Optional[Path] = typer.Option(  # a str (path_type): its trailing slash says "a folder"
        None, "--output", "-o", show_default=False, path_type=str,
        help=_("The file to write, or a folder (DIR/ or one that exists) to write CODE.EXT into (with --all: the "
               "folder of the site). Never a .yaml file or inside indicators/. Default: standard output.")),
    all_: bool = typer.Option(False, "--all", help=_("Build a static site of every indicator into -o DIR.")),
    agency: Optional[str] = typer.Option(
        None, "--agency", show_default=False, help=_("Render the summary of one agency (its code, 0406).")),
    index: bool = typer.Option(False, "--index", help=_("Render the index of all indicators.")),
    year: Optional[int] = typer.Option(
        None, "--year", show_default=False, callback=buddhist_year,
        help=_("Fiscal year (BE, 2564): which year's file of CODE; with --all, --agency, --index only that "
               "year.")),
    thai_digits: bool = typer.Option(False, "--thai-digits", help=_("Write every figure in Thai digits (๐-๙).")),
    templates: Optional[Path] = typer.Option(
        None, "--templates", show_default=False,
        help=_("A folder of templates that replace the shipped ones by name (indicator.html, _style.css …). "
               "They run in Jinja's sandbox.")),
) -> None:
    from kpi_cli.render.site import SITE_FORMATS

    chosen = [name for name, on in (("CODE", code), ("--all", all_), ("--agency", agency), ("--index", index)) if on]
    if len(chosen) != 1:
        message = _("render one thing at a time, not {options}").format(options=_(" and ").join(chosen)) \
            if chosen else _("nothing to render")
        raise fail(message, fix=_("give a CODE, or --agency AGENCY, or --index, or --all -o DIR"), code=2)
    with errors_as_messages():
        fmt = _pick_format(format, output, all_)
        if all_:
            if output is None:
                raise fail(_("--all needs -o DIR: the folder to write the site into"), code=2)
            if fmt not in SITE_FORMATS:
                raise fail(_("--all builds a site in {formats}, not {format}").format(
                    formats=_(" or ").join(SITE_FORMATS), format=fmt), code=2)
            _render_site(fmt, Path(output), year, thai_digits, templates)
            return
        if fmt == "pdf":
            if output is None and sys.stdout.isatty():
                raise fail(_("a PDF is not for the terminal"), fix=_("name the file: -o report.pdf"), code=2)
            from kpi_cli.render.pdf import check_pdf_ready

            check_pdf_ready()  # before the work, with what to install
        failures: list = []
        text, name, sources = _render_one(fmt, code, agency, year, thai_digits, templates, failures)
        _emit(fmt, text, output, name, sources)
    if failures:
        _report_failures(failures)
        raise typer.Exit(1)


def _pick_format(format: Optional[Format], output: Optional[str], all_: bool) -> str:
    """--format, else html for a site, else the format of -o's extension (an extension no format
    has is refused), else txt."""
    from kpi_cli.render.paths import format_from_suffix

    if format is not None:
        return format.value
    if all_:
        return "html"
    return (format_from_suffix(output) if output is not None else None) or "txt"


def _indicators_root() -> Path:
    from kpi_cli.io.paths import NoIndicators, find_indicators_dir

    root = find_indicators_dir()
    if root is None:
        raise NoIndicators()
    return root


def _renderer(fmt: str, root: Path | None, thai_digits: bool, templates: Optional[Path]):
    from kpi_cli.render.environment import repo_templates_for
    from kpi_cli.render.report import Renderer

    return Renderer(fmt, thai_digits, templates, repo_templates_for(root))


def _render_one(fmt: str, code: Optional[str], agency: Optional[str], year: Optional[int],
                thai_digits: bool, templates: Optional[Path], failures: list) -> tuple[str, str, tuple[Path, ...]]:
    """The text of one report, its name (the code, the agency, 'index') and the files it is made
    from; files that could not be read for a summary go to `failures`."""
    from kpi_cli.render.context import agency_summary, indicator_line, site_index
    from kpi_cli.render.paths import source_name
    from kpi_cli.render.tree import tree_agencies, tree_reports

    if code is not None:
        from kpi_cli.io.repo import find_indicator
        from kpi_cli.check.checked import open_indicator
        from kpi_cli.io.paths import find_catalogue_dir

        path = find_indicator(code, fiscal_year=year)
        opened = open_indicator(path)
        root = find_catalogue_dir(path)
        renderer = _renderer(fmt, root, thai_digits, templates)
        text = renderer.indicator(opened.model, opened.catalogues, source=source_name(path, root))
        return text, opened.model.code, (path, *_catalogue_files(root))
    root = _indicators_root()
    renderer = _renderer(fmt, root, thai_digits, templates)
    out = renderer.output()
    lines = [indicator_line(r) for r in tree_reports(root, out, failures, fiscal_year=year)]
    if agency is not None:
        known = {a.code: a for a in tree_agencies(root, lines, out)}
        if agency not in known:
            import difflib

            close = difflib.get_close_matches(agency, list(known), n=3)
            raise fail(_("no agency '{agency}' in agencies.yaml or in any indicator").format(agency=agency),
                       fix=_("did you mean {names}?").format(names=", ".join(close)) if close
                       else _("see indicators/agencies.yaml"))
        return renderer.render("agency", out, agency=agency_summary(known[agency], lines)), agency, \
            _catalogue_files(root)
    index = site_index(lines, tree_agencies(root, lines, out))
    return renderer.render("index", out, index=index), "index", _catalogue_files(root)


def _catalogue_files(folder: Path | None) -> tuple[Path, ...]:
    from kpi_cli.io.paths import CATALOGUE_NAMES

    return tuple(folder / name for name in CATALOGUE_NAMES) if folder is not None else ()


def _render_site(fmt: str, folder: Path, year: Optional[int], thai_digits: bool, templates: Optional[Path]) -> None:
    from kpi_cli.io.atomic import make_folder
    from kpi_cli.render.paths import site_folder
    from kpi_cli.render.site import site_pages, write_page
    from kpi_cli.render.tree import count_pages

    if folder.exists() and not folder.is_dir():
        raise fail(_("{folder} is a file, not a folder").format(folder=folder),
                   fix=_("name a folder for the site: -o site/"), code=2)
    root = _indicators_root()
    site_folder(folder)
    make_folder(folder)  # before the work: a folder that cannot be made is said at once
    renderer = _renderer(fmt, root, thai_digits, templates)
    failures: list = []
    progress = Progress(_("rendering"), threshold=100)
    written = 0
    progress.start(count_pages(root))
    try:
        for page in site_pages(renderer, root, failures, progress, fiscal_year=year, folder=folder):
            if page.text is not None:
                write_page(folder, page)
            written += 1
    finally:
        progress.stop()
    typer.echo(ngettext("{n} page written to {folder} (open {index})", "{n} pages written to {folder} (open {index})",
                        written).format(n=written, folder=folder, index=folder / f"index.{renderer.output().ext}"),
               err=True)
    if failures:
        _report_failures(failures)
        raise typer.Exit(1)


def _report_failures(failures: list) -> None:
    """Files that could not be rendered: their problems, as `kpi validate` shows them."""
    if not failures:
        return
    from kpi_cli.cli.formats import format_text

    problems = sorted(p for _path, found in failures for p in found)
    sys.stderr.write(format_text(problems, len(failures), color=use_color(sys.stderr)))
    left_out = ngettext("{n} file left out of the reports; run `kpi validate` and correct it",
                        "{n} files left out of the reports; run `kpi validate` and correct them",
                        len(failures)).format(n=len(failures))
    typer.echo(_("error: {message}").format(message=left_out), err=True)


def _emit(fmt: str, text: str, output: Optional[str], name: str, sources: tuple[Path, ...]) -> None:
    """The report to standard output, or to the file -o names (kpi_cli/render/paths.report_file
    says which, and refuses a YAML file, the indicators/ folder, an extension of another format)."""
    from kpi_cli.render.paths import report_file

    target = report_file(output, fmt, name, sources) if output is not None else None
    if fmt == "pdf":
        from kpi_cli.render.pdf import pdf_bytes

        data = pdf_bytes(text, base_url=str((target or Path("report.pdf")).resolve().parent))
    else:
        data = text.encode("utf-8")
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from kpi_cli.io.atomic import write_bytes

    write_bytes(target, data)
    typer.echo(_("written: {path}").format(path=target), err=True)


