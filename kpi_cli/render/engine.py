"""Reports: the typed report context, one Jinja environment factory with the Thai filters,
and the PDF step.

Templates never see raw YAML: :func:`indicator_report`, :func:`agency_summary` and
:func:`site_index` turn the validated model into small frozen dataclasses, and the templates
format them with the filters below. Nothing here prints or exits; errors are
:class:`~kpi_cli.problems.KpiError` subclasses that the CLI turns into messages.

This module imports jinja2 at the top: only `kpi render` imports it, never `kpi validate`.
WeasyPrint is imported inside :func:`pdf_bytes` only.

Templates are looked up by name in, first to last: the ``--templates`` folder, the repository's
own ``templates/`` folder (beside ``indicators/``), and the shipped ``kpi_cli/templates``. All of
them run in Jinja's sandbox with autoescape (HTML) and StrictUndefined.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from kpi_cli.core.i18n import N_, _
from kpi_cli.core.model import LABELS_INNOVATION, LABELS_LEVEL, LABELS_TYPE, Indicator
from kpi_cli.core.problems import KpiError
from kpi_cli.core.stages import STAGES
from kpi_cli.render.textgrid import display_width
from kpi_cli.core.thai import fiscal_year_label, format_number, format_plain, quarter_bounds, thai_date, thai_date_range, to_thai_digits

SHIPPED_TEMPLATES = Path(__file__).parent.parent / "templates"
FORMATS = ("txt", "md", "html", "pdf")
SITE_FORMATS = ("html", "md")
PDF_FONT = "Laksaman"
_EXT = {"txt": "txt", "md": "md", "html": "html", "pdf": "html"}  # pdf is HTML through WeasyPrint
QUARTERS = (1, 2, 3, 4)
SITE_TITLE = "ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง"  # the footer of the BMA pages


# --- errors -------------------------------------------------------------------------

class RenderError(KpiError):
    """A report could not be made; `fix` says what to do."""

    def __init__(self, message: str, fix: str | None = None, exit_code: int = 1):
        super().__init__(message)
        self.fix = fix
        self.exit_code = exit_code

    def __reduce__(self):  # raised in a worker process of `kpi render --all`: keep the fix
        return type(self), (str(self), self.fix, self.exit_code)


class OutsideSite(RenderError):
    """A page of the site would land outside the folder of the site: nothing is written there."""


class PdfUnavailable(RenderError):
    """WeasyPrint or the Thai font is missing: no PDF rather than one with boxes for Thai."""


def _template_error(exc: jinja2.TemplateError, name: str) -> RenderError:
    where = getattr(exc, "filename", None) or getattr(exc, "name", None) or name
    line = getattr(exc, "lineno", None)
    at = f"{where}:{line}" if line else str(where)
    if isinstance(exc, jinja2.TemplateNotFound):
        return RenderError(_("no template '{name}'").format(name=exc.name),
                           fix=_("name a template of the shipped set (see docs/reports.md) or put it in "
                                 "--templates DIR"))
    if isinstance(exc, jinja2.UndefinedError):
        return RenderError(f"{at}: {exc.message}",
                           fix=_("use only the fields of the report context listed in docs/reports.md"))
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return RenderError(_("{at}: template syntax error: {error}").format(at=at, error=exc.message),
                           fix=_("correct the template"))
    from jinja2.sandbox import SecurityError

    if isinstance(exc, SecurityError):
        return RenderError(_("{at}: not allowed in a template: {error}").format(at=at, error=exc),
                           fix=_("templates run in a sandbox: use the report context, not Python internals"))
    return RenderError(f"{at}: {exc}", fix=_("correct the template"))


# --- values the templates format ----------------------------------------------------

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
    assessed: float | None      # ผลประเมินตัวชี้วัด, the official score
    sub_scores: tuple           # the page's "2.1 / 2.2" figures
    audited: bool               # สยป. ตรวจประเมินตัวชี้วัด
    report: str                 # รายงานผลฯ ไตรมาสที่ N
    difference_reason: str | None
    computed: Computed | None

    @property
    def not_assessed(self) -> bool:
        """'0 / 0' (or no figures at all): the quarter was not assessed (yet)."""
        if self.assessed is None:
            return True
        subs = self.sub_scores
        return not self.assessed and len(subs) == 2 and not subs[0] and not subs[1]


@dataclass(frozen=True)
class StageRow:
    number: int
    name: str
    form: str
    completed: dt.date | None
    evidence: tuple[str, ...]
    note: str | None


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
    reason: str


@dataclass(frozen=True)
class ChartBar:
    quarter: int
    performance: float | None
    target: float | None
    performance_ratio: float    # 0..1 of the chart's top
    target_ratio: float | None


@dataclass(frozen=True)
class Chart:
    """Quarterly performance against target: the figures, and the inline SVG for HTML and PDF."""

    unit: str
    top: float
    bars: tuple[ChartBar, ...]
    svg: Markup

    @property
    def has_data(self) -> bool:
        return any(b.performance is not None or b.target is not None for b in self.bars)


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

def _inferred_match(pattern: str, path: str) -> bool:
    """'quarters[*].target' matches 'quarters[2].target'; a pattern also covers what is under it."""
    regex = re.escape(pattern).replace(r"\[\*\]", r"\[\d+\]")
    return re.fullmatch(regex + r"(?:[.\[].*)?", path) is not None


def _is_inferred(ind: Indicator, path: str) -> bool:
    return any(_inferred_match(p, path) for p in ind.inferred)


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
                                 and _is_inferred(ind, f"quarters[{index}].target")),
            assessed=q.assessed if q else None,
            sub_scores=tuple(q.sub_scores or ()) if q else (),
            audited=bool(q and q.audited),
            report=q.report if q else "",
            difference_reason=q.difference_reason if q else None,
            computed=computed.get(n),
        ))
    return tuple(rows)


_DECISION = {"approved": "อนุมัติ", "rejected": "ไม่อนุมัติ", "pending": "รอพิจารณา"}
_OUTCOME = {"accepted": "รับอุทธรณ์", "rejected": "ไม่รับอุทธรณ์", "pending": "รอพิจารณา"}
_AMENDMENT = {"appeal": "อุทธรณ์", "amendment": "แก้ไขเกณฑ์"}


def _project(ind: Indicator) -> tuple[Project | None, tuple[StageRow, ...]]:
    inn = ind.innovation
    if inn is None:
        return None, ()
    done = {e.stage: e for e in inn.stages}
    stages = tuple(
        StageRow(s.number, s.name_th, s.form, done[s.number].completed if s.number in done else None,
                 tuple(done[s.number].evidence) if s.number in done else (),
                 done[s.number].note if s.number in done else None)
        for s in STAGES)
    p = inn.proposal
    if p is None:
        return None, stages
    selected = next((i.title for i in inn.ideas if i.id == inn.selected_idea), None)
    d = inn.decision
    project = Project(
        title=p.title, kind=LABELS_INNOVATION[p.kind.value], objective=p.objective, target=p.target,
        submitted=p.submitted, submitted_to=p.submitted_to,
        decision=_DECISION[d.result] if d else None, decided_by=d.by if d else None,
        ideas=inn.ideas_reported if inn.ideas_reported is not None else len(inn.ideas),
        selected=selected)
    return project, stages


def _chart(rows: tuple[QuarterRow, ...], unit: str) -> Chart:
    values = [v for r in rows for v in (r.performance, r.target) if v is not None]
    top = nice_ceiling(max(values, default=0))
    bars = tuple(ChartBar(r.quarter, r.performance, r.target,
                          _ratio(r.performance, top) or 0.0, _ratio(r.target, top)) for r in rows)
    chart = Chart(unit, top, bars, Markup(""))
    if not chart.has_data:
        return chart
    return Chart(unit, top, bars, chart_svg(chart))


def _ratio(value: float | None, top: float) -> float | None:
    if value is None:
        return None
    return max(0.0, min(1.0, value / top)) if top else 0.0


def nice_ceiling(value: float) -> float:
    """The chart's top: 87 -> 100, 2700 -> 3000, 0 -> 1."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop ends at 10


