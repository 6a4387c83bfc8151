"""What `kpi validate` keeps of each file for the rules across files is columns
(kpi_cli.core.facts.SummaryTable, Texts), and the rules across files read them in passes without
holding a summary per file. Both must give exactly what the plain way gave: a summary back equal
to the one put in, whatever its values; and the same findings as a rule holding every summary."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_cli.check.rules import codes
from kpi_cli.check.rules.codes import code_key
from kpi_cli.core.facts import Summary, SummaryTable, Texts

texts = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)  # lone surrogates too
paths = st.one_of(texts, st.builds(lambda y, c: f"indicators/{y}/{c}.yaml", st.sampled_from(["2564", "2565"]),
                                    st.from_regex(r"0[0-9]{3}-[0-9]{4}", fullmatch=True)))
summaries = st.builds(
    Summary,
    display=paths,
    code=st.one_of(st.none(), st.from_regex(r"0[0-9]{2}-[0-9]{1,4}", fullmatch=True), texts),
    fiscal_year=st.one_of(st.none(), st.sampled_from([2564, 2565]), st.integers(), st.booleans()),
    agency=st.one_of(st.none(), st.sampled_from(["0406", "0401", "๐๔๐๖"]), texts),
    line=st.one_of(st.just(1), st.integers(1, 10)),
    column=st.one_of(st.just(1), st.integers(1, 10)),
    by_name=st.booleans(),
    weight=st.one_of(st.none(), st.sampled_from([10.0, 15.0, 25.0, 50.0]),
                     st.floats(allow_nan=True, allow_infinity=True)),
)


def same(a: Summary, b: Summary) -> bool:
    """Equal, field by field and type by type (a NaN weight is the same NaN)."""
    fields = ("display", "code", "fiscal_year", "agency", "line", "column", "by_name", "weight")
    for name in fields:
        x, y = getattr(a, name), getattr(b, name)
        if type(x) is not type(y):
            return False
        if isinstance(x, float) and math.isnan(x) and math.isnan(y):
            continue
        if x != y:
            return False
    return True


@given(st.lists(texts, max_size=40))
def test_texts_give_back_every_string_exactly(strings):
    kept = Texts(strings)
    assert len(kept) == len(strings)
    assert list(kept) == strings
    assert [kept[i] for i in range(len(strings))] == strings
    if strings:
        assert kept[-1] == strings[-1]


@given(st.lists(summaries, max_size=40))
def test_a_table_gives_back_every_summary_equal(items):
    table = SummaryTable(items)
    assert len(table) == len(items)
    assert all(same(a, b) for a, b in zip(table, items, strict=True))
    assert all(same(table[i], items[i]) for i in range(len(items)))


# the rules as they were when they held every summary: the reference

def code_unique_holding_all(items):
    seen: dict = {}
    for s in items:
        key = code_key(s.code) if s.code is not None else None
        if key is None:
            continue
        of_year = seen.setdefault(s.fiscal_year, {})
        k = int(key[0]) * 100_000 + key[1]
        if k in of_year:
            if not s.by_name:
                yield s, of_year[k].display
        else:
            of_year[k] = s


def agency_weights_holding_all(items):
    groups: dict = {}
    for s in items:
        if s.agency is not None and s.fiscal_year is not None:
            groups.setdefault((s.agency, s.fiscal_year), []).append(s)
    for (agency, year), files in sorted(groups.items()):
        if any(f.by_name for f in files):
            continue
        weighted = [f for f in files if f.weight is not None]
        total = sum(f.weight for f in weighted)
        if not weighted or abs(total - 100) < 0.005:
            continue
        yield min(files, key=lambda f: f.display), (agency, year, f"{total:g}", len(weighted))


class _FewBits(codes._Bits):
    """Eight bits whatever the size: nearly every code shares a bit with another (the second
    pass must sort them out)."""

    def __init__(self, expected: int):
        super().__init__(expected)
        self.mask = 7


plain = st.builds(
    Summary,
    display=st.from_regex(r"indicators/256[45]/[a-c]\.yaml", fullmatch=True),
    code=st.one_of(st.none(), st.sampled_from(["0406-0772", "0406-772", "0406-0001", "0401-0772", "bad", "๐๔๐๖-๐๗๗๒"])),
    fiscal_year=st.sampled_from([None, 2564, 2565]),
    agency=st.sampled_from([None, "0406", "0401"]),
    by_name=st.booleans(),
    weight=st.one_of(st.none(), st.sampled_from([10.0, 15.0, 25.0, 50.0, 100.0, 33.33, 33.34])),
)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(st.lists(plain, max_size=30), st.booleans())
def test_code_unique_from_columns_finds_what_holding_every_summary_found(items, few_bits):
    table = SummaryTable(items)
    original = codes._Bits
    codes._Bits = _FewBits if few_bits else original
    try:
        found = [(s, f.message) for s, f in codes.code_unique(table)]
    finally:
        codes._Bits = original
    expected = list(code_unique_holding_all(items))
    assert [s for s, _m in found] == [s for s, _d in expected]
    assert all(display in message for (_s, message), (_e, display) in zip(found, expected))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(st.lists(plain, max_size=30))
def test_agency_weights_from_columns_finds_what_holding_every_summary_found(items):
    found = list(codes.agency_weights(SummaryTable(items)))
    expected = list(agency_weights_holding_all(items))
    assert [s for s, _f in found] == [s for s, _e in expected]
    for (_s, finding), (_e, (agency, year, total, n)) in zip(found, expected):
        assert f"agency {agency}, fiscal year {year}: the weights sum to {total}% over {n} indicator" in finding.message
