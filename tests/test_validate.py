"""`kpi validate`: fixture files carry their expected (rule, line); the shipped tree is clean.

Add a case by adding a file (or a folder, for rules across files) under tests/fixtures/invalid/
with one `# expect: RULE LINE` comment per expected problem.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.check.rules import REGISTRY, load_all
from kpi_cli.check.pipeline import validate

HERE = Path(__file__).parent
REPO = HERE.parent
INVALID = HERE / "fixtures" / "invalid"
VALID = HERE / "fixtures" / "valid"
SEED = REPO / "indicators" / "2564" / "0406-0772.yaml"

runner = CliRunner()
load_all()


def valid_tree(tmp_path: Path, catalogues: bool = True) -> Path:
    """A copy of the valid fixtures as an indicators/ folder, with the fixture catalogues."""
    tree = tmp_path / "indicators"
    shutil.copytree(VALID, tree)
    if catalogues:
        for name in ("agencies.yaml", "strategies.yaml"):
            shutil.copy(HERE / "fixtures" / name, tree)
    return tree


def expectations(case: Path) -> set[tuple[str, int]]:
    files = [case] if case.is_file() else sorted(case.rglob("*.yaml"))
    found = set()
    for f in files:
        for m in re.finditer(rb"^# expect: (\S+) (\d+)$", f.read_bytes(), re.M):
            found.add((m.group(1).decode(), int(m.group(2))))
    return found


CASES = sorted(INVALID.iterdir())


def test_every_case_declares_what_it_expects():
    for case in CASES:
        assert expectations(case), f"{case.name} has no '# expect: RULE LINE' comment"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fixture_gives_exactly_its_expected_problems(case):
    result = validate([case])
    got = {(p.rule, p.line) for p in result.problems}
    assert got == expectations(case)
    for p in result.problems:
        assert p.rule in REGISTRY, f"{p.rule} is not a registered rule"
        assert p.message and p.column >= 1


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_cli_reports_fixture_with_exit_code_and_no_traceback(case):
    result = runner.invoke(app, ["validate", "--format", "text", "--strict", str(case)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for rule, line in expectations(case):
        assert re.search(rf":{line}:\d+: \w+ \[{re.escape(rule)}\]", result.output), result.output


def test_every_bad_input_of_the_issue_has_a_fixture():
    covered = {rule for case in CASES for rule, _ in expectations(case)}
    for rule in ("yaml-syntax", "duplicate-key", "wrong-type", "unknown-field", "missing-field",
                 "code-format", "code-filename", "code-folder", "code-unique", "agency-unknown",
                 "strategy-unknown", "date-invalid", "date-be-year", "date-out-of-year", "score-range",
                 "quarter-rows", "quarter-consistency", "stage-sequence", "idea-minimum", "stage-gate",
                 "idea-selected", "letter-format", "thai-text", "encoding", "empty-file", "top-level-mapping",
                 "binary-file", "yaml-tag", "alias-bomb", "nesting-too-deep", "implicit-type", "scoring-rule"):
        assert rule in covered, f"no fixture for {rule}"


def test_warnings_alone_exit_zero_unless_strict():
    case = str(INVALID / "thai-text.yaml")
    assert runner.invoke(app, ["validate", case]).exit_code == 0
    assert runner.invoke(app, ["validate", "--strict", case]).exit_code == 1


def test_shipped_tree_is_clean(monkeypatch):
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, ["validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    # the shipped examples hold some indicators of each agency, not its whole agreement: said once each
    problems = json.loads(result.stdout)["problems"]
    assert {(p["rule"], p["level"]) for p in problems} == {("agency-weights", "warning")}
    assert sorted(p["message"].split(",")[0] for p in problems) == [
        "agency 0100", "agency 0406", "agency 0700", "agency 5001"]


def test_valid_fixtures_are_clean():
    assert validate([VALID]).problems == []


def test_all_problems_of_all_files_in_one_run():
    result = validate([INVALID])
    files_with_problems = {p.path for p in result.problems}
    assert len(files_with_problems) >= len(CASES)


def test_json_format_is_machine_readable():
    result = runner.invoke(app, ["validate", "--format", "json", str(INVALID / "date-be-year.yaml")])
    doc = json.loads(result.stdout)
    assert doc["version"] == 1 and doc["errors"] == 1
    (p,) = doc["problems"]
    assert p["rule"] == "date-be-year" and p["level"] == "error" and p["fix"] == "write 2021-01-15"
    assert set(p) == {"path", "line", "column", "rule", "level", "message", "fix"}


def test_github_format_annotates_lines(monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = runner.invoke(app, ["validate", str(INVALID / "unknown-field.yaml")])
    line = result.stdout.splitlines()[0]
    assert line.startswith("::error file=")
    assert "line=" in line and "col=" in line and "title=unknown-field::" in line
    assert "did you mean 'achieved'" in line


def test_messages_name_the_fix():
    problems = validate([INVALID / "implicit-type.yaml"]).problems
    assert problems[0].fix == 'put it in quotes: "0406"'
    assert "262" in problems[0].message
    problems = validate([INVALID / "unknown-field.yaml"]).problems
    assert problems[0].fix == "did you mean 'achieved'?"


def test_huge_file_is_refused_unread(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("w") as f:
        f.write("# padding\n" * 300_000)
    (problem,) = validate([big]).problems
    assert problem.rule == "file-too-large"


def test_missing_path_is_a_problem_not_a_crash(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_no_indicators_folder_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2
    assert "no indicators/ folder" in result.output


def test_unknown_option_is_a_usage_error():
    assert runner.invoke(app, ["validate", "--bogus"]).exit_code == 2


def test_links_are_never_followed_inside_or_outside_the_tree(tmp_path):
    tree = valid_tree(tmp_path)
    secret = tmp_path / "outside.yaml"
    secret.write_text("code: 1\n")
    (tree / "2564" / "link.yaml").symlink_to(secret)
    (tree / ".drafts").mkdir()
    (tree / ".drafts" / "0406-0009.yaml").write_text("code: 1\n")
    (tree / "2564" / "0406-0009.yaml").symlink_to(tree / ".drafts" / "0406-0009.yaml")  # inside: still a link
    (tree / "2565").symlink_to(tree / "2564", target_is_directory=True)  # a linked year folder
    problems = validate([tree]).problems
    assert sorted((Path(p.path).name, p.rule, p.level.value) for p in problems) == [
        ("0406-0009.yaml", "symlink", "error"), ("2565", "symlink", "error"), ("link.yaml", "symlink", "error")]


def test_a_file_named_in_upper_case_is_reported_not_dropped(tmp_path):
    tree = valid_tree(tmp_path)
    (tree / "2564" / "0406-0001.yaml").rename(tree / "2564" / "0406-0001.YAML")
    (problem,) = validate([tree]).problems
    assert (problem.rule, problem.fix) == ("file-name", "rename it to 0406-0001.yaml")


def test_an_unreadable_folder_is_an_error_not_a_clean_run(tmp_path, monkeypatch):
    import os

    tree = valid_tree(tmp_path)
    (tree / "2565").mkdir()
    (tree / "2565" / "0406-0001.yaml").write_text("code: 1\n")
    real_scandir = os.scandir

    def scandir(path="."):  # as `chmod 000` does for a user who is not root
        if Path(path).name == "2565":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    problems = validate([tree]).problems
    assert [(Path(p.path).name, p.rule) for p in problems] == [("2565", "unreadable")]
    assert "Permission denied" in problems[0].message


def test_the_seed_changes_flow_into_problems(tmp_path):
    """Edit a copy of the seed: the validator sees the file, not a constant."""
    tree = tmp_path / "indicators"
    (tree / "2564").mkdir(parents=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(REPO / "indicators" / name, tree)
    text = SEED.read_text().replace("completed: 2021-08-30", "completed: 2564-08-30")
    (tree / "2564" / "0406-0772.yaml").write_text(text)
    (problem,) = [p for p in validate([tree]).problems if p.rule != "agency-weights"]
    assert problem.rule == "date-be-year" and "write 2021-08-30" in problem.fix


@pytest.mark.parametrize("written, rule, message", [
    ("2021-08-30 00:00:00", "wrong-type", "2021-08-30 00:00:00 has a time of day"),
    ("2021-08-30T00:00:00Z", "wrong-type", "has a time of day"),
    ("2021-08-30 10:00:00", "wrong-type", "has a time of day"),
    ("2021-08-30T10:00:00+07:00", "wrong-type", "has a time of day"),
    ('"2021-08-30 10:00"', "wrong-type", "has a time of day"),  # text: YAML wants seconds for a timestamp
    ("2564-08-30 00:00:00", "date-be-year", "Buddhist-Era year"),
    ("2564-08-30 10:00:00", "date-be-year", "Buddhist-Era year"),
])
def test_a_timestamp_is_not_a_date(tmp_path, written, rule, message):
    """A date with a time, even midnight, is refused where a day is meant: pydantic alone would take
    `2564-08-30 00:00:00` as a date, and a Buddhist-Era year would pass the date rules unseen."""
    tree = tmp_path / "indicators"
    (tree / "2564").mkdir(parents=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(REPO / "indicators" / name, tree)
    text = SEED.read_text()
    line = text[:text.index("completed: 2021-08-30")].count("\n") + 1
    (tree / "2564" / "0406-0772.yaml").write_text(text.replace("completed: 2021-08-30", f"completed: {written}"))
    (problem,) = [p for p in validate([tree]).problems if p.rule != "agency-weights"]
    assert (problem.rule, problem.level.value, problem.line) == (rule, "error", line)
    assert message in problem.message and problem.fix == "write 2021-08-30"


def test_rules_command_lists_and_explains():
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0 and "date-be-year" in result.output
    result = runner.invoke(app, ["rules", "date-be-year"])
    assert "2564-04-15" in result.output
    assert runner.invoke(app, ["rules", "date-be-yaer"]).exit_code == 1


def test_rules_lists_every_rule_in_a_fresh_process(tmp_path):
    """`kpi rules` in a process of its own (nothing else imported the guard or the schema first)
    lists the rules of every kind: file, tree, parsing and the audited record's."""
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "kpi_cli", "rules"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "KPI_LANG": "en", "COLUMNS": "200"}, check=False)
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.strip()}
    for rule_id in ("audited-change", "agency-weights", "yaml-syntax", "date-be-year", "missing-field"):
        assert rule_id in listed, rule_id
    explained = subprocess.run([sys.executable, "-m", "kpi_cli", "rules", "audited-change"], cwd=tmp_path,
                               capture_output=True, text=True, env={**os.environ, "KPI_LANG": "en"}, check=False)
    assert explained.returncode == 0 and "--against" in explained.stdout, explained.stderr


