"""Correcting and removing what was recorded: an idea, an activity, evidence sent, a stage event.

Each function returns a :class:`~kpi_cli.core.stages.Change` (the edits and a sentence) or refuses
with :class:`~kpi_cli.core.stages.StageRefused`, naming the fact at fault and the command that
fixes it. The transaction that writes the change (kpi_cli.write.transaction) validates the whole
file first, so a correction can never leave a completed stage without the facts its gate relies on.
"""

from __future__ import annotations

import datetime as dt
import re

from kpi_cli.core.edits import Edit, Remove, Set
from kpi_cli.core.i18n import _
from kpi_cli.core.problems import fmt_loc
from kpi_cli.core.model import Activity, Idea, Indicator, StageEvent, Submission
from kpi_cli.core.stages import (LAST_STAGE, Change, StageRefused, check_fact_date, earliest_completion,
                                 fiscal_window, require_innovation, stage_label)


def _set_fields(path: tuple, cls, current, values: dict, command: str) -> list[Edit]:
    """Edits that put the given values (None: not given) into the mapping at `path`."""
    given = {k: v for k, v in values.items() if v is not None}
    if not given:
        raise StageRefused(_("nothing to change: give at least one option of `{command}`").format(command=command),
                           fix=_("see `{command} --help`").format(command=command))
    ordered = [k for k in cls.model_fields if k in given]
    return [Set(path + (k,), given[k]) for k in ordered if getattr(current, k) != given[k]]


def _item(items: list, n: int, what: str, listing: str):
    if not 1 <= n <= len(items):
        count = _("there are none yet") if not items else _("they are numbered 1 to {last}").format(last=len(items))
        raise StageRefused(_("there is no {what} {n}: {count}").format(what=what, n=n, count=count),
                           fix=_("`{listing}` shows them").format(listing=listing))
    return items[n - 1]


def _forget_inferred(ind: Indicator, path: tuple) -> list[Edit]:
    """The `inferred:` notes about what is removed go with it. A note about a later item of the
    same list would name another item once the list closes up: refused, to be moved by hand."""
    name = fmt_loc(path)
    edits: list[Edit] = []
    for key in ind.inferred:
        if key == name or key.startswith((name + ".", name + "[")):
            edits.append(Remove(("inferred", key)))
        elif isinstance(path[-1], int):
            later = re.match(re.escape(fmt_loc(path[:-1])) + r"\[(\d+)\]", key)
            if later and int(later.group(1)) > path[-1]:
                raise StageRefused(_("the note `{key}` under `inferred:` names a later item of the same list, "
                                     "which would become another item once this one is removed").format(key=key),
                                   fix=_("remove or renumber that note by hand, then run the command again"))
    return edits


def _removal(path: tuple, ind: Indicator) -> list[Edit]:
    """The edits that take the item or entry at `path` out, with the notes about it."""
    return [Remove(path), *_forget_inferred(ind, path)]


# --- ideas ------------------------------------------------------------------------------------

def _idea(ind: Indicator, idea_id: int) -> tuple[int, Idea]:
    inn = require_innovation(ind)
    index = next((i for i, idea in enumerate(inn.ideas) if idea.id == idea_id), None)
    if index is None:
        ids = [i.id for i in inn.ideas]
        listed = _("ideas are numbered {first} to {last}").format(first=min(ids), last=max(ids)) if ids else \
            _("no ideas are recorded yet")
        raise StageRefused(_("there is no idea {id}: {listed}").format(id=idea_id, listed=listed),
                           fix=_("`kpi idea list CODE` shows them"))
    return index, inn.ideas[index]


def edit_idea(ind: Indicator, idea_id: int, *, title: str | None = None, date: dt.date | None = None,
              by: str | None = None, note: str | None = None) -> Change:
    index, idea = _idea(ind, idea_id)
    if title is not None:
        title = title.strip()
        if not title:
            raise StageRefused(_("the idea has no title"), fix=_("give a title, or leave --title out"))
        same = next((i for i in ind.innovation.ideas if i.id != idea_id and i.title.strip() == title), None)
        if same is not None:
            raise StageRefused(_("idea {id} already has this title").format(id=same.id),
                               fix=_("give each idea its own title"))
    check_fact_date(ind, 1, _("the date of idea {id}").format(id=idea_id), date, "--date")
    edits = _set_fields(("innovation", "ideas", index), Idea, idea,
                        {"title": title, "date": date, "by": by, "note": note}, "kpi idea edit")
    return Change(edits, _("idea {id} corrected").format(id=idea_id))


