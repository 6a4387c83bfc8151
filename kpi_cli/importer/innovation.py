"""`kpi import`: the innovation project as the quarter reports tell it (ideas, the project, the
committee's decision, activities, evidence, the survey) and the stage events the text supports."""

from __future__ import annotations

import datetime as dt
import re

from kpi_cli.core.i18n import N_, _
from kpi_cli.core.thai import thai_date, to_arabic_digits
from kpi_cli.importer.phrases import Item, Report, dates_in, letters_in, said
from kpi_cli.importer.result import Reason

_OTHER_ACTORS = ("ปลัดกรุงเทพมหานคร", "ผู้ว่าราชการ", "คณะกรรมการ", "สำนักงาน ก.ก.")
_PROJECT_RE = re.compile(r"จัดทำเป็น\s*โครงการ\s*(.+?)\s+(เพื่อ.+?)?\s*(?:ประจำปีงบประมาณ|ให้คณะกรรมการ|$)")


def is_innovation(data: dict, method: str) -> bool:
    """The innovation indicator: its title or its criteria speak of นวัตกรรม / แบบฟอร์ม 5."""
    return "นวัตกรรม" in data["title"] or "แบบฟอร์ม 5" in method


def read_innovation(reports: list[Report], data: dict, catalogues, names: dict[str, str],
                    inferred: dict, notes: list[str]) -> dict | None:
    """The innovation project as the reports tell it, and the stage events the text supports."""
    units = [item for r in reports for item in r.units()]
    plain = [(item, to_arabic_digits(item.text)) for item in units]
    inn: dict = {}
    ideas_item = next(((it, m) for it, t in reversed(plain) if "ความคิดเห็น" in t
                       for m in [re.search(r"จำนวน\s*(\d+)\s*(เรื่อง|ชุด|ความคิดเห็น)", t)] if m), None)
    if ideas_item:
        inn["ideas_reported"] = int(ideas_item[1].group(1))
    selected = next((said(it.text, m) for it, t in plain
                     for m in [re.search(r"เลือก\s*1\s*ความคิดเห็น\s*เรื่อง\s*(.+?)\s+เพื่อ", t)] if m), None)
    if selected:
        inn["ideas"] = [{"id": 1, "title": selected}]
        inn["selected_idea"] = 1
    proposal_hit = next(((it, t, m) for it, t in plain
                         for m in [_PROJECT_RE.search(t)]
                         if m), None)
    if proposal_hit:
        item, text, m = proposal_hit
        title = "โครงการ" + said(item.text, m).strip()
        kind = "policy" if "นโยบาย" in title else ("service" if "บริการ" in title else "administrative")
        proposal: dict = {"title": title, "kind": kind}
        inferred["innovation.proposal.kind"] = Reason(
            N_("the page does not name the kind of innovation; '{kind}' from the project's title"), kind=kind)
        if m.group(2):
            proposal["objective"] = said(item.text, m, 2).strip()
        years = re.findall(r"ปีงบประมาณ\s*(?:พ\.ศ\.\s*)?(\d{4})", text)
        if years:
            proposal["fiscal_years"] = sorted({int(y) for y in years})
        when = re.search(r"ให้(คณะกรรมการ\S*?)\s*พิจารณา", text)
        day = dates_in(text[when.end():]) if when else []
        if when and day:
            proposal.update(form3=True, form4=True, submitted=day[0].date, submitted_to=said(item.text, when))
            inferred["innovation.proposal.form3"] = Reason(N_("the project was put to the committee, which takes "
                                                              "the project document (แบบฟอร์ม 3)"))
            inferred["innovation.proposal.form4"] = Reason(N_("the project was put to the committee, which takes "
                                                              "the proposal form (แบบฟอร์ม 4)"))
        inn["proposal"] = proposal
    decided = next(((it, m) for it, t in plain
                    for m in [re.search(r"(ไม่)?ผ่านการพิจารณา\s*จาก\s*(คณะกรรมการ\S+)", t)] if m), None)
    if decided:
        it, m = decided
        inn["decision"] = {"result": "rejected" if m.group(1) else "approved", "by": said(it.text, m, 2)}
    activities = _activities(units, names, data["agency"], catalogues)
    if activities:
        inn["activities"] = activities
    sent = [(it, t) for it, t in plain if "สำนักงาน ก.ก." in t and "ส่ง" in t and "หลักฐาน" in t]
    if sent:
        inn["evidence_sent"] = []
        for it, t in sent:
            sub: dict = {}
            d = dates_in(t)
            if d:
                sub["date"] = d[0].date
            sub["to"] = "สำนักงาน ก.ก."
            lt = letters_in(it.text, names)
            if lt:
                sub["letter"] = lt[0].number
            inn["evidence_sent"].append(sub)
    survey_hit = next(((it, t) for it, t in plain if "แบบสำรวจผลการนำนวัตกรรม" in t and dates_in(t)), None)
    if survey_hit:
        it, t = survey_hit
        lt = [x for x in letters_in(it.text, names) if x.date]
        survey: dict = {"date": lt[0].date if lt else dates_in(t)[0].date}
        if lt:
            survey["letter"] = lt[0].number
        survey["approved"] = bool(re.search(r"ได้รับความเห็นชอบ|เห็นชอบแล้ว|อนุมัติแล้ว", t))
        inn["survey"] = survey
    if not inn:
        notes.append(_("innovation indicator: the reports name no idea count, idea or project; "
                       "record them with `kpi idea add`, `kpi idea select`, `kpi propose`"))
        return None
    stages = _stages(inn, data, catalogues, ideas_item, inferred)
    if stages:
        inn["stages"] = stages
    order = ("minimum_ideas", "ideas_reported", "ideas", "selected_idea", "selected_date", "proposal",
             "decision", "activities", "evidence_sent", "survey", "stages")
    return {k: inn[k] for k in order if k in inn}


