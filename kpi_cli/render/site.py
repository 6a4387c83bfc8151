"""`kpi render --all`: the static site of a tree, one page per indicator, one per agency, and
the index, written inside the site's folder only.

Large sites are rendered by :func:`kpi_cli.check.parallel.run` (the engine of `kpi validate` too):
pages the cache of checked files keeps with their index row are copied, the others rendered on
every core, each worker writing its pages itself. Small sites, one core, or not Linux (worker
processes inherit the renderer by fork): one process renders them all.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from kpi_cli.check import cache, parallel
from kpi_cli.check.checked import check, load_catalogues
from kpi_cli.check.rules import load_all
from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Level, Problem
from kpi_cli.io.atomic import CannotWrite, write_bytes, write_chunks
from kpi_cli.io.paths import display_path
from kpi_cli.io.repo import indicator_paths
from kpi_cli.io.source import read
from kpi_cli.render.context import AgencyInfo, Output, indicator_line, indicator_report
from kpi_cli.render.environment import template_name
from kpi_cli.render.errors import RenderError
from kpi_cli.render.paths import forget_folders, indicator_path, site_file, source_name
from kpi_cli.render.report import Renderer
from kpi_cli.render.rows import Rows, SiteIndex, agency_page_summary, line_from_json
from kpi_cli.render.tree import tree_agencies_of_codes, tree_reports_of_files

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
    With `folder`, worker processes write their pages there themselves (their `text` is None),
    and so does this process the index (written as it is rendered: its `text` is None too).
    The rows of the agency pages and of the index wait on disk (:mod:`kpi_cli.render.rows`).
    """
    forget_folders()  # folders are resolved afresh for every site
    deep = renderer.output(site=True, depth=1)
    ext = deep.ext
    with Rows() as rows:
        yield from _indicator_pages(renderer, root, failures, progress, fiscal_year, folder, rows)
        templates = renderer.fingerprint() if rows.count() >= PARALLEL_MIN else None
        codes = rows.agency_codes()
        for agency in tree_agencies_of_codes(root, codes, deep):
            yield _summary_page(renderer, templates, f"agency/{agency.code}.{ext}", "agency", deep,
                                agency=agency_page_summary(rows, agency))
        top = renderer.output(site=True, depth=0)
        yield _index_page(renderer, templates, f"index.{ext}", top, rows,
                          tree_agencies_of_codes(root, codes, top), folder)


# --- the indicators' pages ------------------------------------------------------------------

_WORKER: dict = {}  # what rendering a page needs: set in the parent, inherited by the workers


def _indicator_pages(renderer: Renderer, root: Path, failures: list, progress, fiscal_year: int | None,
                     folder: Path | None, rows: Rows):
    """The page of every valid indicator (its row into `rows`): on every core for large trees."""
    files = indicator_paths(root)  # compact strings: held by the parent (and every worker) for the run
    # workers inherit the renderer by fork; elsewhere (spawn) one process does it all
    if len(files) < PARALLEL_MIN or (os.cpu_count() or 1) < 2 or sys.platform != "linux":
        deep = renderer.output(site=True, depth=1)
        paths, texts = [], []
        for path, report in tree_reports_of_files(root, deep, failures, progress):
            page = indicator_path(report.fiscal_year, report.code, deep.ext)
            rows.add(len(paths), page, report.fiscal_year, indicator_line(report))
            paths.append(path)
            texts.append(renderer.render("indicator", deep, report=report))
        for seq, page in _one_file_per_page(rows, paths, failures, folder, fiscal_year):
            yield Page(page, texts[seq])
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
    texts = {}
    for seq, result in enumerate(results):  # streamed: a failure keeps its problems, a page its row
        if result[0] == "fail":
            failures.append(result[1:3])
        else:
            page = result[1]
            rows.add(seq, page.path, result[3], result[2])
            if page.text is not None:  # no folder: the text travels back (never from the cache)
                texts[seq] = page.text
    for seq, page in _one_file_per_page(rows, files, failures, folder, fiscal_year):
        yield Page(page, texts.pop(seq, None))


