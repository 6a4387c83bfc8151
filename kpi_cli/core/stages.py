"""The five innovation stages: their names, forms and gates. Pure functions of the record.

A stage is *done* when a stage event for it is recorded (``innovation.stages``). The *current*
stage is the first one not done. Before a stage can be completed, its gate must hold:

1. ideas collected >= the minimum for the agency's kind (แบบฟอร์ม 1)
2. exactly one selected idea, one of the stage-1 ideas (แบบฟอร์ม 2)
3. project and proposal recorded (แบบฟอร์ม 3, 4) and submitted to the committee
4. the committee's approval recorded, activities done, evidence sent to สำนักงาน ก.ก.
5. the survey of use (แบบฟอร์ม 5) approved by the agency head

A stage is never completed on a date before the dated facts its gate relies on (:func:`gate_facts`),
and a command never dates such a fact after the stage it gates was completed.

The commands that record progress (`kpi idea add`, `kpi advance`, …) call the functions of the
last part of this module: each takes the indicator as read and returns a :class:`Change`, the
edits for :mod:`kpi_cli.writer` and a sentence saying what they record, or refuses with a
:class:`KpiError` that says exactly what is missing. Nothing here reads or writes files.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kpi_cli.core.i18n import N_, _, ngettext
from kpi_cli.core.model import Activity, Amendment, Decision, Idea, Indicator, Innovation, Proposal, StageEvent, Submission, Survey
from kpi_cli.core.edits import Append, Edit, Set
from kpi_cli.core.problems import KpiError

@dataclass(frozen=True)
class StageInfo:
    number: int
    name_th: str
    name_en: str
    form: str


STAGES = (
    StageInfo(1, "ค้นหา และรวบรวมความคิดเห็น", N_("collect ideas"), "แบบฟอร์ม 1"),
    StageInfo(2, "คัดเลือกความคิดเห็น", N_("select one idea"), "แบบฟอร์ม 2"),
    StageInfo(3, "นำเสนอโครงการ", N_("propose the project"), "แบบฟอร์ม 3, 4"),
    StageInfo(4, "พัฒนานวัตกรรม", N_("develop the innovation"), "-"),
    StageInfo(5, "สำรวจผลการนำนวัตกรรมไปใช้ประโยชน์", N_("survey its use"), "แบบฟอร์ม 5"),
)
LAST_STAGE = len(STAGES)

COMMITTEE = "คณะกรรมการนวัตกรรมกรุงเทพมหานคร"  # the BMA Innovation Committee
EVIDENCE_TO = "สำนักงาน ก.ก."  # the Office of the Bangkok Civil Service Commission

# How the gate of stage 1 names the agency's kind: "minimum for a unit under the Permanent Secretary: 10".
KIND_LABELS = {
    "department": N_("a department (หน่วยงานระดับสำนัก)"),
    "district": N_("a district office (สำนักงานเขต)"),
    "permanent-secretary-unit": N_("a unit under the Permanent Secretary"),
    "council-secretariat": N_("the Secretariat of the Bangkok Council"),
    "governor-secretariat": N_("the Secretariat of the Governor"),
}


# the values of `kind`, `outcome` and `result` as people read them (the files keep the English values)
VALUE_NAMES = {"appeal": N_("appeal"), "amendment": N_("amendment"), "pending": N_("pending"),
               "accepted": N_("accepted"), "rejected": N_("rejected"), "approved": N_("approved")}


def value_name(value: str) -> str:
    return _(VALUE_NAMES[value]) if value in VALUE_NAMES else value


def stage_label(n: int) -> str:
    """'stage 3 (propose the project)'."""
    if 1 <= n <= LAST_STAGE:
        return _("stage {n} ({name})").format(n=n, name=_(STAGES[n - 1].name_en))
    return _("stage {n}").format(n=n)


def done_stages(inn: Innovation | None) -> list[int]:
    return sorted({e.stage for e in inn.stages}) if inn else []


def current_stage(inn: Innovation | None) -> int | None:
    """The first stage not done (1..5), or None when all five are done."""
    done = set(done_stages(inn))
    for s in range(1, LAST_STAGE + 1):
        if s not in done:
            return s
    return None


def idea_count(inn: Innovation) -> int:
    """Ideas collected: those listed, or the number reported when not all are listed."""
    return max(len(inn.ideas), inn.ideas_reported or 0)


def minimum_ideas(inn: Innovation, agency_kind_minimum: int | None) -> int | None:
    return inn.minimum_ideas if inn.minimum_ideas is not None else agency_kind_minimum


def agency_minimum(ind: Indicator, catalogues) -> tuple[int | None, str | None]:
    """The stage-1 minimum of ideas for the indicator's agency, and how to name its kind."""
    agency = catalogues.agencies.get(ind.agency) if catalogues else None
    if agency is None:
        return None, None
    kind = agency.kind.value
    label = KIND_LABELS.get(kind)
    return catalogues.minimum_ideas.get(kind), _(label) if label else catalogues.kind_names.get(kind)