def _activities(units: list[Item], names: dict[str, str], agency: str, catalogues) -> list[dict]:
    """Stage 4: the agency's own steps under the item that carries out the project."""
    others = _OTHER_ACTORS + tuple(a.name for code, a in (catalogues.agencies.items() if catalogues else ())
                                   if code != agency)
    out = []
    for i, parent in enumerate(units):
        if not parent.children or "ดำเนินโครงการ" not in parent.text:
            continue
        below = units[i + 1:i + 1 + parent.children]
        for j, item in enumerate(below):
            if item.children or "อุทธรณ์" in item.text or item.text.startswith(others):
                continue
            activity: dict = {"title": item.text}
            letters = letters_in(item.text, names)
            dated = [x for x in letters if x.date]
            found = dates_in(item.text)
            if dated:
                activity["date"] = dated[0].date
            elif found:
                activity["date"] = found[0].date
                if found[0].end:
                    activity["end"] = found[0].end
            if letters:
                activity["evidence"] = list(dict.fromkeys(x.number for x in letters))
            out.append(activity)
        break
    return out


def _stages(inn: dict, data: dict, catalogues, ideas_item, inferred: dict) -> list[dict]:
    """Stage events from 1 on, while each stage's gate holds on the facts read and a date is
    known (its own, or no later than the next dated stage that depends on it)."""
    from kpi_cli.core.model import Indicator
    from kpi_cli.core.stages import gate

    agency = catalogues.agencies.get(data["agency"]) if catalogues else None
    minimum = catalogues.minimum_ideas.get(agency.kind.value) if agency else None
    probe = Indicator.model_validate({**{k: data[k] for k in ("code", "fiscal_year", "agency", "title", "type",
                                                              "level", "target")}, "innovation": inn})
    own: list[tuple[dt.date | None, list[str], str]] = []  # per stage: date, evidence, note
    unit = ideas_item[1].group(2) if ideas_item else "เรื่อง"
    proposal = inn.get("proposal", {})
    own.append((None, [], f"ค้นหา และรวบรวมความคิดเห็น จำนวน {inn.get('ideas_reported', 0)} {unit}"))
    title = inn["ideas"][0]["title"] if inn.get("ideas") else ""
    own.append((None, [], f"เลือก 1 ความคิดเห็น เรื่อง {title}"))
    own.append((proposal.get("submitted"), [x for x in [proposal.get("letter")] if x],
                f"เสนอโครงการต่อ{proposal.get('submitted_to', 'คณะกรรมการนวัตกรรมกรุงเทพมหานคร')}"))
    sent = [s["date"] for s in inn.get("evidence_sent", []) if s.get("date")]
    own.append((max(sent) if sent else None,
                [e for a in inn.get("activities", []) for e in a.get("evidence", [])],
                "ดำเนินโครงการและส่งหลักฐานให้สำนักงาน ก.ก."))
    survey = inn.get("survey", {})
    own.append((survey.get("date") if survey.get("approved") else None,
                [x for x in [survey.get("letter")] if x], "แบบสำรวจผลการนำนวัตกรรมไปใช้ประโยชน์ (แบบฟอร์ม 5)"))
    done = 0
    for stage in range(1, 6):
        missing = gate(stage, probe, minimum)
        if stage == 1 and minimum and (inn.get("ideas_reported") or 0) >= minimum:
            missing = []  # the count is reported; the page names only the selected idea
        if missing:
            break
        done = stage
    events: list[dict] = []
    for stage in range(1, done + 1):
        day, evidence, note = own[stage - 1]
        if day is None:
            later = [own[s][0] for s in range(stage, done) if own[s][0] is not None]
            if not later:
                break
            day = later[0]
            inferred[f"innovation.stages[{stage - 1}].completed"] = Reason(N_(
                "the page gives no date; stage {stage} is done no later than the next dated stage ({date}), "
                "which needs it"), stage=stage, date=thai_date(day))
        if events and day < events[-1]["completed"]:
            day = events[-1]["completed"]
        event: dict = {"stage": stage, "completed": day}
        if evidence:
            event["evidence"] = list(dict.fromkeys(evidence))
        event["note"] = note
        events.append(event)
    return events
