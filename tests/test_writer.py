"""kpi_cli.io.yamledit: round-trip edits that change only what they must, and atomic, guarded writes."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kpi_cli.io import atomic, yamledit as writer
from kpi_cli.write import transaction
from kpi_cli.cli import app
from kpi_cli.core.edits import Append, Set
from kpi_cli.io.yamledit import edit_text
from test_stages import CODE, SEED, comments, make_repo, reset_seed

REPO = Path(__file__).parent.parent
FILES = sorted((REPO / "indicators").rglob("*.yaml"))
SEED_TEXT = SEED.read_text(encoding="utf-8")

runner = CliRunner()


def invoke(*args: str):
    """Run kpi; a crash is a failure, whatever the exit code (CliRunner catches the exception)."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def read(text: str):
    return yaml.load(text, Loader=yaml.CSafeLoader)


def added_lines(old: str, new: str) -> list[str]:
    """The lines of `new` that are not in `old` (for small edits: what the edit wrote)."""
    rest = old.splitlines()
    out = []
    for line in new.splitlines():
        if line in rest:
            rest.remove(line)
        else:
            out.append(line)
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_ruamel_writes_every_file_back_byte_for_byte(path):
    text = path.read_text(encoding="utf-8")
    assert writer.roundtrip(text) == text


def test_the_reset_seed_round_trips_too():
    text = reset_seed(SEED_TEXT)
    assert writer.roundtrip(text) == text


def test_the_seed_uses_the_indentation_kpi_writes():
    assert writer.detect_indent(SEED_TEXT) == (2, 4, 2)
    assert writer.detect_indent("a:\n- 1\nb:\n  c: 1\n") == (2, 2, 0)


@pytest.mark.parametrize("edits", [
    [],
    [Set(("innovation", "selected_idea"), 1)],
    [Set(("code",), "0406-0772"), Set(("agency",), "0406")],
    [Set(("innovation", "proposal", "submitted"), dt.date(2021, 2, 8))],
])
def test_an_edit_that_changes_nothing_leaves_every_byte(edits):
    assert edit_text(SEED_TEXT, edits) == SEED_TEXT


def test_a_command_that_records_what_is_already_there_writes_nothing(tmp_path, monkeypatch):
    path = make_repo(tmp_path, SEED_TEXT)
    monkeypatch.chdir(tmp_path)
    mtime = path.stat().st_mtime_ns
    result = invoke("idea", "select", CODE, "1")
    assert result.exit_code == 0 and "nothing to change" in result.output
    assert path.read_text(encoding="utf-8") == SEED_TEXT and path.stat().st_mtime_ns == mtime


def test_an_edit_changes_only_its_lines_and_keeps_their_comments():
    new = edit_text(SEED_TEXT, [Set(("innovation", "selected_idea"), 2)])
    assert added_lines(SEED_TEXT, new) == ['  selected_idea: 2               # แบบฟอร์ม 2: "พิจารณาเลือก 1 ความคิดเห็น"']
    assert len(new.splitlines()) == len(SEED_TEXT.splitlines())


def test_an_item_appended_to_a_block_goes_before_the_blank_line_that_ends_it():
    event = {"stage": 5, "completed": dt.date(2021, 9, 1), "evidence": ["กท 0406/1"], "note": "x"}
    new = edit_text(SEED_TEXT, [Append(("innovation", "stages"), event)])
    assert "      note: x\n\namendments:\n" in new
    assert read(new)["innovation"]["stages"][-1] == event


def test_a_new_key_goes_to_its_canonical_place():
    from kpi_cli.core.stages import key_order

    new = edit_text(SEED_TEXT, [Set(("innovation", "decision", "date"), dt.date(2021, 3, 1)),
                                Set(("innovation", "selected_date"), dt.date(2021, 2, 1))], key_order)
    assert "    result: approved" in new.split("    date: 2021-03-01\n")[0].splitlines()[-1]
    assert "  selected_idea: 1 " in new.split("  selected_date: 2021-02-01\n")[0].splitlines()[-1]


