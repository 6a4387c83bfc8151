"""`kpi score --all` from the cache: a row kept for a file and a quarter prints exactly what
scoring the file again prints, in the table and in the JSON, in English and in Thai, at any
width and in color; anything the row depends on (the file, the catalogues, the quarter, the
language) makes it computed again; a damaged row costs time, never a wrong answer.

conftest.py gives every test its own empty cache (KPI_CACHE_DIR).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_cli.check import cache
from kpi_cli.cli import app
from kpi_cli.scoring import compute

HERE = Path(__file__).parent
REPO = HERE.parent
INVALID = HERE / "fixtures" / "invalid"
runner = CliRunner()


def _generated(tmp_path: Path, n: int, invalid: bool = True) -> Path:
    """A tree of `n` generated indicators (bench/generate.py), with invalid files among them."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    root = generate(n, tmp_path)  # tmp_path/indicators
    names = ("date-order.yaml", "missing-field.yaml", "score-range.yaml", "empty-file.yaml") if invalid else ()
    for i, name in enumerate(names, 1):
        shutil.copy(INVALID / name, root / "2564" / f"0406-99{i:02d}.yaml")
    return root


def _shipped(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "indicators", tmp_path / "indicators")
    return tmp_path / "indicators"


def _score(*args: str, cached: bool = True) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `kpi score --all ARGS`; the cache written as when the command ends."""
    cache.enable() if cached else cache.disable()
    try:
        result = runner.invoke(app, [*args[:2], "score", "--all", *args[2:]] if args[:1] == ("--lang",)
                               else ["score", "--all", *args])
    finally:
        cache.enable()
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    cache.flush()
    return result.exit_code, result.stdout, result.stderr


def _rows_kept() -> int:
    with sqlite3.connect(cache.database()) as db:
        return db.execute("select count(*) from shown").fetchone()[0]


@pytest.fixture
def no_scoring(monkeypatch):
    """From now on, scoring an indicator fails the test: the rows must come from the cache."""
    def arm():
        def refuse(*_args, **_kwargs):
            raise AssertionError("an indicator was scored again instead of read from the cache")
        monkeypatch.setattr(compute, "score_indicator", refuse)
    return arm


@pytest.mark.parametrize("lang", ["en", "th"])
@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("make", [_shipped, _generated], ids=["shipped", "generated"])
def test_a_row_from_the_cache_prints_what_scoring_prints(make, fmt, lang, tmp_path, monkeypatch, no_scoring):
    make(*((tmp_path, 40) if make is _generated else (tmp_path,)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "160")
    args = ("--lang", lang, "-q", "4", "--format", fmt)
    computed = _score(*args, cached=False)
    first = _score(*args)
    assert _rows_kept() > 0
    no_scoring()
    again = _score(*args)
    assert first == computed
    assert again == computed
    assert "0406-0772" in computed[1] if make is _shipped else computed[1].count("-1000") > 0
    if fmt == "json":  # the rows' objects are placed in the document as json.dumps places them
        assert computed[1] == json.dumps(json.loads(computed[1]), ensure_ascii=False, indent=2) + "\n"
    if make is _generated:
        assert computed[0] == 1 and "0406-9901" in computed[2]  # the invalid files are there, on stderr


@pytest.mark.parametrize("columns", ["60", "100", "300"])
def test_rows_kept_at_one_width_print_right_at_another_and_in_color(columns, tmp_path, monkeypatch):
    _generated(tmp_path, 20)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "160")
    _score("-q", "4")
    monkeypatch.setenv("COLUMNS", columns)
    for env in ({}, {"FORCE_COLOR": "1"}):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        computed = _score("-q", "4", cached=False)
        assert _score("-q", "4") == computed
        assert _score("-q", "4") == computed  # the rows kept again at this width


def test_every_quarter_has_its_own_rows(tmp_path, monkeypatch):
    _shipped(tmp_path)
    monkeypatch.chdir(tmp_path)
    for quarter in "1234":
        _score("-q", quarter)
    for quarter in "1234":
        for fmt in ("text", "json"):
            assert _score("-q", quarter, "-f", fmt) == _score("-q", quarter, "-f", fmt, cached=False)


def test_a_json_row_then_a_table_then_json_again(tmp_path, monkeypatch, no_scoring):
    """A row kept by a JSON run has no layout yet: the table measures it and keeps it."""
    _generated(tmp_path, 15)
    monkeypatch.chdir(tmp_path)
    _score("-q", "4", "-f", "json")
    no_scoring()
    assert _score("-q", "4") == _score("-q", "4", cached=False)
    assert _score("-q", "4") == _score("-q", "4", cached=False)
    assert _score("-q", "4", "-f", "json") == _score("-q", "4", "-f", "json", cached=False)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_edited_file_is_scored_again(fmt, tmp_path, monkeypatch):
    root = _shipped(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = _score("-q", "4", "-f", fmt)
    assert _score("-q", "4", "-f", fmt) == before
    seed = root / "2564" / "0406-0772.yaml"
    text = seed.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    seed.write_text(text.replace(title, title + " (แก้ไข)", 1), encoding="utf-8")
    after = _score("-q", "4", "-f", fmt)
    assert after != before and "(แก้ไข)" in after[1]
    assert after == _score("-q", "4", "-f", fmt, cached=False)


def test_an_edited_agency_catalogue_is_seen(tmp_path, monkeypatch):
    root = _shipped(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = _score("-q", "4")
    agencies = root / "agencies.yaml"
    agencies.write_text(agencies.read_text(encoding="utf-8").replace("0406", "0407"), encoding="utf-8")
    after = _score("-q", "4")
    assert after != before
    assert after == _score("-q", "4", cached=False)
    agencies.write_text("not: [a catalogue\n", encoding="utf-8")  # every file invalid now
    broken = _score("-q", "4")
    assert broken[0] == 1 and broken == _score("-q", "4", cached=False)


def _damage_rows(change) -> int:
    with sqlite3.connect(cache.database()) as db:
        rows = db.execute("select key, body from shown").fetchall()
        for n, (k, body) in enumerate(rows):
            db.execute("update shown set body = ? where key = ?", (change(n, bytes(body)), k))
    return len(rows)


def _forged(n: int, body: bytes) -> bytes:
    """A row whose checksum holds but whose content is not of the shape kpi writes (by hand, or by a
    bug). (Well-formed content with other values cannot be told from a row kpi wrote: the checksum
    is against damage; the cache's folder is the user's own.)"""
    lines = body[32:].split(b"\n", 2)
    if len(lines) < 3:  # the facts of a text
        content = [b"[1, 2]", b'"x"', b"[-5, false, false, 1, -1]", b"[1, 2, 3, 4, 5]"][n % 4]
    else:
        core, layout, text = lines
        cells, style, scored, differs = json.loads(core)
        core = [json.dumps([cells[:5], style, scored, differs]), json.dumps([cells, "blue", scored, differs]),
                json.dumps([cells, style, 1, differs]), core.decode(), core.decode(), core.decode()][n % 6].encode()
        if n % 6 == 3:
            layout = json.dumps([[-1] * 45, None]).encode()
        elif n % 6 == 4:
            layout = json.dumps([[0, False, False, 0, 0] * 9, [1, [1] * 9, [1] * 9]]).encode()
        elif n % 6 == 5:
            text = b"[not the object]"
        content = b"\n".join([core, layout, text])
    return hashlib.sha256(content).hexdigest()[:32].encode() + content


@pytest.mark.parametrize("change", [
    lambda n, body: body[:40] + bytes([body[40] ^ 1]) + body[41:],  # one bit: the checksum says so
    lambda n, body: b"random " + bytes(range(256)) * 3,
    lambda n, body: b"",
    _forged,
], ids=["bit", "random", "empty", "forged"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_damaged_row_is_computed_again(change, fmt, tmp_path, monkeypatch):
    _generated(tmp_path, 12)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    computed = _score("-q", "4", "-f", fmt, cached=False)
    _score("-q", "4", "-f", "text")
    assert _damage_rows(change) > 0
    assert _score("-q", "4", "-f", fmt) == computed
    assert _score("-q", "4", "-f", fmt) == computed  # kept again, whole


def test_a_row_keeps_the_official_figures_as_printed(tmp_path, monkeypatch, no_scoring):
    """A figure printed 95.0000 reads 95.0000 from the cache, not 95 or 95.0."""
    from scoring_helpers import copy_tree, edit

    root = copy_tree(tmp_path, "0406-0772")
    monkeypatch.chdir(tmp_path)
    edit(root / "2564" / "0406-0772.yaml", "    performance: 100.00\n    target: 100\n    assessed: 100\n",
         "    performance: 100.00\n    target: 100\n    assessed: 95.0000\n")
    computed = [_score("-q", "4", "-f", fmt, cached=False) for fmt in ("text", "json")]
    assert computed[0][0] == 0 and "95.0000" in computed[0][1] and '"95.0000"' in computed[1][1]
    assert [_score("-q", "4", "-f", fmt) for fmt in ("text", "json")] == computed
    no_scoring()
    assert [_score("-q", "4", "-f", fmt) for fmt in ("text", "json")] == computed


def test_the_key_of_a_row_names_pythainlp(monkeypatch):
    """Where a Thai text breaks is PyThaiNLP's dictionary: the rows and pages kept depend on it."""
    assert any(v.startswith("pythainlp=") for v in cache._versions())


