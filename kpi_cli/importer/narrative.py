"""`kpi import`: what the quarter reports tell: the dated events with their letters (`timeline`) and
an appeal with its outcome (`amendments`)."""

from __future__ import annotations

import re

from kpi_cli.core.i18n import N_
from kpi_cli.core.thai import thai_date, to_arabic_digits
from kpi_cli.importer.phrases import Item, Report, dates_in, letters_in, said
from kpi_cli.importer.result import Reason

_QUOTED = r"[“\"]([^”\"]+)[”\"]"


def _event_of(item: Item, names: dict[str, str]) -> dict | None:
    """A dated event from one item: the date of its first dated letter, or its first date."""
    letters = letters_in(item.text, names)
    dated = [x for x in letters if x.date]
    found = dates_in(item.text)
    if dated:
        day = dated[0].date
        end = None
    elif found:
        day, end = found[0].date, found[0].end
    else:
        return None
    event = {"date": day}
    if end:
        event["end"] = end
    event["event"] = item.text
    refs = list(dict.fromkeys(x.number for x in letters))
    if refs:
        event["refs"] = refs
    return event


def read_timeline(reports: list[Report], names: dict[str, str]) -> list[dict]:
    best: dict[tuple, dict] = {}
    for report in reports:
        for item in report.units():
            event = _event_of(item, names)
            if event is None:
                continue
            key = (event["date"], event.get("end"), tuple(sorted(event.get("refs", []))))
            if key not in best or len(event["event"]) < len(best[key]["event"]):
                best[key] = event
    return sorted(best.values(), key=lambda e: (e["date"], e.get("end") or e["date"]))


_INVITES = re.compile(r"^.{0,70}?เชิญ")  # the words right after a letter number say what it does


def read_appeal(reports: list[Report], names: dict[str, str], inferred: dict) -> dict | None:
    """An appeal (อุทธรณ์) the agency sent, with its outcome when a later item gives it."""
    units = [item for r in reports for item in r.units()]
    for i, item in enumerate(units):
        if "ขออุทธรณ์" not in item.text:
            continue
        letters = [x for x in letters_in(item.text, names) if x.date]
        if not letters:
            continue
        text = to_arabic_digits(item.text)
        appeal: dict = {"kind": "appeal", "letter": letters[0].number, "date": letters[0].date}
        urgency = re.search(r"(ด่วนที่สุด|ด่วนมาก|ด่วน)\s*(?:ที่)?\s*\S*$", text[:letters[0].start])
        if urgency:
            appeal["urgency"] = urgency.group(1)
        grounds = re.search(r"สาเหตุ(?:ของการเปลี่ยนแปลง)?\s*(ข้อ\s*\d+\s*.+?)\s+(?:ผลการพิจารณา|ขอ)", text)
        if grounds:
            appeal["grounds"] = said(item.text, grounds)
        request = re.search(r"ตาม(ข้อ\s*\d+\s*.+?)\s+เป็น\s*[“\"]", text)
        if request:
            appeal["request"] = said(item.text, request)
        after = re.search(r"เป็น\s*" + _QUOTED, text)
        removed = re.search(r"ตัด(?:คำว่า)?\s*" + _QUOTED, text)
        appeal["outcome"] = "pending"
        for later in units[i + 1:]:
            if "อุทธรณ์" not in later.text:
                continue
            lt = to_arabic_digits(later.text)
            verdict = re.search(r"(ไม่รับอุทธรณ์|ยกอุทธรณ์|รับอุทธรณ์)", lt)
            decision_letters, invitations = [], []
            for x in letters_in(later.text, names):
                if x.number == appeal["letter"]:
                    continue
                # a letter that invites to the hearing ("… เชิญ … ประชุม") is not the ruling
                (invitations if _INVITES.search(to_arabic_digits(later.text)[x.start:x.start + 160]) else
                 decision_letters).append(x)
            if decision_letters:
                appeal["decision_letters"] = [x.number for x in decision_letters]
            if invitations:
                appeal["note"] = "; ".join(
                    f"หนังสือ {x.number}" + (f" ลงวันที่ {thai_date(x.date)}" if x.date else "") +
                    " เชิญประชุมพิจารณาการอุทธรณ์ (หนังสือเชิญ ไม่ใช่หนังสือแจ้งมติ)" for x in invitations)
            if verdict:
                appeal["outcome"] = "accepted" if verdict.group(1) == "รับอุทธรณ์" else "rejected"
                before = [d for d in dates_in(lt[:verdict.start()])]
                if before:
                    appeal["decided"] = before[-1].date
                conditions = [n.text for n in later.notes]  # already as written
                if conditions:
                    appeal["conditions"] = conditions
            break
        if after:
            if removed:
                appeal["criteria_before"] = f"{said(item.text, after)} {said(item.text, removed)}"
                inferred["amendments[0].criteria_before"] = Reason(N_(
                    "the page quotes the new criteria and the words the appeal removed; the criteria before "
                    "are the two together"))
            appeal["criteria_after"] = said(item.text, after)
        if appeal["outcome"] == "accepted" and "decided" in appeal:
            appeal["effective"] = appeal["decided"]
            inferred["amendments[0].effective"] = Reason(N_("the page does not say from when the new criteria "
                                                          "apply; taken as the day the appeal was accepted"))
        order = ("kind", "letter", "date", "urgency", "grounds", "request", "outcome", "decided",
                 "decision_letters", "conditions", "criteria_before", "criteria_after", "effective", "note")
        return {k: appeal[k] for k in order if k in appeal}
    return None