def _latest_assessed(rows: Iterable[QuarterRow]) -> QuarterRow | None:
    assessed = [r for r in rows if r.assessed is not None and not r.not_assessed]
    return assessed[-1] if assessed else None


def indicator_report(ind: Indicator, catalogues, *, source: str = "", output: Output | None = None,
                     computed: tuple[dict[int, Computed], float | None] | None = None) -> IndicatorReport:
    """The report context of one indicator: the official figures, and computed scores beside them."""
    computed_rows, computed_score = computed if computed is not None else _computed_scores(ind, catalogues)
    agency = agency_info(ind.agency, catalogues, output)
    rows = _quarter_rows(ind, computed_rows)
    prefix = f"{ind.sequence}/{agency.abbr}" if ind.sequence is not None else agency.abbr
    project, stages = _project(ind)
    href = output.href(indicator_path(ind.fiscal_year, ind.code, output.ext)) if output else None
    return IndicatorReport(
        code=ind.code, fiscal_year=ind.fiscal_year, sequence=ind.sequence, title=ind.title,
        heading=f"{prefix}{ind.title} : {ind.code}", example=ind.example, agency=agency,
        type_label=LABELS_TYPE[ind.type.value], level_label=LABELS_LEVEL[ind.level.value],
        target_value=ind.target.value, unit=ind.target.unit, achieved=ind.achieved,
        weight=ind.weight.percent if ind.weight else None,
        weight_inferred=bool(ind.weight) and _is_inferred(ind, "weight"),
        quarters=rows, audited=tuple(r for r in rows if r.audited),
        targets_inferred=any(r.target_inferred for r in rows),
        has_computed=bool(computed_rows), computed_score=computed_score,
        summary=ind.summary, definition=ind.definition.text if ind.definition else "",
        method=ind.method, data_collection=ind.data_collection,
        strategies=strategy_lines(ind.strategies, catalogues), projects=tuple(ind.projects),
        project=project, stages=stages,
        amendments=tuple(
            AmendmentRow(_AMENDMENT[a.kind], a.letter, a.date, a.urgency, a.grounds, a.request,
                         _OUTCOME[a.outcome], a.decided, tuple(a.decision_letters), tuple(a.conditions),
                         a.criteria_before, a.criteria_after, a.effective)
            for a in ind.amendments),
        timeline=tuple(EventRow(e.date, e.end, e.quarter, e.event, tuple(e.refs)) for e in ind.timeline),
        inferred=tuple(Inferred(Verbatim(k), v) for k, v in ind.inferred.items()),
        chart=_chart(rows, ind.target.unit), source=source, href=href,
    )


def indicator_line(report: IndicatorReport) -> IndicatorLine:
    latest = _latest_assessed(report.quarters)
    return IndicatorLine(
        code=report.code, fiscal_year=report.fiscal_year, sequence=report.sequence, title=report.title,
        example=report.example, agency=report.agency, target_value=report.target_value, unit=report.unit,
        achieved=report.achieved, weight=report.weight,
        latest_quarter=latest.quarter if latest else None, latest_assessed=latest.assessed if latest else None,
        computed_score=report.computed_score, href=report.href)


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
                                _weighted(items, "latest_assessed"), _weighted(items, "computed_score")))
    return tuple(groups)


def agency_summary(agency: AgencyInfo, lines: Iterable[IndicatorLine]) -> AgencySummary:
    return AgencySummary(agency, year_groups(ln for ln in lines if ln.agency.code == agency.code))