def _modules_of_two_runs(folder: Path, *argv: str) -> tuple[list[str], list[str]]:
    """(stdout of each, which of YAML, the model, the scoring and PyThaiNLP each loaded) of two
    runs of `kpi ARGV` in fresh processes sharing the test's cache."""
    import os
    import subprocess

    env = {**os.environ, "KPI_CACHE_DIR": str(cache.directory()), "COLUMNS": "160",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}  # this kpi, from any folder
    code = ("import sys\n"
            "from kpi_cli.cli import main\n"
            f"sys.argv = {['kpi', *argv]!r}\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('MARK', [m for m in ('yaml', 'kpi_cli.core.model', 'kpi_cli.scoring.compute', 'pythainlp')"
            " if m in sys.modules], file=sys.stderr)\n")
    runs = [subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True,
                           timeout=120) for _ in range(2)]
    marks = [line for r in runs for line in r.stderr.splitlines() if line.startswith("MARK")]
    assert len(marks) == 2, [r.stderr[-2000:] for r in runs]
    return [r.stdout for r in runs], marks


def test_a_warm_table_loads_neither_yaml_the_model_the_scoring_nor_pythainlp(tmp_path):
    """The point of the rows: a hit reads, hashes and prints. (Thai mode: the headers are Thai.)"""
    _generated(tmp_path, 10, invalid=False)
    outs, marks = _modules_of_two_runs(tmp_path, "--lang", "th", "score", "--all", "-q", "4")
    assert outs[0] == outs[1] and "5001-1000" in outs[1]
    assert marks[1] == "MARK []" and marks[0] != "MARK []"


