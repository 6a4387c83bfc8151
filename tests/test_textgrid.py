"""kpi_cli.render.textgrid: terminal widths of Thai text, boxed tables, wrapping, colors; `kpi score`
prints its tables with it, without importing rich."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.render.textgrid import Printer, Table, display_width, fold, wrap
from scoring_helpers import REPO

TITLE = "ความสำเร็จในการเสนอนวัตกรรมเพื่อเพิ่มประสิทธิภาพการปฏิบัติงานของหน่วยงาน"  # no spaces, many marks
ESC = re.compile(r"\x1b\[[0-9;]*m")


def starts_with_mark(text: str) -> bool:
    return bool(text) and display_width(text[0]) == 0


def cell_texts(line: str) -> list[str]:
    """The cells of a table line, without the borders."""
    return re.split("[│┃]", line)[1:-1]


# --- widths -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, width", [
    ("", 0), ("abc", 3), ("ไก่", 2), ("น้ำ", 2), ("ยังไม่ประเมิน", 10), ("ผลประเมิน", 8), ("เป้าหมาย", 7),
    ("ตัวชี้วัด", 5), ("≠ · └", 5), ("日本", 4), ("a\u200bb", 2),
])
def test_display_width(text, width):
    assert display_width(text) == width


def test_render_keeps_display_width():
    from kpi_cli.render import filters as render

    assert render.display_width is display_width


# --- tables -------------------------------------------------------------------------------

def small_table() -> Table:
    table = Table(header_style="bold")
    table.add_column("ไตรมาส\nquarter", justify="center")
    table.add_column("คะแนน\ncomputed", justify="right")
    table.add_column("หมายเหตุ\nnotes", justify="left")
    table.add_row("1", "100.00", "≠ ยังไม่ประเมิน", style="yellow")
    table.add_row("└ p1", "5.5", "", style="dim")
    return table


def test_table_looks_like_before():
    """The box, alignment and widths of rich's default table, which `kpi score` printed before."""
    assert small_table().render(80) == (
        "┏━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━┓\n"
        "┃ ไตรมาส  ┃    คะแนน ┃ หมายเหตุ      ┃\n"
        "┃ quarter ┃ computed ┃ notes        ┃\n"
        "┡━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━┩\n"
        "│    1    │   100.00 │ ≠ ยังไม่ประเมิน │\n"
        "│  └ p1   │      5.5 │              │\n"
        "└─────────┴──────────┴──────────────┘\n")


def test_columns_are_aligned_whatever_the_marks():
    lines = small_table().lines(80)
    assert len({display_width(line) for line in lines}) == 1
    right = [cells[1] for cells in map(cell_texts, lines) if cells]
    assert all(cell.endswith(" ") and not cell.endswith("  ") for cell in right)  # right-justified, one space pad


def test_short_header_sits_on_the_last_header_line():
    table = Table()
    table.add_column("a\nb")
    table.add_column("2.1 / 2.2", justify="center")
    table.add_row("x", "0 / 0")
    lines = table.lines(40)
    assert cell_texts(lines[1]) == [" a ", "           "]
    assert cell_texts(lines[2]) == [" b ", " 2.1 / 2.2 "]
    assert cell_texts(lines[4]) == [" x ", "   0 / 0   "]


def test_max_width_wraps_a_column():
    table = Table()
    table.add_column("notes", max_width=12)
    table.add_row("criteria amended: กท 0406/3937 (2021-07-20)")
    cells = [cell_texts(line)[0].strip() for line in table.lines(160)[3:-1]]
    assert cells == ["criteria", "amended: กท", "0406/3937", "(2021-07-20)"]


