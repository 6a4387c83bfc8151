"""The quarterly table's rules, case by case: the input rows and the finding each must give (or
none), with its message and level, as `kpi validate` reports them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kpi_cli.check.catalogues import read_catalogues
from kpi_cli.check.check import check_text

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "indicators" / "2564" / "0406-0772.yaml"
BASE = yaml.load(SEED.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
CATALOGUES = read_catalogues(REPO / "indicators")[0]


def problems(rows: list[dict], rule: str) -> list[tuple[str, str]]:
    data = dict(BASE, quarters=rows)
    data.pop("inferred", None)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return [(p.level.value, p.message) for p in check_text(SEED, text, CATALOGUES, "x.yaml") if p.rule == rule]


def row(q: int, **over) -> dict:
    base = {"quarter": q, "performance": 30.0 * q if q < 4 else 100.0, "target": 30 if q == 1 else 100}
    return {**base, **over}


@pytest.mark.parametrize("rows, expected", [
    ([row(1), row(2), row(3), row(4)], []),
    ([row(1), row(2), row(2)], [("error", "quarter 2 appears twice (rows 2 and 3)")]),
    ([row(3), row(1)], [("error", "quarter 1 comes after quarter 3")]),
    ([row(2), row(2), row(1)], [("error", "quarter 2 appears twice (rows 1 and 2)"),
                                ("error", "quarter 1 comes after quarter 2")]),
    ([row(1), row(1), row(2)], [("error", "quarter 1 appears twice (rows 1 and 2)")]),
    ([row(1), row(3), row(2), row(4)], [("error", "quarter 2 comes after quarter 3")]),
])
def test_quarter_rows(rows, expected):
    assert problems(rows, "quarter-rows") == expected


@pytest.mark.parametrize("over, expected", [
    ({"assessed": 100, "sub_scores": [100, 100]}, []),
    ({"assessed": 0, "sub_scores": [0, 0]}, []),
    ({"assessed": 100.5}, [("error", "quarter 1: assessed score 100.5 is outside 0-100")]),
    ({"assessed": -1}, [("error", "quarter 1: assessed score -1 is outside 0-100")]),
    ({"assessed": 100, "sub_scores": [100]}, [("error", "quarter 1: sub_scores has 1 figures; the page shows two "
                                                         "(2.1 / 2.2)")]),
    ({"assessed": 100, "sub_scores": [100, 101]}, [("error", "quarter 1: sub-score 101 is outside 0-100")]),
    ({"assessed": 100, "sub_scores": [100, -0.5]}, [("error", "quarter 1: sub-score -0.5 is outside 0-100")]),
    ({"assessed": 100, "sub_scores": [100, None]}, []),
    ({"performance": -3}, [("error", "quarter 1: performance -3 is negative")]),
    ({"target": -1}, [("error", "quarter 1: target -1 is negative")]),
    ({"performance": 0, "target": 0}, []),
])
def test_score_range(over, expected):
    assert problems([row(1, **over)], "score-range") == expected


@pytest.mark.parametrize("over, expected", [
    ({"audited": True, "assessed": 100, "sub_scores": [100, 100]}, []),
    ({"audited": True}, [("error", "quarter 1 is audited but has no assessed score")]),
    ({"audited": True, "assessed": 0, "sub_scores": [0, 0]},
     [("error", "quarter 1 is marked audited but shows 0 / 0 (not assessed)")]),
    ({"audited": True, "assessed": 0, "sub_scores": [0, 50]}, []),  # audited, scored 0: not "0 / 0"
    ({"assessed": 95, "sub_scores": [100, 50]},
     [("warning", "quarter 1: sub-score 2.1 (100) differs from the assessed score (95)")]),
    ({"assessed": 95, "sub_scores": [95, 100]}, []),
    ({"assessed": 95, "sub_scores": [None, 100]}, []),
    ({"assessed": 0, "sub_scores": [0, 0]}, []),
    ({"assessed": 0, "sub_scores": [100, 100]},
     [("warning", "quarter 1: sub-score 2.1 (100) differs from the assessed score (0)")]),
    ({"performance": 50.0, "counts": {"done": 1, "total": 2}}, []),
    ({"performance": 50.005, "counts": {"done": 1, "total": 2}}, []),
    ({"performance": 50.02, "counts": {"done": 1, "total": 2}},
     [("warning", "quarter 1: counts give 50.00 but performance is 50.02")]),
    ({"performance": None, "counts": {"done": 1, "total": 2}}, []),
])
def test_quarter_consistency(over, expected):
    assert problems([row(1, **over)], "quarter-consistency") == expected
