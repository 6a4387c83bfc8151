"""`kpi import`: an agency the catalogue lacks, as a stub entry of agencies.yaml read from the page.

A year of pages meets dozens of agencies a small catalogue does not hold (every district office,
most departments). Such a page is not refused: its agency is added to agencies.yaml as a stub
(`stub: true`, rule agency-stub asks a person to check it), with

* the kind from the code: 50xx a district office (สำนักงานเขต), NN00 a department (สำนัก),
  anything else a unit under the Office of the Permanent Secretary;
* the abbreviation as the header prints it (`5/สนข.บางรัก…`: สนข.บางรัก, the district's name
  recognised among Bangkok's fifty districts so that the title does not lose its first word);
* the name where the page prints one (สำนักงานเขตบางรัก in the header's abbreviation or the text),
  else a placeholder that says it is one.
"""

from __future__ import annotations

import re
from collections import Counter

# Bangkok's fifty districts (เขต), to recognise a district's name where the page glues it to other
# words. Only names printed on the page are used: a code is never turned into a name.
DISTRICTS = (
    "พระนคร", "ดุสิต", "หนองจอก", "บางรัก", "บางเขน", "บางกะปิ", "ปทุมวัน", "ป้อมปราบศัตรูพ่าย", "พระโขนง",
    "มีนบุรี", "ลาดกระบัง", "ยานนาวา", "สัมพันธวงศ์", "พญาไท", "ธนบุรี", "บางกอกใหญ่", "ห้วยขวาง", "คลองสาน",
    "ตลิ่งชัน", "บางกอกน้อย", "บางขุนเทียน", "ภาษีเจริญ", "หนองแขม", "ราษฎร์บูรณะ", "บางพลัด", "ดินแดง",
    "บึงกุ่ม", "สาทร", "บางซื่อ", "จตุจักร", "บางคอแหลม", "ประเวศ", "คลองเตย", "สวนหลวง", "จอมทอง", "ดอนเมือง",
    "ราชเทวี", "ลาดพร้าว", "วัฒนา", "บางแค", "หลักสี่", "สายไหม", "คันนายาว", "สะพานสูง", "วังทองหลาง",
    "คลองสามวา", "บางนา", "ทวีวัฒนา", "ทุ่งครุ", "บางบอน",
)
_DISTRICT = "|".join(sorted(DISTRICTS, key=len, reverse=True))  # the longest name first
_ABBR_RE = re.compile(r"^([\u0E01-\u0E2E]{2,6}\.)")
_DISTRICT_AFTER_ABBR = re.compile(rf"^({_DISTRICT})")
_DISTRICT_IN_TEXT = re.compile(rf"สำนักงานเขต\s*({_DISTRICT})")
PLACEHOLDER_NAME = "หน่วยงาน {code} (ชื่อยังไม่ทราบ: แก้ไขใน agencies.yaml)"


def kind_of(code: str) -> str:
    """The kind of agency a code says: 50xx a district office, NN00 a department, else a unit
    under the Office of the Permanent Secretary."""
    if code.startswith("50"):
        return "district"
    if code.endswith("00"):
        return "department"
    return "permanent-secretary-unit"


def printed_abbreviation(rest: str, kind: str) -> str | None:
    """The abbreviation at the start of the header's text after 'N/' ('สปท.', 'สนข.บางรัก')."""
    m = _ABBR_RE.match(rest)
    if not m:
        return None
    abbr = m.group(1)
    if kind == "district":
        d = _DISTRICT_AFTER_ABBR.match(rest[m.end():])
        if d:
            abbr += d.group(1)
    return abbr


def stub(code: str, abbr: str | None, text: str) -> tuple[dict, bool]:
    """The agencies.yaml entry for `code`, with whether its name was read from the page."""
    kind = kind_of(code)
    name = None
    if kind == "district":
        m = _ABBR_RE.match(abbr or "")
        d = _DISTRICT_AFTER_ABBR.match((abbr or "")[m.end():]) if m else None
        found = Counter(_DISTRICT_IN_TEXT.findall(text))
        if d:
            name = "สำนักงานเขต" + d.group(1)
        elif found:
            name = "สำนักงานเขต" + found.most_common(1)[0][0]
    entry = {"code": code, "name": name or PLACEHOLDER_NAME.format(code=code), "abbr": abbr or code,
             "kind": kind, "stub": True}
    return entry, name is not None