def test_every_rule_documents_a_bad_and_a_good_example():
    for r in REGISTRY.values():
        if r.id in ("unreadable",):
            continue
        assert "Bad" in r.doc and "Good" in r.doc, r.id


def test_parallel_run_finds_the_same_problems():
    one = validate([INVALID], jobs=1)
    two = validate([INVALID], jobs=2)
    assert one.problems == two.problems and one.files == two.files
    assert runner.invoke(app, ["validate", "-j", "2", str(VALID)]).exit_code == 0


def test_a_tree_without_catalogues_says_what_went_unchecked(tmp_path):
    tree = valid_tree(tmp_path, catalogues=False)
    (problem,) = validate([tree]).problems
    assert problem.rule == "catalogue" and problem.level.value == "warning"
    assert "not checked" in problem.message


def test_a_lone_strategies_catalogue_is_not_read_as_an_indicator(tmp_path):
    tree = valid_tree(tmp_path, catalogues=False)
    shutil.copy(HERE / "fixtures" / "strategies.yaml", tree)
    problems = validate([tree]).problems
    assert [(p.rule, p.path.endswith("agencies.yaml")) for p in problems] == [("catalogue", True)]
    assert "missing" in problems[0].message


def test_thai_digit_codes_are_refused(tmp_path):
    tree = valid_tree(tmp_path)
    path = tree / "2564" / "0406-0001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('code: "0406-0001"', 'code: "๐๔๐๖-๐๐๐๑"'),
                    encoding="utf-8")
    problems = {p.rule: p for p in validate([tree]).problems}
    assert set(problems) == {"code-format", "code-filename"}
    assert problems["code-format"].fix == "write it in Arabic digits: 0406-0001"


