"""Property tests: random damage thrown at the loader and the validator gives problems,
never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.io.loader import load
from kpi_cli.check.rules import REGISTRY, load_all
from kpi_cli.check.pipeline import validate

REPO = Path(__file__).parent.parent
SEED = (REPO / "indicators" / "2564" / "0406-0772.yaml").read_bytes()
load_all()

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "indicators"
    (tree / "2564").mkdir(parents=True, exist_ok=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(REPO / "indicators" / name, tree)
    return tree


def _check(tmp_path: Path, data: bytes):
    tree = _tree(tmp_path)
    target = tree / "2564" / "0406-0772.yaml"
    target.write_bytes(data)
    result = validate([target])  # must not raise
    for p in result.problems:
        assert p.rule in REGISTRY
        assert p.line >= 1 and p.column >= 1
        assert p.message
    return result


def truncate(data: bytes, at: int) -> bytes:
    return data[: at % (len(data) + 1)]


def flip(data: bytes, positions: list[int], values: list[int]) -> bytes:
    b = bytearray(data)
    for pos, val in zip(positions, values):
        b[pos % len(b)] = val
    return bytes(b)


def shuffle_lines(data: bytes, perm: list[int]) -> bytes:
    lines = data.split(b"\n")
    order = sorted(range(len(lines)), key=lambda i: perm[i % len(perm)] if perm else i)
    return b"\n".join(lines[i] for i in order)


ENCODINGS = ["utf-16", "utf-16-le", "utf-32", "cp874", "tis-620", "latin-1", "utf-8-sig", "cp1252"]


def reencode(data: bytes, encoding: str) -> bytes:
    return data.decode("utf-8").encode(encoding, errors="replace")


@SETTINGS
@given(at=st.integers(min_value=0))
def test_truncation(tmp_path, at):
    _check(tmp_path, truncate(SEED, at))


@SETTINGS
@given(positions=st.lists(st.integers(min_value=0), min_size=1, max_size=20),
       values=st.lists(st.integers(min_value=0, max_value=255), min_size=20, max_size=20))
def test_byte_flips(tmp_path, positions, values):
    _check(tmp_path, flip(SEED, positions, values))


@SETTINGS
@given(perm=st.lists(st.integers(), min_size=2, max_size=400))
def test_line_shuffles(tmp_path, perm):
    _check(tmp_path, shuffle_lines(SEED, perm))


@SETTINGS
@given(encoding=st.sampled_from(ENCODINGS))
def test_reencoding(tmp_path, encoding):
    result = _check(tmp_path, reencode(SEED, encoding))
    if encoding not in ("utf-8-sig",):
        assert result.errors >= 1  # a Thai file in another encoding is never silently accepted


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes(tmp_path, data):
    _check(tmp_path, data)


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         st.text(max_size=30), st.dates().map(str))
yaml_values = st.recursive(yaml_scalars, lambda kids: st.lists(kids, max_size=4)
                           | st.dictionaries(st.text(max_size=10), kids, max_size=4), max_leaves=30)


@SETTINGS
@given(doc=st.dictionaries(st.sampled_from(["code", "fiscal_year", "agency", "title", "type", "level", "target",
                                            "quarters", "innovation", "scoring", "amendments", "timeline",
                                            "inferred", "strategies", "weight", "x"]),
                           yaml_values, max_size=10))
def test_random_yaml_documents(tmp_path, doc):
    import yaml

    _check(tmp_path, yaml.safe_dump(doc, allow_unicode=True).encode())


@SETTINGS
@given(cut=st.integers(min_value=0), piece=st.sampled_from(
    [b"&a ", b"*a", b"!!python/object:os.system ", b"\t", b": : ", b"- ", b"[", b"{", b"\x00",
     b"\xef\xbb\xbf", b"\"", b"'", b"|\n", b"? ", b"<<: *a\n", b"%YAML 1.1\n", b"---\n", b"...\n"]))
def test_yaml_damage_inserted(tmp_path, cut, piece):
    pos = cut % (len(SEED) + 1)
    _check(tmp_path, SEED[:pos] + piece + SEED[pos:])


def test_cli_never_prints_a_traceback(tmp_path):
    runner = CliRunner()
    tree = _tree(tmp_path)
    for i, damaged in enumerate([truncate(SEED, 1234), flip(SEED, [10, 500, 9000], [0xFF, 0x00, 0x3A]),
                                 reencode(SEED, "cp874"), b"\x00\x01\x02", b"", b"- a\n- b\n"]):
        (tree / "2564" / f"0406-{i:04d}.yaml").write_bytes(damaged)
    result = runner.invoke(app, ["validate", str(tree)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_load_returns_findings_for_unreadable(tmp_path):
    missing = tmp_path / "gone.yaml"
    missing.symlink_to(tmp_path / "nowhere.yaml")
    loaded = load(missing)
    assert loaded.data is None and loaded.findings[0].rule == "unreadable"
