"""Hostile and careless input to the readers of files, every command that opens one indicator:
numbers YAML 1.1 reads other than they look (010 is 8), keys that are not names (`~:`, `yes:`, `2:`),
wide Unicode encodings without a byte-order mark, more than one YAML document, and syntax errors
whose fix depends on the character found. Each is exit 1 with file:line:column, the rule and a fix;
never a traceback, never a silent pass, never a write to the file refused."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.io.loader import load_bytes
from kpi_cli.io.source import Loaded

REPO = Path(__file__).resolve().parent.parent
CODE = "0406-0772"
runner = CliRunner()


def _text(old: str, new: str):
    def edit(text: str) -> bytes:
        assert old in text, old
        return text.replace(old, new, 1).encode("utf-8")
    return edit


# name: (edit of the seed's text -> bytes, rule, line, words the message or its fix must hold)
CASES = {
    "octal figure": (_text("    performance: 30.00\n", "    performance: 010\n"), "number-base", 26,
                     "YAML reads 010 as the number 8"),
    "hex figure": (_text("    target: 30\n", "    target: 0x1E\n"), "number-base", 27, "write the number in ordinary"),
    "binary figure": (_text("achieved: 100 ", "achieved: 0b1100100 "), "number-base", 18, "base 2"),
    "underscore figure": (_text("    performance: 50.00\n", "    performance: 5_0.00\n"), "number-base", 34,
                          "drops the '_'"),
    "null key": (_text("weight:  ", "~: 10\nweight:  "), "implicit-type", 19, "the key ~ is read by YAML as nothing"),
    "yes key": (_text("    audit: 100 ", "    yes: 100 "), "implicit-type", 30, "the key yes is read by YAML as true"),
    "number key": (_text("  percent: 10\n", "  percent: 10\n  2: 10\n"), "implicit-type", 21, "the number 2"),
    "date key": (_text("  ideas_reported: 10 ", "  2021-02-08: 10\n  ideas_reported: 10 "), "implicit-type", 93,
                 "the date 2021-02-08"),
    "two documents": (lambda t: (t + "---\ncode: \"0406-0773\"\n").encode("utf-8"), "yaml-syntax", 241,
                      "one YAML document"),
    "complex key": (_text("weight:  ", "? [a, b]\n: 1\nweight:  "), "yaml-syntax", 19, "a key is a name"),
    "tab indent": (_text("  percent: 10\n", "\tpercent: 10\n"), "yaml-syntax", 20, "not tabs"),
    "at sign": (_text("summary: \"\"", "summary: @สยป"), "yaml-syntax", 55, "cannot start with @"),
    "lone surrogate": (_text("summary: \"\"", "summary: \"\\ud800\""), "yaml-syntax", 55, "half of a pair"),
    "blank idea title": (_text("    - id: 2\n      title: ", "    - id: 2\n      title: \"\u00a0\u3000\"\n      note: "),
                         "blank-text", 98, "the text is blank"),
    "zero-width event": (_text("    event: ขออุทธรณ์", "    event: \"\\u200b\"\n    # ขออุทธรณ์"), "blank-text", 209,
                         "delete the entry"),
    "utf-32 with bom": (lambda t: t.encode("utf-32"), "encoding", 1, "UTF-32 text"),
    "utf-32-be without bom": (lambda t: t.encode("utf-32-be"), "encoding", 1, "iconv -f UTF-32"),
    "utf-16-le without bom": (lambda t: t.encode("utf-16-le"), "encoding", 1, "UTF-16 text"),
}

COMMANDS = [
    ["validate", f"indicators/2564/{CODE}.yaml"],
    ["score", CODE, "-q", "4"],
    ["status", CODE],
    ["render", CODE, "-f", "txt"],
    ["idea", "add", CODE, "ความคิดเห็นใหม่"],
    ["advance", CODE, "--date", "2021-08-30"],
]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    shutil.copytree(REPO / "indicators", tmp_path / "indicators")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0] if c[0] != "idea" else "idea add")
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_command_refuses_it_with_its_place_rule_and_fix(repo, case, command):
    edit, rule, line, words = CASES[case]
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    path.write_bytes(edit(path.read_text(encoding="utf-8")))
    before = path.read_bytes()
    result = runner.invoke(app, command)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    found = re.search(rf"{CODE}\.yaml:{line}:(\d+): error \[{re.escape(rule)}\] (.*)\n    fix: (.*)", result.output)
    assert found, result.output
    assert words in found.group(2) + found.group(3), result.output
    assert path.read_bytes() == before


def test_the_json_report_places_them_too(repo):
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    path.write_bytes(CASES["null key"][0](path.read_text(encoding="utf-8")))
    result = runner.invoke(app, ["validate", "--format", "json", str(path.relative_to(repo))])
    assert result.exit_code == 1
    assert '"rule": "implicit-type"' in result.stdout and '"line": 19' in result.stdout


def test_an_unquoted_code_in_a_text_field_is_said_once(repo):
    """`agency: 0406` is both a number in base 8 and a number in a text field: one problem, the one
    whose fix is to quote it."""
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('agency: "0406"', "agency: 0406"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path.relative_to(repo))])
    assert result.exit_code == 1
    assert re.findall(r":10:9: error \[([a-z-]+)\]", result.output) == ["implicit-type"]
    assert 'put it in quotes: "0406"' in result.output


def test_in_thai(repo):
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    text = path.read_text(encoding="utf-8").replace("    performance: 30.00\n", "    performance: 010\n")
    path.write_text(text.replace("weight:  ", "yes: 1\nweight:  ", 1), encoding="utf-8")
    result = runner.invoke(app, ["--lang", "th", "validate", str(path.relative_to(repo))])
    assert result.exit_code == 1
    assert "[number-base] YAML อ่าน 010 เป็นตัวเลข 8: ตัวเลขที่ขึ้นต้นด้วย 0 ถูกอ่านเป็นเลขฐานแปด" in result.output
    assert "วิธีแก้: เขียนโดยไม่มี 0 นำหน้า (10)" in result.output
    assert "[implicit-type] YAML อ่านคีย์ yes เป็นtrue (ค่าจริง/เท็จ) แต่คีย์ต้องเป็นชื่อ" in result.output


def _load(text: str) -> Loaded:
    return load_bytes(Loaded(Path("x.yaml")), text.encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**12), zeros=st.integers(min_value=0, max_value=3),
       sign=st.sampled_from(["", "-", "+"]))
def test_a_number_is_read_as_it_looks_or_refused(n, zeros, sign):
    """Whatever YAML 1.1 makes of digits with leading zeros, kpi either has the number a person reads
    or a number-base problem at its place."""
    raw = sign + "0" * zeros + str(n)
    loaded = _load(f"a: 1\nfigure: {raw}\n")
    rules = {(f.rule, f.line, f.column) for f in loaded.findings}
    value = loaded.data["figure"] if loaded.data else None
    as_read = -n if sign == "-" else n
    if value == as_read or (isinstance(value, str) and value == raw):
        assert ("number-base", 2, 9) not in rules
    else:
        assert ("number-base", 2, 9) in rules, (raw, value)


@settings(max_examples=100, deadline=None)
@given(parts=st.lists(st.integers(min_value=0, max_value=999), min_size=2, max_size=4),
       base=st.sampled_from(["", "0x", "0b"]))
def test_separators_and_other_bases_are_never_read_silently(parts, base):
    raw = {"": "_".join(str(p) for p in parts), "0x": "0x" + "".join(str(p) for p in parts),
           "0b": "0b" + "".join("1" if p % 2 else "0" for p in parts) + "1"}[base]
    loaded = _load(f"figure: {raw}\n")
    value = loaded.data["figure"] if loaded.data else None
    if isinstance(value, int):
        assert [f.rule for f in loaded.findings] == ["number-base"], (raw, value)


@pytest.mark.parametrize("key", ["~", "null", "true", "no", "on", "12", "1.5", "2021-01-15", "0x10"])
@pytest.mark.parametrize("depth", [0, 1, 2])
def test_a_key_that_is_not_a_name_is_placed_at_the_key(key, depth):
    indent = "  " * depth
    nest = "".join(f"{'  ' * d}m{d}:\n" for d in range(depth))
    loaded = _load(f"{nest}{indent}a: 1\n{indent}{key}: 2\n")
    assert [(f.rule, f.line, f.column) for f in loaded.findings] == [("implicit-type", depth + 2, 2 * depth + 1)]


def test_a_key_not_a_name_beside_a_merge_key_is_said_once():
    """A file with a merge key (<<) is built a second time by PyYAML: what the first build noted is
    not said twice."""
    loaded = _load("base: &b {x: 1}\nm:\n  <<: *b\n  5: 2\n  y: 0x10\n")
    assert sorted((f.rule, f.line) for f in loaded.findings) == [("implicit-type", 4), ("number-base", 5)]


def test_plain_numbers_are_left_alone():
    loaded = _load("a: 0\nb: 7\nc: -3\nd: +5\ne: 007\nf: 30.00\ng: 1e3\nh: 100\n")
    assert loaded.findings == []
    assert loaded.data["e"] == 7 and loaded.data["d"] == 5


@pytest.mark.parametrize("title", ["\u200b", "\u200b\u3000", "\ufeff \u00a0", "\u2060"])
@pytest.mark.parametrize("command", [["idea", "add", CODE, "{title}"],
                                     ["activity", CODE, "{title}", "--date", "2021-04-05"]],
                         ids=["idea add", "activity"])
def test_a_title_that_reads_as_nothing_is_never_written(repo, title, command):
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    before = path.read_bytes()
    result = runner.invoke(app, [title if arg == "{title}" else arg for arg in command])
    assert result.exit_code == 1, result.output
    assert "[blank-text]" in result.output and "nothing was written" in result.output
    assert path.read_bytes() == before


def test_an_indicator_title_may_be_empty_but_an_idea_title_may_not(repo):
    """A stripped copy of a page has no title (`title: ""` is the record); an idea without one is a mistake."""
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("title: ความสำเร็จในการเสนอ")
    path.write_text(text[:start] + 'title: ""' + text[text.index("\n", start):], encoding="utf-8")
    assert runner.invoke(app, ["validate", str(path.relative_to(repo))]).exit_code == 0


@pytest.mark.parametrize("old, new, rule, line", [
    ("    name: สำนักงานปกครองและทะเบียน", '    name: "\u00a0\u200b"', "blank-text", 26),
    ("    minimum_ideas: 20", "    minimum_ideas: 0x14", "number-base", 10),
    ("kinds:", "5: x\nkinds:", "implicit-type", 7),
], ids=["blank name", "hex minimum", "number key"])
def test_the_catalogues_are_read_the_same_way(repo, old, new, rule, line):
    path = repo / "indicators" / "agencies.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    before = path.read_bytes()
    for command in (["validate"], ["score", CODE, "-q", "4"], ["idea", "add", CODE, "ความคิดเห็นใหม่"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, result.output
        assert re.search(rf"agencies\.yaml:{line}:\d+: error \[{rule}\]", result.output), result.output
    assert path.read_bytes() == before