def test_huge_and_non_finite_figures_are_problems_not_crashes(tmp_path):
    tree = valid_tree(tmp_path)
    path = tree / "2564" / "0406-0001.yaml"
    text = path.read_text(encoding="utf-8")
    for bad, rule in (("9" * 400, "number-too-long"), ("9" * 5000, "number-too-long"),
                      ("1" + "0" * 400 + ".5", "number-too-long"), (".nan", "out-of-range"), (".inf", "out-of-range"),
                      ("-1.0e+300", "out-of-range"), ("-1e300", "wrong-type"), ("12:30", "wrong-type")):
        path.write_text(text.replace("performance: 30", f"performance: {bad}"), encoding="utf-8")
        problems = validate([tree]).problems
        assert [p.rule for p in problems] == [rule], bad
        result = runner.invoke(app, ["validate", str(tree)])
        assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)


def test_a_device_is_not_a_folder_of_indicators():
    result = runner.invoke(app, ["validate", "/dev/null"])
    assert result.exit_code == 1 and "not a file or a folder" in result.output


def test_jobs_are_capped_by_the_files():
    from kpi_cli.check.pipeline import _jobs

    assert _jobs(99999, 9) <= 9
    assert _jobs(1, 10_000) == 1


def test_an_empty_tree_says_there_was_nothing_to_check(tmp_path, monkeypatch):
    (tmp_path / "indicators").mkdir()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert "no .yaml files were found" in result.output


