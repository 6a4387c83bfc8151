"""Usage errors in kpi's words (issue 17, Thai mode): under `--lang th` every usage error is Thai,
and in either language pydantic's wording ("Input should be …", "Value error, …") and click's
English never reach people."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

BAD = [
    (["new"], "ยังไม่ได้ระบุ 'code'", "missing argument 'code'"),
    (["score", "0406-0772", "-q", "5"], "ค่าสูงสุดที่ใช้ได้คือ 4", "the largest allowed is 4"),
    (["score", "0406-0772", "-q", "0"], "ค่าต่ำสุดที่ใช้ได้คือ 1", "the smallest allowed is 1"),
    (["score", "0406-0772", "-q", "x"], "ให้เขียนเป็นจำนวนเต็ม", "write a whole number"),
    (["score", "0406-0772", "-q"], "ต้องมีค่าตามหลัง", "needs a value after it"),
    (["new", "0406-0999", "--kind", "foo"], "ไม่อยู่ในค่าที่เลือกได้", "'foo' is not one of"),
    (["validate", "--bogus"], "ไม่มีตัวเลือก --bogus", "no such option: --bogus"),
    (["scor"], "ไม่มีคำสั่ง 'scor' (หมายถึง 'score' หรือไม่)", "(did you mean 'score'?)"),
    (["status", "0406-0772", "extra", "more"], "มีค่าเกินมาที่คำสั่งไม่รับ", "unexpected extra argument(s)"),
]
ENGLISH = re.compile(r"Input should|Value error|Missing argument|Invalid value|No such option|Got unexpected|"
                     r"requires an argument|Did you mean|Try '")


def kpi(*args: str) -> subprocess.CompletedProcess:
    """A real process: the language is chosen from the command line before typer builds anything."""
    return subprocess.run([sys.executable, "-m", "kpi_cli", *args], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "NO_COLOR": "1", "KPI_NO_CACHE": "1"})


@pytest.mark.parametrize("args, thai, english", BAD, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_usage_errors_are_thai_under_lang_th(args, thai, english):
    done = kpi("--lang", "th", *args)
    assert done.returncode == 2, done.stderr
    assert thai in done.stderr, done.stderr
    assert not ENGLISH.search(done.stderr), done.stderr
    assert "ข้อผิดพลาด" in done.stderr


@pytest.mark.parametrize("args, thai, english", BAD, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_usage_errors_in_english_carry_no_pydantic_wording(args, thai, english):
    done = kpi(*args)
    assert done.returncode == 2, done.stderr
    assert english in done.stderr, done.stderr
    assert "Input should" not in done.stderr and "Value error" not in done.stderr


def test_help_texts_of_typer_itself_are_thai():
    out = kpi("--lang", "th", "--help").stdout
    assert "แสดงวิธีใช้นี้แล้วจบการทำงาน" in out and "Show this message" not in out
    assert "ติดตั้งการเติมคำสั่งอัตโนมัติ" in out and "Install completion" not in out
    assert "วิธีใช้:" in out
