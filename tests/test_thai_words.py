"""Where kpi lets a Thai line break: between words, never inside one. PyThaiNLP's dictionary lacks
some words of kpi's field (kpi_cli.render.words.DOMAIN_WORDS adds them): every Thai term of the
glossary, the phrases the reports repeat and the names of Bangkok's districts are cut as pinned
here (checked by eye once: a cut is a place a line may break)."""

from __future__ import annotations

import pytest

from kpi_cli.render.words import BANGKOK_DISTRICTS, words

PINNED = {
    "ตัวชี้วัด": "ตัวชี้วัด",
    "ปีงบประมาณ พ.ศ. 2564": "ปีงบประมาณ |พ.ศ. |2564",
    "ค่าเป้าหมาย": "ค่าเป้าหมาย",
    "เป้าหมายรายไตรมาส": "เป้าหมาย|รายไตรมาส",
    "ผลงานที่รายงาน": "ผลงาน|ที่|รายงาน",
    "ผลประเมินทางการ (สยป.)": "ผลประเมิน|ทางการ |(สยป.)",
    "ตรวจประเมินแล้ว": "ตรวจประเมิน|แล้ว",
    "ยังไม่ประเมิน": "ยัง|ไม่|ประเมิน",
    "คะแนนเฉลี่ยถ่วงน้ำหนัก": "คะแนนเฉลี่ย|ถ่วงน้ำหนัก",
    "บันทึกอุทธรณ์/การแก้ไข": "บันทึก|อุทธรณ์|/|การ|แก้ไข",
    "ผู้บริหารหน่วยงานให้ความเห็นชอบ": "ผู้บริหาร|หน่วยงาน|ให้|ความเห็นชอบ",
    "มติคณะกรรมการ": "มติ|คณะกรรมการ",
    "ตัวชี้วัดนวัตกรรม": "ตัวชี้วัด|นวัตกรรม",
    "ขั้นตอนที่ 5": "ขั้นตอนที่ |5",
    "รายการบันทึกขั้นตอน": "รายการ|บันทึก|ขั้นตอน",
    "ไตรมาสที่ 4": "ไตรมาส|ที่ |4",
    "ผู้ตรวจประเมิน สยป.": "ผู้ตรวจประเมิน |สยป.",
    "ข้อมูลประมาณการ": "ข้อมูล|ประมาณการ",
    "สำนักงาน ก.ก.": "สำนักงาน |ก.ก.",
    "สำนักงานเขตบางรัก": "สำนักงานเขต|บางรัก",
    "ผู้รับรองข้อมูล": "ผู้รับรอง|ข้อมูล",
}


@pytest.mark.parametrize("text", list(PINNED))
def test_report_phrases_are_cut_between_words(text):
    assert "|".join(words(text)) == PINNED[text]


@pytest.mark.parametrize("district", BANGKOK_DISTRICTS)
def test_a_district_name_is_one_word_alone_and_in_an_office_name(district):
    assert words(district) == (district,)
    assert words("สำนักงานเขต" + district) == ("สำนักงานเขต", district)


def test_fifty_districts():
    assert len(set(BANGKOK_DISTRICTS)) == 50


def test_an_inline_svg_is_left_as_written_in_the_pdf_html():
    """The PDF's HTML has its Thai kept in words (`words_in_html`), but never inside an SVG: a
    <span> or <wbr> in an SVG <text> is not SVG, and the PDF engine then drew the chart's first
    bar alone and printed the rest as loose text ("ไตรมาส 150.00ไตรมาส 2…")."""
    from kpi_cli.render.chart import quarterly_chart
    from kpi_cli.render.words import words_in_html

    class Row:
        def __init__(self, quarter, performance, target):
            self.quarter, self.performance, self.target = quarter, performance, target

    svg = str(quarterly_chart([Row(q, 25.0 * q, 25.0 * q) for q in (1, 2, 3, 4)], "คะแนน").svg)
    assert "ไตรมาส 4" in svg and "ผลงาน" in svg
    html = f"<p>ตัวชี้วัดนวัตกรรม</p><figure class=\"chart\">{svg}</figure><p>ผลงานที่รายงาน</p>"
    rewritten = words_in_html(html)
    assert svg in rewritten  # byte for byte
    assert rewritten != html  # the text around it is still kept in words
