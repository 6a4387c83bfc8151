"""Machine outputs pinned before the code was reshaped (issue: one way through the code).

`kpi validate --format json` over every fixture and shipped file, and `kpi score --format json` and
`kpi status --format json` over every shipped indicator, in English and in Thai, must stay as they
were. A change that means to alter one of them regenerates the files on purpose:

    KPI_PIN_UPDATE=1 python -m pytest tests/test_pinned_outputs.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
PINNED = ROOT / "tests" / "golden" / "pinned"
UPDATE = bool(os.environ.get("KPI_PIN_UPDATE"))


def _rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


VALIDATE_TARGETS = sorted(
    [_rel(p) for p in (ROOT / "tests" / "fixtures" / "invalid").iterdir()]
    + [_rel(p) for p in (ROOT / "tests" / "fixtures" / "valid").rglob("*.yaml")]
    + [_rel(p) for p in (ROOT / "indicators").rglob("*.yaml")]
    + ["indicators"]
)
CODES = sorted(p.stem for p in (ROOT / "indicators").glob("[0-9][0-9][0-9][0-9]/*.yaml"))
LANGS = ["en", "th"]


def _slug(*parts: str) -> str:
    return "__".join(p.replace("/", "~") for p in parts)


def _run(args: list[str]) -> dict:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    return {"args": args, "exit_code": result.exit_code, "stdout": result.stdout}


def _check(name: str, got: dict) -> None:
    path = PINNED / f"{name}.json"
    text = json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is not pinned: run with KPI_PIN_UPDATE=1 once, and review it"
    assert json.loads(path.read_text(encoding="utf-8")) == got


@pytest.fixture(autouse=True)
def _in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("target", VALIDATE_TARGETS)
def test_validate_json_is_pinned(target, lang):
    _check(_slug("validate", target, lang), _run(["--lang", lang, "validate", "--format", "json", target]))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("command", [["score", "--format", "json"], ["score", "--format", "json", "--quarter", "4"],
                                     ["status", "--format", "json"]])
def test_score_and_status_json_are_pinned(command, code, lang):
    args = ["--lang", lang, command[0], code, *command[1:]]
    _check(_slug(*command, code, lang), _run(args))