def remove_idea(ind: Indicator, idea_id: int) -> Change:
    index, idea = _idea(ind, idea_id)
    inn = ind.innovation
    if inn.selected_idea == idea_id:
        raise StageRefused(_("idea {id} is the selected idea (แบบฟอร์ม 2): it cannot be removed").format(id=idea_id),
                           fix=_("select another idea first (`kpi idea select {code} ID`), if stage 2 is not done").format(code=ind.code))
    return Change(_removal(("innovation", "ideas", index), ind), _("idea {id} removed ({title})").format(id=idea_id, title=idea.title))


# --- activities and evidence --------------------------------------------------------------------

def edit_activity(ind: Indicator, n: int, **values) -> Change:
    inn = require_innovation(ind)
    activity = _item(inn.activities, n, _("activity"), "kpi status CODE")
    if values.get("title") is not None and not values["title"].strip():
        raise StageRefused(_("the activity has no title"), fix=_("give a title, or leave --title out"))
    date = values.get("date") or activity.date
    end = values.get("end") or activity.end
    check_fact_date(ind, 4, _("the date of activity {n}").format(n=n), values.get("date"), "--date")
    check_fact_date(ind, 4, _("the end of activity {n}").format(n=n), values.get("end"), "--end")
    if date and end and end < date:
        raise StageRefused(_("activity {n} would end ({end}) before it starts ({date})").format(n=n, end=end, date=date),
                           fix=_("give both --date and --end, the start first"))
    edits = _set_fields(("innovation", "activities", n - 1), Activity, activity, values, "kpi edit activity")
    return Change(edits, _("activity {n} corrected").format(n=n))


def remove_activity(ind: Indicator, n: int) -> Change:
    inn = require_innovation(ind)
    activity = _item(inn.activities, n, _("activity"), "kpi status CODE")
    return Change(_removal(("innovation", "activities", n - 1), ind),
                  _("activity {n} removed ({title})").format(n=n, title=activity.title))


def edit_evidence(ind: Indicator, n: int, **values) -> Change:
    inn = require_innovation(ind)
    sent = _item(inn.evidence_sent, n, _("evidence entry"), "kpi status CODE")
    check_fact_date(ind, 4, _("the date evidence {n} was sent").format(n=n), values.get("date"), "--date")
    edits = _set_fields(("innovation", "evidence_sent", n - 1), Submission, sent, values, "kpi edit evidence")
    return Change(edits, _("evidence entry {n} corrected").format(n=n))


def remove_evidence(ind: Indicator, n: int) -> Change:
    inn = require_innovation(ind)
    _item(inn.evidence_sent, n, _("evidence entry"), "kpi status CODE")
    return Change(_removal(("innovation", "evidence_sent", n - 1), ind),
                  _("evidence entry {n} removed").format(n=n))


# --- stage events -------------------------------------------------------------------------------

def _event(ind: Indicator, stage: int) -> tuple[int, StageEvent]:
    inn = require_innovation(ind)
    index = next((i for i, e in enumerate(inn.stages) if e.stage == stage), None)
    if index is None:
        raise StageRefused(_("{stage} is not completed: there is no stage event to correct").format(
                               stage=stage_label(stage) if 1 <= stage <= LAST_STAGE else stage),
                           fix=_("`kpi status CODE` shows the stages done; `kpi advance` completes one"))
    return index, inn.stages[index]


