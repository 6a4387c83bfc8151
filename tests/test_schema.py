"""The JSON Schema shipped in the wheel is the one the models give, and agrees with the validator."""

import json
from pathlib import Path

from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.schema import DATA, SCHEMAS, schema

REPO = Path(__file__).parent.parent


def test_shipped_schema_files_are_current():
    for kind, (filename, _) in SCHEMAS.items():
        shipped = json.loads((DATA / filename).read_text(encoding="utf-8"))
        assert shipped == schema(kind), f"run `python -m kpi_cli.schema` to regenerate {filename}"


def test_schema_command_prints_json():
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert "code" in doc["properties"] and "quarters" in doc["properties"]


def test_shipped_files_reference_the_schema():
    for path in (REPO / "indicators").rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {target} does not exist"
