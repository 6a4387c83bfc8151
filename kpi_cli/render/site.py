"""`kpi render --all`: the static site of a tree, one page per indicator, one per agency, and
the index, written inside the site's folder only.

Large sites are rendered by :func:`kpi_cli.check.parallel.run` (the engine of `kpi validate` too):
pages the cache of checked files keeps with their index row are copied, the others rendered on
every core, each worker writing its pages itself. Small sites, one core, or not Linux (worker
processes inherit the renderer by fork): one process renders them all.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Iterator

from kpi_cli.check import cache, parallel
from kpi_cli.check.checked import check, load_catalogues
from kpi_cli.check.rules import load_all
from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Level, Problem
from kpi_cli.io.atomic import CannotWrite, write_bytes
from kpi_cli.io.paths import display_path
from kpi_cli.io.repo import indicator_files
from kpi_cli.io.source import read
from kpi_cli.render.context import (AgencyInfo, Href, IndicatorLine, Output, agency_summary, indicator_line,
                                    indicator_report, site_index)
from kpi_cli.render.environment import template_name
from kpi_cli.render.errors import RenderError
from kpi_cli.render.paths import forget_folders, indicator_path, site_file, source_name
from kpi_cli.render.report import Renderer
from kpi_cli.render.tree import tree_agencies, tree_reports_of_files

SITE_FORMATS = ("html", "md")
PARALLEL_MIN = 200  # below this, starting worker processes costs more than it saves


@dataclass
class Page:
    path: str       # relative to the site root, with / separators
    text: str | None  # None once a worker has written it


def write_page(folder: Path, page: Page) -> None:
    """Write one page of the site into `folder`, never outside it; a page that has not changed
    since the last rendering is left as it was (its modification time too)."""
    _write_site_file(folder, page.path, page.text.encode("utf-8"))


def _write_site_file(folder: Path, path: str, data: bytes) -> None:
    """The bytes of the page `path` into the site's `folder`: a regular file inside it, never
    anything else (a FIFO would hang the site), rewritten only when they changed."""
    write_bytes(site_file(folder, path), data, keep_same=True, in_place=False)


def site_pages(renderer: Renderer, root: Path, failures: list, progress=None,
               fiscal_year: int | None = None, folder: Path | None = None) -> Iterator[Page]:
    """The static site of the tree: one page per indicator, one per agency, and the index.

    Pages use relative links only and no external assets, so the site works from file://.
    With `folder`, worker processes write their pages there themselves (their `text` is None).
    """
    forget_folders()  # folders are resolved afresh for every site
    deep = renderer.output(site=True, depth=1)
    ext = deep.ext
    lines: list[IndicatorLine] = []
    for page, line in _indicator_pages(renderer, root, failures, progress, fiscal_year, folder):
        lines.append(line)
        yield page
    templates = renderer.fingerprint() if len(lines) >= PARALLEL_MIN else None
    for agency in tree_agencies(root, lines, deep):
        yield _summary_page(renderer, templates, f"agency/{agency.code}.{ext}", "agency", deep,
                            agency=agency_summary(agency, lines))
    top = renderer.output(site=True, depth=0)
    top_lines = [_rebase(ln, top) for ln in lines]
    yield _summary_page(renderer, templates, f"index.{ext}", "index", top,
                        index=site_index(top_lines, tree_agencies(root, lines, top)))


# --- the indicators' pages ------------------------------------------------------------------

_WORKER: dict = {}  # what rendering a page needs: set in the parent, inherited by the workers


def _indicator_pages(renderer: Renderer, root: Path, failures: list, progress, fiscal_year: int | None,
                     folder: Path | None):
    """(page, line) of every valid indicator: on every core for large trees."""
    files = indicator_files(root)
    # workers inherit the renderer by fork; elsewhere (spawn) one process does it all
    if len(files) < PARALLEL_MIN or (os.cpu_count() or 1) < 2 or sys.platform != "linux":
        deep = renderer.output(site=True, depth=1)
        done = [(path, ("ok", Page(indicator_path(report.fiscal_year, report.code, deep.ext),
                                   renderer.render("indicator", deep, report=report)),
                        indicator_line(report), report.fiscal_year))
                for path, report in tree_reports_of_files(root, deep, failures, progress)]
        yield from _one_file_per_page(done, failures, folder, fiscal_year)
        return
    catalogues, cat_problems = load_catalogues(root)
    if any(p.level is Level.error for p in cat_problems):
        failures.append((root, cat_problems))
    for kind in ("indicator", "agency", "index"):  # compiled once, here, rather than in every worker
        renderer.env.get_template(template_name(kind, renderer.fmt))
    _WORKER.update(renderer=renderer, root=root, folder=folder, catalogues=catalogues,
                   templates=renderer.fingerprint())
    results = parallel.run(_page, files, jobs=parallel.jobs(None, len(files), PARALLEL_MIN),
                           parallel_min=PARALLEL_MIN, probe=_cached_page, setup=_setup,
                           setup_args=(renderer, root, folder), progress=progress, chunk_max=32)
    done = []
    for path, result in zip(files, results):  # streamed: a failure keeps its problems, a page its row
        if result[0] == "fail":
            failures.append(result[1:3])
        else:
            done.append((path, result))
    yield from _one_file_per_page(done, failures, folder, fiscal_year)


def _setup(renderer: Renderer, root: Path, folder: Path | None) -> None:
    """A worker's start: the rules, and the catalogues read afresh."""
    load_all()
    _WORKER.update(renderer=renderer, root=root, folder=folder, catalogues=load_catalogues(root)[0])


