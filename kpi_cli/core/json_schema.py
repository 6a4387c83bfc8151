"""JSON Schema of the formats, from the models: for editors (VS Code YAML) and peers
(check-jsonschema). kpi_cli/data/*.schema.json are these, shipped in the wheel (a test keeps them
current); `kpi init` copies them into a repository of indicators as schema/*.schema.json, where the
`$schema` lines of its files point.

The schema says what JSON Schema can say of the format: fields, types, required fields, values,
ranges, the patterns of codes, letter numbers and dates (kpi_cli/core/patterns.py). What it cannot
say (across files, against the catalogues, the calendar of the fiscal year, the stages' gates) only
`kpi validate` checks: docs/indicator-format.md lists those rules. Its `$id` is a name (a URN),
not an address: the files are found by their `$schema` paths."""

from __future__ import annotations

import json
import os
from pathlib import Path

DATA = Path(__file__).parent.parent / "data"
SCHEMAS = {
    "indicator": ("indicator.schema.json", "Indicator"),
    "agencies": ("agencies.schema.json", "AgencyCatalogue"),
    "strategies": ("strategies.schema.json", "StrategyCatalogue"),
}


def schema(kind: str = "indicator") -> dict:
    from kpi_cli.core import model

    filename, cls_name = SCHEMAS[kind]
    doc = getattr(model, cls_name).model_json_schema(mode="validation")
    doc = {"$schema": "https://json-schema.org/draft/2020-12/schema",
           "$id": f"urn:kpi-cli:schema:{kind}", **doc}
    return doc


def schema_text(kind: str = "indicator") -> str:
    return json.dumps(schema(kind), ensure_ascii=False, indent=2) + "\n"


def write_all() -> list[Path]:
    """Write the shipped schema files, each atomically (a failed run leaves the old file whole; the
    core layer does without kpi_cli.io: a temporary file beside it, then a rename)."""
    DATA.mkdir(exist_ok=True)
    out = []
    for kind, (filename, _) in SCHEMAS.items():
        path = DATA / filename
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_text(schema_text(kind), encoding="utf-8")
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        out.append(path)
    return out


if __name__ == "__main__":  # python -m kpi_cli.core.json_schema: regenerate the shipped schema files
    for written in write_all():
        print(written)
