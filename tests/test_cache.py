"""The cache of checked files: a hit gives exactly what checking the file again gives; anything the
answer depends on changes the key; a damaged, locked or missing cache costs time, never a result.

conftest.py gives every test its own empty cache (KPI_CACHE_DIR).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from typer.testing import CliRunner

from kpi_cli.check import cache, catalogues as catalogues_mod, check as check_mod
from kpi_cli.cli import app
from kpi_cli.core.model import AgencyCatalogue, Indicator, construct
from kpi_cli.check.checked import open_indicator
from kpi_cli.check.pipeline import validate

HERE = Path(__file__).parent
REPO = HERE.parent
INVALID = HERE / "fixtures" / "invalid"
VALID = HERE / "fixtures" / "valid"
SEED = REPO / "indicators" / "2564" / "0406-0772.yaml"
runner = CliRunner()


def _problems(result) -> list[tuple]:
    return [(p.path, p.line, p.column, p.rule, p.level, p.message, p.fix) for p in result.problems]


def _summaries(result) -> list[tuple]:
    return [(s.display, s.code, s.fiscal_year, s.agency) for s in result.summaries]


@pytest.fixture
def no_checking(monkeypatch):
    """From now on, checking a file for real fails the test: answers must come from the cache."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the file was checked again instead of read from the cache")

    def arm():
        monkeypatch.setattr(check_mod, "check_loaded", refuse)
        monkeypatch.setattr(catalogues_mod, "read_catalogues", refuse)
    return arm


def _entries() -> int:
    return cache.usage()[0]


# --- a hit is the same answer ---------------------------------------------------------------

@pytest.mark.parametrize("target", [INVALID, VALID, REPO / "indicators"], ids=["invalid", "valid", "shipped"])
def test_a_second_run_gives_the_same_problems_from_the_cache(target, no_checking):
    first = validate([target])
    assert _entries() > 0
    no_checking()
    second = validate([target])
    assert _problems(second) == _problems(first)
    assert _summaries(second) == _summaries(first)
    assert second.files == first.files


def test_in_thai_the_cache_keeps_thai_messages_apart(no_checking):
    from kpi_cli.core.i18n import set_language

    english = validate([INVALID])
    try:
        set_language("th")
        thai = validate([INVALID])
        no_checking()
        again = validate([INVALID])
    finally:
        set_language(None)
    assert _problems(again) == _problems(thai)
    assert [p.message for p in thai.problems] != [p.message for p in english.problems]


def test_parallel_workers_hand_their_entries_to_the_parent(tmp_path, no_checking):
    tree = tmp_path / "indicators"
    shutil.copytree(INVALID, tree)
    first = validate([tree], jobs=2)
    assert _entries() >= len(list(tree.rglob("*.yaml"))) - 5  # catalogue-less files, too large ones...
    no_checking()
    second = validate([tree], jobs=2)
    assert _problems(second) == _problems(first)


