"""The report context: the small frozen values templates see (never raw YAML), and building
them from the validated model. IndicatorReport is the indicator detail report
(รายละเอียดตัวชี้วัด); IndicatorLine one indicator as a row of the index or of an agency summary,
grouped in YearGroup, AgencySummary and SiteIndex.

Nothing here imports jinja2: the values are plain dataclasses and strings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

from kpi_cli.core.assessment import NO_FIGURES, Assessment, assessment_of, audited, note_th
from kpi_cli.core.assessment import shown as shown_assessment
from kpi_cli.core.patterns import inferred_covers
from kpi_cli.core.model import LABELS_INNOVATION, LABELS_LEVEL, LABELS_TYPE, Indicator
from kpi_cli.core.problems import KpiError
from kpi_cli.core.stages import STAGES
from kpi_cli.core.thai import format_plain, quarter_bounds, to_thai_digits
from kpi_cli.render.body import Item, event_order, inferred_label, numbered, removed_words, without
from kpi_cli.render.chart import Chart, quarterly_chart
from kpi_cli.render.paths import indicator_path

QUARTERS = (1, 2, 3, 4)


class Verbatim(str):
    """Text written as is: never escaped for Markdown, never put in Thai digits (field paths)."""


class Href(Verbatim):
    """A link target, relative to the page."""


@dataclass(frozen=True)
class Output:
    """How the page is being written."""

    format: str             # txt, md, html or pdf
    thai_digits: bool       # every figure in Thai digits (๐-๙)
    site: bool              # part of a `kpi render --all` site: the links to other pages exist
    root: Href              # relative path from this page to the site root: "" or "../"
    ext: str                # file extension of the site's pages: html or md

    def href(self, path: str | None) -> Href | None:
        """A link from this page to `path` (relative to the site root); None outside a site."""
        return Href(self.root + path) if self.site and path else None


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str               # สำนักงานปกครองและทะเบียน; the code when it is not in the catalogue
    abbr: str               # สปท.
    kind: str | None        # permanent-secretary-unit
    kind_name: str | None   # ส่วนราชการในสังกัดสำนักปลัดกรุงเทพมหานคร
    example: bool
    href: Href | None       # its page in the site

    @property
    def label(self) -> str:
        return f"{self.name} ({self.abbr})" if self.abbr else self.name


@dataclass(frozen=True)
class StrategyLine:
    """One line of สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ: a code of the tree and its label."""

    code: str               # canonical Arabic digits: 7.5.1
    depth: int              # 1 for ด้านที่ ๗, 2 for ๗.๕, ...
    label: str
    truncated: bool         # the source page cuts the label short: shown with "…"

    @property
    def code_th(self) -> str:
        return to_thai_digits(self.code)

    @property
    def text(self) -> str:
        """As the page writes it: ':ด้านที่ ๗ – label', ':๗.๕ - label', ':๗.๕.๑ label…'."""
        head, sep = {1: (f"ด้านที่ {self.code_th}", " – "), 2: (self.code_th, " - ")}.get(
            self.depth, (self.code_th, " "))
        if not self.label:
            return f":{head}"
        return f":{head}{sep}{self.label}{'…' if self.truncated else ''}"


@dataclass(frozen=True)
class Computed:
    """What kpi computes for one quarter (kpi_cli.scoring), beside the official figures."""

    performance: float | None   # performance the rules derive from the record
    score: float | None         # the computed score
    assessed: bool              # the official figures say the quarter was assessed
    differs: bool               # computed and official scores disagree
    reason: str | None          # why they differ, when known


@dataclass(frozen=True)
class QuarterRow:
    """One row of ผลงานเทียบกับเป้าหมายรายไตรมาส, and the quarter's narrative."""

    quarter: int
    start: dt.date
    end: dt.date
    performance: float | None   # ผลงาน, in the indicator's unit
    target: float | None        # the quarter's target from the performance agreement
    target_inferred: bool       # the target is inferred, not published
    assessed: float | None      # ผลประเมินตัวชี้วัด, the official score as printed in the table
    sub_scores: tuple           # the page's "2.1 / 2.2" figures
    audited: bool               # สยป. ตรวจประเมินตัวชี้วัด: the audit line names the quarter
    audit: float | str | None   # the audit line's figure as printed ("" when it prints none)
    assessment: Assessment      # assessed, not assessed or unknown (kpi_cli.core.assessment)
    report: str                 # รายงานผลฯ ไตรมาสที่ N
    difference_reason: str | None
    computed: Computed | None

    @property
    def not_assessed(self) -> bool:
        """No official score on record: not assessed, unknown, or assessed with no value printed."""
        return self.assessment.official is None

    @property
    def official(self) -> str:
        """The official-score cell: the score as printed, or what the record says of the quarter."""
        return shown_assessment(self.assessment, None if self.assessed is None else format_plain(self.assessed))

    @property
    def official_label(self) -> str | None:
        """What the record says of a quarter without a printed official score (None when it has one)."""
        if self.assessment.official is not None:
            return None
        return shown_assessment(self.assessment, None)

    @property
    def assessment_note(self) -> str | None:
        """Why kpi says what it says of a quarter without an official score, where it inferred it."""
        return note_th(self.assessment)

    @property
    def report_list(self) -> tuple[str, tuple[Item, ...]]:
        """The narrative as (text before the list, numbered items); (report, ()) when not numbered."""
        return numbered(self.report)

    @property
    def audit_figure(self) -> str:
        """The figure the audit line prints for the quarter, as printed ('' when none)."""
        if self.audit is not None:
            return format_plain(self.audit) if self.audit != "" else ""
        return format_plain(self.assessed) if self.assessed is not None else ""


