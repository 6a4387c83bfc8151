"""The innovation record: stage events in order, gates that held, ideas and the selection."""

from __future__ import annotations

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Finding
from kpi_cli.core.stages import LAST_STAGE, fiscal_window, gate, gate_facts
from kpi_cli.core.thai import looks_like_be_year
from kpi_cli.check.rules.registry import FileContext, describe, fmt_loc, rule
from kpi_cli.core.problems import where

describe("idea-minimum", "error", """Stage 1 is done only with at least the minimum of ideas for the agency's kind:
20 for a department (สำนัก), 15 for a district office (สำนักงานเขต), 10 for units under the
Permanent Secretary and the two secretariats (agencies.yaml, `kinds:`).

Bad:  stage 1 completed with 7 ideas for สปท. (minimum 10)
Good: 10 ideas recorded with `kpi idea add`, then `kpi advance`""", scope="file")


def _agency_minimum(ctx: FileContext) -> tuple[int | None, str | None]:
    cat = ctx.catalogues
    if cat is None:
        return None, None
    agency = cat.agencies.get(ctx.model.agency)
    if agency is None:
        return None, None
    kind = agency.kind.value
    return cat.minimum_ideas.get(kind), cat.kind_names.get(kind)


@rule("stage-sequence", needs_model=True)
def stage_sequence(ctx: FileContext):
    """Stages are completed one after another: 1, 2, 3, 4, 5, none skipped or repeated,
    dates never going backwards, and within the fiscal year (an accepted amendment may extend it).

    Bad:  stage 3 recorded without stage 2; stage 2 dated before stage 1
    Good: stages 1..N in order with non-decreasing dates
    """
    inn = ctx.model.innovation
    if inn is None:
        return
    start, end = fiscal_window(ctx.model)
    prev = None
    for i, ev in enumerate(inn.stages):
        loc = ("innovation", "stages", i)
        expected = i + 1
        if ev.stage != expected:
            what = _("stage event {n} repeats stage {stage}; expected stage {expected}") \
                if prev and ev.stage <= prev.stage else \
                _("stage event {n} skips ahead to stage {stage}; expected stage {expected}")
            yield Finding("stage-sequence", what.format(n=i + 1, stage=ev.stage, expected=expected),
                          loc + ("stage",), fix=_("record stage {stage} first (`kpi advance`)").format(stage=expected))
        if prev is not None and ev.completed < prev.completed \
                and not looks_like_be_year(ev.completed.year) and not looks_like_be_year(prev.completed.year):
            # (a Buddhist-Era year typed as Common Era is date-be-year's to say, once)
            yield Finding("stage-sequence", _("stage {stage} is dated {date}, before stage {previous} "
                                              "({previous_date})").format(stage=ev.stage, date=ev.completed,
                                                                          previous=prev.stage,
                                                                          previous_date=prev.completed),
                          loc + ("completed",), fix=_("stage dates never go backwards"))
        if not start <= ev.completed <= end and not looks_like_be_year(ev.completed.year):
            yield Finding("stage-sequence", _("stage {stage} is dated {date}, outside fiscal year {year} "
                                              "({start} to {end})").format(stage=ev.stage, date=ev.completed,
                                                                           year=ctx.model.fiscal_year,
                                                                           start=start, end=end),
                          loc + ("completed",),
                          fix=_("correct the date, or record the amendment that extends the year (extends_to)"))
        prev = ev


@rule("stage-gate", needs_model=True)
def stage_gate(ctx: FileContext):
    """Every completed stage had its gate hold: the facts the gate checks are on record.

    Bad:  stage 1 completed with 7 ideas for a unit whose minimum is 10
    Good: 10 ideas recorded, then stage 1 completed (`kpi advance`)
    """
    inn = ctx.model.innovation
    if inn is None:
        return
    minimum, kind_name = _agency_minimum(ctx)
    for i, ev in enumerate(inn.stages[:LAST_STAGE]):
        if not 1 <= ev.stage <= LAST_STAGE:
            continue
        for what in gate(ev.stage, ctx.model, minimum, kind_name):
            if ev.stage == 1 and minimum is None:
                continue  # agency-unknown already says so
            if ev.stage == 1 and inn.ideas_reported is not None and minimum and inn.ideas_reported >= minimum \
                    and len(inn.ideas) < minimum:
                continue
            rule_id = "idea-minimum" if ev.stage == 1 else "stage-gate"
            yield Finding(rule_id, _("stage {stage} is recorded as done, but {missing}").format(stage=ev.stage,
                                                                                                 missing=what),
                          ("innovation", "stages", i), fix=_("record the missing facts, or remove the stage event"))