def _same(a, b, where="$"):
    """Equal, and of the same types all the way down (1 == 1.0 would hide a float turned int)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, BaseModel):
        for name in type(a).model_fields:
            _same(getattr(a, name), getattr(b, name), f"{where}.{name}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _generated(tmp_path: Path, n: int) -> list[Path]:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    root = generate(n, tmp_path / "generated")
    return sorted(p for p in root.glob("*/*.yaml"))


def test_construct_rebuilds_exactly_what_validation_builds(tmp_path):
    from kpi_cli.io.loader import load

    files = sorted((REPO / "indicators").glob("*/*.yaml")) + sorted(VALID.rglob("*.yaml")) + _generated(tmp_path, 40)
    assert len(files) > 40
    for path in files:
        model = Indicator.model_validate(load(path).data)
        rebuilt = construct(Indicator, json.loads(model.model_dump_json()))
        _same(model, rebuilt)
        assert rebuilt == model
    catalogue = AgencyCatalogue.model_validate(load(REPO / "indicators" / "agencies.yaml").data)
    _same(catalogue, construct(AgencyCatalogue, json.loads(catalogue.model_dump_json())))


def test_construct_refuses_what_is_not_a_dump():
    dump = json.loads(Indicator.model_validate(__import__("yaml").safe_load(SEED.read_text("utf-8"))).model_dump_json())
    del dump["type"]  # a required field (`title` is not: a stripped copy of a page has none)
    with pytest.raises(KeyError):
        construct(Indicator, dump)


def test_an_opened_indicator_comes_back_from_the_cache_equal(no_checking):
    first = open_indicator(SEED)
    cache.flush()
    no_checking()
    second = open_indicator(SEED)
    _same(first.model, second.model)
    assert second.text == first.text == SEED.read_text("utf-8")
    assert [str(p) for p in second.warnings] == [str(p) for p in first.warnings]
    assert second.catalogues.agencies.keys() == first.catalogues.agencies.keys()
    _same(second.catalogues.agencies["0406"], first.catalogues.agencies["0406"])


def test_a_validate_entry_is_completed_by_the_first_command_that_needs_the_model(no_checking):
    validate([SEED])
    cache.flush()
    assert cache.usage()[1] == 0  # validate keeps its entries small
    open_indicator(SEED)  # checks the file again, and keeps the model this time
    cache.flush()
    assert cache.usage()[1] == 1
    no_checking()
    open_indicator(SEED)


# --- the key: anything the answer depends on -----------------------------------------------------

def _repo_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo" / "indicators"
    shutil.copytree(REPO / "indicators", root)
    return root


def test_a_changed_byte_is_checked_again(tmp_path):
    root = _repo_copy(tmp_path)
    seed = root / "2564" / "0406-0772.yaml"
    assert validate([root]).errors == 0
    seed.write_text(seed.read_text("utf-8").replace("fiscal_year: 2564", "fiscal_year: 2565"), "utf-8")
    assert validate([root]).errors > 0


def test_a_changed_catalogue_checks_every_file_again(tmp_path):
    root = _repo_copy(tmp_path)
    assert validate([root]).errors == 0
    agencies = root / "agencies.yaml"
    agencies.write_text(agencies.read_text("utf-8").replace('code: "0406"', 'code: "0407"'), "utf-8")
    assert any(p.rule == "agency-unknown" for p in validate([root]).problems)


def test_the_same_bytes_under_another_name_are_another_entry(tmp_path):
    root = _repo_copy(tmp_path)
    seed = root / "2564" / "0406-0772.yaml"
    assert validate([root]).errors == 0
    other = root / "2565"
    other.mkdir()
    shutil.copy(seed, other / "0406-0772.yaml")  # same bytes, wrong fiscal-year folder
    result = validate([root])
    assert any(p.path.endswith("2565/0406-0772.yaml") and p.level.value == "error" for p in result.problems)


def test_the_key_names_kpi_version_language_and_context(monkeypatch):
    raw = SEED.read_bytes()
    base = cache.key("indicator", raw, "a.yaml", "2564", "cat")
    assert base == cache.key("indicator", raw, "a.yaml", "2564", "cat")
    assert base != cache.key("indicator", raw + b" ", "a.yaml", "2564", "cat")
    assert base != cache.key("indicator", raw, "b.yaml", "2564", "cat")
    assert base != cache.key("indicator", raw, "a.yaml", "2564", "other catalogues")
    assert base != cache.key("catalogues", raw, "a.yaml", "2564", "cat")
    monkeypatch.setitem(cache._state, "fingerprint", ("en", "another kpi"))
    from kpi_cli.core.i18n import set_language

    set_language("en")
    try:
        assert base != cache.key("indicator", raw, "a.yaml", "2564", "cat")
    finally:
        set_language(None)


def test_the_fingerprint_is_kpi_content_not_its_files_times(tmp_path):
    """A fresh install of the same kpi (new times: a CI runner) meets its own entries."""
    import subprocess

    copy = tmp_path / "kpi_cli"
    shutil.copytree(Path(cache.__file__).parent.parent, copy, ignore=shutil.ignore_patterns("__pycache__"))

    def fingerprint() -> str:
        return subprocess.run([sys.executable, "-c", "from kpi_cli.check import cache; print(cache.fingerprint())"],
                              env={**os.environ, "PYTHONPATH": str(tmp_path), "KPI_LANG": "en"}, cwd=tmp_path,
                              capture_output=True, text=True, check=True).stdout.strip()

    before = fingerprint()
    for path in copy.rglob("*"):
        os.utime(path, (1_000_000, 1_000_000))
    assert fingerprint() == before
    (copy / "check" / "rules" / "text.py").write_text((copy / "check" / "rules" / "text.py").read_text("utf-8") + "\n", "utf-8")
    assert fingerprint() != before


# --- a cache that fails costs time, never a result ----------------------------------------------

def test_no_cache_writes_nothing(monkeypatch):
    monkeypatch.setenv("KPI_NO_CACHE", "1")
    validate([VALID])
    cache.flush()
    assert not cache.database().exists()
    monkeypatch.delenv("KPI_NO_CACHE")
    result = runner.invoke(app, ["--no-cache", "validate", str(VALID)])
    assert result.exit_code == 0, result.output
    assert not cache.database().exists()


def test_an_unwritable_cache_folder_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("KPI_CACHE_DIR", str(blocker / "kpi"))
    expected = _problems(validate([INVALID]))
    result = runner.invoke(app, ["score", str(SEED), "--quarter", "4"])
    assert result.exit_code == 0, result.output
    assert _problems(validate([INVALID])) == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=st.binary(min_size=0, max_size=4096))
def test_a_damaged_database_is_a_miss(damage, tmp_path_factory):
    folder = tmp_path_factory.mktemp("damaged")
    os.environ["KPI_CACHE_DIR"] = str(folder)
    expected = _problems(validate([INVALID / "date-order.yaml", SEED]))
    cache.flush()
    cache._state.pop("db", None)
    cache._state.pop("pid", None)
    db = cache.database()
    data = db.read_bytes() if db.exists() else b""
    db.write_bytes(damage + data[len(damage):])
    for extra in folder.glob(db.name + "-*"):
        extra.unlink()
    assert _problems(validate([INVALID / "date-order.yaml", SEED])) == expected
    cache.flush()


def test_damaged_entries_are_misses(no_checking):
    expected = _problems(validate([INVALID / "date-order.yaml"]))
    open_indicator(SEED)
    cache.flush()
    with sqlite3.connect(cache.database()) as db:
        keys = [row[0] for row in db.execute("select key from entry")]
        for i, k in enumerate(keys):
            head = ["not json", "[1, 2]", '{"p": [[1]], "s": []}', '{"p": "x"}', "{}"][i % 5]
            db.execute("update entry set head = ? where key = ?", (head, k))
        db.execute("update model set body = ?", (b'{"code": 1}',))
    assert _problems(validate([INVALID / "date-order.yaml"])) == expected
    assert open_indicator(SEED).model.code == "0406-0772"


def test_a_locked_database_is_no_error(tmp_path):
    validate([VALID])
    cache.flush()
    holder = sqlite3.connect(cache.database(), timeout=0.1)
    holder.execute("begin exclusive")
    try:
        cache._state["pending"] = []
        result = validate([INVALID])  # reads and writes fail on the lock: checked for real
        cache.flush()
        assert result.errors > 0
    finally:
        holder.rollback()
        holder.close()


# --- what users see -------------------------------------------------------------------------

def test_cache_command_shows_and_clears():
    validate([VALID])
    cache.flush()
    shown = runner.invoke(app, ["cache"])
    assert shown.exit_code == 0
    assert str(cache.database()) in shown.output and "entries: " in shown.output
    cleared = runner.invoke(app, ["cache", "--clear"])
    assert cleared.exit_code == 0 and "removed" in cleared.output
    assert cache.usage()[0] == 0


def test_score_of_an_unchanged_file_neither_parses_nor_validates():
    """The point of the cache for `kpi score`: no YAML parser and no pydantic validator built."""
    env = {**os.environ, "KPI_LANG": "en"}
    code = ("import sys\n"
            "from kpi_cli.cli import main\n"
            "sys.argv = ['kpi', 'score', '0406-0772', '--quarter', '4']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "import kpi_cli.core.model as m\n"
            "print('MARK', 'yaml' in sys.modules, m.Indicator.__pydantic_complete__, file=sys.stderr)\n")
    runs = [subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=120) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout and "100.00" in runs[1].stdout
    marks = [line for r in runs for line in r.stderr.splitlines() if line.startswith("MARK")]
    assert marks == ["MARK True True", "MARK False False"], [r.stderr for r in runs]


def test_pruning_drops_old_entries():
    validate([VALID])
    cache.flush()
    n = cache.usage()[0]
    assert n > 0
    assert cache.prune(days=1) == 0
    db = cache._connect()
    db.execute("update entry set written = written - 100")
    assert cache.prune(days=30) == n
    assert cache.usage()[0] == 0


def test_a_site_renders_the_same_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    first, second = tmp_path / "first", tmp_path / "second"
    assert runner.invoke(app, ["render", "--all", "-o", str(first)]).exit_code == 0
    assert cache.usage()[1] >= 6
    assert runner.invoke(app, ["render", "--all", "-o", str(second)]).exit_code == 0
    pages = sorted(p.relative_to(first) for p in first.rglob("*.html"))
    assert pages == sorted(p.relative_to(second) for p in second.rglob("*.html"))
    for page in pages:
        assert (first / page).read_bytes() == (second / page).read_bytes(), page


def test_a_site_of_unchanged_files_is_copied_from_the_cache(tmp_path, monkeypatch):
    """Large sites render in worker processes, which keep each page with its index row: the second
    rendering of unchanged files renders nothing, and writes the same bytes."""
    from kpi_cli.render import site as render

    monkeypatch.chdir(REPO)
    monkeypatch.setattr(render, "PARALLEL_MIN", 1)  # the shipped files, as if they were a city's
    first, second = tmp_path / "first", tmp_path / "second"
    assert runner.invoke(app, ["render", "--all", "-o", str(first)]).exit_code == 0

    def refuse(*_args, **_kwargs):
        raise AssertionError("a page was rendered again instead of taken from the cache")

    monkeypatch.setattr(render, "indicator_report", refuse)  # the forked workers inherit it
    result = runner.invoke(app, ["render", "--all", "-o", str(second)])
    assert result.exit_code == 0, result.output
    pages = sorted(p.relative_to(first) for p in first.rglob("*.html"))
    assert len(pages) > 6 and pages == sorted(p.relative_to(second) for p in second.rglob("*.html"))
    for page in pages:
        assert (first / page).read_bytes() == (second / page).read_bytes(), page
    template = tmp_path / "templates"
    template.mkdir()
    (template / "indicator.html").write_text("{{ report.code }}\n", encoding="utf-8")
    monkeypatch.undo()
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(render, "PARALLEL_MIN", 1)
    third = tmp_path / "third"
    result = runner.invoke(app, ["render", "--all", "-o", str(third), "--templates", str(template)])
    assert result.exit_code == 0, result.output
    assert (third / "2564" / "0406-0772.html").read_text(encoding="utf-8") == "0406-0772\n"


def test_a_cache_folder_others_can_write_is_not_used(tmp_path, monkeypatch):
    """Entries that another user could have written are never trusted."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("KPI_CACHE_DIR", str(shared))
    expected = _problems(validate([INVALID]))
    cache.flush()
    assert not cache.database().exists()
    assert _problems(validate([INVALID])) == expected
    shared.chmod(0o700)
    cache._state.pop("pid", None)  # a new process: the refusal is remembered for a process only
    validate([INVALID])
    cache.flush()
    assert cache.database().exists()
    cache.database().chmod(0o666)
    cache._state.pop("pid", None)
    assert cache._connect() is None and cache.get(b"any key") is None