@pytest.mark.parametrize("width", [80, 60, 45, 40])
def test_a_long_thai_cell_is_folded_within_the_width(width):
    table = Table()
    table.add_column("รหัส\ncode")
    table.add_column("ตัวชี้วัด\nindicator")
    table.add_column("คะแนน\ncomputed", justify="right")
    table.add_row("0406-0772", TITLE + " [ตัวอย่าง]", "100.00")
    lines = table.lines(width)
    assert all(display_width(line) <= width for line in lines)
    assert len({display_width(line) for line in lines}) == 1
    title_cells = [cell_texts(line)[1].strip() for line in lines[4:-1]]
    assert len(title_cells) > 1 and not any(starts_with_mark(cell) for cell in title_cells)
    assert "".join(title_cells).replace(" ", "") == (TITLE + "[ตัวอย่าง]")  # nothing lost, nothing split off
    assert "0406-0772" in lines[4] and "100.00" in lines[4]  # the narrow columns are not the ones folded


def test_the_widest_column_gives_way_first():
    table = Table()
    table.add_column("code")
    table.add_column("notes")
    table.add_row("0406-0772", "a note " * 20)
    widths = table.widths(60)
    assert widths[0] == len(" 0406-0772 ") and sum(widths) + 3 == 60


def test_a_no_wrap_column_keeps_its_width():
    table = Table()
    table.add_column("code", no_wrap=True)
    table.add_column("title")
    table.add_column("notes")
    table.add_row("0406-0772-0001-0002", "a title " * 5, "a note " * 5)
    widths = table.widths(40)
    assert widths[0] == len(" 0406-0772-0001-0002 ") and sum(widths) + 4 == 40


def test_too_narrow_still_keeps_the_box():
    table = small_table()
    lines = table.lines(12)
    assert len({display_width(line) for line in lines}) == 1


def test_row_with_fewer_cells_and_none():
    table = Table()
    table.add_column("a")
    table.add_column("b")
    table.add_row(None)
    assert cell_texts(table.lines(20)[3]) == ["   ", "   "]
    with pytest.raises(ValueError):
        table.add_row("1", "2", "3")


# --- wrapping -----------------------------------------------------------------------------

def test_wrap_at_spaces_then_within_a_word():
    assert wrap("one two three", 8) == ["one two", "three"]
    assert wrap("abcdefghij xy", 4) == ["abcd", "efgh", "ij", "xy"]
    assert wrap("a\nb", 10) == ["a", "b"]
    assert wrap("", 10) == [""]


def test_fold_keeps_marks_with_their_character():
    pieces = fold("ยังไม่ประเมิน", 3)
    assert "".join(pieces) == "ยังไม่ประเมิน"
    assert all(display_width(p) <= 3 and not starts_with_mark(p) for p in pieces)


CLUSTER = st.builds(lambda base, marks: base + "".join(marks), st.sampled_from("กขคงจนมยรลวสหอะาำเแโใไ0129abc"),
                    st.lists(st.sampled_from("่้๊๋ัิีึืุู็์"), max_size=2))
THAI = st.lists(st.one_of(CLUSTER, st.just(" ")), max_size=60).map("".join)  # Thai: marks follow a character


