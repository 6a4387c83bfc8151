"""The audited past through `kpi validate --against BASE` (rule audited-change): which quarters
count as assessed, how a change is worded, and files that cannot be compared.

Each test commits a small indicator on `main` in a throw-away repository, edits the working copy
and asks `kpi validate --against main` for its problems.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app
from scoring_helpers import INDICATORS, PERCENT_HEAD

runner = CliRunner()

HEAD = PERCENT_HEAD
AMENDMENT = """\
amendments:
  - {kind: amendment, letter: กท 0406/4000, date: 2021-09-01, outcome: accepted, quarters: [%s]}
"""


def text(rows: list[str], amendments: str = "") -> str:
    return HEAD + "quarters:\n" + "".join(f"  - {{{r}}}\n" for r in rows) + amendments


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)


class Repo:
    """A repository whose `main` holds one indicator file; the working copy is edited."""

    def __init__(self, root: Path, committed: str):
        (root / "indicators" / "2564").mkdir(parents=True)
        for name in ("agencies.yaml", "strategies.yaml"):
            shutil.copy(INDICATORS / name, root / "indicators" / name)
        self.path = root / "indicators" / "2564" / "0406-0001.yaml"
        self.path.write_text(committed, encoding="utf-8")
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "base")

    def against_main(self, now: str) -> tuple[int, list[dict]]:
        """Write the working copy, then (exit code, problems) of `kpi validate --against main`."""
        self.path.write_text(now, encoding="utf-8")
        result = runner.invoke(app, ["validate", "--against", "main", "--format", "json"])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        return result.exit_code, json.loads(result.stdout)["problems"]


@pytest.fixture
def make_repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return lambda committed: Repo(tmp_path, committed)


def guarded(problems: list[dict]) -> list[str]:
    return [p["message"] for p in problems if p["rule"] == "audited-change"]


Q1 = "quarter: 1, performance: 30, target: 30"


# --- which quarters are assessed ---------------------------------------------------------------

@pytest.mark.parametrize("before, after", [
    ("", "assessed: 100, sub_scores: [100, 100]"),  # no official figures yet
    ("assessed: 0, sub_scores: [0, 0]", "assessed: 100, sub_scores: [100, 100]"),  # 0 with 0 / 0
    ("sub_scores: [0, 0]", "assessed: 100, sub_scores: [100, 100]"),  # 0 / 0 alone
    ("assessed: 0", "assessed: 95"),  # 0 without sub-scores
], ids=["nothing", "0 and 0 / 0", "0 / 0", "0"])
def test_filling_in_a_quarter_that_was_not_assessed_needs_no_amendment(make_repo, before, after):
    repo = make_repo(text([Q1 + (f", {before}" if before else "")]))
    code, problems = repo.against_main(text([f"{Q1}, {after}"]))
    assert (code, guarded(problems)) == (0, [])


# --- the performance of audited quarters --------------------------------------------------------


# --- amendments ----------------------------------------------------------------------------------

def test_a_new_amendment_naming_the_quarter_allows_the_change(make_repo):
    repo = make_repo(text([f"{Q1}, assessed: 100"]))
    code, problems = repo.against_main(text([f"{Q1}, assessed: 95"], AMENDMENT % 1))
    assert (code, guarded(problems)) == (0, [])


def test_removing_a_row_that_was_never_assessed_nor_audited_is_free(make_repo):
    repo = make_repo(text([Q1, "quarter: 2, performance: 50, target: 50"]))
    code, problems = repo.against_main(text([Q1]))
    assert (code, guarded(problems)) == (0, [])


def test_a_new_row_has_no_past(make_repo):
    repo = make_repo(text([f"{Q1}, assessed: 100"]))
    code, problems = repo.against_main(text([f"{Q1}, assessed: 100",
                                             "quarter: 2, performance: 50, target: 50, assessed: 90"]))
    assert (code, guarded(problems)) == (0, [])


# --- files that cannot be compared ----------------------------------------------------------------

def test_a_base_version_that_is_not_yaml_has_no_past_to_guard(make_repo):
    repo = make_repo("quarters: [\n")
    code, problems = repo.against_main(text([f"{Q1}, assessed: 95"]))
    assert (code, problems) == (0, [])


def test_a_base_version_that_is_no_indicator_has_no_past_to_guard(make_repo):
    repo = make_repo("- just\n- a list\n")
    code, problems = repo.against_main(text([f"{Q1}, assessed: 95"]))
    assert (code, problems) == (0, [])


def test_a_base_version_this_kpi_cannot_read_is_said_not_passed_in_silence(make_repo):
    """A file on main that no reading can make an indicator of (a value this kpi does not accept):
    its quarters that look audited are not compared, and the reviewer is told so."""
    repo = make_repo(text([f"{Q1}, assessed: 100"]).replace("type: routine\n", "type: nonsense\n"))
    code, problems = repo.against_main(text([f"{Q1}, assessed: 95"]))
    assert code == 0 and [p["level"] for p in problems] == ["warning"]
    assert "cannot be read as an indicator by this kpi" in guarded(problems)[0]
    assert "git diff main -- indicators/2564/0406-0001.yaml" in problems[0]["fix"]


def test_a_base_version_with_nothing_audited_that_cannot_be_read_says_nothing(make_repo):
    repo = make_repo(text([Q1]).replace("type: routine\n", "type: nonsense\n"))
    assert repo.against_main(text(["quarter: 1, performance: 20, target: 30"])) == (0, [])


@pytest.mark.parametrize("then, now, refused", [
    ('assessed: "100"', "assessed: 100", False),  # an older kpi let a figure in quotes pass: mending it is fine
    ('assessed: "100"', "assessed: 95", True),  # but not with another figure
    ("assessed: '๑๐๐'", "assessed: 95", True),
    ('assessed: "95.00"', "assessed: 95.0", True),  # printed otherwise
    ('assessed: "95.00"', "assessed: 95.00", False),
    ('assessed: 100, retired_field: x', "assessed: 95", True),  # a field this kpi does not know is set aside
    ('assessed: 100, retired_field: x', "assessed: 100", False),
])
def test_a_base_version_a_stricter_kpi_refuses_is_still_guarded(make_repo, then, now, refused):
    """A later kpi is stricter than the one that accepted main (a figure in quotes, a field since
    dropped): the past is read as leniently as its figures allow, so a change cannot mend the file
    and alter its audited figures at once."""
    repo = make_repo(text([f"{Q1}, {then}"]))
    code, problems = repo.against_main(text([f"{Q1}, {now}"]))
    assert (code == 1, bool(guarded(problems))) == (refused, refused), problems
    if refused:
        assert "quarter 1 is on the audited record: assessed changed" in guarded(problems)[0]




# --- the reported result (ผลงานที่ทำได้) --------------------------------------------------------------

@pytest.mark.parametrize("rows, achieved, refused", [
    ([f"{Q1}, assessed: 100", "quarter: 2, performance: 50, target: 50"], "50", False),  # a later quarter reported
    ([f"{Q1}, assessed: 100"], "31", True),  # nothing later: the audited quarter's result stays
    ([f"{Q1}, assessed: 100"], "30.0", True),  # printed otherwise
])
def test_the_reported_result_follows_the_latest_quarter_not_the_pen(make_repo, rows, achieved, refused):
    repo = make_repo(text([f"{Q1}, assessed: 100"]) + "achieved: 30\n")
    code, problems = repo.against_main(text(rows) + f"achieved: {achieved}\n")
    assert (code == 1, bool(guarded(problems))) == (refused, refused), problems