@rule("idea-selected", needs_model=True)
def idea_selected(ctx: FileContext):
    """The selected idea (แบบฟอร์ม 2) is one of the stage-1 ideas, and idea ids are unique.

    Bad:  `selected_idea: 12` with ideas 1..10
    Good: `selected_idea: 1`
    """
    inn = ctx.model.innovation
    if inn is None:
        return
    ids: set[int] = set()
    for i, idea in enumerate(inn.ideas):
        if idea.id in ids:
            yield Finding("idea-selected", _("idea id {id} is used twice").format(id=idea.id),
                          ("innovation", "ideas", i, "id"), fix=_("give each idea its own number"))
        ids.add(idea.id)
    if inn.selected_idea is not None and inn.selected_idea not in ids:
        yield Finding("idea-selected", _("selected idea {id} is not one of the recorded ideas").format(
                          id=inn.selected_idea),
                      ("innovation", "selected_idea"),
                      fix=_("choose one of: {ids}").format(ids=", ".join(map(str, sorted(ids))) or _("none recorded")))
    if inn.ideas_reported is not None and inn.ideas_reported < len(inn.ideas):
        yield Finding("idea-selected", _("ideas_reported is {reported} but {listed} ideas are listed").format(
                          reported=inn.ideas_reported, listed=len(inn.ideas)),
                      ("innovation", "ideas_reported"),
                      fix=_("write ideas_reported: {listed}").format(listed=len(inn.ideas)))


@rule("stage-date-facts", needs_model=True)
def stage_date_facts(ctx: FileContext):
    """A stage is not completed before the dated facts its gate relies on: the last dated idea
    (stage 1), the selection (2), the proposal's submission (3), the committee's decision (4), the
    survey and its approval (5).

    Bad:  stage 3 `completed: 2021-02-01` with the proposal `submitted: 2021-02-08`
    Good: stage 3 `completed: 2021-02-08` (or later)
    """
    inn = ctx.model.innovation
    if inn is None:
        return
    for i, ev in enumerate(inn.stages):
        for fact, when in gate_facts(ev.stage, inn):
            if when > ev.completed and not looks_like_be_year(when.year) and not looks_like_be_year(ev.completed.year):
                yield Finding("stage-date-facts",
                              _("stage {stage} is dated {date}, before {fact} ({fact_date})").format(
                                  stage=ev.stage, date=ev.completed, fact=fact, fact_date=when),
                              ("innovation", "stages", i, "completed"),
                              fix=_("correct whichever date is wrong: the stage is completed on or after {fact_date}")
                              .format(fact_date=when))


def innovation_facts(inn) -> list[tuple[tuple, object]]:
    """Every dated fact of the innovation record, with its place in the file."""
    out = []
    base = ("innovation",)
    for i, idea in enumerate(inn.ideas):
        out.append((base + ("ideas", i, "date"), idea.date))
    out.append((base + ("selected_date",), inn.selected_date))
    if inn.proposal is not None:
        out.append((base + ("proposal", "submitted"), inn.proposal.submitted))
    if inn.decision is not None:
        out.append((base + ("decision", "date"), inn.decision.date))
    for i, a in enumerate(inn.activities):
        out += [(base + ("activities", i, "date"), a.date), (base + ("activities", i, "end"), a.end)]
    for i, e in enumerate(inn.evidence_sent):
        out.append((base + ("evidence_sent", i, "date"), e.date))
    if inn.survey is not None:
        out += [(base + ("survey", "date"), inn.survey.date), (base + ("survey", "approved_date"), inn.survey.approved_date)]
    return [(loc, day) for loc, day in out if day is not None]


@rule("fact-out-of-year", needs_model=True)
def fact_out_of_year(ctx: FileContext):
    """The facts of the innovation project (ideas, the selection, the proposal, the decision,
    activities, evidence sent, the survey) are dated inside the fiscal year, or the extension an
    accepted appeal gave it: a fact of another year cannot complete a stage of this one.

    Bad:  an idea `date: 2021-12-01` in an indicator of fiscal year 2564 (1 Oct 2020 - 30 Sep 2021)
    Good: `date: 2020-12-01`
    """
    ind = ctx.model
    if ind.innovation is None or not 2400 <= ind.fiscal_year <= 2700:
        return
    start, end = fiscal_window(ind)
    for loc, day in innovation_facts(ind.innovation):
        if not start <= day <= end and not looks_like_be_year(day.year):
            yield Finding("fact-out-of-year",
                          _("{where}: {date} is outside fiscal year {year} ({start} to {end})").format(
                              where=where(loc), date=day, year=ind.fiscal_year, start=start, end=end), loc,
                          fix=_("give the date it happened, from {start} to {end}; a fact of another fiscal year "
                                "belongs to that year's file").format(start=start, end=end))
