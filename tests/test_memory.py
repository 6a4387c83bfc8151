"""Memory that does not grow with the tree: checking a file, or rendering its page, leaves no
reference cycle behind, so every document is freed by its reference count as soon as it is done
with, and the collector (on, as everywhere in kpi) has nothing to find. A cycle on the per-file
path would keep every document alive until a collection: tens of kilobytes a file."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

import pytest

from kpi_cli.check import cache, parallel, pipeline
from kpi_cli.check.checked import check, load_catalogues
from kpi_cli.check.check import check_loaded
from kpi_cli.check.rules import load_all
from kpi_cli.io.loader import load

REPO = Path(__file__).resolve().parent.parent
FILES = sorted([*(REPO / "indicators").glob("*/*.yaml"), *(REPO / "tests" / "fixtures" / "invalid").glob("*.yaml")])
VALID = sorted((REPO / "indicators").glob("*/*.yaml"))


@pytest.fixture(scope="module")
def catalogues():
    load_all()
    return load_catalogues(REPO / "indicators")[0]


@contextmanager
def no_cycle_left(what: str):
    """Fails if the block leaves objects that only the garbage collector can free."""
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        yield
        assert gc.collect() == 0, f"{what} left objects that only the garbage collector frees"
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_checking_a_file_leaves_no_cycle_behind(path, catalogues):
    check_loaded(load(path), catalogues, path.name)  # first: imports, caches, registries
    with no_cycle_left(f"checking {path.name}"):
        for _ in range(2):
            problems, summary, model = check_loaded(load(path), catalogues, path.name)
            del problems, summary, model


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_per_file_path_of_validate_leaves_no_cycle_behind(path, cached, catalogues, monkeypatch):
    """What a worker of `kpi validate` does with each file: read it, ask the cache, check it,
    remember what it found."""
    if not cached:
        monkeypatch.setenv("KPI_NO_CACHE", "1")
    catalogues_of = {str(path.parent): catalogues}
    pipeline._check_item(catalogues_of, str(path))
    cache.take_pending()
    with no_cycle_left(f"validating {path.name}"):
        for _ in range(2):
            pipeline._check_item(catalogues_of, str(path))
            cache.take_pending()


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_rendering_a_page_of_the_site_leaves_no_cycle_behind(path, catalogues, tmp_path):
    """What a worker of `kpi render --all` does with each file: check it, build its report,
    render the page, write it, remember it."""
    from kpi_cli.render import site
    from kpi_cli.render.report import Renderer

    renderer = Renderer("html")
    site._WORKER.update(renderer=renderer, root=REPO / "indicators", folder=tmp_path, catalogues=catalogues,
                        templates=renderer.fingerprint())
    try:
        site._page(path)
        cache.take_pending()
        with no_cycle_left(f"rendering the page of {path.name}"):
            for _ in range(2):
                result = site._page(path)
                del result
                cache.take_pending()
        check(path, catalogues, want_model=True)  # the cache's model of the file, rebuilt: no cycle either
        with no_cycle_left(f"rebuilding {path.name} from the cache"):
            got = check(path, catalogues, want_model=True)
            del got
    finally:
        site._WORKER.clear()


def test_the_collector_stays_on_while_files_are_worked_on():
    """A policy that cannot keep documents: the collector is on during the work (in the parent
    and, by inheritance, in the workers), so even a cycle some day left on the per-file path would
    be freed, not kept for the whole run."""
    seen = []
    results = parallel.run(lambda item: seen.append(gc.isenabled()) or item, range(3), jobs=1, parallel_min=10)
    assert list(results) == [0, 1, 2] and seen == [True, True, True]
    assert gc.isenabled() and not gc.get_freeze_count()


def test_results_are_streamed_not_gathered():
    """The caller gets each result as soon as it is done: the work of the next item has not
    started when the first result is handed over."""
    started = []
    results = parallel.run(lambda item: started.append(item) or item, range(5), jobs=1, parallel_min=10)
    assert next(results) == 0 and started == [0]
    assert list(results) == [1, 2, 3, 4]


def _site_rows(n: int):
    """`n` rows of a site (one shipped indicator's row under n codes of 50 agencies), on disk."""
    from dataclasses import replace

    from kpi_cli.render.context import indicator_line
    from kpi_cli.render.rows import Rows
    from kpi_cli.render.tree import tree_reports

    line = indicator_line(next(tree_reports(REPO / "indicators", _RENDERER.output(site=True, depth=1), [])))
    rows = Rows()
    for i in range(n):
        agency = replace(line.agency, code=f"{5000 + i % 50}")
        rows.add(i, f"2564/{agency.code}-{i:04d}.html", 2564 + i % 3,
                 replace(line, code=f"{agency.code}-{i:04d}", fiscal_year=2564 + i % 3, agency=agency,
                         sequence=i % 7 or None, weight=float(i % 5)))
    rows.settle(None)
    return rows


_RENDERER = None


def _memory_of_a_site(n: int) -> tuple[int, int]:
    """(bytes this process holds for `n` rows of a site once they are all in; the most it holds
    above that while the index is rendered and written out chunk by chunk)."""
    import tracemalloc

    from kpi_cli.render.rows import SiteIndex
    from kpi_cli.render.tree import tree_agencies_of_codes

    top = _RENDERER.output(site=True, depth=0)
    gc.collect()
    tracemalloc.start()
    try:
        rows = _site_rows(n)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        agencies = tree_agencies_of_codes(REPO / "indicators", rows.agency_codes(), top)
        written = sum(len(chunk) for chunk in _RENDERER.render_chunks("index", top,
                                                                      index=SiteIndex(rows, agencies, top)))
        peak = tracemalloc.get_traced_memory()[1] - held
        rows.close()
    finally:
        tracemalloc.stop()
    assert written > n * 500  # every row is in the index
    return held, peak


def test_the_rows_of_a_site_wait_on_disk_and_its_index_is_never_whole_in_memory():
    """`kpi render --all` keeps a row per indicator for the agency pages and the index: on disk
    (kpi_cli/render/rows.py), so what the parent holds does not grow with the site, and the index
    is written out as it is rendered (include, not a macro, for its long tables): ten times the
    rows, about the same memory (a few dozen bytes a row at most: one year's totals are summed
    from a list of three numbers a row)."""
    global _RENDERER
    from kpi_cli.render.report import Renderer

    _RENDERER = Renderer("html")
    load_all()
    _memory_of_a_site(50)  # first: imports, templates, caches
    held_small, peak_small = _memory_of_a_site(300)
    held_large, peak_large = _memory_of_a_site(3000)
    assert held_large - held_small < 2700 * 20, (held_small, held_large)
    assert peak_large - peak_small < 2700 * 50, (peak_small, peak_large)


def test_hits_of_the_cache_are_handed_over_as_they_are_found():
    """With workers, the parent asks the cache about each item first: with nothing changed every
    item is a hit, and each is yielded as soon as it is found (none is held for later: a warm
    `kpi validate` of 30,000 files holds no more than of 1,000). A hit after a miss waits for it,
    and the order of the items is kept."""
    asked = []

    def probe(item):
        asked.append(item)
        return None if item in (3, 5) else ("hit", item)

    results = parallel.run(lambda item: ("done", item), list(range(8)), jobs=2, parallel_min=10, probe=probe)
    assert next(results) == ("hit", 0) and asked == [0]
    assert next(results) == ("hit", 1) and asked == [0, 1]
    assert list(results) == [("hit", 2), ("done", 3), ("hit", 4), ("done", 5), ("hit", 6), ("hit", 7)]


def test_pending_cache_entries_are_written_by_size(monkeypatch):
    """A first run of a large site makes an entry of about 40 KB a page: the parent writes them
    once they hold FLUSH_BYTES, not after a count of entries."""
    monkeypatch.setattr(cache, "FLUSH_EVERY", 10_000)
    cache.flush()
    body = b"x" * (cache.FLUSH_BYTES // 4 + 1)
    for i in range(3):
        cache.put(bytes([i]) * 32, {"n": i}, body)
    assert len(cache._state["pending"]) == 3
    cache.put(b"\x09" * 32, {"n": 9}, body)
    assert not cache._state.get("pending") and not cache._state.get("pending_bytes")
    assert cache.get(b"\x09" * 32, model=True)[1] == body


def test_a_large_body_goes_into_the_cache_and_out_chunk_by_chunk(tmp_path):
    """cache.put_file and cache.body_chunks (a site's index): never whole in memory, checked
    against the entry's checksum; a damaged body raises Damaged after its last chunk."""
    import sqlite3

    import hashlib

    page = tmp_path / "index.html"
    page.write_bytes(bytes(range(256)) * 1000)
    cache.put_file(b"j" * 32, {"path": "index.html"}, page, hashlib.sha256(b"other bytes").hexdigest())
    assert cache.body_chunks(b"j" * 32) is None  # the file no longer holds what was written: not kept
    cache.put_file(b"k" * 32, {"path": "index.html"}, page, hashlib.sha256(page.read_bytes()).hexdigest())
    head, chunks = cache.body_chunks(b"k" * 32)
    assert head["path"] == "index.html" and b"".join(chunks) == page.read_bytes()
    with sqlite3.connect(cache.database()) as db:
        db.execute("update model set body = zeroblob(length(body)) where key = ?", (b"k" * 32,))
    with pytest.raises(cache.Damaged):
        b"".join(cache.body_chunks(b"k" * 32)[1])
    assert cache.body_chunks(b"m" * 32) is None


def test_what_a_run_keeps_of_a_file_costs_about_a_hundred_bytes():
    """What the parent keeps of each file (its path as a work item, its summary for the rules
    across files) is columns, not objects: 30,000 files cost about 3 MB (the path alone as a
    string in a list cost 88 bytes, a Summary with its own path and code strings 250 more,
    and the allocator's share more)."""
    import tracemalloc

    from kpi_cli.core.facts import Summary, SummaryTable, Texts

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        table, work = SummaryTable(), Texts()
        for i in range(30_000):
            path = f"indicators/{2564 + i % 3}/{i % 1000:04d}-{i:04d}.yaml"
            work.append(path)
            table.append(Summary(path, f"{i % 1000:04d}-{i:04d}", 2564 + i % 3, f"{i % 1000:04d}",
                                 weight=float(i % 7)))
        size = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert size / 30_000 < 120, f"{size / 30_000:.0f} bytes a file"
    assert table[29_999] == Summary("indicators/2566/0999-29999.yaml", "0999-29999", 2566, "0999", weight=4.0)
    assert work[-1] == "indicators/2566/0999-29999.yaml" and len(work) == len(table) == 30_000

