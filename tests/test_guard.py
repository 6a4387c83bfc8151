"""The audited-record guard (`kpi validate --against BASE`): each way round it that a reviewer's
adversary tried, refused with a finding that names the indicator, the quarter, the old and new
figure and what would allow it; and the legitimate, amended change still passes."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app
from test_review import edit, git, make_repo

runner = CliRunner()
AMEND_Q1 = ("\n# The year as dated events", "  - kind: amendment\n    letter: กท 0406/4000\n    date: 2021-09-01\n"
                                             "    outcome: accepted\n    quarters: [1]\n\n# The year as dated events")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = make_repo(tmp_path / "r")
    monkeypatch.chdir(root)
    return root


def guard(*extra: str) -> tuple[int, list[dict]]:
    result = runner.invoke(app, ["validate", *extra, "--against", "main", "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    problems = json.loads(result.stdout)["problems"] if result.stdout.strip() else []
    # the seed alone carries 10% of its agency's weight: that warning is not the guard's
    return result.exit_code, [p for p in problems if p["rule"] != "agency-weights"]


def guarded(problems: list[dict]) -> list[dict]:
    return [p for p in problems if p["rule"] == "audited-change"]


def seed(repo):
    return repo / "indicators" / "2564" / "0406-0772.yaml"


def test_an_amended_change_passes_and_the_same_change_alone_does_not(repo):
    edit(repo, "    assessed: 100\n    sub_scores: [100, 100]\n    audit: 100",
         "    assessed: 95\n    sub_scores: [95, 100]\n    audit: 95")
    code, problems = guard()
    assert code == 1
    (first, second, third) = guarded(problems)
    assert "quarter 1 is on the audited record: assessed changed from 100 to 95" in first["message"]
    assert "sub-scores changed from 100 / 100 to 95 / 100" in second["message"]
    assert "audit changed from 100 to 95" in third["message"]
    assert "outcome: accepted" in first["fix"] and "quarters: [1]" in first["fix"] and "2020-12-31" in first["fix"]
    edit(repo, *AMEND_Q1)
    assert guard() == (0, [])


@pytest.mark.parametrize("new_name", ["2564/0406-0999.yaml", "2565/0406-0772.yaml", "2564/0406-0772.yml"])
def test_renaming_or_moving_the_file_does_not_escape_the_guard(repo, new_name):
    target = repo / "indicators" / new_name
    target.parent.mkdir(exist_ok=True)
    seed(repo).rename(target)
    text = target.read_text(encoding="utf-8").replace("    performance: 30.00", "    performance: 35.00", 1)
    target.write_text(text, encoding="utf-8")
    code, problems = guard()
    assert code == 1
    messages = [p["message"] for p in guarded(problems)]
    assert any("quarter 1 is on the audited record: performance changed from 30.00 to 35.00" in m for m in messages), \
        messages


def test_changing_the_code_inside_the_file_is_a_gone_indicator(repo):
    edit(repo, 'code: "0406-0772"', 'code: "0406-0779"')
    seed(repo).rename(seed(repo).with_name("0406-0779.yaml"))
    code, problems = guard()
    (gone,) = guarded(problems)
    assert code == 1 and gone["path"].endswith("2564/0406-0772.yaml")
    assert "indicator 0406-0772 of fiscal year 2564 has audited quarters (1, 3, 4) and is gone" in gone["message"]


def test_deleting_an_audited_indicator_is_a_finding(repo):
    seed(repo).unlink()
    code, problems = guard()
    (gone,) = guarded(problems)
    assert code == 1 and "deleted, renamed or moved" in gone["message"] and "restore" in gone["fix"]


def test_a_name_in_upper_case_drops_out_of_no_check(repo):
    seed(repo).rename(seed(repo).with_suffix(".YAML"))
    code, problems = guard()
    assert code == 1 and {p["rule"] for p in problems} == {"file-name", "audited-change"}


@pytest.mark.parametrize("outcome", ["rejected", "pending"])
def test_an_amendment_that_was_not_accepted_opens_nothing(repo, outcome):
    edit(repo, "    performance: 30.00", "    performance: 35.00")
    edit(repo, *(AMEND_Q1[0], AMEND_Q1[1].replace("outcome: accepted", f"outcome: {outcome}")))
    code, problems = guard()
    (finding,) = guarded(problems)
    assert code == 1 and f"its outcome is {outcome}, not accepted" in finding["message"]


def test_an_amendment_dated_before_the_quarter_ended_opens_nothing(repo):
    edit(repo, "    performance: 30.00", "    performance: 35.00")
    edit(repo, *(AMEND_Q1[0], AMEND_Q1[1].replace("date: 2021-09-01", "date: 2020-12-01")))
    code, problems = guard()
    (finding,) = guarded(problems)
    assert code == 1 and "is dated 2020-12-01, not after the quarter's end 2020-12-31" in finding["message"]


def test_an_old_amendment_edited_to_look_new_is_a_finding_and_opens_nothing(repo):
    text = seed(repo).read_text(encoding="utf-8")
    assert "    date: 2021-07-07\n" in text
    edit(repo, "    date: 2021-07-07\n", "    date: 2021-07-08\n")  # the recorded appeal, re-dated
    edit(repo, "    outcome: accepted\n", "    outcome: accepted\n    quarters: [1]\n")
    edit(repo, "    performance: 30.00", "    performance: 35.00")
    code, problems = guard()
    messages = [p["message"] for p in guarded(problems)]
    assert code == 1
    assert any("amendment 1 (appeal" in m and "was changed or removed" in m for m in messages), messages
    assert any("performance changed from 30.00 to 35.00" in m for m in messages), messages


def test_un_auditing_is_guarded_so_two_steps_do_not_escape(repo):
    edit(repo, "    sub_scores: [100, 100]\n    audit: 100", "    sub_scores: [100, 100]")
    code, problems = guard()
    (finding,) = guarded(problems)
    assert code == 1 and "audit changed from 100 to nothing" in finding["message"]


def test_what_feeds_the_computed_score_of_an_audited_quarter_is_guarded(repo):
    edit(repo, "    - stage: 1\n      completed: 2020-12-31", "    - stage: 1\n      completed: 2021-01-04")
    code, problems = guard()
    messages = [p["message"] for p in guarded(problems)]
    assert code == 1
    assert any("quarter 1 is on the audited record: its computed score changes from 100 to 0 because the "
               "stages completed by 2020-12-31 changed" in m for m in messages), messages


def test_changed_cannot_check_less_than_the_full_run_for_a_file_behind_a_link(repo):
    hidden = repo / "indicators" / ".drafts"
    hidden.mkdir()
    shutil.copy(seed(repo), hidden / "0406-0772.yaml")
    draft = hidden / "0406-0772.yaml"
    draft.write_text(draft.read_text(encoding="utf-8").replace("    performance: 30.00", "    performance: 35.00", 1),
                     encoding="utf-8")
    seed(repo).unlink()
    seed(repo).symlink_to(draft)
    for extra in ((), ("--changed", "main")):
        code, problems = guard(*extra)
        assert code == 1 and {p["rule"] for p in problems} >= {"symlink", "audited-change"}, (extra, problems)
        assert any("it is now a link" in p["message"] for p in guarded(problems))


def test_a_deleted_file_is_guarded_even_when_nothing_is_left_to_check(repo):
    seed(repo).unlink()
    result = runner.invoke(app, ["validate", "--changed", "main", "--against", "main"])
    assert result.exit_code == 1 and "is gone from the repository" in result.output


def test_filling_in_a_quarter_never_assessed_needs_no_amendment(repo):
    edit(repo, "    assessed: 0\n    sub_scores: [0, 0]", "    assessed: 100\n    sub_scores: [100, 100]")
    assert guard() == (0, [])


def test_a_committed_change_is_compared_with_the_base_too(repo):
    edit(repo, "    performance: 30.00", "    performance: 35.00")
    git(repo, "commit", "-qam", "quietly")
    code, problems = guard()
    assert code == 1 and len(guarded(problems)) == 1


def test_a_file_broken_on_purpose_is_not_a_way_round(repo):
    text = seed(repo).read_text(encoding="utf-8")
    seed(repo).write_text(text.replace("    performance: 30.00", "    performance: 35.00\n  broken: [", 1), encoding="utf-8")
    code, problems = guard()
    gone = [p for p in guarded(problems) if "is gone" in p["message"]]
    assert code == 1 and gone and "can no longer be read as an indicator" in gone[0]["message"]


def test_swapping_quarter_rows_is_a_change_of_the_record(repo):
    edit(repo, "  - quarter: 1\n", "  - quarter: 9\n")
    edit(repo, "  - quarter: 3\n", "  - quarter: 1\n")
    edit(repo, "  - quarter: 9\n", "  - quarter: 3\n")
    code, problems = guard()
    assert code == 1 and any("quarter 1 is on the audited record: performance changed from 30.00 to 80.00" in p["message"]
                             for p in guarded(problems))


def test_the_agreements_figures_are_guarded_once_a_quarter_is_audited(repo):
    edit(repo, "  percent: 10\n", "  percent: 25\n")
    code, problems = guard()
    (finding,) = guarded(problems)
    assert code == 1 and "0406-0772 has audited quarters: its weight changed from" in finding["message"]
    assert '"percent": 10' in finding["message"] and '"percent": 25' in finding["message"]
    edit(repo, *AMEND_Q1)
    assert guard() == (0, [])


def test_a_file_that_now_holds_another_indicator(repo):
    other = (repo / "indicators" / "2564" / "0406-0772.yaml").read_text(encoding="utf-8").replace(
        'code: "0406-0772"', 'code: "0406-0779"', 1)
    seed(repo).write_text(other, encoding="utf-8")
    code, problems = guard()
    gone = [p for p in guarded(problems) if "is gone" in p["message"]]
    assert code == 1 and "the file now holds another indicator" in gone[0]["message"]
    assert (gone[0]["line"], gone[0]["column"]) == (1, 1)


def test_a_past_that_was_no_indicator_has_nothing_to_guard(repo):
    (repo / "indicators" / "2564" / "0406-0001.yaml").write_text("code: [broken\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a broken file on main")
    git(repo, "branch", "-f", "main", "HEAD")
    (repo / "indicators" / "2564" / "0406-0001.yaml").write_text("code: still broken: yes\n", encoding="utf-8")
    code, problems = guard()
    assert code == 1 and not guarded(problems)  # validate reports the file; the guard has no past to keep


# --- the record read otherwise without a figure changing ---------------------------------------

@pytest.mark.parametrize("marker", ["quarters[0].assessed", "quarters[0]", "quarters[*]", "quarters"])
def test_marking_an_official_figure_inferred_is_a_change_of_the_record(repo, marker):
    edit(repo, "inferred:\n", f"inferred:\n  {marker}: a guess, not the page\n")
    code, problems = guard()
    messages = [p["message"] for p in guarded(problems)]
    assert code == 1 and any(m.startswith("quarter 1 is on the audited record: `inferred:` now lists its assessed")
                             for m in messages), messages
    assert all(p["line"] > 1 for p in guarded(problems))  # at the `inferred:` entry, not the top of the file


def test_unmarking_an_inferred_figure_makes_it_read_as_official(repo):
    text = seed(repo).read_text(encoding="utf-8")
    line = next(x for x in text.splitlines(keepends=True) if x.startswith("  quarters[*].target:"))
    edit(repo, line, "")
    code, problems = guard()
    messages = [p["message"] for p in guarded(problems)]
    assert code == 1 and any("`inferred:` no longer lists its target, so what was inferred now reads as official"
                             in m for m in messages), messages
    edit(repo, *AMEND_Q1)  # quarters 3 and 4 are not opened by it
    assert {m.split(":")[0] for m in (p["message"] for p in guarded(guard()[1]))} == {"quarter 3 is on the audited record",
                                                                                    "quarter 4 is on the audited record"}


@pytest.mark.parametrize("flag", ["example", "partial"])
def test_calling_an_audited_record_an_example_or_a_partial_copy_is_refused(repo, flag):
    edit(repo, "type: routine ", f"{flag}: true\ntype: routine ")
    code, problems = guard()
    (finding,) = guarded(problems)
    assert code == 1 and f"`{flag}` changed from false to true" in finding["message"]
    assert f"restore `{flag}: false`" in finding["fix"] and finding["line"] == 12


def test_the_reported_result_is_the_audited_quarters_until_a_later_one_is_reported(repo):
    edit(repo, "achieved: 100 ", "achieved: 90 ")
    code, problems = guard()
    (finding,) = guarded(problems)
    assert code == 1 and "its achieved changed from 100 to 90" in finding["message"] and finding["line"] == 18


@pytest.mark.parametrize("old, new, quarter", [
    ("completed: 2020-12-31", "completed: 2020-12-15", 1),  # re-dated inside the audited quarter
    ("completed: 2021-04-09", "completed: 2021-04-20", 3),  # stage 4, inside audited quarter 3
])
def test_a_stage_date_inside_an_audited_quarter_is_on_the_record(repo, old, new, quarter):
    edit(repo, old, new)
    code, problems = guard()
    (finding,) = guarded(problems)
    assert code == 1 and finding["message"].startswith(f"quarter {quarter} is on the audited record: stage")
    assert f"completed on {old.split()[1]} is now completed on {new.split()[1]}" in finding["message"]
    assert seed(repo).read_text(encoding="utf-8").splitlines()[finding["line"] - 1].strip() == new


def test_a_stage_note_is_not_a_figure(repo):
    edit(repo, "      note: ค้นหา และรวบรวมความคิดเห็น", "      note: ค้นหาและรวบรวมความคิดเห็น")
    assert guard() == (0, [])


def test_an_amendment_that_opens_no_audited_quarter_does_not_explain_the_agreement(repo):
    edit(repo, "  percent: 10\n", "  percent: 25\n")
    edit(repo, *(AMEND_Q1[0], AMEND_Q1[1].replace("date: 2021-09-01", "date: 2020-10-02").replace(
        "    quarters: [1]\n", "")))
    code, problems = guard()
    (finding,) = guarded(problems)
    assert code == 1 and "its weight changed from" in finding["message"]


def test_a_second_row_of_an_audited_quarter_cannot_hide_a_changed_first(repo):
    edit(repo, "quarters:\n  - quarter: 1\n", "quarters:\n  - quarter: 1\n    performance: 35.00\n    target: 30\n"
         "    assessed: 95\n    sub_scores: [95, 100]\n    audit: 95\n  - quarter: 1\n")
    code, problems = guard()
    messages = [p["message"] for p in guarded(problems)]
    assert code == 1 and any("assessed changed from 100 to 95" in m for m in messages), messages


def test_a_link_in_place_of_the_year_folder_is_named(repo):
    year = repo / "indicators" / "2564"
    year.rename(repo / "y2564")
    year.symlink_to(repo / "y2564")
    code, problems = guard()
    assert code == 1 and any("or in a folder that is" in p["message"] for p in guarded(problems))


def test_a_refusal_in_thai_names_the_place_the_rule_and_the_fix(repo):
    edit(repo, "    performance: 30.00", "    performance: 35.00")
    result = runner.invoke(app, ["--lang", "th", "validate", "--against", "main"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = next(x for x in result.output.splitlines() if "[audited-change]" in x)
    assert line.startswith("indicators/2564/0406-0772.yaml:26:") and "30.00" in line and "35.00" in line
    assert "ไตรมาสที่ 1" in line or "ไตรมาส 1" in line, line
    assert "วิธีแก้" in result.output
    edit(repo, "completed: 2020-12-31", "completed: 2020-12-15")  # a new message, its dates in the Buddhist Era
    result = runner.invoke(app, ["--lang", "th", "validate", "--against", "main"])
    stage = next(x for x in result.output.splitlines() if "ขั้นตอนที่ 1" in x)
    assert stage.startswith("indicators/2564/0406-0772.yaml:") and "[audited-change]" in stage
    assert "31 ธ.ค. 2563" in stage and "15 ธ.ค. 2563" in stage and "is now" not in stage, stage
