"""Pull-request checks: `kpi diff`, the audited-past guard, `--changed`, the workflow, the hook."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kpi_cli.cli import app

REPO = Path(__file__).parent.parent
SEED = REPO / "indicators" / "2564" / "0406-0772.yaml"
runner = CliRunner()


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def make_repo(root: Path, folder: str = "") -> Path:
    """A repository at `root` whose indicators/ lives in `folder`: main holds the seed with stage 4 as
    the last stage done; the branch `change` is checked out. Returns the folder that holds indicators/."""
    base = root / folder
    (base / "indicators" / "2564").mkdir(parents=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(REPO / "indicators" / name, base / "indicators")
    text = SEED.read_text(encoding="utf-8")
    start = text.index("    - stage: 5\n")
    end = text.index("\namendments:")
    (base / "indicators" / "2564" / "0406-0772.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "change")
    return base


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A throw-away repository of indicators (see make_repo), the current folder."""
    root = make_repo(tmp_path / "r")
    monkeypatch.chdir(root)
    return root


def edit(root: Path, old: str, new: str, name: str = "0406-0772.yaml") -> None:
    path = root / "indicators" / "2564" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


STAGE5 = ("    - stage: 5\n      completed: 2021-08-30\n      evidence: [ฝบ. 634/2564]\n"
          "      note: แบบสำรวจผลการนำนวัตกรรมไปใช้ประโยชน์\n")


def advance_to_5(root: Path) -> None:
    path = root / "indicators" / "2564" / "0406-0772.yaml"
    text = path.read_text(encoding="utf-8")
    i = text.index("\namendments:")
    path.write_text(text[:i] + "\n" + STAGE5.rstrip("\n") + text[i:], encoding="utf-8")


