"""Thai in terminal tables breaks only between words (issue 17): every place where a cell's Thai
text continues on the next line is a word boundary of PyThaiNLP's tokenizer, and no line starts
with a combining mark or ends with a leading vowel."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app
from kpi_cli.core.i18n import set_language

REPO = Path(__file__).resolve().parent.parent
THAI = re.compile("[\u0e00-\u0e7f]")
LEADING_VOWELS = "เแโใไ"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _repo(monkeypatch):
    monkeypatch.chdir(REPO)
    set_language(None)
    yield
    set_language(None)


def _rows(text: str) -> list[list[list[str]]]:
    """The body rows of a box table: each row a list of columns, each column its line fragments."""
    rows: list[list[list[str]]] = []
    for line in text.splitlines():
        if not line.startswith("│"):
            continue
        cells = line.strip("│").split("│")
        if cells[0].strip() or not rows:  # a new row starts where its first column has text
            rows.append([[] for _cell in cells])
        for column, cell in zip(rows[-1], cells):
            if cell.strip():
                column.append(cell.strip())
    return rows


def _boundaries(text: str) -> set[int]:
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    from pythainlp.tokenize import word_tokenize

    out, at = {0}, 0
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        at += len(word)
        out.add(at)
    return out


def _breaks_inside_words(fragments: list[str]) -> list[str]:
    """The joins of Thai to Thai that are not word boundaries, as 'before|after'."""
    text, joins = fragments[0], []
    for piece in fragments[1:]:
        if THAI.match(text[-1:] or " ") and THAI.match(piece[:1] or " "):
            joins.append(len(text))
            text += piece
        else:
            text += " " + piece
    bounds = _boundaries(text)
    return [f"{text[max(0, j - 6):j]}|{text[j:j + 6]}" for j in joins if j not in bounds]


@pytest.mark.parametrize("args", [["score", "--all", "-q", "4"], ["--lang", "th", "score", "--all", "-q", "4"],
                                  ["score", "--agency", "0406", "-q", "4"], ["score", "0406-0772", "-q", "4"]])
@pytest.mark.parametrize("columns", ["80", "100"])
def test_thai_cells_break_only_between_words(args, columns):
    result = runner.invoke(app, args, env={"COLUMNS": columns, "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    assert rows, result.stdout
    bad = [b for row in rows for column in row if len(column) > 1 for b in _breaks_inside_words(column)]
    assert not bad, bad
    for line in result.stdout.splitlines():
        for cell in line.strip("│").split("│"):
            cell = cell.strip()
            if cell:
                assert not re.match("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0e33]", cell), f"a mark starts {cell!r}"
                assert cell[-1] not in LEADING_VOWELS, f"a leading vowel ends {cell!r}"


@pytest.mark.parametrize("title", [
    "ความสำเร็จในการเสนอนวัตกรรมเพื่อเพิ่มประสิทธิภาพการปฏิบัติงานของหน่วยงานและการให้บริการประชาชน",
    "ร้อยละของสำนักงานเขตที่เปิดให้บริการนัดหมายงานทะเบียนล่วงหน้าผ่านระบบออนไลน์ทุกแห่ง",
    "ระดับความสำเร็จ ในการติดตามผลการดำเนินการตามข้อสั่งการของผู้ว่าราชการกรุงเทพมหานคร ทุกเรื่อง",
])
def test_a_long_title_in_kpi_diff_is_cut_with_an_ellipsis_never_inside_a_cluster(title):
    from kpi_cli.check.diff import _short

    cut = _short(title)
    assert cut.endswith("…") and len(cut) <= 61 and title.startswith(cut[:-1])
    assert not re.match("[\u0e31\u0e33-\u0e3a\u0e47-\u0e4e]", title[len(cut) - 1:])  # the rest starts whole
    assert cut[-2] not in LEADING_VOWELS
    assert _short("สั้น") == "สั้น"


def test_kpi_words_are_kept_whole():
    """The words of kpi's own field that PyThaiNLP's dictionary lacks are words all the same:
    reports and tables never break ตัวชี้|วัด, ผล|ประเมิน or ถ่วง|น้ำหนัก."""
    from kpi_cli.render.words import DOMAIN_WORDS, words

    for word in DOMAIN_WORDS:
        assert word in words(f"รายละเอียด{word}ของหน่วยงาน"), word


def test_the_templates_own_thai_is_kept_in_words_for_the_pdf():
    """WeasyPrint breaks Thai anywhere: the text the templates write themselves (notes, labels)
    gets the word spans a field's text gets; markup, entities and raw-text elements are left as
    they were."""
    from kpi_cli.render.words import words_in_html

    html = ('<!DOCTYPE html><html><head><title>ตัวชี้วัด</title><style>p{x:1}</style></head>'
            '<body><p data-x="ตัวชี้วัด">(ข้อมูลประมาณการ ไม่ปรากฏในหน้ารายละเอียดตัวชี้วัด) &amp; &#3585;'
            '<span class="w">ตัวชี้วัด</span><br>ok<!-- ตัวชี้วัด --></p></body></html>')
    out = words_in_html(html)
    assert '<span class="w">ตัวชี้วัด)</span>' in out and '<span class="w">ประมาณการ</span>' in out
    assert out.startswith('<!DOCTYPE html><html><head><title>ตัวชี้วัด</title><style>p{x:1}</style></head>')
    assert '<p data-x="ตัวชี้วัด">' in out and "&amp; &#3585;" in out and "<!-- ตัวชี้วัด -->" in out
    assert out.count('<span class="w">ตัวชี้วัด</span>') == 1  # a span already there is not wrapped again
    assert words_in_html("<p>plain English</p>") == "<p>plain English</p>"