def site_index(lines: list[IndicatorLine], agencies: Iterable[AgencyInfo]) -> SiteIndex:
    return SiteIndex(year_groups(lines), tuple(agency_summary(a, lines) for a in agencies))


def indicator_path(fiscal_year: int, code: str, ext: str) -> str:
    return f"{fiscal_year}/{code}.{ext}"


# --- the chart ----------------------------------------------------------------------

_CHART_W, _CHART_H = 360, 210
_PLOT = (46, 22, 350, 176)  # left, top, right, bottom of the plot area


def chart_svg(chart: Chart) -> Markup:
    """Inline SVG: bars of performance, a marker and a dashed line for the targets. No script.

    The SVG holds figures and 'ไตรมาส N' only; words with Thai marks (the legend, the unit) go in
    the HTML around it, because WeasyPrint sets SVG text glyph by glyph and would not stack
    the marks (เป้าหมาย would print with a dotted circle)."""
    left, top, right, bottom = _PLOT
    slot = (right - left) / len(chart.bars)

    def y(ratio: float) -> str:
        return f"{bottom - (bottom - top) * ratio:.1f}"

    unit = escape(chart.unit)
    desc = "; ".join(
        f"ไตรมาสที่ {b.quarter}: ผลงาน {format_number(b.performance)}"
        + (f" เป้าหมาย {format_plain(b.target)}" if b.target is not None else "") for b in chart.bars)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_CHART_W} {_CHART_H}" '
        f'role="img" aria-labelledby="chart-title chart-desc" font-family="{PDF_FONT}, sans-serif" font-size="13">',
        f'<title id="chart-title">ผลงานเทียบกับเป้าหมายรายไตรมาส ({unit})</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
    ]
    for i in range(5):
        ratio = i / 4
        yy = y(ratio)
        out.append(f'<line x1="{left}" y1="{yy}" x2="{right}" y2="{yy}" stroke="#d0d7de" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{float(yy) + 4:.1f}" text-anchor="end" fill="#555">'
                   f'{escape(format_plain(_round(chart.top * ratio)))}</text>')
    targets = []
    for n, b in enumerate(chart.bars):
        x0 = left + slot * n
        cx = x0 + slot / 2
        if b.performance is not None:
            h = (bottom - top) * b.performance_ratio
            out.append(f'<rect class="bar" x="{x0 + slot * 0.22:.1f}" y="{bottom - h:.1f}" width="{slot * 0.56:.1f}" '
                       f'height="{h:.1f}" fill="#2f6db5"/>')
            out.append(f'<text x="{cx:.1f}" y="{bottom - h - 5:.1f}" text-anchor="middle" font-weight="bold">'
                       f'{escape(format_number(b.performance))}</text>')
        if b.target_ratio is not None:
            ty = y(b.target_ratio)
            targets.append(f"{cx:.1f},{ty}")
            out.append(f'<line class="target" x1="{x0 + slot * 0.12:.1f}" y1="{ty}" x2="{x0 + slot * 0.88:.1f}" '
                       f'y2="{ty}" stroke="#c0392b" stroke-width="3"/>')
        out.append(f'<text x="{cx:.1f}" y="{bottom + 20}" text-anchor="middle">ไตรมาส {b.quarter}</text>')
    if len(targets) > 1:
        out.append(f'<polyline points="{" ".join(targets)}" fill="none" stroke="#c0392b" stroke-width="1.5" '
                   f'stroke-dasharray="4 3"/>')
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333" stroke-width="1"/>')
    out.append("</svg>")
    return Markup("".join(out))


