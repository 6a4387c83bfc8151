"""The cache of checked files in `kpi render`: a site or page rendered with the cache
must be byte-identical to one rendered without it, and a damaged entry must cost time only.

conftest.py gives every test its own empty cache (KPI_CACHE_DIR).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from kpi_cli.check import cache
from kpi_cli.render import site as render
from kpi_cli.cli import app

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _site(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _damage_page_entries(change) -> int:
    """Apply `change` to the head of every page entry (those with an index row); how many."""
    n = 0
    with sqlite3.connect(cache.database()) as db:
        for key, head in db.execute("select key, head from entry").fetchall():
            data = json.loads(head)
            if isinstance(data, dict) and "line" in data and "path" in data:
                change(data)
                db.execute("update entry set head = ? where key = ?", (json.dumps(data), key))
                n += 1
    return n


def test_a_page_entry_with_a_path_outside_the_site_is_a_miss_not_an_error(tmp_path, monkeypatch):
    """`_page_from_cache` writes the cached page at `head["path"]`. `site_file` refuses a path
    outside the site, but it raises OutsideSite, which `_page_from_cache` does not catch (it
    catches KeyError, TypeError, ValueError, AttributeError only): a damaged entry makes
    `kpi render --all` fail with "the page '../../escape.html' would be written outside the site".

    Correct (docs/performance.md: damaged entries cost time, never an error): the entry is a
    miss and the page is rendered again. Better still, check that head["path"] is the page the
    file must give (f"{fy}/{file stem}.{ext}") before writing anything."""
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(render, "PARALLEL_MIN", 1)  # the large-site path, with the shipped files
    first = tmp_path / "first"
    assert runner.invoke(app, ["render", "--all", "-o", str(first)]).exit_code == 0
    cache.flush()
    assert _damage_page_entries(lambda d: d.update(path="../../escape.html")) >= 6
    second = tmp_path / "out" / "second"
    result = runner.invoke(app, ["render", "--all", "-o", str(second)])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "escape.html").exists()
    assert _site(second) == _site(first)


def test_a_page_entry_naming_another_page_does_not_overwrite_it(tmp_path, monkeypatch):
    """`head["path"]` is trusted as long as it stays inside the site: a damaged entry that names
    another page (here every entry says 2564/0406-0773.html) makes the parent write each cached
    page over that one, and the indicators' own pages are never written: the site differs from
    one rendered without the cache, silently (exit 0).

    Correct: a cached page is used only when its path is the one the file gives
    (f"{fiscal year}/{code}.{ext}", the code being the file's stem); otherwise it is a miss."""
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(render, "PARALLEL_MIN", 1)
    first = tmp_path / "first"
    assert runner.invoke(app, ["render", "--all", "-o", str(first)]).exit_code == 0
    cache.flush()
    assert _damage_page_entries(lambda d: d.update(path="2564/0406-0773.html")) >= 6
    second = tmp_path / "second"
    result = runner.invoke(app, ["render", "--all", "-o", str(second)])
    assert result.exit_code == 0, result.output
    assert _site(second) == _site(first)


def test_render_code_gives_the_same_source_in_another_repository(tmp_path, monkeypatch):
    """`source_name` now resolves folders through the `_REAL` memo, which is cleared only by
    `site_pages`. `kpi render FILE` with a relative path memoises "indicators/2564" as the real
    folder of the first repository; the same command run next (in the same process: tests,
    CliRunner, a long-lived tool) in another repository resolves "indicators/2564" to the first
    repository's folder, `relative_to` fails, and the page's source line becomes
    "0406-0772.yaml" instead of "indicators/2564/0406-0772.yaml".

    Correct: the memo never outlives one site (clear it in source_name's callers, key it by
    absolute paths, or do not memoise outside site_pages)."""
    outputs = []
    for name in ("a", "b"):
        repo = tmp_path / name
        shutil.copytree(REPO / "indicators", repo / "indicators")
        monkeypatch.chdir(repo)
        result = runner.invoke(app, ["render", "indicators/2564/0406-0772.yaml", "-f", "txt"])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    # (the report body names no file path since the Thai form of issue 17; the two runs still agree)
    assert "0406-0772" in outputs[0]
    assert outputs[1] == outputs[0]


def test_summary_pages_do_not_use_the_templates_of_an_earlier_site(tmp_path, monkeypatch):
    """`site_pages` takes the templates' fingerprint for the agency pages and the index from
    `_WORKER["templates"]`, which only the parallel path of `_indicator_pages` sets. On the
    one-process path (one core, or not Linux) with 200 rows or more, it is whatever an earlier
    site in the same process left there: the index is taken from the cache under the earlier
    templates' fingerprint, and a site rendered with other templates gets the old index.

    Correct: the fingerprint of this renderer (renderer.fingerprint()), computed for this site,
    or no cache for summary pages on that path."""
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(render, "PARALLEL_MIN", 1)  # 6 shipped files count as a large site
    assert runner.invoke(app, ["render", "--all", "-o", str(tmp_path / "first")]).exit_code == 0
    cache.flush()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "index.html").write_text("my own index\n", encoding="utf-8")
    monkeypatch.setattr(render.os, "cpu_count", lambda: 1)  # a one-core machine: no workers
    second = tmp_path / "second"
    result = runner.invoke(app, ["render", "--all", "-o", str(second), "--templates", str(templates)])
    assert result.exit_code == 0, result.output
    assert (second / "index.html").read_text(encoding="utf-8") == "my own index\n"