# --- gates ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """One condition of a gate: met or not, and what it says (a missing one names the command
    that records it)."""
    ok: bool
    text: str


def _check_ideas(inn: Innovation, need: int | None, kind_name: str | None) -> list[Check]:
    if need is None:
        return [Check(False, _("the minimum number of ideas is unknown: the agency is not in agencies.yaml"))]
    have = idea_count(inn)
    listed = _(" ({reported} reported, {listed} listed)").format(reported=inn.ideas_reported, listed=len(inn.ideas)) \
        if have > len(inn.ideas) else ""
    text = _("{have} of {need} ideas recorded{listed} (minimum for {kind}: {need})") if kind_name else \
        _("{have} of {need} ideas recorded{listed} (minimum: {need})")
    text = text.format(have=have, need=need, listed=listed, kind=kind_name)
    if have < need:
        return [Check(False, _("{text}; add {more} more with `kpi idea add`").format(text=text, more=need - have))]
    return [Check(True, text)]


def _check_selection(inn: Innovation) -> list[Check]:
    if inn.selected_idea is None:
        return [Check(False, _("no idea selected (แบบฟอร์ม 2): record it with `kpi idea select`"))]
    idea = next((i for i in inn.ideas if i.id == inn.selected_idea), None)
    if idea is None:
        return [Check(False, _("the selected idea {id} is not one of the stage-1 ideas").format(id=inn.selected_idea))]
    return [Check(True, _("idea {id} selected (แบบฟอร์ม 2): {title}").format(id=idea.id, title=idea.title))]


def _check_proposal(inn: Innovation) -> list[Check]:
    p = inn.proposal
    if p is None:
        return [Check(False, _("no project proposal recorded (แบบฟอร์ม 3, 4): record it with `kpi propose`"))]
    submitted = (Check(True, _("submitted to {to} on {date}").format(to=p.submitted_to or _("the committee"),
                                                                     date=p.submitted)) if p.submitted
                 else Check(False, _("the proposal has not been submitted to the BMA Innovation Committee "
                                     "(`kpi propose --submitted DATE`)")))
    return [
        Check(True, _("project: {title}").format(title=p.title)),
        Check(p.form3, _("the project document (แบบฟอร์ม 3) is done") if p.form3 else
              _("the project document (แบบฟอร์ม 3) is not marked done (`kpi propose --form3`)")),
        Check(p.form4, _("the proposal form (แบบฟอร์ม 4) is done") if p.form4 else
              _("the proposal form (แบบฟอร์ม 4) is not marked done (`kpi propose --form4`)")),
        submitted,
    ]


def _check_development(inn: Innovation) -> list[Check]:
    d = inn.decision
    if d is not None and d.result == "approved":
        approval = Check(True, _("approved by the committee on {date}").format(date=d.date) if d.date else
                         _("approved by the committee"))
    else:
        state = _("no decision") if d is None else _("the decision is '{result}'").format(result=value_name(d.result))
        approval = Check(False, _("the committee's approval is not recorded ({state}): "
                                  "`kpi decide --result approved`").format(state=state))
    done = sum(a.done for a in inn.activities)
    if not inn.activities:
        activities = Check(False, _("no project activities recorded: `kpi activity`"))
    elif not done:
        activities = Check(False, _("no project activity is marked done"))
    else:
        activities = Check(True, ngettext("{n} project activity done", "{n} project activities done", done).format(
            n=done))
    if inn.evidence_sent:
        dates = ", ".join(str(s.date) for s in inn.evidence_sent if s.date)
        to = inn.evidence_sent[-1].to or EVIDENCE_TO
        sent = Check(True, _("evidence sent to {to} ({dates})").format(to=to, dates=dates) if dates else
                     _("evidence sent to {to}").format(to=to))
    else:
        sent = Check(False, _("no evidence sent to {to} recorded: `kpi evidence`").format(to=EVIDENCE_TO))
    return [approval, activities, sent]


def _check_survey(inn: Innovation) -> list[Check]:
    s = inn.survey
    if s is None:
        return [Check(False, _("the survey of use (แบบฟอร์ม 5) is not recorded: `kpi survey --date DATE`"))]
    recorded = Check(True, _("the survey (แบบฟอร์ม 5) is recorded ({date})").format(
        date=f"{s.date}, {s.letter}" if s.letter else s.date))
    if not s.approved:
        return [recorded, Check(False, _("the survey (แบบฟอร์ม 5) is not approved by the agency head: "
                                         "`kpi survey --approved`"))]
    return [recorded, Check(True, _("approved by {who}").format(who=s.approved_by) if s.approved_by else
                            _("approved"))]


def gate_checks(stage: int, ind: Indicator, agency_kind_minimum: int | None = None,
                kind_name: str | None = None) -> list[Check]:
    """Every condition of the gate before `stage` can be completed, met or not."""
    inn = ind.innovation or Innovation()
    if stage == 1:
        return _check_ideas(inn, minimum_ideas(inn, agency_kind_minimum), kind_name)
    return {2: _check_selection, 3: _check_proposal, 4: _check_development, 5: _check_survey}[stage](inn)


def gate(stage: int, ind: Indicator, agency_kind_minimum: int | None = None,
         kind_name: str | None = None) -> list[str]:
    """What is still missing before `stage` can be completed. Empty when the gate holds."""
    return [c.text for c in gate_checks(stage, ind, agency_kind_minimum, kind_name) if not c.ok]


def gate_facts(stage: int, inn: Innovation) -> list[tuple[str, dt.date]]:
    """The dated facts the gate of `stage` relies on, as (what, date): the stage cannot be completed
    on a date before any of them, and none of them can be dated after the stage's completion."""
    return [(what, when) for what, when, _command in dated_facts(stage, inn)]