def test_every_rule_is_documented():
    docs = (REPO / "docs" / "indicator-format.md").read_text(encoding="utf-8") + \
        (REPO / "docs" / "pull-requests.md").read_text(encoding="utf-8")
    for rule_id in REGISTRY:
        assert f"`{rule_id}`" in docs, f"{rule_id} is not in docs/indicator-format.md"


def test_a_catalogue_among_the_files_brings_in_every_indicator_of_its_folder(tmp_path):
    """What a commit that edits only agencies.yaml can break is checked (the pre-commit hook passes
    only the changed files): the library's validate, not only the command line."""
    tree = valid_tree(tmp_path)
    agencies = tree / "agencies.yaml"
    assert validate([agencies]).problems == []
    agencies.write_text(agencies.read_text("utf-8").replace('code: "0406"', 'code: "0407"'), encoding="utf-8")
    result = validate([agencies])
    assert {(p.rule, Path(p.path).name) for p in result.problems} == {("agency-unknown", "0406-0001.yaml")}
    assert result.files == len(list(tree.rglob("*.yaml")))
    # a catalogue's folder named twice, or with its files, is checked once
    again = validate([agencies, tree, tree / "2564" / "0406-0001.yaml"])
    assert again.files == result.files and len(again.problems) == 1


@pytest.mark.parametrize("written, message, fix", [
    ('"100"', '"100" is in quotes, so YAML reads it as text; a figure is a number', "remove the quotes: write 100"),
    ("'95.00'", '"95.00" is in quotes', "remove the quotes: write 95.00"),
    ('"๙๕"', '"๙๕" is in quotes', "remove the quotes: write 95"),
    ("1e5", "YAML reads 1e5 as text: a number with an exponent needs a dot", "write 1.0e+5"),
    ('"-2E-3"', "is in quotes", "remove the quotes: write -2.0e-3"),
])
def test_a_figure_written_as_text_is_refused_with_the_number_to_write(written, message, fix, tmp_path):
    """pydantic would read "100" as 100 for a figure: kpi refuses it (the official record is the
    number as printed, and the guard compares numbers), and says which number to write."""
    tree = valid_tree(tmp_path)
    path = tree / "2564" / "0406-0001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("performance: 30", f"performance: {written}"),
                    encoding="utf-8")
    problems = validate([tree]).problems
    assert [p.rule for p in problems] == ["wrong-type"]
    assert message in problems[0].message and problems[0].fix == fix


@pytest.mark.parametrize("old, new", [
    ("      completed: 2021-02-08\n", "      completed: 2564-02-08\n"),  # a stage: its order with the next one
    ("      completed: 2021-04-09\n", "      completed: 2564-04-09\n"),  # a stage after its facts, before the next
    ("      date: 2021-04-02\n", "      date: 2564-04-02\n"),  # an activity: a fact stage 4 relies on
    ("      date: 2021-04-01\n      end: 2021-04-09\n", "      date: 2021-04-01\n      end: 2564-04-09\n"),  # a period
    ("      date: 2021-04-01\n      end: 2021-04-09\n", "      date: 2564-04-01\n      end: 2021-04-09\n"),
])
def test_a_buddhist_era_year_is_said_once_not_again_by_every_order_it_upsets(old, new, tmp_path):
    """A BE year typed into an ISO date (2564-02-08) is date-be-year's to report, with the fix; the
    rules that compare dates (stage order, a stage after its facts, a period's end) leave it to it,
    as date-out-of-year does, rather than report its consequences."""
    from scoring_helpers import copy_tree, edit

    root = copy_tree(tmp_path, "0406-0772")
    path = root / "2564" / "0406-0772.yaml"
    edit(path, old, new)
    problems = [p for p in validate([path]).problems if p.rule != "agency-weights"]
    assert [p.rule for p in problems] == ["date-be-year"], [(p.rule, p.message) for p in problems]


@pytest.mark.parametrize("title, refused", [
    ('"\\u00a0"', True), ('"\\u3000"', True), ('"\\u200b"', True), ('" \\u200b "', True), ('"   "', True),
    ('""', False),  # a copy of the page that lacks the title
    ("ความสำเร็จในการเสนอนวัตกรรม", False),
])
def test_the_indicators_own_title_is_never_spaces_alone(title, refused, tmp_path):
    from scoring_helpers import copy_tree

    root = copy_tree(tmp_path, "0406-0772")
    path = root / "2564" / "0406-0772.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\ntitle: ")
    path.write_text(text[:start] + f"\ntitle: {title}" + text[text.index("\n", start + 1):], encoding="utf-8")
    blank = [p for p in validate([path]).problems if p.rule == "blank-text"]
    assert bool(blank) == refused, blank
    if refused:
        assert blank[0].line == 11 and blank[0].level.value == "error" and '""' in blank[0].fix