@settings(max_examples=300, deadline=None)
@given(text=THAI, width=st.integers(min_value=1, max_value=40))
def test_wrap_properties(text, width):
    lines = wrap(text, width)
    assert all(display_width(line) <= width for line in lines)
    assert not any(starts_with_mark(line) for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


# --- color --------------------------------------------------------------------------------

def printed(color: bool) -> str:
    out = io.StringIO()
    printer = Printer(80, color=color, stream=out)
    printer.line("คะแนนไตรมาสที่ 4 (quarter 4 score): 100.00", style="bold")
    printer.table(small_table())
    return out.getvalue()


def test_no_escape_codes_without_color():
    assert "\x1b" not in printed(color=False)


def test_escape_codes_with_color():
    text = printed(color=True)
    lines = text.splitlines()
    assert lines[0] == "\x1b[1mคะแนนไตรมาสที่ 4 (quarter 4 score): 100.00\x1b[0m"
    assert "\x1b[1m quarter \x1b[0m" in lines[3]  # bold header cells
    assert "\x1b[33m   100.00 \x1b[0m" in lines[5]  # a yellow row
    assert "\x1b[2m  └ p1   \x1b[0m" in lines[6]  # a dim row
    assert lines[1] == ESC.sub("", lines[1])  # the box is not styled
    assert ESC.sub("", text) == printed(color=False)


# --- kpi score ----------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO)


def test_score_table_plain_and_in_color(in_repo):
    plain = runner.invoke(app, ["score", "0406-0772", "--quarter", "4"], env={"NO_COLOR": "1"})
    assert plain.exit_code == 0, plain.output
    assert "\x1b" not in plain.stdout and "┡━" in plain.stdout and "└─" in plain.stdout
    color = runner.invoke(app, ["score", "0406-0772", "--quarter", "4"], env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert "\x1b[1m" in color.stdout
    assert ESC.sub("", color.stdout) == plain.stdout


def test_a_differing_row_is_yellow(tmp_path, monkeypatch):
    shutil.copytree(REPO / "indicators", tmp_path / "indicators")
    seed = tmp_path / "indicators" / "2564" / "0406-0772.yaml"
    seed.write_text(seed.read_text(encoding="utf-8").replace("    performance: 80.00", "    performance: 75.00"),
                    encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    plain = runner.invoke(app, ["score", "0406-0772", "--quarter", "4"], env={"NO_COLOR": "1"})
    color = runner.invoke(app, ["score", "0406-0772", "--quarter", "4"], env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert "\x1b[33m" in color.stdout
    assert ESC.sub("", color.stdout) == plain.stdout


@pytest.mark.parametrize("args", [["0406-0772"], ["--agency", "0406"], ["--all"]])
def test_score_tables_fit_the_columns(in_repo, args):
    result = runner.invoke(app, ["score", *args, "--quarter", "4"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert max(display_width(line) for line in result.stdout.splitlines()) <= 80


def test_score_does_not_import_rich():
    program = ("import sys\n"
               "from kpi_cli.cli import main\n"
               "sys.argv = ['kpi', 'score', '0406-0772', '--quarter', '4']\n"
               "try:\n"
               "    main()\n"
               "except SystemExit as exc:\n"
               "    assert not exc.code, exc.code\n"
               "print('rich modules:', sorted(m for m in sys.modules if m.partition('.')[0] == 'rich'))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "COLUMNS")}
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=REPO, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "(quarter 4 score): 100.00" in done.stdout and "┏━" in done.stdout
    assert done.stdout.rstrip().splitlines()[-1] == "rich modules: []"


def test_a_table_handed_what_another_learned_draws_the_same():
    """Table.known (what measuring and drawing a row found), kept as JSON and handed to add_row,
    gives the same table at that width and at others (kpi score --all keeps it in the cache)."""
    import json

    rows = [("0406-0772", "ร้อยละความสำเร็จของการให้บริการงานทะเบียนเคลื่อนที่ [ตัวอย่าง]", "percent", "100"),
            ("5001-1006", "an English title long enough to be wrapped in a narrow column", "-", "15"),
            ("5002-1000", "", "stage-points", "1,234.50"),
            ("5003-1000", "เป้าหมาย\nสองบรรทัด two lines", "levels", "-")]

    def build(known=None):
        table = Table()
        table.add_column("รหัส\ncode", no_wrap=True)
        table.add_column("ตัวชี้วัด\nindicator", max_width=30)
        table.add_column("rule")
        table.add_column("weight", justify="right")
        for n, row in enumerate(rows):
            facts, drawn = known[n] if known else (None, None)
            table.add_row(*row, style="yellow" if n % 2 else None, facts=facts, drawn=drawn)
        return table

    first = build()
    first.render(60)
    known = json.loads(json.dumps([first.known(n) for n in range(len(rows))]))
    assert all(drawn is not None for _facts, drawn in known)
    for width in (60, 44, 30, 120, None):
        for color in (False, True):
            assert build(known).render(width, color) == build().render(width, color), (width, color)