def dated_facts(stage: int, inn: Innovation) -> list[tuple[str, dt.date, str]]:
    """:func:`gate_facts` with, for each, the command that corrects its date ({code}: the indicator)."""
    if stage == 1:  # the latest dated idea stands for them all
        dated = [i for i in inn.ideas if i.date]
        latest = max(dated, key=lambda i: i.date, default=None)
        return [(_("the date of idea {id}").format(id=latest.id), latest.date,
                 f"kpi idea edit {{code}} {latest.id} --date YYYY-MM-DD")] if latest else []
    if stage == 2:
        return [(_("the selection date (แบบฟอร์ม 2)"), inn.selected_date,
                 f"kpi idea select {{code}} {inn.selected_idea} --date YYYY-MM-DD")] if inn.selected_date else []
    if stage == 3:
        p = inn.proposal
        return [(_("the date the proposal was submitted"), p.submitted,
                 "kpi propose {code} --submitted YYYY-MM-DD")] if p and p.submitted else []
    if stage == 4:
        out = []
        d = inn.decision
        if d and d.date:
            out.append((_("the date of the committee's decision"), d.date, "kpi decide {code} --date YYYY-MM-DD"))
        ends = [(a.end or a.date, i) for i, a in enumerate(inn.activities) if a.end or a.date]
        if ends:
            latest, i = max(ends)
            out.append((_("the date of activity {n}").format(n=i + 1), latest,
                        f"kpi edit activity {{code}} {i + 1} --date YYYY-MM-DD --end YYYY-MM-DD"))
        sent = [(e.date, i) for i, e in enumerate(inn.evidence_sent) if e.date]
        if sent:
            latest, i = max(sent)
            out.append((_("the date evidence {n} was sent").format(n=i + 1), latest,
                        f"kpi edit evidence {{code}} {i + 1} --date YYYY-MM-DD"))
        return out
    s = inn.survey
    if s is None:
        return []
    return [(_("the date of the survey (แบบฟอร์ม 5)"), s.date, "kpi survey {code} --date YYYY-MM-DD")] + \
        ([(_("the date the survey was approved"), s.approved_date, "kpi survey {code} --approved-date YYYY-MM-DD")]
         if s.approved_date else [])


def earliest_completion(stage: int, inn: Innovation) -> tuple[dt.date, str, str] | None:
    """The first day `stage` can be completed on, with the fact that sets it and its correcting
    command: the latest of its gate's facts and of the previous stage's completion."""
    facts = list(dated_facts(stage, inn))
    previous = next((e for e in inn.stages if e.stage == stage - 1), None)
    if previous is not None:
        facts.append((_("the completion of stage {n}").format(n=previous.stage), previous.completed,
                      f"kpi edit stage {{code}} {previous.stage} --date YYYY-MM-DD"))
    if not facts:
        return None
    what, when, command = max(facts, key=lambda f: f[1])
    return when, what, command


