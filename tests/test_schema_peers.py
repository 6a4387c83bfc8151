"""kpi's JSON Schema with a peer's validator, check-jsonschema (as editors and other tools use it):
it accepts every shipped and generated file, refuses what it can say is wrong (`assessed: 200`,
`code: "0406-07x2"`), and the rules it cannot check (across files, against the catalogues, the
calendar, the stages) are the ones docs/indicator-format.md lists as `kpi validate`'s alone."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kpi_cli.core.json_schema import DATA
from kpi_cli.scoring.registry import KINDS
from kpi_process import ROOT, git, kpi

pytest.importorskip("check_jsonschema", reason="check-jsonschema is in the test extra: pip install '.[test]'")

FIXTURES = ROOT / "tests" / "fixtures"
INVALID = FIXTURES / "invalid"
DOC = ROOT / "docs" / "indicator-format.md"
SECTION = "## What the JSON Schema checks, and what only `kpi validate` can"


def check_jsonschema(schema: Path, files: list[Path]) -> set[Path]:
    """The files check-jsonschema refuses (schema errors or files it cannot parse)."""
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "-o", "json", "--schemafile", str(schema),
                           *map(str, files)], capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout)
    refused = {Path(e["filename"]) for e in report.get("errors", []) + report.get("parse_errors", [])}
    assert (done.returncode == 0) == (not refused), done.stdout + done.stderr
    return refused


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A repository made by `kpi init`, with an indicator of every kind from `kpi new` and one imported."""
    repo = tmp_path_factory.mktemp("peers") / "data"
    assert kpi("init", str(repo), cwd=repo.parent).returncode == 0
    git("init", "-q", cwd=repo)
    for i, kind in enumerate(KINDS):
        assert kpi("new", f"0406-090{i}", "--kind", kind, "--year", "2565", cwd=repo).returncode == 0
    assert kpi("import", str(FIXTURES / "pages" / "seed-0406-0772.txt"), cwd=repo).returncode == 0
    return repo


def _indicators(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.yaml") if p.name not in ("agencies.yaml", "strategies.yaml"))


def test_every_shipped_and_generated_file_passes(data):
    kinds = {"indicator": [*_indicators(ROOT / "indicators"), *_indicators(FIXTURES / "valid")],
             "agencies": [ROOT / "indicators" / "agencies.yaml", FIXTURES / "agencies.yaml",
                          DATA / "init" / "agencies.yaml"],
             "strategies": [ROOT / "indicators" / "strategies.yaml", FIXTURES / "strategies.yaml",
                            DATA / "init" / "strategies.yaml"]}
    for kind, files in kinds.items():
        assert check_jsonschema(DATA / f"{kind}.schema.json", files) == set(), kind
    # the repository kpi init made, with the schema it holds
    made = _indicators(data / "indicators")
    assert len(made) == len(KINDS) + 1
    assert check_jsonschema(data / "schema" / "indicator.schema.json", made) == set()
    for kind in ("agencies", "strategies"):
        assert check_jsonschema(data / "schema" / f"{kind}.schema.json", [data / "indicators" / f"{kind}.yaml"]) == set()


def test_it_refuses_what_the_schema_can_say(tmp_path):
    """The issue's two: an assessed score of 200 and a code with a letter in it; kpi validate refuses
    both too, with its own rules."""
    source = (FIXTURES / "valid" / "2564" / "0406-0001.yaml").read_text("utf-8")
    assert "assessed: 100" in source and 'code: "0406-0001"' in source
    cases = {"score-range": source.replace("assessed: 100", "assessed: 200", 1),
             "code-format": source.replace('code: "0406-0001"', 'code: "0406-07x2"')}
    files = []
    for rule, text in cases.items():
        folder = tmp_path / rule / "2564"
        folder.mkdir(parents=True)
        (folder / "0406-0001.yaml").write_text(text, encoding="utf-8")
        files.append(folder / "0406-0001.yaml")
        checked = kpi("validate", "--format", "json", str(folder / "0406-0001.yaml"), cwd=tmp_path)
        assert rule in {p["rule"] for p in json.loads(checked.stdout)["problems"]}
    assert check_jsonschema(DATA / "indicator.schema.json", files) == set(files)


def _expected_rules(case: Path) -> set[str]:
    files = [case] if case.is_file() else sorted(case.rglob("*.yaml"))
    return {m.group(1).decode() for f in files for m in re.finditer(rb"^# expect: (\S+) \d+$", f.read_bytes(), re.M)}


# check-jsonschema expands a billion-laughs file before it refuses it (three minutes of CPU here; kpi
# refuses it at once, rule alias-bomb): it is left out of the peer's run
SLOW_FOR_THE_PEER = {"alias-bomb.yaml"}


def test_the_rules_only_kpi_validate_checks_are_the_documented_ones():
    cases = [case for case in sorted(INVALID.iterdir()) if case.name not in SLOW_FOR_THE_PEER]
    files = {f: case for case in cases for f in ([case] if case.is_file() else sorted(case.rglob("*.yaml")))}
    refused = check_jsonschema(DATA / "indicator.schema.json", list(files))
    refused_cases = {files[f] for f in refused}
    kpi_only = set().union(*(_expected_rules(c) for c in cases if c not in refused_cases))
    both = set().union(*(_expected_rules(c) for c in refused_cases))
    section = DOC.read_text("utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.M))
    assert listed == kpi_only, ("kpi validate's own rules, as docs/indicator-format.md lists them, "
                                f"differ from what check-jsonschema lets through: {sorted(listed ^ kpi_only)}")
    assert {"code-format", "score-range", "letter-format", "date-be-year", "date-invalid", "implicit-type",
            "out-of-range", "missing-field", "unknown-field", "invalid-value", "wrong-type"} <= both