def _round(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


# --- filters ------------------------------------------------------------------------

_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?\w+;)")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START = re.compile(r"^([ \t]*)(\d+)([.)])(?=\s)|^([ \t]*)([-+#=])", re.M)


def _digits_outside_markup(text: str) -> str:
    """Thai digits in the text of HTML, leaving tags, attributes and entities alone."""
    parts = _TAG_OR_ENTITY.split(text)
    return "".join(p if i % 2 else to_thai_digits(p) for i, p in enumerate(parts))


def md_escape(text: str) -> str:
    """Text as Markdown shows it literally: no emphasis, links, HTML or lists made by accident."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(
        lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}" if m.group(2) else f"{m.group(4)}\\{m.group(5)}", text)


def _finalize_for(fmt: str, thai_digits: bool) -> Callable[[object], object]:
    """What every {{ … }} goes through: None as '-', Markdown escaping, Thai digits throughout.

    Markdown templates run with autoescape on, so that what macros and filters return (Markup)
    is not escaped twice; here plain values are escaped for Markdown instead of for HTML.
    """
    markdown = fmt == "md"

    def finalize(value):
        if isinstance(value, Verbatim):
            return Markup(value) if markdown else value
        if isinstance(value, Markup):
            return Markup(_digits_outside_markup(str(value))) if thai_digits else value
        text = "-" if value is None else str(value)
        if markdown:
            text = md_escape(text)
        if thai_digits:
            text = to_thai_digits(text)
        return Markup(text) if markdown else text

    return finalize


def _pad(value: object, width: int, align: str = "left") -> str:
    text = "-" if value is None else str(value)
    fill = " " * max(0, width - display_width(text))
    return fill + text if align == "right" else text + fill


def _text_bar(ratio: float | None, mark: float | None = None, width: int = 20) -> str:
    """'██████░░░░│░░░': performance filled, the target marked with │."""
    filled = round((ratio or 0) * width)
    cells = ["█"] * filled + ["░"] * (width - filled)
    if mark is not None:
        at = min(width - 1, max(0, round(mark * width) - 1))
        cells[at] = "┃" if at >= filled else "╂"
    return "".join(cells)


def _cell_lines(cell) -> list[str]:
    return [""] if cell is None else str(cell).split("\n")


def text_table(rows: list[list], align: str = "", header: int = 1) -> str:
    """Rows as aligned text columns for the terminal. A cell may hold several lines ("a\nb");
    None in a header row continues the cell to its left across that column."""
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    rows = [list(r) + [""] * (ncols - len(r)) for r in rows]
    width = [0] * ncols
    spans = []  # (first column, last column, text width)
    for i, row in enumerate(rows):
        c = 0
        while c < ncols:
            end = c
            while i < header and end + 1 < ncols and row[end + 1] is None:
                end += 1
            need = max(display_width(line) for line in _cell_lines(row[c]))
            if end == c:
                width[c] = max(width[c], need)
            else:
                spans.append((c, end, need))
            c = end + 1
    for first, last, need in spans:
        have = sum(width[first:last + 1]) + 2 * (last - first)
        width[last] += max(0, need - have)
    out = []
    for i, row in enumerate(rows):
        cells, c = [], 0
        while c < ncols:
            end = c
            while i < header and end + 1 < ncols and row[end + 1] is None:
                end += 1
            w = sum(width[c:end + 1]) + 2 * (end - c)
            cells.append((_cell_lines(row[c]), w, "right" if i >= header and align[c:c + 1] == "r" else "left"))
            c = end + 1
        for k in range(max(len(lines) for lines, _width, _align in cells)):
            line = "  ".join(_pad(lines[k] if k < len(lines) else "", w, a) for lines, w, a in cells)
            out.append(line.rstrip())
        if i == header - 1:
            out.append("  ".join("─" * w for w in width))
    return "\n".join(out)


def md_table(rows: list[list], align: str = "", header: int = 1) -> Markup:
    """Rows as a Markdown table: the header rows joined into one, cells escaped (Markup cells,
    such as links, are kept as they are)."""
    if not rows:
        return Markup("")
    ncols = max(len(r) for r in rows)

    def cell(value) -> str:
        if isinstance(value, Markup):
            return str(value).replace("\n", " ")
        return md_escape("" if value is None else str(value).replace("\n", " "))

    head = [" ".join(cell(r[c]) for r in rows[:header] if c < len(r) and r[c]).strip() for c in range(ncols)]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---:" if align[c:c + 1] == "r" else "---" for c in range(ncols)) + "|"]
    for r in rows[header:]:
        lines.append("| " + " | ".join(cell(r[c]) if c < len(r) else "" for c in range(ncols)) + " |")
    return Markup("\n".join(lines))


def _paragraphs(text: str | None) -> Markup:
    """Text as HTML paragraphs: a blank line between paragraphs, <br> for a single line break."""
    if not text or not text.strip():
        return Markup("<p>-</p>")
    paras = re.split(r"\n\s*\n", text.strip())
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in p.splitlines())) for p in paras)


def _or_dash(text: str | None) -> str:
    return text if text and text.strip() else "-"


def _scores(values: Iterable) -> str:
    """The page's '2.1 / 2.2' column: '100 / 100', '0 / 0'."""
    values = list(values)
    return " / ".join(format_plain(v) for v in values) if values else "-"


def _score(value: float | None) -> str:
    """A score as the page writes one, to two decimals at most: 100, 95, 99.77."""
    return format_plain(None if value is None else round(value, 2))


def _date(day: dt.date | None, abbr: bool = False) -> str:
    return thai_date(day, abbr=abbr) if day else "-"


def _date_span(first: dt.date | None, last: dt.date | None = None) -> str:
    if first is None:
        return "-"
    return thai_date_range(first, last) if last and last != first else thai_date(first)


FILTERS: dict[str, Callable] = {
    "thai_date": _date,                               # 2021-04-15 -> 15 เมษายน 2564
    "date_range": _date_span,                         # 1 เมษายน 2564 – 9 เมษายน 2564
    "thai_digits": to_thai_digits,                    # 7.5.1.1 -> ๗.๕.๑.๑
    "number": format_number,                          # 30 -> 30.00
    "plain": format_plain,                            # 100.0 -> 100
    "score": _score,                                  # 99.76842 -> 99.77, 100.0 -> 100
    "scores": _scores,                                # [100, 100] -> 100 / 100
    "fiscal_year": fiscal_year_label,                 # 2564 -> ปีงบประมาณ พ.ศ. 2564
    "quarter_range": lambda fy, q: thai_date_range(*quarter_bounds(fy, q)),
    "strategy_code": to_thai_digits,
    "paragraphs": _paragraphs,                        # HTML only
    "or_dash": _or_dash,
    "pad": _pad,                                      # text tables: pad to terminal columns
    "width": display_width,                           # terminal columns of a text
    "bar": _text_bar,                                 # text chart
    "md": md_escape,
    "text_table": text_table,                         # txt
    "md_table": md_table,                             # md
}


# --- the environment ----------------------------------------------------------------

class _FolderLoader(jinja2.BaseLoader):
    """Templates by name from folders, first match wins. A name never leads outside its folder:
    '..' is refused, and so is a link that points elsewhere."""

    def __init__(self, folders: list[Path]):
        self.folders = folders

    def get_source(self, environment, template):
        pieces = split_template_path(template)  # TemplateNotFound for '..' and path separators
        for folder in self.folders:
            root = folder.resolve()
            path = root.joinpath(*pieces)
            if not path.is_file():
                continue
            real = path.resolve()
            if not real.is_relative_to(root):
                continue
            mtime = real.stat().st_mtime
            return real.read_text(encoding="utf-8"), str(real), lambda: real.stat().st_mtime == mtime
        raise jinja2.TemplateNotFound(template)

    def list_templates(self):
        names = set()
        for folder in self.folders:
            if folder.is_dir():
                names.update(p.name for p in folder.iterdir() if p.is_file())
        return sorted(names)


def template_folders(templates: Path | None = None, repo_templates: Path | None = None) -> list[Path]:
    """Where templates are looked up, first to last, without repeats (this checkout's templates/
    is the shipped folder itself)."""
    if templates is not None and not templates.is_dir():
        raise RenderError(_("--templates {folder}: no such folder").format(folder=templates),
                          fix=_("name a folder of templates"), exit_code=2)
    folders: list[Path] = []
    for folder in (templates, repo_templates, SHIPPED_TEMPLATES):
        if folder is not None and folder.is_dir() and all(folder.resolve() != f.resolve() for f in folders):
            folders.append(folder)
    return folders


def make_environment(fmt: str = "html", *, templates: Path | None = None, repo_templates: Path | None = None,
                     thai_digits: bool = False) -> SandboxedEnvironment:
    """The one Jinja environment of kpi: sandboxed, StrictUndefined, autoescape for HTML, the
    Thai filters, and Thai digits throughout when asked."""
    if fmt not in FORMATS:
        raise RenderError(_("unknown format '{format}'").format(format=fmt),
                          fix=_("use one of {formats}").format(formats=", ".join(FORMATS)), exit_code=2)
    env = SandboxedEnvironment(
        loader=_FolderLoader(template_folders(templates, repo_templates)),
        autoescape=fmt != "txt",  # Markdown: see _finalize_for
        undefined=jinja2.StrictUndefined,
        finalize=_finalize_for(fmt, thai_digits),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    # `dash`: the page's "-" for an empty section, as a value so that Markdown escapes it
    env.globals.update(quarters=QUARTERS, site_title=SITE_TITLE, pdf_font=PDF_FONT, dash="-")
    return env


def template_name(kind: str, fmt: str) -> str:
    """'indicator', 'html' -> 'indicator.html'; PDF uses the HTML templates."""
    return f"{kind}.{_EXT[fmt]}"


_TEMPLATE_SUFFIXES = (".html", ".md", ".txt", ".j2", ".css")


def render_template(env: SandboxedEnvironment, name: str, **context) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        raise _template_error(exc, name) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        # a filter given the wrong kind of value: point at the template line, not at Python
        import traceback

        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(_TEMPLATE_SUFFIXES)]
        at = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else name
        raise RenderError(f"{at}: {type(exc).__name__}: {exc}",
                          fix=_("check the values given to filters there (docs/reports.md lists them)")) from None


def repo_templates_for(indicators_dir: Path | None) -> Path | None:
    """The repository's own templates/ folder, beside indicators/."""
    if indicators_dir is None:
        return None
    folder = indicators_dir.resolve().parent / "templates"
    return folder if folder.is_dir() else None


def source_name(path: Path, indicators_dir: Path | None) -> str:
    """indicators/2564/0406-0772.yaml: the file as seen from the repository, stable across machines."""
    if indicators_dir is not None:
        try:
            real = Path(_real(str(path.parent))) / path.name if not os.path.islink(path) else path.resolve()
            return Path(indicators_dir.name, real.relative_to(_real(str(indicators_dir)))).as_posix()
        except ValueError:
            pass
    return path.name


# --- one report ---------------------------------------------------------------------

@dataclass
class Renderer:
    """Renders reports in one format with one set of templates."""

    fmt: str = "txt"
    thai_digits: bool = False
    templates: Path | None = None
    repo_templates: Path | None = None

    def __post_init__(self):
        _REAL.clear()  # one command, one Renderer: folders are resolved afresh
        self.env = make_environment(self.fmt, templates=self.templates, repo_templates=self.repo_templates,
                                    thai_digits=self.thai_digits)

    def fingerprint(self) -> str:
        """What a page depends on besides its indicator: the format, the digits, and every
        template file that could be used (its name and content)."""
        import hashlib

        h = hashlib.sha256(f"{self.fmt} {self.thai_digits}".encode())
        for folder in template_folders(self.templates, self.repo_templates):
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    h.update(f"{path.relative_to(folder)}\0".encode("utf-8", "surrogatepass"))
                    h.update(hashlib.sha256(path.read_bytes()).digest())
            h.update(b"\0")
        return h.hexdigest()

    def output(self, *, site: bool = False, depth: int = 0) -> Output:
        ext = "md" if self.fmt == "md" else "html"
        return Output(self.fmt, self.thai_digits, site, Href("../" * depth), ext)

    def render(self, kind: str, output: Output, **context) -> str:
        return render_template(self.env, template_name(kind, self.fmt), output=output, **context)

    def indicator(self, ind: Indicator, catalogues, *, source: str = "") -> str:
        out = self.output()
        return self.render("indicator", out, report=indicator_report(ind, catalogues, source=source, output=out))


# --- a whole site -------------------------------------------------------------------

@dataclass
class Page:
    path: str       # relative to the site root, with / separators
    text: str | None  # None once a worker has written it


def write_file(path: Path, data: bytes, display: str | None = None, keep_same: bool = False) -> None:
    """Write atomically (a reader never sees half a page), with the permissions of a plain open();
    a device or FIFO (-o /dev/stdout) is written in place. Raises fsutil.CannotWrite, not OSError."""
    from kpi_cli.io.atomic import write_bytes

    write_bytes(path, data, display=display, keep_same=keep_same)


_REAL: dict[str, str] = {}  # folder -> its real path, for the pages of one site


def _real(folder: str) -> str:
    """The real path of `folder`, remembered (by its absolute path) for the rest of one site or
    page: every Renderer and every site starts afresh."""
    folder = os.path.abspath(folder)
    real = _REAL.get(folder)
    if real is None:
        real = os.path.realpath(folder)
        if os.path.isdir(real):  # remember folders that exist: the answer cannot change under us
            _REAL[folder] = real
    return real


def site_file(folder: Path, page: str) -> Path:
    """The file of the site's page `page` (a path relative to the site): inside `folder`, or OutsideSite."""
    path = folder / page
    try:
        if os.path.islink(path):
            resolved = path.resolve()
        else:  # a thousand pages share a few folders: resolve each folder once
            resolved = Path(_real(str(path.parent))) / path.name
        inside = resolved.is_relative_to(_real(str(folder)))
    except (OSError, RuntimeError):  # a loop of links
        inside = False
    if not inside or Path(page).is_absolute():
        raise OutsideSite(
            _("the page '{page}' would be written outside the site folder {folder}; nothing was written there").format(
                page=page, folder=folder),
            fix=_("codes are digits only: run `kpi validate` and correct the catalogues and files; no folder "
                  "inside {folder} may be a link to elsewhere").format(folder=folder))
    return path


def write_page(folder: Path, page: Page) -> None:
    """Write one page of the site into `folder`, never outside it; a page that has not changed
    since the last rendering is left as it was (its modification time too)."""
    write_file(site_file(folder, page.path), page.text.encode("utf-8"), keep_same=True)


def load_tree(root: Path, failures: list, progress=None) -> Iterator[tuple[Path, Indicator, object]]:
    """(path, model, catalogues) of every valid indicator under `root`; invalid files go to
    `failures` as (path, problems)."""
    from kpi_cli.check.checked import check, load_catalogues
    from kpi_cli.io.paths import display_path
    from kpi_cli.core.problems import Level
    from kpi_cli.check.rules import load_all

    load_all()
    catalogues, cat_problems = load_catalogues(root)
    if any(p.level is Level.error for p in cat_problems):
        failures.append((root, cat_problems))
    for path in _indicator_files(root):
        problems, _summary, model, _raw = check(path, catalogues, display_path(path), want_model=True)
        errors = [p for p in problems if p.level is Level.error]
        if errors or model is None:
            failures.append((path, sorted(problems)))
        else:
            yield path, model, catalogues
        if progress is not None:
            progress.advance()


def _indicator_files(root: Path) -> list[Path]:
    from kpi_cli.io.repo import indicator_files

    return indicator_files(root)


def count_pages(root: Path) -> int:
    return len(_indicator_files(root))


def tree_reports(root: Path, output: Output, failures: list, progress=None,
                 fiscal_year: int | None = None) -> Iterator[IndicatorReport]:
    """The report context of every valid indicator under `root` (of one fiscal year if given)."""
    for _path, report in _tree_reports(root, output, failures, progress, fiscal_year):
        yield report


def _tree_reports(root: Path, output: Output, failures: list, progress=None,
                  fiscal_year: int | None = None) -> Iterator[tuple[Path, IndicatorReport]]:
    """(file, report context) of every valid indicator under `root` (of one fiscal year if given)."""
    for path, model, catalogues in load_tree(root, failures, progress):
        if fiscal_year is None or model.fiscal_year == fiscal_year:
            yield path, indicator_report(model, catalogues, source=source_name(path, root), output=output)


AGENCY_CODE = re.compile(r"[0-9]{4}")  # ASCII digits only: an agency's code names its page


def tree_agencies(root: Path, lines: Iterable[IndicatorLine], output: Output) -> list[AgencyInfo]:
    """The catalogue's agencies, then any agency an indicator names that the catalogue lacks.

    Only agencies whose code is 4 ASCII digits: any other code is a catalogue error (reported by
    the loading of the tree) and must never become a file name (`../../x` would leave the site).
    """
    from kpi_cli.check.checked import load_catalogues

    catalogues, _problems = load_catalogues(root)
    codes = list(catalogues.agencies) if catalogues else []
    codes += sorted({ln.agency.code for ln in lines} - set(codes))
    return [agency_info(code, catalogues, output) for code in codes
            if isinstance(code, str) and AGENCY_CODE.fullmatch(code)]


PARALLEL_MIN = 200  # below this, starting worker processes costs more than it saves
PROBE = 32  # pages not in the cache in a row after which the parent hands the rest to workers
_WORKER: dict = {}


def _site_worker_init(renderer: Renderer, root: Path, folder: Path | None) -> None:
    import gc

    from kpi_cli.check.checked import load_catalogues
    from kpi_cli.check.rules import load_all

    from kpi_cli.check import cache

    gc.disable()  # short-lived worker: nothing it builds outlives a page
    cache.take_pending()  # the parent's entries are the parent's to write
    load_all()
    _WORKER.update(renderer=renderer, root=root, folder=folder, catalogues=load_catalogues(root)[0])


def _line_from_json(data: dict) -> IndicatorLine:
    agency = dict(data["agency"])
    agency["href"] = None if agency["href"] is None else Href(agency["href"])
    return IndicatorLine(**{**data, "agency": AgencyInfo(**agency),
                            "href": None if data["href"] is None else Href(data["href"])})


def _page_from_cache(path: Path, source: str):
    """A page rendered before from the same bytes, catalogues, templates and kpi (the cache of
    checked files keeps it with the file's row of the index): (page key, result or None, the
    file's bytes, read once for the checks too)."""
    from kpi_cli.check import cache
    from kpi_cli.io.source import read

    if not cache.active() or _WORKER["folder"] is None:
        return None, None, None
    raw, _early = read(path)
    if raw is None:
        return None, None, None
    cats = _WORKER["catalogues"]
    if cats is not None and not cats.key:  # catalogues that could not all be read: nothing kept
        return None, None, raw
    key = cache.key("page", raw, source, path.name, path.parent.name, cats.key if cats is not None else "-",
                    _WORKER["templates"])
    hit = cache.get(key, model=True)
    if hit is None or hit[1] is None:
        return key, None, raw
    from kpi_cli.io.atomic import CannotWrite

    try:
        head, body = hit
        line, fiscal_year = _line_from_json(head["line"]), int(head["fy"])
        ext = _WORKER["renderer"].output(site=True, depth=1).ext
        # the page a valid file gives is named by its code (its file's name) and fiscal year:
        # an entry that says otherwise is damaged, and a miss
        if line.code != path.stem or head["path"] != indicator_path(fiscal_year, line.code, ext):
            return key, None, raw
        page = Page(head["path"], None)
        write_file(site_file(_WORKER["folder"], page.path), body, keep_same=True)
        return key, ("ok", page, line, fiscal_year), raw
    except (KeyError, TypeError, ValueError, AttributeError, RenderError, CannotWrite):
        return key, None, raw


def _site_worker(path: Path):
    """One indicator page, built in a worker: ('ok', page, line) or ('fail', path, problems)."""
    from kpi_cli.check import cache
    from kpi_cli.check.checked import check
    from kpi_cli.io.paths import display_path
    from kpi_cli.core.problems import Level

    renderer, root = _WORKER["renderer"], _WORKER["root"]
    source = source_name(path, root)
    page_key, done, raw = _page_from_cache(path, source)
    if done is not None:
        return (*done, cache.take_pending())
    problems, _summary, model, _raw = check(path, _WORKER["catalogues"], display_path(path), want_model=True,
                                            raw=raw)
    if model is None or any(p.level is Level.error for p in problems):
        return "fail", path, sorted(problems), cache.take_pending()
    deep = renderer.output(site=True, depth=1)
    report = indicator_report(model, _WORKER["catalogues"], source=source, output=deep)
    page = Page(indicator_path(report.fiscal_year, report.code, deep.ext), renderer.render("indicator", deep, report=report))
    line = indicator_line(report)
    if _WORKER["folder"] is not None:  # write it here: the text need not travel back
        data = page.text.encode("utf-8")
        write_file(site_file(_WORKER["folder"], page.path), data, keep_same=True)
        if page_key is not None:
            from dataclasses import asdict

            cache.put(page_key, {"path": page.path, "fy": report.fiscal_year, "line": asdict(line)}, data)
        page = Page(page.path, None)
    return "ok", page, line, report.fiscal_year, cache.take_pending()


def _indicator_pages(renderer: Renderer, root: Path, failures: list, progress, fiscal_year: int | None,
                     folder: Path | None):
    """(page, line) of every valid indicator: on every core for large trees."""
    import sys

    files = _indicator_files(root)
    # workers inherit the renderer by fork; elsewhere (spawn) one process does it all
    if len(files) < PARALLEL_MIN or (os.cpu_count() or 1) < 2 or sys.platform != "linux":
        deep = renderer.output(site=True, depth=1)
        done = [(path, ("ok", Page(indicator_path(report.fiscal_year, report.code, deep.ext),
                                   renderer.render("indicator", deep, report=report)),
                        indicator_line(report), report.fiscal_year))
                for path, report in _tree_reports(root, deep, failures, progress)]
        yield from _one_file_per_page(done, failures, folder, fiscal_year)
        return
    import multiprocessing

    from kpi_cli.check import cache
    from kpi_cli.core.problems import Level
    from kpi_cli.check.checked import load_catalogues

    _catalogues, cat_problems = load_catalogues(root)
    if any(p.level is Level.error for p in cat_problems):
        failures.append((root, cat_problems))
    for kind in ("indicator", "agency", "index"):  # compiled once, here, rather than in every worker
        renderer.env.get_template(template_name(kind, renderer.fmt))
    cache.flush()  # what this process learned so far is written now, not inherited by the workers
    _WORKER.update(renderer=renderer, root=root, folder=folder, catalogues=_catalogues,
                   templates=renderer.fingerprint())  # inherited by the workers
    results: list = [None] * len(files)
    # pages the cache has cost less than handing them to a worker: copy those here, until PROBE
    # files in a row are not in it (a first rendering: the workers do it all)
    todo, misses = [], 0
    for i, path in enumerate(files):
        if misses >= PROBE:
            todo.append(i)
            continue
        _key, done, _raw = _page_from_cache(path, source_name(path, root))
        if done is None:
            todo.append(i)
            misses += 1
        else:
            results[i], misses = done, 0
            if progress is not None:
                progress.advance()
    if len(todo) < PARALLEL_MIN:
        import gc

        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for i in todo:
                result = _site_worker(files[i])
                cache.add_pending(result[-1])
                results[i] = result[:-1]
                if progress is not None:
                    progress.advance()
        finally:
            if was_enabled:
                gc.enable()
    else:
        ctx = multiprocessing.get_context("fork")
        jobs = min(os.cpu_count() or 1, 8)
        with ctx.Pool(jobs, initializer=_site_worker_init, initargs=(renderer, root, folder)) as pool:
            chunks = max(1, min(32, len(todo) // (jobs * 8)))
            for i, result in zip(todo, pool.imap(_site_worker, [files[i] for i in todo], chunksize=chunks)):
                cache.add_pending(result[-1])  # the workers' cache entries, written by this process
                results[i] = result[:-1]
                if progress is not None:
                    progress.advance()
    for result in results:
        if result[0] == "fail":
            failures.append(result[1:3])
    yield from _one_file_per_page([(path, r) for path, r in zip(files, results) if r[0] == "ok"],
                                  failures, folder, fiscal_year)


def _one_file_per_page(done: list, failures: list, folder: Path | None, fiscal_year: int | None):
    """(page, line) of each rendered file, in the files' order; files that give the same page (one
    code twice in a year: `kpi validate` says code-unique) are failures, and their page is not
    left in the site, whichever of them was written last."""
    from kpi_cli.io.paths import display_path
    from kpi_cli.core.problems import Level, Problem

    by_page: dict[str, list] = {}
    for path, result in done:
        by_page.setdefault(result[1].path, []).append(path)
    for path, result in done:
        page, line, year = result[1], result[2], result[3]
        claim = by_page[page.path]
        if len(claim) > 1:
            others = ", ".join(display_path(p) for p in claim if p != path)
            failures.append((path, [Problem(
                display_path(path), 1, 1, "code-unique", Level.error,
                _("{path} and {others} give the same page {page}: neither is rendered").format(
                    path=display_path(path), others=others, page=page.path),
                _("each indicator has one file per year; merge them or correct the code"))]))
            if folder is not None and path == claim[-1]:
                (folder / page.path).unlink(missing_ok=True)
            continue
        if fiscal_year is None or year == fiscal_year:
            yield page, line


def site_pages(renderer: Renderer, root: Path, failures: list, progress=None,
               fiscal_year: int | None = None, folder: Path | None = None) -> Iterator[Page]:
    """The static site of the tree: one page per indicator, one per agency, and the index.

    Pages use relative links only and no external assets, so the site works from file://.
    With `folder`, worker processes write their pages there themselves (their `text` is None).
    """
    _REAL.clear()  # folders are resolved afresh for every site
    deep = renderer.output(site=True, depth=1)
    ext = deep.ext
    lines: list[IndicatorLine] = []
    for page, line in _indicator_pages(renderer, root, failures, progress, fiscal_year, folder):
        lines.append(line)
        yield page
    templates = renderer.fingerprint() if len(lines) >= PARALLEL_MIN else None
    for agency in tree_agencies(root, lines, deep):
        yield _summary_page(renderer, templates, f"agency/{agency.code}.{ext}", "agency", deep,
                            agency=agency_summary(agency, lines))
    top = renderer.output(site=True, depth=0)
    top_lines = [_rebase(ln, top) for ln in lines]
    yield _summary_page(renderer, templates, f"index.{ext}", "index", top,
                        index=site_index(top_lines, tree_agencies(root, lines, top)))


def _summary_page(renderer: Renderer, templates: str | None, path: str, kind: str, output: Output,
                  **context) -> Page:
    """An agency page or the index, from the cache of checked files when the same rows were
    rendered with the same templates before (large sites only: `templates` is their fingerprint)."""
    from kpi_cli.check import cache

    key = None
    if templates is not None and cache.active():
        # the rows as their reprs: every field of every (frozen) dataclass, floats exactly
        rows = repr((output, sorted(context.items()))).encode("utf-8", "surrogatepass")
        key = cache.key("site-page", rows, kind, path, templates)
        hit = cache.get(key, model=True)
        if hit is not None and hit[1] is not None:
            try:
                return Page(path, hit[1].decode("utf-8"))
            except UnicodeDecodeError:
                pass
    text = renderer.render(kind, output, **context)
    if key is not None:
        cache.put(key, {"path": path}, text.encode("utf-8"))
    return Page(path, text)


def _rebase(line: IndicatorLine, output: Output) -> IndicatorLine:
    """The same row with links as seen from `output`'s page."""
    from dataclasses import replace

    return replace(line, href=output.href(indicator_path(line.fiscal_year, line.code, output.ext)),
                   agency=replace(line.agency, href=output.href(f"agency/{line.agency.code}.{output.ext}")))


# --- PDF ----------------------------------------------------------------------------

# what to install, translated where shown (the commands stay as they are)
PDF_INSTALL = N_("pip install 'kpi-cli[pdf]'  (or: pip install weasyprint)")
FONT_INSTALL = N_("sudo apt-get install fonts-tlwg-laksaman  (Debian/Ubuntu; the TLWG Laksaman font)")
PANGO_INSTALL = N_("sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  "
                   "(Debian/Ubuntu; the libraries WeasyPrint draws with)")


def _font_installed(family: str) -> bool | None:
    """Whether fontconfig knows `family`; None when fc-list is not there to ask."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        found = subprocess.run([fc_list, family, "family"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return any(family.lower() in line.lower() for line in found.stdout.splitlines())


def check_pdf_ready() -> None:
    """Raise PdfUnavailable, with what to install, when WeasyPrint or the Thai font is missing."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        raise PdfUnavailable(_("PDF output needs WeasyPrint, which is not installed"), fix=_(PDF_INSTALL)) from None
    except OSError as exc:  # WeasyPrint is there but Pango is not
        raise PdfUnavailable(_("WeasyPrint cannot start: {error}").format(error=exc),
                             fix=_(PANGO_INSTALL)) from None
    if _font_installed(PDF_FONT) is False:
        raise PdfUnavailable(_("the Thai font {font} is not installed: the PDF would show boxes for Thai").format(
            font=PDF_FONT), fix=_(FONT_INSTALL))


def pdf_bytes(html: str, base_url: str | None = None) -> bytes:
    """The HTML report as an A4 PDF. Refuses (PdfUnavailable) rather than write Thai as boxes."""
    check_pdf_ready()
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=base_url or os.getcwd()).render()
    data = document.write_pdf()
    fonts = list(document.fonts.values())
    missing = sorted({chr(c) for f in fonts for c in (f.missing or ())})
    if missing:
        raise PdfUnavailable(
            _("no font has glyphs for {characters}: the PDF would show boxes, so none was written").format(
                characters=repr("".join(missing[:20]))), fix=_(FONT_INSTALL))
    if any("\u0e00" <= ch <= "\u0e7f" for ch in html) and not any(f.family == PDF_FONT for f in fonts):
        used = ", ".join(sorted({str(f.family) for f in fonts})) or _("none")
        raise PdfUnavailable(_("the Thai text was not set in {font} (fonts used: {fonts})").format(
            font=PDF_FONT, fonts=used), fix=_(FONT_INSTALL))
    return data
