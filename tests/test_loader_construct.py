"""The loader's own construction of plain documents gives exactly what PyYAML's gives: the same
objects, the same duplicate keys at the same places, the same errors (it hands anything unusual
back to PyYAML). Checked on every YAML file of the repository, on generated indicators, and on
random documents full of YAML's traps.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_cli.io.loader import _Loader

REPO = Path(__file__).resolve().parent.parent


class _PyYAML(_Loader):
    """The same loader, constructing through PyYAML's own dispatch, resolving tags with PyYAML's
    own resolver and reading integers with PyYAML's own constructor (the loader's are faster)."""

    resolve = yaml.resolver.BaseResolver.resolve
    descend_resolver = yaml.resolver.BaseResolver.descend_resolver
    ascend_resolver = yaml.resolver.BaseResolver.ascend_resolver

    def construct_document(self, node):
        return yaml.CSafeLoader.construct_document(self, node)

    def construct_yaml_int(self, node):
        return self._bounded(node, yaml.constructor.SafeConstructor.construct_yaml_int.__get__(self))


_PyYAML.add_constructor("tag:yaml.org,2002:int", _PyYAML.construct_yaml_int)


def _outcome(loader_cls, text: str):
    loader = loader_cls(text)
    try:
        data = loader.get_single_data()
    except Exception as exc:  # noqa: BLE001  the error itself is what is compared
        return ("error", type(exc).__name__, str(exc))
    finally:
        loader.dispose()
    return ("data", _typed(data), [(k, m.line, m.column) for k, m in loader.duplicates])


def _typed(value, seen=None):
    """A comparable picture of `value` with the types of everything in it (1 == 1.0 == True would
    hide a difference); a collection met again (an alias: shared, or a cycle) is named by the
    order it was first met, so the picture stays as small as the document."""
    seen = {} if seen is None else seen
    if isinstance(value, (list, dict, set)):
        if id(value) in seen:
            return ("again", seen[id(value)])
        seen[id(value)] = len(seen)
        if isinstance(value, list):
            return ("list", [_typed(v, seen) for v in value])
        if isinstance(value, set):
            return ("set", sorted(repr(_typed(v, seen)) for v in value))
        return ("dict", [(_typed(k, seen), _typed(v, seen)) for k, v in value.items()])
    if isinstance(value, tuple):
        return ("tuple", [_typed(v, seen) for v in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, repr(value), getattr(value, "reason", None))


def _same(text: str) -> None:
    assert _outcome(_Loader, text) == _outcome(_PyYAML, text), text


def test_every_yaml_file_of_the_repository_and_generated_indicators(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    files = [p for p in REPO.rglob("*.y*ml") if ".git" not in p.parts and p.is_file()]
    files += sorted(generate(30, tmp_path / "generated").rglob("*.yaml"))
    assert len(files) > 60
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # the encoding fixtures: refused before any YAML is read
        _same(text)


TRAPS = ["yes", "No", "on", "OFF", "~", "null", "", "0x1F", "0o17", "017", "1_000", "1:20", "-.inf", ".NaN",
         "3.0", "1e3", "2021-04-15", "2021-02-30", "2564-13-45", "2021-04-15T10:00:00Z", "2021-04-15 10:00",
         "'quoted'", '"dq\\u0e01"', "ก.ก.", "สำนักงานเขต", "0406", "<<", "'<<'", "!!str 5", "!!int '7'",
         "!!binary aGVsbG8=", "!!float 1", "!!bool yes", "!!null ''", "=", "?", "0", "00", "-0", "+7", "0b101",
         "1234567890" * 3, "1234567890" * 3 + "1", "0" + "7" * 30, "๑๒", "1.50", "'2021-04-15'", "Yes", "NULL",
         "True", "-1_000", "0x_1"]

# anchors a0-a2 defined first, so that most aliases of the random documents resolve
ANCHORS = "base: &a0 {x: 1, 'y': [2021-04-15, ~]}\nlist: &a1 [1, yes, 2021-02-30]\nscalar: &a2 0406\n"


def _values(depth: int):
    scalar = st.sampled_from(TRAPS)
    if depth == 0:
        return scalar
    inner = _values(depth - 1)
    keys = st.one_of(scalar, st.builds(lambda v: f"[{v}]", inner))
    return st.one_of(
        scalar,
        st.lists(inner, max_size=4).map(lambda vs: "[" + ", ".join(vs) + "]"),
        st.lists(st.tuples(keys, inner), max_size=4).map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
        st.builds(lambda n, v: f"&r{n} {v}", st.integers(0, 10**9), inner),  # new anchors: a0-a2 exist
        st.integers(0, 2).map(lambda n: f"*a{n}"),
        st.just("*a0"),
        st.builds(lambda t, v: f"{t} {v}", st.sampled_from(["!!set", "!!omap", "!!seq", "!!map", "!!str"]), inner),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["code", "title", "a", "b", "<<", "1", "yes", "2021-04-15", "ก"]),
                          _values(3)), min_size=1, max_size=6))
def test_random_documents_full_of_traps(lines):
    _same(ANCHORS + "".join(f"{key}: {value}\n" for key, value in lines))


@settings(max_examples=200, deadline=None)
@given(_values(4))
def test_random_flow_values(value):
    _same(ANCHORS + f"value: {value}\n")


_DATA = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
              st.dates(), st.text(max_size=12), st.sampled_from(TRAPS)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.text(max_size=6), st.integers(), st.booleans()), inner,
                                            max_size=4)),
    max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), _DATA, min_size=1, max_size=5), st.booleans(),
       st.sampled_from(["", "code: again\n", "code: 1\ncode: 2\n"]))
def test_random_plain_documents(data, flow, extra):
    """Documents as people write them: plain mappings and sequences, written out by PyYAML in
    block or flow style, sometimes with a key written twice."""
    _same(yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False) + extra)