@dataclass(frozen=True)
class StageRow:
    number: int
    name: str
    form: str
    completed: dt.date | None
    evidence: tuple[str, ...]
    note: str | None
    completed_inferred: bool = False  # the date is inferred (listed in `inferred:`), not recorded
    points: float | None = None       # the stage's points (stage-points scoring), else None


@dataclass(frozen=True)
class Project:
    """The innovation project (แบบฟอร์ม 3, 4) in brief."""

    title: str
    kind: str               # นวัตกรรมการบริการ (Service Innovation)
    objective: str | None
    target: str | None
    submitted: dt.date | None
    submitted_to: str | None
    decision: str | None    # อนุมัติ / ไม่อนุมัติ / รอพิจารณา
    decided_by: str | None
    ideas: int              # ideas collected (stage 1)
    selected: str | None    # the selected idea's title
    target_kept: str | None = None      # the target as amended: what the accepted appeal left of it
    target_removed: str | None = None   # the words the accepted appeal removed from it
    target_amendment: "AmendmentRow | None" = None


@dataclass(frozen=True)
class ActivityRow:
    """A recorded activity of the project (stage 4), an evidence sent, or the survey (form 5)."""

    date: dt.date | None
    end: dt.date | None
    text: str
    evidence: tuple[str, ...]
    note: str | None


@dataclass(frozen=True)
class AmendmentRow:
    kind: str               # อุทธรณ์ / แก้ไขเกณฑ์
    letter: str
    date: dt.date
    urgency: str | None
    grounds: str | None
    request: str | None
    outcome: str            # รับอุทธรณ์ / ไม่รับอุทธรณ์ / รอพิจารณา
    decided: dt.date | None
    decision_letters: tuple[str, ...]
    conditions: tuple[str, ...]
    criteria_before: str | None
    criteria_after: str | None
    effective: dt.date | None


@dataclass(frozen=True)
class EventRow:
    date: dt.date | None
    end: dt.date | None
    quarter: int | None     # when only the quarter is known
    event: str
    refs: tuple[str, ...]


@dataclass(frozen=True)
class Inferred:
    path: Verbatim          # the field, as in the file: quarters[*].target
    reason: str             # as the file writes it (often English): not printed in the Thai body
    label: str = ""         # the field in Thai: เป้าหมายรายไตรมาส

    @property
    def reason_th(self) -> str | None:
        """The reason when the file writes it in Thai, else None (the body is Thai only)."""
        letters = [ch for ch in self.reason if ch.isalpha()]
        thai = sum(1 for ch in letters if "\u0e01" <= ch <= "\u0e5b")
        return self.reason if letters and thai * 4 >= len(letters) * 3 else None