def _page(path: Path):
    """One indicator's page: ('ok', page, line, fiscal year) or ('fail', path, problems). With a
    folder, the page is written there (its text need not travel back from a worker)."""
    renderer, root = _WORKER["renderer"], _WORKER["root"]
    source = source_name(path, root)
    page_key, done, raw = _page_from_cache(path, source)
    if done is not None:
        return done
    problems, _summary, model, _raw = check(path, _WORKER["catalogues"], display_path(path), want_model=True,
                                            raw=raw)
    if model is None or any(p.level is Level.error for p in problems):
        return "fail", path, sorted(problems)
    deep = renderer.output(site=True, depth=1)
    report = indicator_report(model, _WORKER["catalogues"], source=source, output=deep)
    page = Page(indicator_path(report.fiscal_year, report.code, deep.ext), renderer.render("indicator", deep, report=report))
    line = indicator_line(report)
    if _WORKER["folder"] is not None:
        data = page.text.encode("utf-8")
        _write_site_file(_WORKER["folder"], page.path, data)
        if page_key is not None:
            cache.put(page_key, {"path": page.path, "fy": report.fiscal_year, "line": asdict(line)}, data)
        page = Page(page.path, None)
    return "ok", page, line, report.fiscal_year


def _cached_page(path: Path):
    """The page of `path` copied from the cache of checked files, or None."""
    return _page_from_cache(path, source_name(path, _WORKER["root"]))[1]


def _line_from_json(data: dict) -> IndicatorLine:
    agency = dict(data["agency"])
    agency["href"] = None if agency["href"] is None else Href(agency["href"])
    return IndicatorLine(**{**data, "agency": AgencyInfo(**agency),
                            "href": None if data["href"] is None else Href(data["href"])})


def _page_from_cache(path: Path, source: str):
    """A page rendered before from the same bytes, catalogues, templates and kpi (the cache of
    checked files keeps it with the file's row of the index): (page key, result or None, the
    file's bytes, read once for the checks too)."""
    if not cache.active() or _WORKER["folder"] is None:
        return None, None, None
    raw, _early = read(path)
    if raw is None:
        return None, None, None
    cats = _WORKER["catalogues"]
    if cats is not None and not cats.key:  # catalogues that could not all be read: nothing kept
        return None, None, raw
    key = cache.key("page", raw, source, path.name, path.parent.name, cats.key if cats is not None else "-",
                    _WORKER["templates"])
    hit = cache.get(key, model=True)
    if hit is None or hit[1] is None:
        return key, None, raw
    try:
        head, body = hit
        line, fiscal_year = _line_from_json(head["line"]), int(head["fy"])
        ext = _WORKER["renderer"].output(site=True, depth=1).ext
        # the page a valid file gives is named by its code (its file's name) and fiscal year:
        # an entry that says otherwise is damaged, and a miss
        if line.code != path.stem or head["path"] != indicator_path(fiscal_year, line.code, ext):
            return key, None, raw
        page = Page(head["path"], None)
        _write_site_file(_WORKER["folder"], page.path, body)
        return key, ("ok", page, line, fiscal_year), raw
    except (KeyError, TypeError, ValueError, AttributeError, RenderError, CannotWrite):
        return key, None, raw


def _one_file_per_page(done: list, failures: list, folder: Path | None, fiscal_year: int | None):
    """(page, line) of each rendered file, in the files' order; files that give the same page (one
    code twice in a year: `kpi validate` says code-unique) are failures, and their page is not
    left in the site, whichever of them was written last."""
    by_page: dict[str, list] = {}
    for path, result in done:
        by_page.setdefault(result[1].path, []).append(path)
    for path, result in done:
        page, line, year = result[1], result[2], result[3]
        claim = by_page[page.path]
        if len(claim) > 1:
            others = ", ".join(display_path(p) for p in claim if p != path)
            failures.append((path, [Problem(
                display_path(path), 1, 1, "code-unique", Level.error,
                _("{path} and {others} give the same page {page}: neither is rendered").format(
                    path=display_path(path), others=others, page=page.path),
                _("each indicator has one file per year; merge them or correct the code"))]))
            if folder is not None and path == claim[-1]:
                (folder / page.path).unlink(missing_ok=True)
            continue
        if fiscal_year is None or year == fiscal_year:
            yield page, line


# --- the agencies' pages and the index ------------------------------------------------------

def _summary_page(renderer: Renderer, templates: str | None, path: str, kind: str, output: Output,
                  **context) -> Page:
    """An agency page or the index, from the cache of checked files when the same rows were
    rendered with the same templates before (large sites only: `templates` is their fingerprint)."""
    key = None
    if templates is not None and cache.active():
        # the rows as their reprs: every field of every (frozen) dataclass, floats exactly
        rows = repr((output, sorted(context.items()))).encode("utf-8", "surrogatepass")
        key = cache.key("site-page", rows, kind, path, templates)
        hit = cache.get(key, model=True)
        if hit is not None and hit[1] is not None:
            try:
                return Page(path, hit[1].decode("utf-8"))
            except UnicodeDecodeError:
                pass
    text = renderer.render(kind, output, **context)
    if key is not None:
        cache.put(key, {"path": path}, text.encode("utf-8"))
    return Page(path, text)


def _rebase(line: IndicatorLine, output: Output) -> IndicatorLine:
    """The same row with links as seen from `output`'s page."""
    return replace(line, href=output.href(indicator_path(line.fiscal_year, line.code, output.ext)),
                   agency=replace(line.agency, href=output.href(f"agency/{line.agency.code}.{output.ext}")))