def test_a_page_two_files_claim_is_refused_with_and_without_the_cache(tmp_path, monkeypatch):
    """Two valid files can give the same page: indicators/extra/0406-0773.yaml (a folder that is
    not a year) and indicators/2564/0406-0773.yaml both render to 2564/0406-0773.html
    (`code-unique` is a rule across files, which `kpi validate` reports). Which one would win
    depends on the order pages are written, and the cache changes that order (pages it has are
    copied first): so neither is rendered, both files are named, the page is not in the site,
    and the command fails, with the cache or without, on one process or on workers."""
    root = tmp_path / "indicators"
    shutil.copytree(REPO / "indicators", root)
    (root / "extra").mkdir()
    shutil.copy(root / "2564" / "0406-0773.yaml", root / "extra" / "0406-0773.yaml")
    monkeypatch.chdir(tmp_path)
    outcomes = []
    for no_cache, parallel_min in (("1", 200), ("", 1), ("", 1), ("", 200)):
        monkeypatch.setenv("KPI_NO_CACHE", no_cache)
        monkeypatch.setattr(render, "PARALLEL_MIN", parallel_min)
        site = tmp_path / f"site-{len(outcomes)}"
        result = runner.invoke(app, ["render", "--all", "-o", str(site)])
        assert result.exit_code == 1, result.output
        assert "indicators/extra/0406-0773.yaml" in result.output and "indicators/2564/0406-0773.yaml" in result.output
        assert not (site / "2564" / "0406-0773.html").exists()
        assert b"0406-0773" not in (site / "index.html").read_bytes()
        outcomes.append(_site(site))
    assert all(o == outcomes[0] for o in outcomes)


def _index_entries() -> list[bytes]:
    """The keys of the cached indexes (their head is {"path": "index.html", "sum": ...})."""
    with sqlite3.connect(cache.database()) as db:
        return [key for key, head in db.execute("select key, head from entry")
                if set(json.loads(head)) == {"path", "sum"} and json.loads(head)["path"].startswith("index.")]


def test_the_index_is_copied_from_the_cache_and_a_damaged_copy_is_rendered_again(tmp_path, monkeypatch):
    """The index is written as it is rendered and kept in the cache chunk by chunk: a second
    site of the same rows copies it (nothing rendered), and an entry whose bytes no longer match
    their checksum is a miss: the index is rendered again, the same bytes, and no half-copied
    file is left behind."""
    from kpi_cli.render.report import Renderer

    monkeypatch.chdir(REPO)
    monkeypatch.setattr(render, "PARALLEL_MIN", 1)
    monkeypatch.setenv("KPI_NO_CACHE", "1")
    plain = tmp_path / "plain"
    assert runner.invoke(app, ["render", "--all", "-o", str(plain)]).exit_code == 0
    monkeypatch.delenv("KPI_NO_CACHE")
    first = tmp_path / "first"
    assert runner.invoke(app, ["render", "--all", "-o", str(first)]).exit_code == 0
    cache.flush()
    assert _site(first) == _site(plain)
    assert len(_index_entries()) == 1

    def refuse(*_args, **_kwargs):
        raise AssertionError("the index was rendered again instead of copied from the cache")

    with monkeypatch.context() as m:
        m.setattr(Renderer, "render_chunks", refuse)
        second = tmp_path / "second"
        result = runner.invoke(app, ["render", "--all", "-o", str(second)])
        assert result.exit_code == 0, result.output
    assert _site(second) == _site(plain)
    with sqlite3.connect(cache.database()) as db:  # one byte of the kept index changed
        db.execute("update model set body = cast(? || substr(body, 2) as blob) where key = ?",
                   (b"X", _index_entries()[0]))
    third = tmp_path / "third"
    result = runner.invoke(app, ["render", "--all", "-o", str(third)])
    assert result.exit_code == 0, result.output
    assert _site(third) == _site(plain)
    assert not [p for p in third.rglob(".*") if p.is_file()]  # no temporary file left


def test_a_site_is_the_same_with_and_without_the_cache_with_a_year_and_a_repeated_code(tmp_path, monkeypatch):
    """The rows of the agency pages and of the index wait on disk: the same site with and without
    the cache, first and again, large-site path and small, with --year, and with two files that
    claim one page (left out of every summary). (With --year, the workers of the large-site path
    write the pages of every year, the small path those of that year only: only the summaries
    are compared across the two.)"""
    tree = tmp_path / "repo"
    shutil.copytree(REPO / "indicators", tree / "indicators")
    (tree / "indicators" / "extra").mkdir()
    shutil.copy(REPO / "indicators" / "2564" / "0406-0772.yaml", tree / "indicators" / "extra" / "0406-0772.yaml")
    monkeypatch.chdir(tree)
    sites = {}
    for parallel_min in (1, 10_000):
        monkeypatch.setattr(render, "PARALLEL_MIN", parallel_min)
        for year in ([], ["--year", "2565"]):
            for mode in ("no-cache", "first", "again"):
                if mode == "no-cache":
                    monkeypatch.setenv("KPI_NO_CACHE", "1")
                else:
                    monkeypatch.delenv("KPI_NO_CACHE", raising=False)
                out = tmp_path / f"{parallel_min}-{len(year)}-{mode}"
                result = runner.invoke(app, ["render", "--all", "-o", str(out), *year])
                cache.flush()
                site = _site(out)
                if year:
                    site = {page: data for page, data in site.items() if not page.startswith("25")}
                sites.setdefault(tuple(year), []).append((result.exit_code, site))
    for year, found in sites.items():
        assert all(got == found[0] for got in found), year
        assert found[0][0] == 1 and b"0406-0772" not in found[0][1]["index.html"]
    assert len(sites[()][0][1]) > len(sites[("--year", "2565")][0][1])