def test_diff_reports_stage_scores_and_text_as_json(repo):
    advance_to_5(repo)
    edit(repo, "    assessed: 0\n    sub_scores: [0, 0]", "    assessed: 100\n    sub_scores: [100, 100]")
    edit(repo, 'summary: ""', 'summary: "ดำเนินการครบทุกขั้นตอน"')
    git(repo, "commit", "-qam", "Q4 done")
    result = runner.invoke(app, ["diff", "main", "HEAD", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["version"] == 1 and doc["base"] == "main" and doc["head"] == "HEAD"
    (d,) = doc["indicators"]
    assert d["code"] == "0406-0772" and d["status"] == "changed"
    assert d["stages"] == {"before": 4, "after": 5}
    changes = {(f["quarter"], f["field"]): (f["before"], f["after"]) for f in d["figures"]}
    assert changes[(2, "assessed")] == (0, 100)
    assert changes[(2, "sub_scores")] == ([0, 0], [100, 100])
    assert changes[(4, "score")] == (80.0, 100.0)  # stage 5 adds its 20 points in Q4
    assert [t["label"] for t in d["texts"]] == ["สรุปผลการดำเนินงาน"]


def test_diff_markdown_for_job_summaries(repo):
    advance_to_5(repo)
    result = runner.invoke(app, ["diff", "main", "--format", "md"])
    assert result.exit_code == 0
    assert result.stdout.startswith("## kpi diff:")
    assert "| `0406-0772`" in result.stdout and "stage 4 → 5" in result.stdout


def test_diff_new_removed_and_amendments(repo):
    shutil.copy(REPO / "tests" / "fixtures" / "valid" / "2564" / "0406-0001.yaml", repo / "indicators" / "2564")
    edit(repo, "\n# The year as dated events", "  - kind: amendment\n    letter: กท 0406/4000\n    date: 2021-09-01\n"
                                "    outcome: accepted\n    quarters: [1]\n\n# The year as dated events")
    doc = json.loads(runner.invoke(app, ["diff", "main", "--format", "json"]).stdout)
    by_code = {d["code"]: d for d in doc["indicators"]}
    assert by_code["0406-0001"]["status"] == "added"
    assert by_code["0406-0772"]["amendments"] == ["แก้ไขเกณฑ์ กท 0406/4000 (2021-09-01): accepted"]
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "add")
    (repo / "indicators" / "2564" / "0406-0001.yaml").unlink()
    doc = json.loads(runner.invoke(app, ["diff", "HEAD", "--format", "json"]).stdout)
    assert [d["status"] for d in doc["indicators"]] == ["removed"]


def test_no_change_says_so(repo):
    result = runner.invoke(app, ["diff", "main", "--format", "md"])
    assert "No indicator changed" in result.stdout


def test_against_guards_the_audited_past(repo):
    edit(repo, "  - quarter: 1\n    performance: 30.00", "  - quarter: 1\n    performance: 35.00")
    edit(repo, "    assessed: 100\n    sub_scores: [100, 100]\n    audit: 100",
         "    assessed: 95\n    sub_scores: [95, 100]\n    audit: 95")
    result = runner.invoke(app, ["validate", "--against", "main", "--format", "json"])
    assert result.exit_code == 1
    # (the seed alone carries part of its agency's weight: an agency-weights warning besides)
    problems = [p for p in json.loads(result.stdout)["problems"] if p["level"] == "error"]
    assert {p["rule"] for p in problems} == {"audited-change"}
    assert {p["line"] for p in problems} >= {26}  # the performance line of quarter 1
    assert len(problems) == 4  # performance, assessed, sub-scores, the audit line
    # with an amendment naming quarter 1 the same change is accepted
    edit(repo, "\n# The year as dated events", "  - kind: amendment\n    letter: กท 0406/4000\n    date: 2021-09-01\n"
                                "    outcome: accepted\n    quarters: [1]\n\n# The year as dated events")
    result = runner.invoke(app, ["validate", "--against", "main"])
    assert result.exit_code == 0, result.output


def test_filling_in_a_not_assessed_quarter_needs_no_amendment(repo):
    edit(repo, "    assessed: 0\n    sub_scores: [0, 0]", "    assessed: 100\n    sub_scores: [100, 100]")
    assert runner.invoke(app, ["validate", "--against", "main"]).exit_code == 0


def test_changed_checks_only_changed_files_and_cross_file_rules(repo):
    shutil.copy(REPO / "tests" / "fixtures" / "valid" / "2564" / "0406-0001.yaml", repo / "indicators" / "2564")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "second")
    result = runner.invoke(app, ["validate", "--changed", "HEAD"])
    assert result.exit_code == 0 and "no indicator files changed" in result.output
    edit(repo, 'title: ความสำเร็จในการเสนอนวัตกรรม\n', 'title: ความสำเร็จในการเสนอนวัตกรรม\nbogus: 1\n', "0406-0001.yaml")
    result = runner.invoke(app, ["validate", "--changed", "HEAD", "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["files"] == 1 and [p["rule"] for p in doc["problems"]] == ["unknown-field"]
    # a new file whose code is taken by an unchanged file: the rule across files still runs
    git(repo, "checkout", "--", "indicators/2564/0406-0001.yaml")
    text = (repo / "indicators" / "2564" / "0406-0001.yaml").read_text(encoding="utf-8")
    (repo / "indicators" / "2564" / "0406-001.yaml").write_text(text.replace('"0406-0001"', '"0406-001"'),
                                                                encoding="utf-8")
    doc = json.loads(runner.invoke(app, ["validate", "--changed", "HEAD", "--format", "json"]).stdout)
    assert [p["rule"] for p in doc["problems"]] == ["code-unique"]


def test_changed_catalogue_checks_everything(repo):
    edit_path = repo / "indicators" / "agencies.yaml"
    edit_path.write_text(edit_path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    doc = json.loads(runner.invoke(app, ["validate", "--changed", "main", "--format", "json"]).stdout)
    assert doc["files"] == 3


def test_workflow_runs_the_checks():
    wf = yaml.safe_load((REPO / ".github" / "workflows" / "kpi.yml").read_text(encoding="utf-8"))
    assert "pull_request" in wf[True]  # YAML 1.1 reads the key `on` as true
    steps = wf["jobs"]["indicators"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert any(s.get("uses", "").startswith("actions/checkout") and s["with"]["fetch-depth"] == 0 for s in steps)
    assert any("pip install ." in r for r in runs)
    assert any(r.startswith("kpi validate --format github") for r in runs)
    assert any("kpi validate --against" in r for r in runs)
    assert any("kpi diff" in r and "--format md" in r and "GITHUB_STEP_SUMMARY" in r for r in runs)
    assert any("bash .ci/run" in s.get("run", "") for s in wf["jobs"]["tests"]["steps"])
    # the cache of checked files is kept between runs, and restored before the first kpi command
    cached = [i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/cache")]
    assert cached and steps[cached[0]]["with"]["path"] == "~/.cache/kpi"
    assert cached[0] < min(i for i, r in enumerate(runs) if r.startswith("kpi "))


def test_github_format_on_a_pull_request(repo, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    edit(repo, "achieved: 100", "acheived: 100")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=indicators/2564/0406-0772.yaml,line=")


def test_pre_commit_hook_fails_a_staged_bad_file(repo):
    """Run the published hook's entry and file pattern through pre-commit on a staged bad file."""
    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed")
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = {"repos": [{"repo": "local", "hooks": [{**hook, "language": "system"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-qm", "hooks")
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pc-home")}
    edit(repo, 'agency: "0406"', "agency: 0406")
    git(repo, "add", "-A")
    proc = subprocess.run(["pre-commit", "run"], cwd=repo, env=env, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "implicit-type" in proc.stdout
    git(repo, "checkout", "HEAD", "--", "indicators/2564/0406-0772.yaml")
    proc = subprocess.run(["pre-commit", "run"], cwd=repo, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- what the reviewer found: damage in the repository, bad revisions, Thai folder names --------------------

def diff_json(*args: str) -> dict:
    result = runner.invoke(app, ["diff", *args, "--format", "json"])
    assert result.exit_code == 0, (result.output, result.exception)
    return json.loads(result.stdout)


def test_diff_reports_a_committed_non_utf8_file_as_invalid(repo):
    path = repo / "indicators" / "2564" / "0406-0772.yaml"
    thai = path.read_text(encoding="utf-8")
    path.write_bytes(thai.encode("tis-620", errors="replace"))  # saved by an old Thai editor
    (repo / "indicators" / "2564" / "0406-0001.yaml").write_bytes(
        (REPO / "tests" / "fixtures" / "valid" / "2564" / "0406-0001.yaml").read_text(encoding="utf-8")
        .encode("tis-620", errors="replace"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "TIS-620")
    for args in (("main", "HEAD"), ("main",)):  # the revision, and the same files in the working tree
        by_code = {d["code"]: d for d in diff_json(*args)["indicators"]}
        assert by_code["0406-0772"]["status"] == "invalid" and "kpi validate" in by_code["0406-0772"]["note"]
        assert by_code["0406-0001"]["note"] and "kpi validate" in by_code["0406-0001"]["note"]
    # and back to UTF-8: the old version is the one that does not validate
    path.write_text(thai, encoding="utf-8")
    (d,) = [d for d in diff_json("HEAD")["indicators"] if d["code"] == "0406-0772"]
    assert d["status"] == "invalid" and "old version" in d["note"]


def test_diff_skips_a_folder_named_like_an_indicator(repo):
    folder = repo / "indicators" / "2564" / "0406-0999.yaml"
    folder.mkdir()
    (folder / "notes.txt").write_text("not an indicator\n", encoding="utf-8")
    assert diff_json("main")["indicators"] == []
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "folder")
    assert diff_json("main", "HEAD")["indicators"] == []
    assert diff_json("main")["indicators"] == []


def test_diff_reports_links_instead_of_following_them_outside(repo, tmp_path):
    outside = tmp_path / "outside.yaml"
    shutil.copy(REPO / "tests" / "fixtures" / "valid" / "2564" / "0406-0001.yaml", outside)
    (repo / "indicators" / "2564" / "x.yaml").symlink_to(outside)  # not named like an indicator: skipped
    (repo / "indicators" / "2564" / "0406-0001.yaml").symlink_to(outside)
    (d,) = diff_json("main")["indicators"]
    assert (d["code"], d["status"]) == ("0406-0001", "invalid") and "link" in d["note"]
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "links")
    (d,) = diff_json("main", "HEAD")["indicators"]
    assert (d["code"], d["status"]) == ("0406-0001", "invalid") and "link" in d["note"]
    assert diff_json("HEAD")["indicators"] == []  # the same link on both sides: nothing changed


def test_an_unknown_base_revision_is_a_usage_error(repo):
    for args in (["validate", "--against", "nosuchrev"], ["diff", "nosuchrev"], ["diff", "main", "nosuchrev"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output, result.exception)
        assert "nosuchrev" in result.output and "git log" in result.output


def test_against_a_git_failure_is_an_error_not_a_new_file(repo):
    blob = git(repo, "rev-parse", "main:indicators/2564/0406-0772.yaml").strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # a damaged clone
    edit(repo, "    performance: 30.00", "    performance: 35.00")  # its past is needed now
    result = runner.invoke(app, ["validate", "--against", "main"])
    assert result.exit_code == 1, (result.output, result.exception)
    assert "error: git" in result.output and blob in result.output


def test_against_guards_a_removed_assessed_quarter(repo):
    path = repo / "indicators" / "2564" / "0406-0772.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  - quarter: 3\n"), text.index("  - quarter: 4\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")  # quarter 3 was assessed (100, 100 / 100)
    result = runner.invoke(app, ["validate", "--against", "main", "--format", "json"])
    guarded = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "audited-change"]
    assert result.exit_code == 1 and len(guarded) == 1
    assert guarded[0]["line"] == 24 and "quarter 3" in guarded[0]["message"]  # the `quarters:` key
    edit(repo, "\n# The year as dated events", "  - kind: amendment\n    letter: กท 0406/4000\n    date: 2021-09-01\n"
                                "    outcome: accepted\n    quarters: [3]\n\n# The year as dated events")
    result = runner.invoke(app, ["validate", "--against", "main", "--format", "json"])
    assert not [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "audited-change"]


def test_against_guards_a_removed_audited_quarter(repo):
    # quarter 2 is audited but not assessed yet (0 with 0 / 0): its performance is history all the same
    edit(repo, "    sub_scores: [0, 0]           # 0 / 0 while quarters 3 and 4 have scores: skipped or not yet entered\n",
         "    sub_scores: [0, 0]           # 0 / 0 while quarters 3 and 4 have scores: skipped or not yet entered\n    audit: 0\n")
    git(repo, "commit", "-qam", "Q2 audited")
    path = repo / "indicators" / "2564" / "0406-0772.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  - quarter: 2\n"), text.index("  - quarter: 3\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    result = runner.invoke(app, ["validate", "--against", "HEAD", "--format", "json"])
    guarded = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "audited-change"]
    assert result.exit_code == 1 and [p["line"] for p in guarded] == [24]
    assert "quarter 2 is on the audited record" in guarded[0]["message"]


def test_against_skips_a_file_outside_the_repository(repo, tmp_path):
    elsewhere = make_indicators_copy(tmp_path / "elsewhere")
    result = runner.invoke(app, ["validate", str(elsewhere), "--against", "HEAD"])
    assert result.exit_code == 0, (result.output, result.exception)


def make_indicators_copy(folder: Path) -> Path:
    """A valid indicator file with its catalogues, in a folder that is no git repository."""
    (folder / "indicators" / "2564").mkdir(parents=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(REPO / "indicators" / name, folder / "indicators")
    return Path(shutil.copy(REPO / "tests" / "fixtures" / "valid" / "2564" / "0406-0001.yaml",
                            folder / "indicators" / "2564"))


@pytest.fixture
def thai_repo(tmp_path, monkeypatch):
    """A repository whose indicators live in a folder with a Thai name, which git quotes by default."""
    base = make_repo(tmp_path / "r", "งาน")
    monkeypatch.chdir(base)
    return base


def test_changed_finds_files_in_thai_folders(thai_repo):
    edit(thai_repo, 'summary: ""', 'summary: "ดำเนินการครบทุกขั้นตอน"')
    shutil.copy(REPO / "tests" / "fixtures" / "valid" / "2564" / "0406-0001.yaml",
                thai_repo / "indicators" / "2564")  # untracked
    result = runner.invoke(app, ["validate", "--changed", "HEAD", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"] == 2


def test_diff_in_thai_folders(thai_repo):
    edit(thai_repo, 'summary: ""', 'summary: "ดำเนินการครบทุกขั้นตอน"')
    (d,) = diff_json("HEAD")["indicators"]
    assert (d["code"], d["status"], d["path"]) == ("0406-0772", "changed", "งาน/indicators/2564/0406-0772.yaml")
    git(thai_repo, "commit", "-qam", "summary")
    (d,) = diff_json("main", "HEAD")["indicators"]
    assert (d["code"], d["status"]) == ("0406-0772", "changed")


def test_against_in_thai_folders(thai_repo):
    edit(thai_repo, "    assessed: 100\n    sub_scores: [100, 100]\n    audit: 100",
         "    assessed: 95\n    sub_scores: [95, 100]\n    audit: 95")
    result = runner.invoke(app, ["validate", "--changed", "main", "--against", "main", "--format", "json"])
    assert result.exit_code == 1
    assert {p["rule"] for p in json.loads(result.stdout)["problems"] if p["level"] == "error"} == {"audited-change"}