def _facts_after(stage: int, inn: Innovation, day: dt.date) -> list[str]:
    """Why `stage` cannot be completed on `day`: the dated facts of its gate that come after it."""
    return [_("the date {date} is before {fact} ({fact_date}); a stage is never completed before the facts "
              "its gate relies on").format(date=day, fact=fact, fact_date=when)
            for fact, when in gate_facts(stage, inn) if when > day]


def _not_after_stage(inn: Innovation, stage: int, fact: str, day: dt.date | None, option: str) -> None:
    """Refuse to date a fact of the gate of `stage` after the stage was completed."""
    event = next((e for e in inn.stages if e.stage == stage), None)
    if day is None or event is None or day <= event.completed:
        return
    raise StageRefused(_("{fact} cannot be {date}, after {stage} was completed ({completed}): the stage's gate "
                         "relies on it").format(fact=fact, date=day, stage=stage_label(stage),
                                                completed=event.completed),
                       fix=_("give the date it happened, on or before {completed} ({option} {typed} at the "
                             "latest); if the date of stage {n} is what is wrong, correct it first with "
                             "`kpi edit stage CODE {n} --date YYYY-MM-DD`").format(
                           completed=event.completed, typed=event.completed.isoformat(), option=option, n=stage))


def check_fact_date(ind: Indicator, stage: int, fact: str, day: dt.date | None, option: str) -> None:
    """A fact of the gate of `stage` is dated inside the fiscal year and not after the stage."""
    in_window(ind, fact, day, option)
    _not_after_stage(ind.innovation or Innovation(), stage, fact, day, option)


def in_window(ind: Indicator, fact: str, day: dt.date | None, option: str) -> None:
    """Refuse a fact dated outside the fiscal year (or the extension an accepted appeal gave it)."""
    if day is None:
        return
    start, end = fiscal_window(ind)
    if start <= day <= end:
        return
    raise StageRefused(_("{fact} cannot be {date}: it is outside fiscal year {year} ({start} to {end})").format(
                           fact=fact, date=day, year=ind.fiscal_year, start=start, end=end),
                       fix=_("give the date it happened ({option} between {start} and {end}); a fact of another "
                             "fiscal year belongs to that year's file").format(option=option, start=start.isoformat(),
                                                                                end=end.isoformat()))


def fiscal_window(ind: Indicator) -> tuple[dt.date, dt.date]:
    """The dates stage events may carry: the fiscal year, extended by an accepted amendment."""
    from kpi_cli.core.thai import fiscal_year_bounds

    start, end = fiscal_year_bounds(ind.fiscal_year)
    for a in ind.amendments:
        if a.outcome == "accepted" and a.extends_to and a.extends_to > end:
            end = a.extends_to
    return start, end


# --- status ---------------------------------------------------------------------------

@dataclass
class StageStatus:
    info: StageInfo
    state: str  # done, current, pending
    event: StageEvent | None = None


@dataclass
class Status:
    """Where the innovation stands: each stage, the current one and what its gate still needs."""
    ind: Indicator
    stages: list[StageStatus]
    current: int | None
    checks: list[Check]  # the current stage's gate
    window: tuple[dt.date, dt.date]

    @property
    def missing(self) -> list[str]:
        return [c.text for c in self.checks if not c.ok]

    def to_dict(self) -> dict:
        ind = self.ind
        return {
            "code": ind.code,
            "fiscal_year": ind.fiscal_year,
            "agency": ind.agency,
            "title": ind.title,
            "current_stage": self.current,
            "finished": self.current is None,
            "window": [d.isoformat() for d in self.window],
            "stages": [{
                "stage": s.info.number, "name": s.info.name_th, "name_en": s.info.name_en, "form": s.info.form,
                "state": s.state,
                "completed": s.event.completed.isoformat() if s.event else None,
                "evidence": list(s.event.evidence) if s.event else [],
                "note": s.event.note if s.event else None,
            } for s in self.stages],
            "gate": None if self.current is None else {
                "stage": self.current, "holds": not self.missing,
                "checks": [{"ok": c.ok, "text": c.text} for c in self.checks],
            },
            "amendments": [a.model_dump(mode="json", exclude_defaults=True) for a in ind.amendments],
        }