# --- `kpi score CODE`: its whole output kept -------------------------------------------------------

def _one(*args: str, cached: bool = True) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `kpi [--lang L] score 0406-0772 ARGS`."""
    lang = list(args[:2]) if args[:1] == ("--lang",) else []
    cache.enable() if cached else cache.disable()
    try:
        result = runner.invoke(app, [*lang, "score", "0406-0772", *args[len(lang):]])
    finally:
        cache.enable()
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    cache.flush()
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("lang", ["en", "th"])
@pytest.mark.parametrize("args", [("-q", "4"), ("-q", "2", "-f", "json"), ("-f", "json"), ()],
                         ids=["q4", "q2-json", "today-json", "today"])
def test_one_indicators_output_from_the_cache_is_what_scoring_prints(args, lang, tmp_path, monkeypatch,
                                                                       no_scoring):
    """stdout and stderr alike (the quarter chosen for today is said on stderr, from the cache too)."""
    _shipped(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    computed = _one("--lang", lang, *args, cached=False)
    assert computed[0] == 0 and "0406-0772" in computed[1]
    assert _one("--lang", lang, *args) == computed
    assert _rows_kept() == 1
    no_scoring()
    assert _one("--lang", lang, *args) == computed
    if "-q" not in args:
        assert "quarter 4" in computed[2] or "ไตรมาสที่ 4" in computed[2]


def test_one_indicators_output_is_kept_per_width_colour_quarter_and_language(tmp_path, monkeypatch):
    _shipped(tmp_path)
    monkeypatch.chdir(tmp_path)
    seen = {}
    for columns in ("60", "160"):
        for color in ("", "1"):
            for quarter in ("1", "4"):
                for lang in ("en", "th"):
                    monkeypatch.setenv("COLUMNS", columns)
                    monkeypatch.setenv("FORCE_COLOR", color) if color else monkeypatch.delenv("FORCE_COLOR", False)
                    computed = _one("--lang", lang, "-q", quarter, cached=False)
                    assert _one("--lang", lang, "-q", quarter) == computed
                    seen[(columns, color, quarter, lang)] = computed
    for (columns, color, quarter, lang), computed in seen.items():  # each from its own entry
        monkeypatch.setenv("COLUMNS", columns)
        monkeypatch.setenv("FORCE_COLOR", color) if color else monkeypatch.delenv("FORCE_COLOR", False)
        assert _one("--lang", lang, "-q", quarter) == computed
    assert len({out for _code, out, _err in seen.values()}) == len(seen)  # every choice prints otherwise


def test_one_indicator_edited_or_its_catalogue_edited_is_scored_again(tmp_path, monkeypatch):
    from scoring_helpers import edit

    root = _shipped(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = _one("-q", "4")
    edit(root / "2564" / "0406-0772.yaml", "    performance: 100.00\n    target: 100\n    assessed: 100\n",
         "    performance: 100.00\n    target: 100\n    assessed: 95.0000\n")
    after = _one("-q", "4")
    assert after != before and "95.0000" in after[1] and after == _one("-q", "4", cached=False)
    agencies = root / "agencies.yaml"
    agencies.write_text("not: [a catalogue\n", encoding="utf-8")
    broken = _one("-q", "4")
    assert broken[0] == 1 and broken == _one("-q", "4", cached=False)


@pytest.mark.parametrize("change", [
    lambda n, body: body[:40] + bytes([body[40] ^ 1]) + body[41:],
    lambda n, body: b"",
    lambda n, body: hashlib.sha256(b'[1, 2]').hexdigest()[:32].encode() + b'[1, 2]',  # whole, not kpi's shape
    lambda n, body: hashlib.sha256(b'"x"').hexdigest()[:32].encode() + b'"x"',
], ids=["bit", "empty", "forged-pair", "forged-text"])
def test_one_indicators_damaged_output_is_computed_again(change, tmp_path, monkeypatch):
    _shipped(tmp_path)
    monkeypatch.chdir(tmp_path)
    computed = _one("-q", "4", cached=False)
    _one("-q", "4")
    assert _damage_rows(change) == 1
    assert _one("-q", "4") == computed
    assert _one("-q", "4") == computed


def test_one_indicator_from_the_cache_loads_neither_yaml_the_model_nor_the_scoring(tmp_path):
    _shipped(tmp_path)
    outs, marks = _modules_of_two_runs(tmp_path, "score", "0406-0772", "-q", "4")
    assert outs[0] == outs[1] and "0406-0772" in outs[1]
    assert marks[1] == "MARK []" and marks[0] != "MARK []"