def _setup(renderer: Renderer, root: Path, folder: Path | None) -> None:
    """A worker's start: the rules, and the catalogues read afresh."""
    load_all()
    _WORKER.update(renderer=renderer, root=root, folder=folder, catalogues=load_catalogues(root)[0])


def _page(path: Path | str):
    """One indicator's page: ('ok', page, line, fiscal year) or ('fail', path, problems). With a
    folder, the page is written there (its text need not travel back from a worker)."""
    path = Path(path)
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


def _cached_page(path: Path | str):
    """The page of `path` copied from the cache of checked files, or None."""
    path = Path(path)
    return _page_from_cache(path, source_name(path, _WORKER["root"]))[1]


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
        line, fiscal_year = line_from_json(head["line"]), int(head["fy"])
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


def _one_file_per_page(rows: Rows, paths: list, failures: list, folder: Path | None, fiscal_year: int | None):
    """(seq, page) of each rendered file, in the files' order; files that give the same page (one
    code twice in a year: `kpi validate` says code-unique) are failures, and their page is not
    left in the site, whichever of them was written last."""
    for seq, page, claim in rows.claims():
        path = Path(paths[seq])
        others = ", ".join(display_path(Path(paths[s])) for s in claim if s != seq)
        failures.append((path, [Problem(
            display_path(path), 1, 1, "code-unique", Level.error,
            _("{path} and {others} give the same page {page}: neither is rendered").format(
                path=display_path(path), others=others, page=page),
            _("each indicator has one file per year; merge them or correct the code"))]))
        if folder is not None and seq == claim[-1]:
            (folder / page).unlink(missing_ok=True)
    rows.settle(fiscal_year)
    yield from rows.pages()


# --- the agencies' pages and the index ------------------------------------------------------

def _summary_page(renderer: Renderer, templates: str | None, path: str, kind: str, output: Output,
                  **context) -> Page:
    """An agency page, from the cache of checked files when the same rows were rendered with the
    same templates before (large sites only: `templates` is their fingerprint)."""
    key = None
    if templates is not None and cache.active():
        # the rows as their reprs: every field of every (frozen) dataclass, floats exactly
        shown = repr((output, sorted(context.items()))).encode("utf-8", "surrogatepass")
        key = cache.key("site-page", shown, kind, path, templates)
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


def _index_page(renderer: Renderer, templates: str | None, path: str, output: Output, rows: Rows,
                agencies: list[AgencyInfo], folder: Path | None) -> Page:
    """The index: written into `folder` as it is rendered (its text is never whole in memory), or
    copied from the cache of checked files when the same rows were rendered with the same
    templates before (large sites only: `templates` is their fingerprint). Without a folder,
    its text."""
    if folder is None:
        return Page(path, renderer.render("index", output, index=SiteIndex(rows, agencies, output)))
    key = None
    if templates is not None and cache.active():
        key = cache.key("site-index", rows.digest(output, agencies), path, templates)
        found = cache.body_chunks(key)
        if found is not None and found[0].get("path") == path:
            try:
                write_chunks(site_file(folder, path), found[1], keep_same=True, in_place=False)
                return Page(path, None)
            except cache.Damaged:
                pass  # as if it had never been kept: rendered again
    target = site_file(folder, path)
    written = hashlib.sha256()

    def hashed(chunks):
        for chunk in chunks:
            written.update(chunk)
            yield chunk

    write_chunks(target, hashed(renderer.render_chunks("index", output, index=SiteIndex(rows, agencies, output))),
                 keep_same=True, in_place=False)
    if key is not None:  # kept from the file, if it still holds what was rendered
        cache.put_file(key, {"path": path}, target, written.hexdigest())
    return Page(path, None)