def test_an_empty_flow_collection_becomes_a_block():
    text = "code: x\ninnovation: {}   # kept\n\n# about the list\nitems: []\n"
    new = edit_text(text, [Append(("innovation", "ideas"), {"id": 1, "title": "ก"}),
                           Append(("items",), {"a": 1})])
    assert new == ("code: x\ninnovation:      # kept\n  ideas:\n    - id: 1\n      title: ก\n\n"
                   "# about the list\nitems:\n  - a: 1\n")


def test_texts_that_yaml_would_misread_are_quoted():
    values = ["yes", "no", "on", "0406", "1:20", "2021-04-15", "null", "ข้อ 1: ปัจจัยภายนอก", "#1", "- x"]
    new = edit_text("a: 1\n", [Set(("texts",), values), Set(("multi",), "บรรทัด 1\nบรรทัด 2")])
    assert read(new) == {"a": 1, "texts": values, "multi": "บรรทัด 1\nบรรทัด 2"}
    assert "multi: |-\n" in new


def test_what_ruamel_would_reformat_elsewhere_is_spliced_back_untouched():
    text = ("# odd but valid formatting\n"
            "code:    \"0406-0772\"\n"
            "weight: { percent: 10 }\n"
            "list:\n- a\n-   b\n"
            "innovation:\n  stages:\n  - stage: 1\n    completed: 2020-12-31\n"
            "tail: 'x'   #   spaced comment\n")
    assert writer.roundtrip(text) != text  # ruamel alone would normalise it
    new = edit_text(text, [Append(("innovation", "stages"), {"stage": 2, "completed": dt.date(2021, 2, 1)})])
    assert added_lines(text, new) == ["  - stage: 2", "    completed: 2021-02-01"]
    assert new.replace("  - stage: 2\n    completed: 2021-02-01\n", "", 1) == text


def test_crlf_line_ends_and_a_bom_are_kept(tmp_path, monkeypatch):
    text = reset_seed(SEED_TEXT)
    path = make_repo(tmp_path, "")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    result = invoke("idea", "add", CODE, "ความคิดเห็น")
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.decode("utf-8-sig").replace("\r\n", "\n").startswith(text.split("innovation: {}")[0])


def _mixed(text: str, crlf_lines: int) -> bytes:
    """`text` with CRLF on its first `crlf_lines` lines and LF on the others."""
    lines = text.splitlines(keepends=True)
    return "".join(line.replace("\n", "\r\n") if i < crlf_lines else line for i, line in enumerate(lines)).encode()


def _without(raw: bytes, added: bytes) -> bytes:
    assert raw.count(added) == 1, added
    return raw.replace(added, b"", 1)


def test_mixed_line_ends_do_not_block_the_commands_and_stay_as_they_were(tmp_path, monkeypatch):
    """CRLF on the first 5 lines only (an editor that touched the header): every recording command
    used to be refused with "changed on disk", forever."""
    path = make_repo(tmp_path, "")
    original = _mixed(reset_seed(SEED_TEXT), 5)
    path.write_bytes(original)
    monkeypatch.chdir(tmp_path)
    for i in range(10):
        result = invoke("idea", "add", CODE, f"ความคิดเห็นที่ {i + 1}")
        assert result.exit_code == 0, result.output
    result = invoke("advance", CODE, "--date", "2020-12-31")
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.split(b"\n")[:5] == original.split(b"\n")[:5] and raw.count(b"\r\n") == 5  # each line kept its own
    assert b"innovation:\n  ideas:\n    - id: 1\n" in raw and b"      completed: 2020-12-31\n" in raw  # the dominant LF
    assert read(raw.decode())["innovation"]["stages"] == [{"stage": 1, "completed": dt.date(2020, 12, 31)}]