def edit_stage(ind: Indicator, stage: int, *, date: dt.date | None = None, evidence: list[str] | None = None,
               note: str | None = None) -> Change:
    index, event = _event(ind, stage)
    inn = ind.innovation
    if date is not None:
        start, end = fiscal_window(ind)
        reasons = []
        if not start <= date <= end:
            reasons.append(_("the date {date} is outside fiscal year {year}: {start} to {end}").format(
                date=date, year=ind.fiscal_year, start=start, end=end))
        earliest = earliest_completion(stage, inn)
        if earliest is not None and date < earliest[0]:
            reasons.append(_("the date {date} is before {fact} ({fact_date})").format(
                date=date, fact=earliest[1], fact_date=earliest[0]))
        later = next((e for e in inn.stages if e.stage == stage + 1), None)
        if later is not None and date > later.completed:
            reasons.append(_("the date {date} is after the completion of stage {n} ({later})").format(
                date=date, n=later.stage, later=later.completed))
        if reasons:
            fix = earliest[2].format(code=ind.code) if earliest is not None and date < earliest[0] else None
            raise StageRefused(_("{stage} cannot be dated {date}:").format(stage=stage_label(stage), date=date),
                               fix=_("give a date on or after what its gate relies on and before the next stage; "
                                     "if a fact's date is what is wrong, correct it: {command}").format(command=fix)
                               if fix else _("give a date inside the fiscal year, in the order of the stages"),
                               reasons=reasons)
    edits = _set_fields(("innovation", "stages", index), StageEvent, event,
                        {"completed": date, "evidence": list(evidence) if evidence else None, "note": note},
                        "kpi edit stage")
    return Change(edits, _("the record of {stage} corrected").format(stage=stage_label(stage)))


def remove_stage(ind: Indicator, stage: int) -> Change:
    """Take back the completion of the last completed stage (stages are undone from the last)."""
    index, event = _event(ind, stage)
    last = max(e.stage for e in ind.innovation.stages)
    if stage != last:
        raise StageRefused(_("{stage} cannot be removed while stage {last} is completed: stages are undone from "
                             "the last").format(stage=stage_label(stage), last=last),
                           fix=_("remove stage {last} first: kpi remove stage {code} {last}").format(last=last, code=ind.code))
    return Change(_removal(("innovation", "stages", index), ind),
                  _("the completion of {stage} ({date}) removed").format(stage=stage_label(stage),
                                                                          date=event.completed))


# --- the single records: selection, proposal, decision, survey, appeals -----------------------------

def _remove_key(ind: Indicator, key: str, what: str, present: bool) -> list[Edit]:
    if not present:
        raise StageRefused(_("there is no {what} recorded to remove").format(what=what),
                           fix=_("`kpi status {code}` shows what is recorded").format(code=ind.code))
    return _removal(("innovation", key), ind)


def remove_selection(ind: Indicator) -> Change:
    inn = require_innovation(ind)
    edits = _remove_key(ind, "selected_idea", _("selection (แบบฟอร์ม 2)"), inn.selected_idea is not None)
    if inn.selected_date is not None:
        edits += _removal(("innovation", "selected_date"), ind)
    return Change(edits, _("the selection of idea {id} removed").format(id=inn.selected_idea))


def remove_record(ind: Indicator, key: str) -> Change:
    """Remove the proposal, the committee's decision or the survey (`key`)."""
    inn = require_innovation(ind)
    what = {"proposal": _("proposal (แบบฟอร์ม 3, 4)"), "decision": _("committee decision"),
            "survey": _("survey (แบบฟอร์ม 5)")}[key]
    return Change(_remove_key(ind, key, what, getattr(inn, key) is not None),
                  _("the {what} removed").format(what=what))


def remove_amendment(ind: Indicator, letter: str) -> Change:
    """Remove an appeal or amendment, found by its letter number (the guard reports it in a pull
    request where the indicator has audited quarters: recorded amendments are part of the record)."""
    require_innovation(ind)
    letter = letter.strip()
    index = next((i for i, a in enumerate(ind.amendments) if a.letter.strip() == letter), None)
    if index is None:
        letters = ", ".join(a.letter for a in ind.amendments) or _("none recorded")
        raise StageRefused(_("no appeal or amendment with letter {letter} is recorded").format(letter=letter),
                           fix=_("the letters recorded: {letters}").format(letters=letters))
    return Change(_removal(("amendments", index), ind),
                  _("{kind} {letter} removed").format(kind=ind.amendments[index].kind, letter=letter))
