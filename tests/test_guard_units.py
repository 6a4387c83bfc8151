"""The guard's parts, one by one: what is on the record, how figures are shown, which amendments
are new and which open a quarter, how indicators are matched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from kpi_cli.check import guard
from kpi_cli.core.figures import Printed
from kpi_cli.core.model import Indicator, Quarter

SEED = Path(__file__).resolve().parent.parent / "indicators" / "2564" / "0406-0772.yaml"
SEED_DATA = yaml.load(SEED.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def seed(**changes) -> Indicator:
    data = yaml.load(SEED.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    data.update(changes)
    return Indicator.model_validate(data)


@pytest.mark.parametrize("row, expected", [
    ({}, False),
    ({"sub_scores": [0, 0]}, False),
    ({"assessed": 0, "sub_scores": [0, 0]}, False),
    ({"assessed": 0}, False),
    ({"assessed": 0, "sub_scores": [100, 100]}, True),
    ({"assessed": 95}, True),
    ({"sub_scores": [50, 0]}, True),
    ({"sub_scores": [0, 50]}, True),
    ({"assessed": 0, "sub_scores": [0, 0], "audited": True}, True),
    ({"audited": True}, True),
])
def test_what_is_on_the_record(row, expected):
    assert guard.on_record(Quarter(quarter=1, **row)) is expected


@pytest.mark.parametrize("value, shown", [
    (None, "nothing"), (True, "true"), (False, "false"), (95.0, "95"), (12.5, "12.5"), (0, "0"),
    ([100, None], "100 / nothing"), ("  a   b ", "'a b'"), ("x" * 40, repr("x" * 40)),
    ("y" * 41, repr("y" * 39 + "…")), ({"b": 1, "a": None}, '{"a": null, "b": 1}'),
])
def test_figures_are_shown_as_people_read_them(value, shown):
    assert guard._fmt(value) == shown


def test_a_model_is_shown_without_its_empty_fields():
    assert guard._fmt(seed().weight) == '{"percent": 10}'


def _amendment(**over) -> dict:
    base = {"kind": "amendment", "letter": "กท 0406/4000", "date": dt.date(2021, 9, 1), "outcome": "accepted",
            "quarters": [1]}
    return {**base, **over}


def test_new_and_lost_amendments_by_content_counted():
    old = seed()
    same = seed(amendments=list(SEED_DATA["amendments"]) * 2)  # the same amendment twice: one is new
    got = guard.compare_amendments(old, same)
    assert len(got.new) == 1 and got.lost == []
    fewer = seed(amendments=[])
    got = guard.compare_amendments(same, fewer)
    assert [i for i, _a in got.lost] == [0, 1] and got.new == []
    added = seed(amendments=[*SEED_DATA["amendments"], _amendment()])
    got = guard.compare_amendments(old, added)
    assert got.lost == [] and [a.letter for a in got.new] == ["กท 0406/4000"]


@pytest.mark.parametrize("edited", [
    {"date": dt.date(2021, 7, 8)},                 # in place: paired by position
    {"letter": "กท 0406/3937 ", "date": dt.date(2021, 7, 8)},
])
def test_an_edited_amendment_is_lost_and_not_new(edited):
    old = seed()
    changed = dict(SEED_DATA["amendments"][0], **edited)
    got = guard.compare_amendments(old, seed(amendments=[changed]))
    assert [i for i, _a in got.lost] == [0] and got.new == []


def test_an_edited_amendment_is_paired_by_letter_then_kind_wherever_it_moved():
    old = seed(amendments=[*SEED_DATA["amendments"], _amendment(letter="กท 0406/5000", kind="appeal")])
    moved = [_amendment(letter="กท 0406/5000", kind="appeal", note="x"), SEED_DATA["amendments"][0],
             _amendment(letter="กท 0406/6000")]
    got = guard.compare_amendments(old, seed(amendments=moved))
    assert [i for i, _a in got.lost] == [1] and [a.letter for a in got.new] == ["กท 0406/6000"]
    by_kind = [SEED_DATA["amendments"][0], _amendment(letter="กท 0406/7000", kind="appeal")]
    got = guard.compare_amendments(old, seed(amendments=by_kind))
    assert [i for i, _a in got.lost] == [1] and got.new == []


@pytest.mark.parametrize("over, opens", [
    ({}, True),
    ({"date": dt.date(2020, 12, 31)}, False),  # on the quarter's last day: not after it
    ({"date": dt.date(2021, 1, 1)}, True),
    ({"date": dt.date(2020, 12, 1), "decided": dt.date(2021, 1, 5)}, True),  # decided counts instead
    ({"decided": dt.date(2020, 12, 31)}, False),
    ({"outcome": "pending"}, False),
    ({"outcome": "rejected"}, False),
    ({"quarters": [2]}, False),
])
def test_which_new_amendment_opens_quarter_1(over, opens):
    ind = seed(amendments=[_amendment(**over)])
    assert guard._opens(ind.amendments[0], ind, 1) is opens


def test_the_inputs_of_a_computed_score_are_named():
    old = seed()
    data = dict(SEED_DATA, target={"value": 20, "unit": "คะแนน"})
    assert guard._score_inputs(old, Indicator.model_validate(data), 1) == ["the annual target"]
    rule = dict(SEED_DATA["scoring"], points=[20, 20, 10, 30, 20])
    assert guard._score_inputs(old, seed(scoring=rule), 1) == ["the scoring rule in force"]
    assert guard._score_inputs(old, seed(), 1) == []


def test_indicators_are_matched_by_the_key_of_their_code():
    assert guard._identity(seed(code="0406-772")) == guard._identity(seed())
    assert guard._identity(seed(fiscal_year=2565)) != guard._identity(seed())


@pytest.mark.parametrize("rel, is_indicator", [
    ("indicators/2564/0406-0772.yaml", True), ("indicators/2564/0406-0772.YML", True),
    ("indicators/agencies.yaml", False), ("indicators/strategies.yaml", False), ("indicators/README.md", False),
])
def test_which_past_files_can_be_indicators(rel, is_indicator):
    assert guard._is_indicator_name(rel) is is_indicator


def test_turning_audited_off_points_at_the_row(tmp_path):
    old = seed()
    rows = [dict(r) for r in SEED_DATA["quarters"]]
    del rows[0]["audit"]  # the audit line of quarter 1 removed
    (finding,) = guard.audited_changes(old, seed(quarters=rows))
    assert finding.loc == ("quarters", 0) and finding.key is True
    rows[0]["audit"] = 100
    rows[0]["assessed"] = 90
    (finding,) = guard.audited_changes(old, seed(quarters=rows))
    assert finding.loc == ("quarters", 0, "assessed") and finding.key is False


def test_no_record_nothing_to_guard():
    rows = [dict(r, assessed=0, sub_scores=[0, 0]) for r in SEED_DATA["quarters"]]
    for r in rows:
        r.pop("audit", None)
    old = seed(quarters=rows)
    changed = [dict(r, performance=1) for r in rows]
    assert guard.audited_changes(old, seed(quarters=changed, weight={"percent": 50})) == []


def test_the_rule_is_registered():
    from kpi_cli.check.rules.registry import REGISTRY

    assert REGISTRY["audited-change"].scope == "git"


def test_an_amendment_recorded_twice_and_kept_once_is_lost_once():
    twice = seed(amendments=list(SEED_DATA["amendments"]) * 2)
    got = guard.compare_amendments(twice, seed())
    assert [i for i, _a in got.lost] == [1] and got.new == []


def test_pairing_an_edited_amendment_prefers_its_place_then_its_letter_then_its_kind():
    a = _amendment(letter="กท 0406/1000", kind="appeal")
    # by place: the edit sits where the old one was, and the new one has another letter and kind
    old = seed(amendments=[a])
    edited = _amendment(letter="กท 0406/1001", kind="amendment", note="x")
    other = _amendment(letter="กท 0406/2000", kind="amendment")
    assert [x.letter for x in guard.compare_amendments(old, seed(amendments=[edited, other])).new] == ["กท 0406/2000"]
    # one pairing per lost amendment: the second with the same letter is new
    again = _amendment(letter="กท 0406/1000", kind="appeal", note="y")
    twin = _amendment(letter="กท 0406/1000", kind="appeal", note="z")
    got = guard.compare_amendments(old, seed(amendments=[again, twin]))
    assert [x.note for x in got.new] == ["z"]
    # by kind, when neither the place nor the letter pairs it
    s = SEED_DATA["amendments"][0]
    old = seed(amendments=[s, a])
    z = _amendment(letter="กท 0406/9000", kind="amendment")
    x = _amendment(letter="กท 0406/8000", kind="appeal")
    assert [n.letter for n in guard.compare_amendments(old, seed(amendments=[z, s, x])).new] == ["กท 0406/9000"]


def test_findings_point_at_the_key_where_nothing_is_left_to_point_at():
    old = seed()
    lost = guard.audited_changes(old, seed(amendments=[]))
    assert [(f.loc, f.key) for f in lost] == [(("amendments",), True)]
    moved = guard.audited_changes(old, seed(weight={"percent": 20}))
    assert [(f.loc, f.key) for f in moved] == [(("weight",), True)]


def test_an_un_audited_row_with_a_changed_score_points_at_the_score():
    rows = [dict(r) for r in SEED_DATA["quarters"]]
    del rows[0]["audit"]
    rows[0]["assessed"] = 90
    findings = guard.audited_changes(seed(), seed(quarters=rows))
    assert [(f.loc, f.key) for f in findings] == [(("quarters", 0, "assessed"), False), (("quarters", 0), True)]


def test_a_row_change_is_one_finding_even_when_the_computed_score_follows_it():
    rows = [dict(r) for r in SEED_DATA["quarters"]]
    rows[0]["target"] = 60
    findings = guard.audited_changes(seed(), seed(quarters=rows))
    assert len(findings) == 1 and "target changed from 30 to 60" in findings[0].message


@pytest.mark.parametrize("was, now, same", [
    (100, 100, True), (100, 100.0, True), (Printed("30.00"), Printed("30.00"), True),
    (Printed("30.00"), 30.0, False), (100, Printed("100.0"), False), (1500000, 1.5e6, False),
    ([100, 100], [100, 100.0], True), ([100, 100], [100, Printed("100.00")], False),
])
def test_a_figure_is_the_same_when_it_is_equal_and_shown_alike(was, now, same):
    assert guard._same(was, now) is same
