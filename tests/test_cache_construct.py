"""model.construct: an indicator rebuilt from the cache must be the object that
validating the file builds, including what pydantic remembers about it.

conftest.py gives every test its own empty cache (KPI_CACHE_DIR).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from kpi_cli.core.model import Indicator, construct

SEED = Path(__file__).resolve().parent.parent / "indicators" / "2564" / "0406-0772.yaml"


def _set_fields(model, where="$") -> dict:
    out = {where: sorted(model.model_fields_set)}
    for name in type(model).model_fields:
        value = getattr(model, name)
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            if hasattr(item, "model_fields_set"):
                out.update(_set_fields(item, f"{where}.{name}[{i}]"))
    return out


def test_construct_keeps_which_fields_the_file_set():
    """`construct` marks every field as set (`__pydantic_fields_set__ = set(values)`), while
    validation marks only the fields the YAML wrote: a model from the cache differs from a
    checked one in `model_fields_set`, and `model_dump(exclude_unset=True)` (the usual way to
    write back only what a file said) gives every default too. No command uses it today, but
    docs/performance.md promises that a hit gives exactly what checking gives.

    Correct: the same `model_fields_set` at every level, e.g. dump with exclude_unset=True and
    let construct fill the missing fields with their defaults, marking only the present ones."""
    checked = Indicator.model_validate(yaml.safe_load(SEED.read_text("utf-8")))
    rebuilt = construct(Indicator, json.loads(checked.model_dump_json(exclude_unset=True)))  # as the cache keeps it
    assert _set_fields(rebuilt) == _set_fields(checked)
    assert rebuilt.model_dump(exclude_unset=True) == checked.model_dump(exclude_unset=True)
