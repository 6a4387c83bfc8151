"""The Thai catalogue speaks the glossary's language (../shared/thai-glossary.md, copied into
docs/thai.md): one term per concept, no term the glossary lists under "not", no message left
empty or in English, and Thai help boxes whose right-hand borders line up.

A "not" term is matched as a whole phrase, never as a loose substring: ผลประเมิน is forbidden
alone but is part of the allowed ผลประเมินทางการ; ปี alone before a year is forbidden but ปี is
part of ปีงบประมาณ. Each pattern below says which longer, allowed terms it leaves alone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from i18n_catalog import read_po  # noqa: E402

HERE = Path(__file__).parent
ENTRIES = [e for e in read_po() if e.msgid and not e.obsolete]

# (pattern, what the glossary says instead). Patterns are regular expressions over one msgstr.
NOT_TERMS: list[tuple[str, str]] = [
    (r"บันทึกการแก้ไขเกณฑ์", "an entry of `amendments` is บันทึกอุทธรณ์/การแก้ไข"),
    (r"ข้อแม่", "a parent strategy is ยุทธศาสตร์ระดับบน (ข้อแม่ reads as ข้อแม้)"),
    (r"ทีละขั้น", "strictly increasing is เรียงจากน้อยไปมากและไม่ซ้ำกัน"),
    (r"ขั้นตอนลำดับที่", "a record in innovation.stages is รายการบันทึกขั้นตอน"),
    (r"แคตตาล็อก", "the catalogues are ทะเบียนหน่วยงาน / ทะเบียนยุทธศาสตร์"),
    (r"รหัสออก|รหัสการจบการทำงาน", "an exit code is รหัสผลการทำงาน"),
    (r"สาขา", "a git branch is branch ของ git (สาขา reads as a branch office)"),
    (r"ตัวเลขจำกัด", "a finite number is ตัวเลขปกติ (ไม่ใช่ .inf/.nan)"),
    (r"ผลถ่วงน้ำหนัก|ผลรวมถ่วงน้ำหนัก", "the weighted result is คะแนนเฉลี่ยถ่วงน้ำหนัก"),
    (r"จาก \{n\} ตัวชี้วัด", "the weighted result is not '… จาก n ตัวชี้วัด'"),
    (r"ตัวชี้วัดด้านนวัตกรรม", "the innovation indicator is ตัวชี้วัดนวัตกรรม"),
    (r"ผลประเมิน \(ทางการ", "the official score is ผลประเมินทางการ (สยป.)"),
    # ผลประเมิน alone; ผลประเมินทางการ is the allowed term that contains it
    (r"ผลประเมิน(?!ทางการ)", "the official score is ผลประเมินทางการ (สยป.), never plain ผลประเมิน"),
    # ประเมินแล้ว is "assessed"; ตรวจประเมินแล้ว (audited) contains it and is allowed
    (r"(?<!ตรวจ)ประเมินแล้ว", "audited is ตรวจประเมินแล้ว"),
    # เห็นชอบ for an appeal; ให้ความเห็นชอบ (the agency head approves the survey) contains it
    (r"(?<!ความ)เห็นชอบ", "an appeal is รับอุทธรณ์ / ไม่รับอุทธรณ์; the agency head ให้ความเห็นชอบ"),
    # อนุมัติ: only the innovation committee's resolution (มติอนุมัติ, the decision `approved`)
    (r"(?<!มติ)(?<!ไม่)อนุมัติ", "appeals are รับอุทธรณ์, the survey ให้ความเห็นชอบ; only the committee มติอนุมัติ"),
    (r"รอดำเนินการ", "a pending appeal is รอผลการพิจารณา"),
    (r"แสดงผล", "rendering a report is จัดทำรายงาน"),
    # mapping alone; "กลุ่มคีย์ (mapping)" explains it
    (r"(?<!\()mapping(?!\))", "a YAML mapping is กลุ่มคีย์ (mapping)"),
    # ปี alone before a year: ปีงบประมาณ พ.ศ. 2564; ปีพุทธศักราช and ปี พ.ศ. name an era, not a year
    (r"(?<![\u0E00-\u0E7F])ปี (?:\{|\d)", "a fiscal year is ปีงบประมาณ พ.ศ. …"),
    (r"ปีงบประมาณ (?:\{\w+\}|\d)", "a fiscal year is written ปีงบประมาณ พ.ศ. …"),
    (r"ถูกขัดจังหวะ|จับปีพุทธศักราช|ไม่ใช่ \{options\}", "a literal phrasing the Thai editor flagged"),
    (r"เทอร์มินัล", "say หน้าจอ (the terminal is jargon)"),
    (r"working tree|merge-base ของ|unified diff", "jargon: say it in plain Thai"),
]

def test_no_translation_is_empty():
    empty = [e.msgid for e in ENTRIES if not all(s.strip() for s in e.msgstr)]
    assert not empty, "empty msgstr:\n" + "\n".join(map(repr, empty))


def _only_code(text: str) -> bool:
    """A message with no English words once its placeholders, code spans, commands, options, paths
    and the program names are taken away."""
    rest = re.sub(r"`[^`]*`|'[^'\s]*'|\{[^}]*\}|(?<!\S)--?[\w-]+|\S*[/._]\S*", " ", text)
    rest = re.sub(r"\b(?:kpi|git|pip|install|sudo|apt-get|score|validate|cat-file)\b", " ", rest)
    return not re.search(r"[A-Za-z]{2}", rest)


def test_no_translation_is_the_english_message():
    """Every message is Thai, except one made of codes and commands only ('git {command}: {error}')."""
    english = [e.msgid for e in ENTRIES if any(s == e.msgid for s in e.msgstr) and not _only_code(e.msgid)]
    assert not english, "msgstr equal to its English msgid:\n" + "\n".join(map(repr, english))


# Documented exceptions: (pattern, msgid) pairs where the forbidden phrase is the right one.
ALLOWED = {
    # the committee's decision `approved` (kpi decide --result approved), shown as the resolution itself
    (r"(?<!มติ)(?<!ไม่)อนุมัติ", "approved"),
}


@pytest.mark.parametrize("pattern, instead", NOT_TERMS, ids=[f"not-{i}" for i in range(len(NOT_TERMS))])
def test_no_term_the_glossary_forbids(pattern, instead):
    found = [f"{e.msgid[:60]!r}: …{m.string[max(0, m.start() - 20):m.end() + 20]}…"
             for e in ENTRIES if (pattern, e.msgid) not in ALLOWED
             for s in e.msgstr for m in [re.search(pattern, s)] if m]
    assert not found, f"{instead}:\n" + "\n".join(found)


# --- help boxes ---------------------------------------------------------------------------------

def display_width(text: str) -> int:
    """Terminal columns as wcwidth counts them: combining marks (Mn, Me) and format characters (Cf)
    take none (Thai vowels above and below, tone marks), East Asian wide characters two."""
    width = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def test_display_width_counts_thai_marks_as_nothing():
    assert display_width("ตัวชี้วัด") == 5 and display_width("ผลประเมินทางการ") == 14
    assert display_width("ปีงบประมาณ พ.ศ. 2564") == 19


def _run(*args: str, columns: int = 80) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("KPI_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    result = subprocess.run([sys.executable, "-m", "kpi_cli", "--lang", "th", *args], capture_output=True, text=True,
                            env={**clean, "COLUMNS": str(columns), "NO_COLOR": "1", "TERM": "dumb"},
                            cwd=HERE.parent, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("command, columns", [((), 80), ((), 100), (("validate",), 80), (("score",), 72),
                                             (("advance",), 80), (("status",), 100)])
def test_thai_help_boxes_line_up(command, columns):
    """Every line of a box (│ … │) is as wide as its top border, counted as a terminal shows it, and
    no line of a box starts a Thai mark on its own (a mark cut from its letter)."""
    text = _run(*command, "--help", columns=columns)
    box_lines = [line for line in text.splitlines() if line and line[0] in "╭│╰"]
    assert any(re.search(r"[\u0E00-\u0E7F]", line) for line in box_lines), "no Thai in the help boxes"
    widths = {display_width(line) for line in box_lines}
    assert widths == {columns}, [(display_width(ln), ln) for ln in box_lines if display_width(ln) != columns]
    for line in box_lines:
        assert not re.search(r"(?:^|[\s│])[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]", line), line