def test_an_edit_keeps_each_untouched_line_end_byte_for_byte(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: 1\r\nb:\n  c: 2\r\n# note\r\nd: 4\n")
    snapshot = writer.read(path)
    assert snapshot.newline == "\r\n" and snapshot.decoded == "a: 1\r\nb:\n  c: 2\r\n# note\r\nd: 4\n"
    assert snapshot.encode(snapshot.text) == path.read_bytes()
    new = edit_text(snapshot.text, [Set(("b", "e"), 3), Set(("a",), 9)])
    # changed in place: its own line end; new: the dominant CRLF; the others: as they were
    assert snapshot.encode(new) == b"a: 9\r\nb:\n  c: 2\r\n  e: 3\r\n# note\r\nd: 4\n"


def test_a_dominant_crlf_file_gets_crlf_for_new_lines(tmp_path, monkeypatch):
    text = reset_seed(SEED_TEXT)
    path = make_repo(tmp_path, "")
    original = _mixed(text, len(text.splitlines()) - 3)  # LF on the last three lines only
    path.write_bytes(original)
    monkeypatch.chdir(tmp_path)
    result = invoke("idea", "add", CODE, "ความคิดเห็น")
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert _without(raw, "    - id: 1\r\n      title: ความคิดเห็น\r\n".encode()).replace(
        b"  ideas:\r\n", b"", 1).replace(b"innovation:\r\n", b"innovation: {}\r\n", 1) == original


def test_a_lost_comment_is_refused_not_written(monkeypatch):
    real = writer.splice
    monkeypatch.setattr(writer, "splice", lambda old, new, regions: real(old, new, regions).replace(
        "# ผลงานเทียบกับเป้าหมายรายไตรมาส", "#"))
    with pytest.raises(writer.CannotEditInPlace, match="a comment would be lost"):
        edit_text(SEED_TEXT, [Set(("innovation", "selected_idea"), 2)])


def test_a_result_that_would_not_read_back_as_the_change_is_refused(monkeypatch):
    monkeypatch.setattr(writer, "splice", lambda old, new, regions: old)
    with pytest.raises(writer.CannotEditInPlace, match="would not read back"):
        edit_text(SEED_TEXT, [Set(("innovation", "selected_idea"), 2)])


# --- the file ---------------------------------------------------------------------------

@pytest.fixture
def seed_copy(tmp_path, monkeypatch):
    path = make_repo(tmp_path, SEED_TEXT)
    monkeypatch.chdir(tmp_path)
    return path


def _select(idea: int):
    return lambda opened: [Set(("innovation", "selected_idea"), idea)]


def test_a_write_replaces_the_file_atomically_and_keeps_its_mode(seed_copy):
    os.chmod(seed_copy, 0o640)
    outcome = transaction.edit_indicator(seed_copy, _select(1))
    assert not outcome.changed and not outcome.written
    outcome = transaction.edit_indicator(seed_copy, lambda o: [Set(("innovation", "decision", "note"), "ตามมติ")])
    assert outcome.written and read(seed_copy.read_text(encoding="utf-8"))["innovation"]["decision"]["note"] == "ตามมติ"
    assert stat.S_IMODE(seed_copy.stat().st_mode) == 0o640
    assert sorted(p.name for p in seed_copy.parent.iterdir()) == [seed_copy.name]  # no temporary file left


def test_dry_run_writes_nothing_and_shows_the_diff(seed_copy):
    outcome = transaction.edit_indicator(seed_copy, lambda o: [Set(("innovation", "decision", "note"), "ตามมติ")],
                                    dry_run=True)
    assert not outcome.written and seed_copy.read_text(encoding="utf-8") == SEED_TEXT
    assert "+    note: ตามมติ" in outcome.diff()


def test_a_file_changed_on_disk_since_it_was_read_is_not_overwritten(seed_copy):
    theirs = SEED_TEXT.replace("achieved: 100 ", "achieved: 90  ")

    def someone_else_writes_meanwhile(opened):
        seed_copy.write_text(theirs, encoding="utf-8")
        return [Set(("innovation", "decision", "note"), "ของเรา")]

    with pytest.raises(atomic.FileChanged, match="changed on disk since kpi read it"):
        transaction.edit_indicator(seed_copy, someone_else_writes_meanwhile)
    assert seed_copy.read_text(encoding="utf-8") == theirs  # their update is not lost


def test_a_folder_locked_by_another_writer_is_refused(seed_copy, monkeypatch):
    monkeypatch.setattr(atomic, "LOCK_TIMEOUT", 0.2)
    with atomic.folder_lock(seed_copy.parent, "the other one"):
        with pytest.raises(atomic.FileBusy, match="another kpi command is writing"):
            transaction.edit_indicator(seed_copy, lambda o: [Set(("innovation", "decision", "note"), "x")])
    assert seed_copy.read_text(encoding="utf-8") == SEED_TEXT


def test_a_change_that_would_make_the_file_invalid_is_refused(seed_copy):
    before = seed_copy.read_bytes()
    with pytest.raises(transaction.ChangeInvalid) as info:
        transaction.edit_indicator(seed_copy, lambda o: [Set(("innovation", "selected_idea"), 12)])
    assert seed_copy.read_bytes() == before
    assert any(p.rule == "idea-selected" for p in info.value.problems)


def test_comments_survive_an_edit_of_every_kind(seed_copy):
    before = comments(SEED_TEXT)
    transaction.edit_indicator(seed_copy, lambda o: [
        Set(("innovation", "selected_date"), dt.date(2021, 2, 1)),
        Append(("innovation", "activities"), {"title": "กิจกรรม"}),
        Set(("amendments", 0, "extends_to"), dt.date(2021, 9, 30)),
        Set(("innovation", "proposal", "kind"), "policy"),
    ])
    assert before <= comments(seed_copy.read_text(encoding="utf-8"))


def test_a_page_written_chunk_by_chunk_is_whole_or_not_at_all(tmp_path):
    """atomic.write_chunks (the index of a site, never whole in memory): the file is replaced
    only once every chunk is in; a failure midway leaves the old file and no temporary one; the
    same bytes leave the file untouched, its time too."""
    page = tmp_path / "site" / "index.html"
    assert atomic.write_chunks(page, iter([b"<p>", b"one", b"</p>\n"]), keep_same=True, in_place=False)
    assert page.read_bytes() == b"<p>one</p>\n"

    def broken():
        yield b"<p>two"
        raise ValueError("the rendering failed")

    with pytest.raises(ValueError):
        atomic.write_chunks(page, broken(), keep_same=True, in_place=False)
    assert page.read_bytes() == b"<p>one</p>\n"
    assert sorted(p.name for p in page.parent.iterdir()) == ["index.html"]
    os.utime(page, ns=(1_000_000_000, 1_000_000_000))
    assert not atomic.write_chunks(page, iter([b"<p>one", b"</p>\n"]), keep_same=True, in_place=False)
    assert page.stat().st_mtime_ns == 1_000_000_000
    assert atomic.write_chunks(page, iter([b"<p>two</p>\n"]), keep_same=True, in_place=False)
    assert page.read_bytes() == b"<p>two</p>\n"
    assert sorted(p.name for p in page.parent.iterdir()) == ["index.html"]
    fifo = tmp_path / "site" / "fifo.html"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        with pytest.raises(atomic.CannotWrite):
            atomic.write_chunks(fifo, iter([b"x"]), in_place=False)


def test_an_edit_an_alias_stands_in_the_way_of_is_refused_in_words(tmp_path, monkeypatch):
    """A value written once (`&ev`) and used again (`*ev`): when an edit cannot keep both, the
    refusal names the alias's line and what to do, in kpi's words (not the YAML library's), and
    the file is left byte for byte."""
    text = SEED_TEXT.replace("      evidence: [คำสั่ง สปท. ที่ 4/2564]\n", "      evidence: &ev [คำสั่ง สปท. ที่ 4/2564]\n", 1)
    text = text.replace("      evidence: [คำสั่ง สปท. ที่ 4/2564, กท 0406/2006]\n", "      evidence: *ev\n", 1)
    assert text.count("*ev") == 1
    path = make_repo(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    before = path.read_bytes()
    for args in (["activity", CODE, "ทดสอบกิจกรรม", "--date", "2021-04-20", "--evidence", "กท 0406/2100"],
                 ["evidence", CODE, "--date", "2021-04-20", "--letter", "กท 0406/2101"]):
        result = invoke(*args)
        if result.exit_code == 0:  # the edit could keep the alias: then it did, and the file still reads the same
            assert read(path.read_text(encoding="utf-8"))["innovation"]["stages"][3]["evidence"] == ["คำสั่ง สปท. ที่ 4/2564"]
            path.write_bytes(before)
            continue
        assert result.exit_code == 1, result.output
        assert "<unicode string>" not in result.output and "found undefined alias" not in result.output
        assert path.read_bytes() == before
