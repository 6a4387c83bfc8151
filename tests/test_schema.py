"""The JSON Schema shipped in the wheel is the one the models give, and agrees with the validator."""

import json
from pathlib import Path

import pytest

from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.core.json_schema import DATA, SCHEMAS, schema

REPO = Path(__file__).parent.parent


def test_shipped_schema_files_are_current():
    for kind, (filename, _) in SCHEMAS.items():
        shipped = json.loads((DATA / filename).read_text(encoding="utf-8"))
        assert shipped == schema(kind), f"run `python -m kpi_cli.core.json_schema` to regenerate {filename}"


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


SHAPE_RULES = {"unknown-field", "missing-field", "wrong-type", "invalid-value", "out-of-range", "implicit-type"}


def _fixture_cases():
    fixtures = REPO / "tests" / "fixtures"
    for path in sorted(fixtures.rglob("*.yaml")):
        if path.name in ("agencies.yaml", "strategies.yaml"):
            continue
        yield path


def _jsonable(obj):
    import datetime as dt

    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    return obj


def test_schema_and_validator_agree_on_every_fixture():
    """Where the file parses, the schema never refuses what kpi accepts, refuses every file with a
    problem of shape, and refuses nothing that kpi lets through: it may leave problems to kpi's
    rules (across files, the catalogues, the calendar: docs/indicator-format.md), never add any."""
    import jsonschema

    from kpi_cli.io.loader import load
    from kpi_cli.check.pipeline import validate

    validator = jsonschema.Draft202012Validator(schema("indicator"), format_checker=jsonschema.FormatChecker())
    checked = refused_by_both = 0
    for path in _fixture_cases():
        loaded = load(path)
        if not loaded.ok:
            continue  # unreadable for both: encoding, syntax, tags, bombs…
        found = validate([path]).problems
        errors = {p.rule for p in found if p.is_error}
        schema_errors = [e.message for e in validator.iter_errors(_jsonable(loaded.data))]
        if not errors:
            assert not schema_errors, (path.name, "kpi accepts it, the schema refuses it", schema_errors)
        if errors & SHAPE_RULES:
            assert schema_errors, (path.name, "a problem of shape the schema lets through", errors)
        refused_by_both += bool(errors and schema_errors)
        checked += 1
    assert checked >= 20 and refused_by_both >= 10


def test_regenerating_the_schema_files_is_atomic(tmp_path, monkeypatch):
    """`python -m kpi_cli.core.json_schema` writes each file whole or not at all."""
    from kpi_cli.core import json_schema

    monkeypatch.setattr(json_schema, "DATA", tmp_path)
    written = json_schema.write_all()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)
    before = {p.name: p.read_bytes() for p in written}

    monkeypatch.setattr(json_schema, "schema_text", lambda kind: "{}")

    def full_disk(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json_schema.os, "replace", full_disk)
    with pytest.raises(OSError):
        json_schema.write_all()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing half-written, no temporary