@dataclass(frozen=True)
class IndicatorReport:
    """Everything the indicator detail report (รายละเอียดตัวชี้วัด) shows."""

    code: str
    fiscal_year: int
    sequence: int | None
    title: str
    heading: str                # "8/สปท.ความสำเร็จ… : 0406-0772", as the page's title line
    example: bool
    agency: AgencyInfo
    type_label: str             # ตัวชี้วัดงานประจำ
    level_label: str            # ตัวชี้วัดระดับผลลัพธ์ (outcome)
    target_value: float
    unit: str                   # คะแนน, ร้อยละ, ระดับ …
    achieved: float | None      # ผลงานที่ทำได้
    weight: float | None        # น้ำหนัก, percent
    weight_inferred: bool
    quarters: tuple[QuarterRow, ...]    # always quarters 1-4, in order
    audited: tuple[QuarterRow, ...]     # the quarters สยป. audited
    targets_inferred: bool
    has_computed: bool          # kpi_cli.scoring gave computed scores
    computed_score: float | None
    summary: str                # สรุปผลการดำเนินงาน
    definition: str             # นิยาม หรือความหมายของตัวชี้วัด
    method: str                 # วิธีการคำนวณ หรือ เกณฑ์การประเมิน
    data_collection: str        # วิธีการการเก็บข้อมูล/แหล่งข้อมูล
    strategies: tuple[StrategyLine, ...]
    projects: tuple[str, ...]   # โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด
    project: Project | None
    stages: tuple[StageRow, ...]
    amendments: tuple[AmendmentRow, ...]
    timeline: tuple[EventRow, ...]
    inferred: tuple[Inferred, ...]
    chart: Chart
    source: str                 # the file, relative to the repository: indicators/2564/0406-0772.yaml
    href: Href | None           # its page in the site
    as_of: dt.date | None = None        # ข้อมูล ณ วันที่: the latest date the record holds
    points_total: float | None = None   # the stages' points summed (stage-points scoring)
    points_inferred: bool = False
    activities: tuple[ActivityRow, ...] = ()
    evidence_sent: tuple[ActivityRow, ...] = ()
    survey: ActivityRow | None = None
    survey_approved: str | None = None  # ผู้บริหารหน่วยงานให้ความเห็นชอบ …, or None
    inferred_paths: tuple[str, ...] = ()

    def estimated(self, path: str) -> bool:
        """The field at `path` (innovation.proposal.kind, amendments[0].effective) is inferred."""
        return inferred_covers(self.inferred_paths, path)

    @property
    def latest(self) -> QuarterRow | None:
        """The latest quarter with an official score (ผลประเมินทางการ (สยป.)), or None."""
        return _latest_assessed(self.quarters)

    @property
    def no_official_label(self) -> str:
        """What the summary box says when no quarter has an official score: the state of the latest
        quarter on record (ยังไม่ประเมิน only where the record, or kpi's inference, says so)."""
        rows = [q for q in self.quarters if q.official_label and q.assessment.why != NO_FIGURES]
        return rows[-1].official_label if rows else "ไม่มีผลประเมินทางการ"


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator as a row of the index or of an agency summary."""

    code: str
    fiscal_year: int
    sequence: int | None
    title: str
    example: bool
    agency: AgencyInfo
    target_value: float
    unit: str
    achieved: float | None
    weight: float | None
    latest_quarter: int | None      # the last quarter with an official assessment
    latest_assessed: float | None
    computed_score: float | None
    href: Href | None


@dataclass(frozen=True)
class YearGroup:
    fiscal_year: int
    indicators: tuple[IndicatorLine, ...]
    weight_total: float             # sum of the weights of the indicators with a weight
    weighted_assessed: float | None     # Σ(weight × latest assessed score) / Σ weight
    weighted_computed: float | None     # the same with the computed scores
    assessed_weight: float = 0.0        # the weight the official total stands on
    computed_weight: float = 0.0        # the weight the computed total stands on


@dataclass(frozen=True)
class AgencySummary:
    agency: AgencyInfo
    years: tuple[YearGroup, ...]    # latest fiscal year first

    @property
    def count(self) -> int:
        return sum(len(y.indicators) for y in self.years)


@dataclass(frozen=True)
class SiteIndex:
    years: tuple[YearGroup, ...]    # latest fiscal year first
    agencies: tuple[AgencySummary, ...]

    @property
    def count(self) -> int:
        return sum(len(y.indicators) for y in self.years)


# --- the context, from the model ----------------------------------------------------

def agency_info(code: str, catalogues, output: Output | None = None) -> AgencyInfo:
    agency = (catalogues.agencies.get(code) if catalogues else None)
    href = output.href(f"agency/{code}.{output.ext}") if output else None
    if agency is None:
        return AgencyInfo(code, code, "", None, None, False, href)
    kind = agency.kind.value
    kind_name = catalogues.kind_names.get(kind) if catalogues else None
    return AgencyInfo(code, agency.name, agency.abbr, kind, kind_name, agency.example, href)


def strategy_lines(codes: Iterable[str], catalogues) -> tuple[StrategyLine, ...]:
    """The strategy codes with all their parents, as a tree in code order."""
    known = catalogues.strategies if catalogues else {}
    wanted: set[str] = set()
    for code in codes:
        parts = code.split(".")
        wanted.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))

    def order(code: str):
        return tuple(int(p) if p.isdigit() else p for p in code.split("."))

    lines = []
    for code in sorted(wanted, key=order):
        s = known.get(code)
        lines.append(StrategyLine(code, code.count(".") + 1, s.label if s else "", bool(s and s.truncated)))
    return tuple(lines)


def _computed_scores(ind: Indicator, catalogues) -> tuple[dict[int, Computed], float | None]:
    """Computed scores from kpi_cli.scoring, when that module is there; else nothing."""
    try:
        from kpi_cli.scoring.compute import score_indicator
    except ImportError:
        return {}, None
    last = max((q.quarter for q in ind.quarters), default=None)
    if last is None:
        return {}, None
    try:
        result = score_indicator(ind, last)
    except KpiError:
        return {}, None  # the official figures still make the report
    out = {}
    for qs in getattr(result, "quarters", None) or []:
        out[qs.quarter] = Computed(
            performance=getattr(qs, "computed_performance", None),
            score=getattr(qs, "score", None),
            assessed=not getattr(qs, "not_assessed", False),
            differs=bool(getattr(qs, "differs", False)),
            reason=getattr(qs, "reason", None),
        )
    return out, getattr(result, "score", None)


def _quarter_rows(ind: Indicator, computed: dict[int, Computed]) -> tuple[QuarterRow, ...]:
    rows = []
    for n in QUARTERS:
        start, end = quarter_bounds(ind.fiscal_year, n)
        q = ind.quarter(n)
        index = ind.quarters.index(q) if q is not None else None
        rows.append(QuarterRow(
            quarter=n, start=start, end=end,
            performance=q.performance if q else None,
            target=q.target if q else None,
            target_inferred=bool(q and q.target is not None
                                 and ind.is_inferred(f"quarters[{index}].target")),
            assessed=q.assessed if q else None,
            sub_scores=tuple(q.sub_scores or ()) if q else (),
            audited=audited(q),
            audit=q.audit if q else None,
            assessment=assessment_of(ind.quarters, n, ind.inferred),
            report=q.report if q else "",
            difference_reason=q.difference_reason if q else None,
            computed=computed.get(n),
        ))
    return tuple(rows)


_DECISION = {"approved": "อนุมัติ", "rejected": "ไม่อนุมัติ", "pending": "รอพิจารณา"}
_OUTCOME = {"accepted": "รับอุทธรณ์", "rejected": "ไม่รับอุทธรณ์", "pending": "รอผลการพิจารณา"}
_AMENDMENT = {"appeal": "อุทธรณ์", "amendment": "แก้ไขเกณฑ์"}


def _stage_points(ind: Indicator) -> list | None:
    points = getattr(ind.scoring, "points", None) if getattr(ind, "scoring", None) is not None else None
    return list(points) if points and len(points) == len(STAGES) else None


def _project(ind: Indicator, amendments: tuple[AmendmentRow, ...] = ()) -> tuple[Project | None, tuple[StageRow, ...]]:
    inn = ind.innovation
    if inn is None:
        return None, ()
    done = {e.stage: (i, e) for i, e in enumerate(inn.stages)}
    points = _stage_points(ind)
    stages = tuple(
        StageRow(s.number, s.name_th, s.form, done[s.number][1].completed if s.number in done else None,
                 tuple(done[s.number][1].evidence) if s.number in done else (),
                 done[s.number][1].note if s.number in done else None,
                 s.number in done and ind.is_inferred(f"innovation.stages[{done[s.number][0]}].completed"),
                 points[s.number - 1] if points else None)
        for s in STAGES)
    p = inn.proposal
    if p is None:
        return None, stages
    kept = removed = amended_by = None
    for a in amendments:  # an accepted appeal that struck words out of the project's target
        gone = removed_words(a.criteria_before, a.criteria_after) if a.outcome == _OUTCOME["accepted"] else None
        cut = without(p.target, gone) if p.target and gone else None
        if cut:
            (kept, removed), amended_by = cut, a
    selected = next((i.title for i in inn.ideas if i.id == inn.selected_idea), None)
    d = inn.decision
    project = Project(
        title=p.title, kind=LABELS_INNOVATION[p.kind.value], objective=p.objective, target=p.target,
        submitted=p.submitted, submitted_to=p.submitted_to,
        decision=_DECISION[d.result] if d else None, decided_by=d.by if d else None,
        ideas=inn.ideas_reported if inn.ideas_reported is not None else len(inn.ideas),
        selected=selected, target_kept=kept, target_removed=removed, target_amendment=amended_by)
    return project, stages


def _activities(ind: Indicator):
    inn = ind.innovation
    if inn is None:
        return (), (), None, None
    acts = tuple(ActivityRow(a.date, a.end, a.title, tuple(a.evidence), a.note) for a in inn.activities)
    sent = tuple(ActivityRow(e.date, None, "ส่งหลักฐานให้" + (e.to or "สำนักงาน ก.ก."),
                             (e.letter,) if e.letter else (), getattr(e, "note", None)) for e in inn.evidence_sent)
    sv = inn.survey
    survey = approved = None
    if sv is not None:
        survey = ActivityRow(sv.date, None, "จัดทำแบบสำรวจผลการนำนวัตกรรมไปใช้ประโยชน์ (แบบฟอร์ม 5)",
                             (sv.letter,) if sv.letter else (), sv.note)
        if sv.approved:
            approved = "ผู้บริหารหน่วยงานให้ความเห็นชอบ" + (f" ({sv.approved_by})" if sv.approved_by else "")
    return acts, sent, survey, approved


def _as_of(ind: Indicator) -> dt.date | None:
    """ข้อมูล ณ วันที่: the latest date the record holds (events, stages, amendments, the survey)."""
    days = [e.end or e.date for e in ind.timeline if e.date]
    days += [a.decided or a.date for a in ind.amendments]
    inn = ind.innovation
    if inn is not None:
        days += [e.completed for e in inn.stages]
        days += [a.end or a.date for a in inn.activities if a.date]
        if inn.survey is not None:
            days.append(inn.survey.approved_date or inn.survey.date)
    days = [d for d in days if d is not None]
    return max(days) if days else None


def _inferred_rows(ind: Indicator) -> tuple[Inferred, ...]:
    rows = []
    stages = ind.innovation.stages if ind.innovation else []
    for path, reason in ind.inferred.items():
        m = re.fullmatch(r"innovation\.stages\[(\d+)\]\.completed", path)
        if m and int(m.group(1)) < len(stages):
            label = f"วันที่แล้วเสร็จของขั้นตอนที่ {stages[int(m.group(1))].stage}"
        else:
            label = inferred_label(path)
        rows.append(Inferred(Verbatim(path), reason, label))
    return tuple(rows)


def _latest_assessed(rows: Iterable[QuarterRow]) -> QuarterRow | None:
    assessed = [r for r in rows if not r.not_assessed]
    return assessed[-1] if assessed else None


def indicator_report(ind: Indicator, catalogues, *, source: str = "", output: Output | None = None,
                     computed: tuple[dict[int, Computed], float | None] | None = None) -> IndicatorReport:
    """The report context of one indicator: the official figures, and computed scores beside them."""
    computed_rows, computed_score = computed if computed is not None else _computed_scores(ind, catalogues)
    agency = agency_info(ind.agency, catalogues, output)
    rows = _quarter_rows(ind, computed_rows)
    # the page's own header: "8/สปท.<title> : 0406-0772"; a page without "N/ABBR." printed none, so
    # the abbreviation stays in its own place (the agency line), never glued onto the title
    prefix = f"{ind.sequence}/{agency.abbr} " if ind.sequence is not None and agency.abbr else ""
    amendments = tuple(
        AmendmentRow(_AMENDMENT[a.kind], a.letter, a.date, a.urgency, a.grounds, a.request,
                     _OUTCOME[a.outcome], a.decided, tuple(a.decision_letters), tuple(a.conditions),
                     a.criteria_before, a.criteria_after, a.effective)
        for a in ind.amendments)
    project, stages = _project(ind, amendments)
    activities, sent, survey, approved = _activities(ind)
    points = _stage_points(ind)
    href = output.href(indicator_path(ind.fiscal_year, ind.code, output.ext)) if output else None
    return IndicatorReport(
        code=ind.code, fiscal_year=ind.fiscal_year, sequence=ind.sequence, title=ind.title,
        # a stripped copy prints no title: the code alone, and what is missing said in Thai
        heading=f"{prefix}{ind.title} : {ind.code}" if ind.title else
        f"{prefix}{ind.code} (สำเนาที่นำเข้าไม่มีชื่อตัวชี้วัด)", example=ind.example, agency=agency,
        type_label=LABELS_TYPE[ind.type.value], level_label=LABELS_LEVEL[ind.level.value],
        target_value=ind.target.value, unit=ind.target.unit, achieved=ind.achieved,
        weight=ind.weight.percent if ind.weight else None,
        weight_inferred=bool(ind.weight) and ind.is_inferred("weight"),
        quarters=rows, audited=tuple(r for r in rows if r.audited),
        targets_inferred=any(r.target_inferred for r in rows),
        has_computed=bool(computed_rows), computed_score=computed_score,
        summary=ind.summary, definition=ind.definition.text if ind.definition else "",
        method=ind.method, data_collection=ind.data_collection,
        strategies=strategy_lines(ind.strategies, catalogues), projects=tuple(ind.projects),
        project=project, stages=stages,
        amendments=amendments,
        timeline=tuple(EventRow(e.date, e.end, e.quarter, e.event, tuple(e.refs))
                       for e in event_order(ind.timeline, lambda q: quarter_bounds(ind.fiscal_year, q))),
        inferred=_inferred_rows(ind),
        chart=quarterly_chart(rows, ind.target.unit), source=source, href=href,
        as_of=_as_of(ind), points_total=sum(points) if points else None,
        points_inferred=bool(points) and ind.is_inferred("scoring.points"),
        activities=activities, evidence_sent=sent, survey=survey, survey_approved=approved,
        inferred_paths=tuple(ind.inferred),
    )


def indicator_line(report: IndicatorReport) -> IndicatorLine:
    latest = _latest_assessed(report.quarters)
    return IndicatorLine(
        code=report.code, fiscal_year=report.fiscal_year, sequence=report.sequence, title=report.title,
        example=report.example, agency=report.agency, target_value=report.target_value, unit=report.unit,
        achieved=report.achieved, weight=report.weight,
        latest_quarter=latest.quarter if latest else None,
        latest_assessed=latest.assessment.official if latest else None,
        computed_score=report.computed_score, href=report.href)


def _covered(lines: list[IndicatorLine], attr: str) -> float:
    """The weight of the indicators that have both a weight and `attr` (what a total stands on)."""
    return float(sum(ln.weight for ln in lines if ln.weight is not None and getattr(ln, attr) is not None))


def _weighted(lines: list[IndicatorLine], attr: str) -> float | None:
    """Σ(weight × score) / Σ weight over the indicators with both, as `kpi score` computes an agency."""
    pairs = [(ln.weight, getattr(ln, attr)) for ln in lines if ln.weight is not None and getattr(ln, attr) is not None]
    total = sum(w for w, _score in pairs)
    return sum(w * s for w, s in pairs) / total if pairs and total > 0 else None


def year_groups(lines: Iterable[IndicatorLine]) -> tuple[YearGroup, ...]:
    """Indicators grouped by fiscal year (latest first), each in the agency's order."""
    by_year: dict[int, list[IndicatorLine]] = {}
    for ln in lines:
        by_year.setdefault(ln.fiscal_year, []).append(ln)
    groups = []
    for fy in sorted(by_year, reverse=True):
        items = sorted(by_year[fy], key=lambda ln: (ln.agency.code, ln.sequence is None, ln.sequence or 0, ln.code))
        groups.append(YearGroup(fy, tuple(items), sum(ln.weight for ln in items if ln.weight is not None),
                                _weighted(items, "latest_assessed"), _weighted(items, "computed_score"),
                                _covered(items, "latest_assessed"), _covered(items, "computed_score")))
    return tuple(groups)


def agency_summary(agency: AgencyInfo, lines: Iterable[IndicatorLine]) -> AgencySummary:
    return AgencySummary(agency, year_groups(ln for ln in lines if ln.agency.code == agency.code))


def site_index(lines: list[IndicatorLine], agencies: Iterable[AgencyInfo]) -> SiteIndex:
    return SiteIndex(year_groups(lines), tuple(agency_summary(a, lines) for a in agencies))
