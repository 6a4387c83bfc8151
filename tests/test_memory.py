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
