"""The five innovation stages: their names, forms and gates. Pure functions of the record.

A stage is *done* when a stage event for it is recorded (``innovation.stages``). The *current*
stage is the first one not done. Before a stage can be completed, its gate must hold:

1. ideas collected >= the minimum for the agency's kind (แบบฟอร์ม 1)
2. exactly one selected idea, one of the stage-1 ideas (แบบฟอร์ม 2)
3. project and proposal recorded (แบบฟอร์ม 3, 4) and submitted to the committee
4. the committee's approval recorded, activities done, evidence sent to สำนักงาน ก.ก.
5. the survey of use (แบบฟอร์ม 5) approved by the agency head
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Indicator, Innovation


@dataclass(frozen=True)
class StageInfo:
    number: int
    name_th: str
    name_en: str
    form: str


STAGES = (
    StageInfo(1, "ค้นหา และรวบรวมความคิดเห็น", "collect ideas", "แบบฟอร์ม 1"),
    StageInfo(2, "คัดเลือกความคิดเห็น", "select one idea", "แบบฟอร์ม 2"),
    StageInfo(3, "นำเสนอโครงการ", "propose the project", "แบบฟอร์ม 3, 4"),
    StageInfo(4, "พัฒนานวัตกรรม", "develop the innovation", "-"),
    StageInfo(5, "สำรวจผลการนำนวัตกรรมไปใช้ประโยชน์", "survey its use", "แบบฟอร์ม 5"),
)
LAST_STAGE = len(STAGES)


def done_stages(inn: Innovation | None) -> list[int]:
    return sorted({e.stage for e in inn.stages}) if inn else []


def current_stage(inn: Innovation | None) -> int | None:
    """The first stage not done (1..5), or None when all five are done."""
    done = set(done_stages(inn))
    for s in range(1, LAST_STAGE + 1):
        if s not in done:
            return s
    return None


def stages_done_by(inn: Innovation | None, day: dt.date) -> list[int]:
    """Stages completed on or before `day`."""
    return sorted({e.stage for e in inn.stages if e.completed <= day}) if inn else []


def idea_count(inn: Innovation) -> int:
    return len(inn.ideas)


def minimum_ideas(inn: Innovation, agency_kind_minimum: int | None) -> int | None:
    return inn.minimum_ideas if inn.minimum_ideas is not None else agency_kind_minimum


def gate(stage: int, ind: Indicator, agency_kind_minimum: int | None = None,
         kind_name: str | None = None) -> list[str]:
    """What is still missing before `stage` can be completed. Empty when the gate holds."""
    inn = ind.innovation or Innovation()
    missing: list[str] = []
    if stage == 1:
        need = minimum_ideas(inn, agency_kind_minimum)
        have = idea_count(inn)
        if need is None:
            missing.append("the minimum number of ideas is unknown: the agency is not in agencies.yaml")
        elif have < need:
            who = f" for {kind_name}" if kind_name else ""
            missing.append(f"{have} of {need} ideas recorded (minimum{who}: {need}); "
                           f"add {need - have} more with `kpi idea`")
    elif stage == 2:
        ids = {i.id for i in inn.ideas}
        if inn.selected_idea is None:
            missing.append("no idea selected (แบบฟอร์ม 2): record it with `kpi select`")
        elif inn.selected_idea not in ids:
            missing.append(f"the selected idea {inn.selected_idea} is not one of the stage-1 ideas")
    elif stage == 3:
        p = inn.proposal
        if p is None:
            missing.append("no project proposal recorded (แบบฟอร์ม 3, 4): record it with `kpi propose`")
        else:
            if not p.form3:
                missing.append("the project document (แบบฟอร์ม 3) is not marked done")
            if not p.form4:
                missing.append("the proposal form (แบบฟอร์ม 4) is not marked done")
            if p.submitted is None:
                missing.append("the proposal has not been submitted to the BMA Innovation Committee "
                               "(`kpi propose --submitted DATE`)")
    elif stage == 4:
        d = inn.decision
        if d is None or d.result != "approved":
            state = "no decision" if d is None else f"the decision is '{d.result}'"
            missing.append(f"the committee's approval is not recorded ({state}): `kpi decide --result approved`")
        if not inn.activities:
            missing.append("no project activities recorded: `kpi activity`")
        elif not any(a.done for a in inn.activities):
            missing.append("no project activity is marked done")
        if not inn.evidence_sent:
            missing.append("no evidence sent to สำนักงาน ก.ก. recorded: `kpi evidence`")
    elif stage == 5:
        s = inn.survey
        if s is None:
            missing.append("the survey of use (แบบฟอร์ม 5) is not recorded: `kpi survey`")
        elif not s.approved:
            missing.append("the survey (แบบฟอร์ม 5) is not approved by the agency head: `kpi survey --approved`")
    return missing


def fiscal_window(ind: Indicator) -> tuple[dt.date, dt.date]:
    """The dates stage events may carry: the fiscal year, extended by an accepted amendment."""
    from .thai import fiscal_year_bounds

    start, end = fiscal_year_bounds(ind.fiscal_year)
    for a in ind.amendments:
        if a.outcome == "accepted" and a.extends_to and a.extends_to > end:
            end = a.extends_to
    return start, end