def status(ind: Indicator, catalogues=None) -> Status:
    require_innovation(ind)
    inn = ind.innovation or Innovation()
    current = current_stage(inn)
    events = {e.stage: e for e in inn.stages}
    rows = [StageStatus(info, "done" if info.number in events else "current" if info.number == current else "pending",
                        events.get(info.number)) for info in STAGES]
    checks = gate_checks(current, ind, *agency_minimum(ind, catalogues)) if current else []
    window = fiscal_window(ind)
    earliest = earliest_completion(current, inn) if current else None
    if earliest is not None and earliest[0] > window[1]:
        when, what, command = earliest
        checks.append(Check(False, _("no date can complete {stage}: {fact} is {date}, after the fiscal year ends "
                                     "({end}); correct it: {command}").format(
            stage=stage_label(current), fact=what, date=when, end=window[1], command=command.format(code=ind.code))))
    return Status(ind, rows, current, checks, window)


# --- recording progress ---------------------------------------------------------------

class StageRefused(KpiError):
    """A command that would break the stage rules; the file is left untouched."""

    def __init__(self, message: str, fix: str | None = None, reasons: list[str] | None = None):
        self.reasons = reasons or []
        self.fix = fix
        super().__init__(message + "".join(f"\n  - {r}" for r in self.reasons))


class BadDate(KpiError):
    def __init__(self, message: str, fix: str):
        self.fix = fix
        super().__init__(message)


@dataclass
class Change:
    """The edits of one command and what they record, in a sentence."""
    edits: list[Edit]
    what: str


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str, option: str = "--date") -> dt.date:
    """A date from the command line: ISO, Common Era. '2564-04-15' is refused with 'write 2021-04-15'."""
    from kpi_cli.core.thai import common_era_fix, looks_like_be_year

    m = _ISO.match(text.strip())
    if not m:
        raise BadDate(_("{option} {text!r} is not a date written YYYY-MM-DD").format(option=option, text=text),
                      _("write it as year-month-day, Common Era: e.g. 2021-04-15 for 15 เมษายน 2564"))
    year, month, day = (int(g) for g in m.groups())
    if looks_like_be_year(year):
        raise BadDate(_("{option} {text} has a Buddhist-Era year (พ.ศ. {year}); dates are written in the "
                        "Common Era (ค.ศ.)").format(option=option, text=text, year=year),
                      common_era_fix(year, month, day, prefix=f"{option} "))
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise BadDate(_("{option} {text} is not a real date ({reason})").format(option=option, text=text,
                                                                              reason=_(str(exc))),
                      _("check the day and the month")) from None


def key_order(path: tuple) -> tuple[str, ...]:
    """The canonical key order of the mapping at `path` (the model's field order): new keys go
    in their place, so files written by kpi read alike."""
    shape = tuple("*" if isinstance(seg, int) else seg for seg in path)
    cls = {
        (): Indicator, ("innovation",): Innovation, ("innovation", "proposal"): Proposal,
        ("innovation", "decision"): Decision, ("innovation", "survey"): Survey,
        ("innovation", "ideas", "*"): Idea, ("innovation", "activities", "*"): Activity,
        ("innovation", "evidence_sent", "*"): Submission, ("innovation", "stages", "*"): StageEvent,
        ("amendments", "*"): Amendment,
    }.get(shape)
    return tuple(cls.model_fields) if cls else ()


def _fields(cls, values: dict) -> dict:
    """The given values (None and empty lists left out) in the model's field order."""
    return {k: values[k] for k in cls.model_fields if k in values and values[k] not in (None, [], ())}


def require_innovation(ind: Indicator) -> Innovation:
    """The innovation record; refuses for an indicator that is not the innovation indicator."""
    if ind.innovation is None and not getattr(ind.scoring, "from_stages", False):  # stage-points
        raise StageRefused(_("{code} is not the innovation indicator: it has no `innovation:` record and "
                             "does not score by stage points").format(code=ind.code),
                           fix=_("the five stages belong to each agency's innovation indicator "
                                 "(ความสำเร็จในการเสนอนวัตกรรม…); give its code"))
    return ind.innovation or Innovation()


def _record(ind: Indicator, path: tuple, cls, current, values: dict, required: tuple[str, ...],
            command: str) -> list[Edit]:
    """Edits that write `values` into the mapping at `path` (a whole new mapping when there is
    none yet; otherwise only the given keys)."""
    given = _fields(cls, values)
    if not given:
        raise StageRefused(_("nothing to record: give at least one option of `{command}`").format(command=command),
                           fix=_("see `{command} --help`").format(command=command))
    if current is None:
        lacking = [f"--{k.replace('_', '-')}" for k in required if k not in given]
        if lacking:
            raise StageRefused(_("{code} has no {what} recorded yet: a new one needs {options}").format(
                                   code=ind.code, what=path[-1], options=", ".join(lacking)),
                               fix=_("e.g. `{example}`").format(example=f"{command} {ind.code} " + " ".join(
                                   f"{option} …" for option in lacking)))
        return [Set(path, given)]
    return [Set(path + (k,), v) for k, v in given.items() if getattr(current, k) != v]


