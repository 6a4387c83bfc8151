"""One call's --lang does not carry over to the next call in the same process."""

from pathlib import Path

from typer.testing import CliRunner

from kpi_cli.cli import app

CASE = str(Path(__file__).parent / "fixtures" / "invalid" / "date-be-year.yaml")


def test_lang_is_per_call():
    runner = CliRunner()
    thai = runner.invoke(app, ["--lang", "th", "validate", CASE])
    assert "ข้อผิดพลาด" in thai.output
    english = runner.invoke(app, ["validate", CASE])
    assert "error [date-be-year]" in english.output and "ข้อผิดพลาด" not in english.output
