"""The round trip a newcomer makes: a BMA page, imported, then rendered as text, gives back the
page's content, section by section."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app

REPO = Path(__file__).parent.parent
PAGE = REPO / "tests" / "fixtures" / "pages" / "seed-0406-0772.txt"
runner = CliRunner()

# The page's sections, by their headings, in the page's order.
HEADINGS = [
    "ผลงานเทียบกับเป้าหมายรายไตรมาส",
    "รายงานผลฯ ไตรมาสที่ 1",
    "รายงานผลฯ ไตรมาสที่ 2",
    "รายงานผลฯ ไตรมาสที่ 3",
    "รายงานผลฯ ไตรมาสที่ 4",
    "** สรุปผลการดำเนินงาน **",
    "นิยาม หรือความหมายของตัวชี้วัด",
    "วิธีการคำนวณ หรือ เกณฑ์การประเมิน",
    "วิธีการการเก็บข้อมูล/แหล่งข้อมูล",
    "สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ",
    "โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด",
]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sections(page: str) -> dict[str, str]:
    out, rest = {}, page
    header, _, rest = rest.partition(HEADINGS[0])
    out["header"] = header
    for here, nxt in zip(HEADINGS, HEADINGS[1:] + [None]):
        body, _, rest = rest.partition(nxt) if nxt else (rest, "", "")
        out[here] = body
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("repo")
    (root / "indicators").mkdir()
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(REPO / "indicators" / name, root / "indicators")
    import os

    old = os.getcwd()
    os.chdir(root)
    try:
        result = runner.invoke(app, ["import", str(PAGE)])
        assert result.exit_code == 0, result.output
        assert runner.invoke(app, ["validate", "--strict"]).exit_code == 0
        result = runner.invoke(app, ["render", "0406-0772", "--format", "txt"])
        assert result.exit_code == 0, result.output
        return result.stdout
    finally:
        os.chdir(old)


PAGE_SECTIONS = sections(PAGE.read_text(encoding="utf-8"))


def test_the_page_has_every_section():
    assert all(PAGE_SECTIONS[h] is not None for h in HEADINGS)


def test_headings_come_back_in_the_page_order(rendered):
    positions = [squash(rendered).find(squash(h.strip("* "))) for h in HEADINGS]
    assert all(p >= 0 for p in positions), dict(zip(HEADINGS, positions))
    assert positions == sorted(positions)


def test_header_facts(rendered):
    text = squash(rendered)
    # the report sets the page's "8/สปท." apart from the title by a space (an evaluator asked for it)
    for fact in ("8/สปท. ความสำเร็จในการเสนอนวัตกรรมเพื่อเพิ่มประสิทธิภาพการปฏิบัติงานของหน่วยงาน : 0406-0772",
                 "ค่าเป้าหมาย คะแนน : 10", "ผลงานที่ทำได้ คะแนน : 100", "ประเภทตัวชี้วัด : ตัวชี้วัดงานประจำ",
                 "(ตัวชี้วัดระดับผลลัพธ์ (outcome))", "*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 100"):
        assert fact in text, fact


def test_quarterly_table_rows(rendered):
    body = PAGE_SECTIONS[HEADINGS[0]]
    figures = [ln.strip() for ln in body.splitlines() if re.fullmatch(r"[\d.]+( / [\d.]+)?", ln.strip())]
    rows = [figures[i:i + 4] for i in range(0, len(figures), 4)]
    assert len(rows) == 4
    for q, perf, assessed, subs in rows:  # every figure as printed; a quarter without a score says so after it
        pattern = rf"^{q}\s+{re.escape(perf)}\s+{assessed}(?: \([^)]*\))?\s+{re.escape(subs)}(?:\s|$)"
        assert re.search(pattern, rendered, re.M), (q, perf, assessed, subs)


@pytest.mark.parametrize("heading", HEADINGS[1:9], ids=lambda h: h.strip("* "))
def test_narrative_sections_word_for_word(rendered, heading):
    body = squash(PAGE_SECTIONS[heading])
    if body:
        assert body in squash(rendered)


def test_strategy_alignment_in_thai_digits(rendered):
    for line in PAGE_SECTIONS["สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ"].strip().splitlines():
        line = line.strip().rstrip("%")
        assert squash(line) in squash(rendered), line