def add_idea(ind: Indicator, title: str, *, date: dt.date | None = None, by: str | None = None,
             note: str | None = None) -> Change:
    """แบบฟอร์ม 1: one more idea, numbered after the last."""
    inn = require_innovation(ind)
    title = title.strip()
    if not title:
        raise StageRefused(_("the idea has no title"),
                           fix=_('e.g. kpi idea add CODE "บริการงานทะเบียนเคลื่อนที่เชิงรุก"'))
    same = next((i for i in inn.ideas if i.title.strip() == title), None)
    if same is not None:
        raise StageRefused(_("idea {id} already has this title; nothing was added").format(id=same.id),
                           fix=_("give each idea its own title"))
    check_fact_date(ind, 1, _("the date of a stage-1 idea"), date, "--date")
    number = max((i.id for i in inn.ideas), default=0) + 1
    idea = _fields(Idea, {"id": number, "title": title, "date": date, "by": by, "note": note})
    edits = [Append(("innovation", "ideas"), idea)]
    listed = len(inn.ideas) + 1
    if inn.ideas_reported is not None and inn.ideas_reported < listed:
        edits.append(Set(("innovation", "ideas_reported"), listed))  # the count reported follows the list
    return Change(edits, _("idea {id} recorded ({listed} listed)").format(id=number, listed=listed))


def report_ideas(ind: Indicator, count: int) -> Change:
    """The number of ideas the agency reported (แบบฟอร์ม 1), when not all of them are listed."""
    inn = require_innovation(ind)
    if count < len(inn.ideas):
        raise StageRefused(_("{listed} ideas are listed already; the number reported cannot be {count}").format(
                               listed=len(inn.ideas), count=count),
                           fix=_("give {listed} or more").format(listed=len(inn.ideas)))
    return Change([Set(("innovation", "ideas_reported"), count)],
                  ngettext("{n} idea reported", "{n} ideas reported", count).format(n=count))


def select_idea(ind: Indicator, idea_id: int, *, date: dt.date | None = None) -> Change:
    """แบบฟอร์ม 2: the one idea the executives selected."""
    inn = require_innovation(ind)
    ids = [i.id for i in inn.ideas]
    if idea_id not in ids:
        listed = _("ideas are numbered {first} to {last}").format(first=min(ids), last=max(ids)) if ids else \
            _("no ideas are recorded yet")
        raise StageRefused(_("there is no idea {id}: {listed}").format(id=idea_id, listed=listed),
                           fix=_("`kpi idea list CODE` shows them; `kpi idea add` records one"))
    done = {e.stage: e for e in inn.stages}
    if 2 in done and inn.selected_idea != idea_id:
        raise StageRefused(_("stage 2 was completed on {date} with idea {id} selected; "
                             "the selection cannot change now").format(date=done[2].completed, id=inn.selected_idea),
                           fix=_("the selection is part of the record"))
    check_fact_date(ind, 2, _("the selection date (แบบฟอร์ม 2)"), date, "--date")
    edits: list[Edit] = [Set(("innovation", "selected_idea"), idea_id)]
    if date is not None:
        edits.append(Set(("innovation", "selected_date"), date))
    title = next(i.title for i in inn.ideas if i.id == idea_id)
    return Change(edits, _("idea {id} selected: {title}").format(id=idea_id, title=title))


def propose(ind: Indicator, **values) -> Change:
    """แบบฟอร์ม 3 and 4: the project and its proposal to the committee (given fields only)."""
    inn = require_innovation(ind)
    check_fact_date(ind, 3, _("the date the proposal was submitted"), values.get("submitted"), "--submitted")
    if values.get("submitted") and not values.get("submitted_to") and not (inn.proposal and inn.proposal.submitted_to):
        values["submitted_to"] = COMMITTEE
    edits = _record(ind, ("innovation", "proposal"), Proposal, inn.proposal, values, ("title", "kind"),
                    "kpi propose")
    what = _("proposal recorded") if inn.proposal is None else _("proposal updated")
    if values.get("submitted"):
        what = _("{what}, submitted on {date}").format(what=what, date=values["submitted"])
    return Change(edits, what)