@pytest.mark.parametrize("change", [
    lambda m: m["quarters"][0].update(quarter="x"),
    lambda m: m["quarters"][0].update(performance="30"),
    lambda m: m.update(quarters={"not": "a list"}),
    lambda m: m["innovation"]["stages"][0].update(completed=20201231),
    lambda m: m.update(scoring={"method": "no-such-method"}),
    lambda m: m.update(title=["a", "list"]),
])
def test_a_well_formed_checksummed_entry_of_the_wrong_types_is_a_miss(change):
    """An entry whose checksum holds but whose values have the wrong types (written by hand, or by
    a bug) is not trusted: the file is checked again, and no command crashes on it."""
    import hashlib
    import os
    import subprocess

    env = {**os.environ, "KPI_CACHE_DIR": str(cache.directory()), "KPI_LANG": "en"}

    def kpi(*args):
        return subprocess.run([sys.executable, "-m", "kpi_cli", *args], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=120)

    assert kpi("score", "0406-0772", "-q", "4").returncode == 0  # the entry, with its model
    with sqlite3.connect(cache.database()) as db:
        rows = db.execute("select key, body from model").fetchall()
        assert rows
        for k, body in rows:
            model = json.loads(body)
            change(model)
            forged = json.dumps(model).encode()
            head = json.loads(db.execute("select head from entry where key = ?", (k,)).fetchone()[0])
            head["sum"] = hashlib.sha256(forged).hexdigest()[:32]
            db.execute("update model set body = ? where key = ?", (forged, k))
            db.execute("update entry set head = ? where key = ?", (json.dumps(head), k))
    for args in (["score", "0406-0772", "-q", "4"], ["status", "0406-0772"], ["render", "0406-0772", "-f", "txt"]):
        done = kpi(*args)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (args, done.stderr)
