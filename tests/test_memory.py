"""Memory that does not grow with the tree: checking a file leaves no reference cycle behind, so
with the garbage collector paused (as `kpi validate` pauses it for the bulk of a run) every
document is freed as soon as it is checked."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from kpi_cli.check.checked import load_catalogues
from kpi_cli.check.check import check_loaded
from kpi_cli.check.rules import load_all
from kpi_cli.io.loader import load

REPO = Path(__file__).resolve().parent.parent
FILES = sorted([*(REPO / "indicators").glob("*/*.yaml"), *(REPO / "tests" / "fixtures" / "invalid").glob("*.yaml")])


@pytest.fixture(scope="module")
def catalogues():
    load_all()
    return load_catalogues(REPO / "indicators")[0]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_checking_a_file_leaves_no_cycle_behind(path, catalogues):
    check_loaded(load(path), catalogues, path.name)  # first: imports, caches, registries
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(2):
            problems, summary, model = check_loaded(load(path), catalogues, path.name)
            del problems, summary, model
        assert gc.collect() == 0, f"checking {path.name} left objects that only the garbage collector frees"
    finally:
        if was:
            gc.enable()