def decide(ind: Indicator, **values) -> Change:
    """The committee's decision on the proposal."""
    inn = require_innovation(ind)
    if inn.proposal is None:
        raise StageRefused(_("no proposal is recorded for the committee to decide on"),
                           fix=_("record it first: `kpi propose CODE --title … --kind service --submitted DATE`"))
    check_fact_date(ind, 4, _("the date of the committee's decision"), values.get("date"), "--date")
    edits = _record(ind, ("innovation", "decision"), Decision, inn.decision, values, ("result",), "kpi decide")
    return Change(edits, _("the committee's decision recorded: {result}").format(
        result=value_name(values.get("result") or inn.decision.result)))


def add_activity(ind: Indicator, title: str, **values) -> Change:
    """A stage-4 activity of the project, done, with its evidence."""
    inn = require_innovation(ind)
    if not title.strip():
        raise StageRefused(_("the activity has no title"), fix=_('e.g. kpi activity CODE "ประชาสัมพันธ์โครงการ"'))
    check_fact_date(ind, 4, _("the date of an activity"), values.get("date"), "--date")
    check_fact_date(ind, 4, _("the end of an activity"), values.get("end"), "--end")
    if values.get("date") and values.get("end") and values["end"] < values["date"]:
        raise StageRefused(_("the activity ends ({end}) before it starts ({date})").format(
                               end=values["end"], date=values["date"]),
                           fix=_("swap --date and --end"))
    activity = _fields(Activity, {"title": title.strip(), **values})
    return Change([Append(("innovation", "activities"), activity)],
                  _("activity {n} recorded").format(n=len(inn.activities) + 1))


def add_evidence(ind: Indicator, **values) -> Change:
    """Evidence of the project sent to สำนักงาน ก.ก."""
    inn = require_innovation(ind)
    check_fact_date(ind, 4, _("the date evidence was sent"), values.get("date"), "--date")
    sent = _fields(Submission, {"to": EVIDENCE_TO, **{k: v for k, v in values.items() if v is not None}})
    return Change([Append(("innovation", "evidence_sent"), sent)],
                  _("evidence sent to {to} recorded ({n} in all)").format(to=sent["to"], n=len(inn.evidence_sent) + 1))


def record_survey(ind: Indicator, **values) -> Change:
    """แบบฟอร์ม 5: the survey of use, and its approval by the agency head."""
    inn = require_innovation(ind)
    check_fact_date(ind, 5, _("the date of the survey (แบบฟอร์ม 5)"), values.get("date"), "--date")
    check_fact_date(ind, 5, _("the date the survey was approved"), values.get("approved_date"), "--approved-date")
    edits = _record(ind, ("innovation", "survey"), Survey, inn.survey, values, ("date",), "kpi survey")
    approved = values["approved"] if values.get("approved") is not None else \
        inn.survey is not None and inn.survey.approved
    return Change(edits, _("survey (แบบฟอร์ม 5) recorded, approved") if approved else
                  _("survey (แบบฟอร์ม 5) recorded, not yet approved"))


def record_appeal(ind: Indicator, letter: str, **values) -> Change:
    """An appeal or amendment of the criteria: a new one, or the outcome of one on record
    (found by its letter number). Conditions and decision letters given are added."""
    require_innovation(ind)
    letter = letter.strip()
    lists = {k: list(values.pop(k) or []) for k in ("conditions", "decision_letters")}
    index = next((i for i, a in enumerate(ind.amendments) if a.letter == letter), None)
    if index is None:
        if values.get("date") is None:
            raise StageRefused(_("no appeal with letter {letter} is on record: a new one needs --date").format(
                                   letter=letter),
                               fix=_('e.g. kpi appeal {code} --letter "{letter}" --date 2021-07-07 --grounds …').format(
                                   code=ind.code, letter=letter))
        new = {**values, "letter": letter, **lists}
        new["kind"] = new.get("kind") or "appeal"
        new["outcome"] = new.get("outcome") or "pending"
        return Change([Append(("amendments",), _fields(Amendment, new))],
                      _("{kind} {letter} recorded ({outcome})").format(kind=value_name(new["kind"]), letter=letter,
                                                                        outcome=value_name(new["outcome"])))
    current = ind.amendments[index]
    path = ("amendments", index)
    edits: list[Edit] = [Set(path + (k,), v) for k, v in _fields(Amendment, values).items()
                         if getattr(current, k) != v]
    for key, items in lists.items():
        have = list(getattr(current, key))
        for item in items:
            if item not in have:
                edits.append(Append(path + (key,), item) if have else Set(path + (key,), have + [item]))
                have.append(item)
    if not edits:
        raise StageRefused(_("nothing to record for {letter}: give the outcome, conditions or other fields").format(
                               letter=letter),
                           fix=_("see `{command} --help`").format(command="kpi appeal"))
    outcome = values.get("outcome") or current.outcome
    return Change(edits, _("{kind} {letter} updated ({outcome})").format(kind=value_name(current.kind), letter=letter,
                                                                         outcome=value_name(outcome)))


def advance(ind: Indicator, catalogues=None, *, date: dt.date, to: int | None = None,
            evidence: list[str] | tuple = (), note: str | None = None) -> Change:
    """Complete the current stage (`to`, when given, must be it), after checking its gate and date."""
    from kpi_cli.core.thai import fiscal_year_bounds

    inn = require_innovation(ind)
    current = current_stage(inn)
    events = {e.stage: e for e in inn.stages}
    code = ind.code
    if current is None:
        raise StageRefused(_("all five stages of {code} are done (stage 5 on {date}): "
                             "the project is finished; there is nothing to advance").format(
                               code=code, date=events[LAST_STAGE].completed),
                           fix=_("`kpi status {code}` shows the record").format(code=code))
    target = current if to is None else to
    if not 1 <= target <= LAST_STAGE:
        raise StageRefused(_("there is no stage {stage}: the stages are 1 to {last}").format(stage=target,
                                                                                            last=LAST_STAGE),
                           fix=_("the current stage is {stage}").format(stage=current))
    if target < current:
        raise StageRefused(_("{stage} is already done (completed {date}); stages never go back. "
                             "The current stage is {current}").format(stage=stage_label(target),
                                                                      date=events[target].completed,
                                                                      current=stage_label(current)),
                           fix=_("to complete stage {stage}: kpi advance {code} --to {stage} --date YYYY-MM-DD").format(
                               stage=current, code=code))
    if target > current:
        raise StageRefused(_("cannot skip to stage {stage}: {current} is not done yet").format(
                               stage=target, current=stage_label(current)),
                           fix=_("complete stage {stage} first: kpi advance {code} --date YYYY-MM-DD "
                                 "(`kpi status {code}` shows what its gate needs)").format(stage=current, code=code))
    reasons, fixes = [], []
    start, end = fiscal_window(ind)
    if not start <= date <= end:
        extended = end > fiscal_year_bounds(ind.fiscal_year)[1]
        outside = _("the date {date} is outside fiscal year {year}: {start} to {end} (extended by an accepted "
                    "appeal)") if extended else _("the date {date} is outside fiscal year {year}: {start} to {end}")
        reasons.append(outside.format(date=date, year=ind.fiscal_year, start=start, end=end))
    previous = max(inn.stages, key=lambda e: e.stage, default=None)
    if previous is not None and date < previous.completed:
        reasons.append(_("the date {date} is before the date of stage {stage} ({previous}); "
                         "stage dates never go backwards").format(date=date, stage=previous.stage,
                                                                  previous=previous.completed))
    reasons += _facts_after(target, inn, date)
    earliest = earliest_completion(target, inn)
    if earliest is not None and (date < earliest[0] or not start <= date <= end):
        when, what, command = earliest
        if when <= end:
            fixes.append(_("complete it on or after {date}: kpi advance {code} --date {typed}").format(
                date=max(when, start), typed=max(when, start).isoformat(), code=code))
        if when > end or date < when:
            fixes.append(_("if {fact} ({date}) is what is wrong, correct it: {command}").format(
                fact=what, date=when, command=command.format(code=code)))
    elif not start <= date <= end:
        fixes.append(_("give a date from {start} to {end}").format(start=start, end=end))
    missing = gate(target, ind, *agency_minimum(ind, catalogues))
    reasons += missing
    if missing:
        fixes.append(_("record what is missing (each line names its command), then run kpi advance again; "
                       "`kpi status {code}` shows the gate").format(code=code))
    if reasons:
        raise StageRefused(_("cannot complete {stage} of {code}:").format(stage=stage_label(target), code=code),
                           fix="; ".join(fixes) or None, reasons=reasons)
    event = _fields(StageEvent, {"stage": target, "completed": date, "evidence": list(evidence), "note": note})
    done = _("{stage} completed on {date}; the current stage is {next}") if target < LAST_STAGE else \
        _("{stage} completed on {date}; all five stages are done")
    return Change([Append(("innovation", "stages"), event)],
                  done.format(stage=stage_label(target), date=date,
                              next=stage_label(target + 1) if target < LAST_STAGE else ""))

