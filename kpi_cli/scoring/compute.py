"""Quarterly scores: pure functions of (indicator, quarter).

Each indicator file declares its scoring rule (``scoring:``); an accepted appeal may replace it
from its ``effective`` date (``amendments[].scoring``). For every quarter 1..Q this module computes

- the *computed performance*, from the records where it can be derived: stage points from the
  stage events done by the quarter's end, ``counts.done / counts.total × 100``, the sum of a
  composite's parts;
- the *score* (0-100) of that performance (or the reported one, when nothing can be derived)
  against the quarter's target, by the rule in force at the quarter's end;

and sets them beside the official figures (assessed score, 2.1 / 2.2 sub-scores), saying where
they differ and why. How a rule computes its performance and score belongs to its method (the rule
model of kpi_cli/scoring/<method>.py); this module finds the rule in force and compares. Nothing
here reads files, prints or exits; see docs/scoring.md for the rules, their formulas and the JSON
shape of ``to_dict()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from kpi_cli.core.assessment import NOT_ASSESSED, SKIPPED, UNKNOWN, Assessment, assessment_of, audited
from kpi_cli.core.figures import json_pair, shown
from kpi_cli.core.i18n import _
from kpi_cli.core.model import Amendment, Indicator, Quarter
from kpi_cli.core.thai import fiscal_position, format_number, quarter_bounds
from kpi_cli.scoring.formulas import (  # noqa: F401  (the formulas, for callers of this module)
    PRECISION, SCORE_MAX, level_of, level_score, ratio_score, rounded as _r, stage_points)
from kpi_cli.scoring.json_version import JSON_VERSION
from kpi_cli.scoring.method import PartScore, QuarterFacts

TOLERANCE = 0.005  # figures that agree to two decimals, as the page prints them, are equal


# --- results ------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)  # results, never compared: fewer generated methods, a faster start
class RuleRef:
    """The rule a quarter is scored by: its method, and the accepted amendment in force by the
    quarter's end (its letter, date, and whether it brought a new scoring rule)."""

    method: str | None
    amendment: str | None = None
    effective: dt.date | None = None
    changes_scoring: bool = False

    def to_dict(self) -> dict:
        amendment = None
        if self.amendment is not None:
            amendment = {"letter": self.amendment,
                         "effective": self.effective.isoformat() if self.effective else None,
                         "changes_scoring": self.changes_scoring}
        return {"method": self.method, "amendment": amendment}

    def label(self) -> str:
        text = self.method or _("no rule")
        if self.amendment is None:
            return text
        amended = _("{rule} (scoring amended by {letter} from {date})") if self.changes_scoring else \
            _("{rule} (criteria amended by {letter} from {date})")
        return amended.format(rule=text, letter=self.amendment, date=self.effective)


@dataclass(frozen=True, eq=False)  # results, never compared: fewer generated methods, a faster start
class QuarterScore:
    """One quarter: the target, reported and computed performance, the computed score, and the
    official figures beside it."""

    quarter: int
    start: dt.date
    end: dt.date
    target: float | None
    reported: float | None
    computed_performance: float | None
    basis: str | None  # which performance the score uses: "computed", "reported" or None
    score: float | None
    level: float | None
    assessed: float | None
    sub_scores: tuple[float | None, ...] | None
    not_assessed: bool
    audited: bool
    differs: bool
    reason: str | None
    reason_source: str | None  # "file" (difference_reason) or "generated"
    no_score: str | None  # why there is no computed score; None when there is one
    rule: RuleRef
    parts: tuple[PartScore, ...] = ()
    assessment: Assessment | None = None  # the quarter's state on the official record (core.assessment)
    audit: float | str | None = None  # the audit line's figure as printed ("" when it prints none)

    @property
    def official(self) -> float | None:
        """The official score: an assessed quarter's printed score, else None."""
        return self.assessment.official if self.assessment is not None else None

    def printed(self) -> dict:
        """The official figures as printed, for `--format json` beside their numbers."""
        return {"target": json_pair(self.target), "reported": json_pair(self.reported),
                "assessed": json_pair(self.assessed),
                "sub_scores": None if self.sub_scores is None else [json_pair(s) for s in self.sub_scores],
                "audit": self.audit if self.audit in (None, "") else json_pair(self.audit)}

    def to_dict(self) -> dict:
        return {
            "quarter": self.quarter,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "target": _r(self.target),
            "reported": _r(self.reported),
            "computed_performance": _r(self.computed_performance),
            "basis": self.basis,
            "score": _r(self.score),
            "level": _r(self.level),
            "assessed": _r(self.assessed),
            "sub_scores": None if self.sub_scores is None else [_r(s) for s in self.sub_scores],
            "official": _r(self.official),
            "not_assessed": self.not_assessed,
            "assessment": self.assessment.state if self.assessment else None,
            "assessment_inferred": self.assessment.inferred if self.assessment else None,
            "audited": self.audited,
            "printed": self.printed(),
            "differs": self.differs,
            "reason": self.reason,
            "reason_source": self.reason_source,
            "no_score": self.no_score,
            "rule": self.rule.to_dict(),
            "parts": [p.to_dict() for p in self.parts],
        }


@dataclass(frozen=True, eq=False)  # results, never compared: fewer generated methods, a faster start
class IndicatorScore:
    """An indicator's quarters 1..Q and the score of quarter Q."""

    code: str
    fiscal_year: int
    agency: str
    title: str
    unit: str
    weight: float | None
    example: bool
    cumulative: bool | None  # percent rules: figures accumulate over the year; None for other rules
    quarter: int
    quarters: tuple[QuarterScore, ...]

    @property
    def current(self) -> QuarterScore:
        return self.quarters[-1]

    @property
    def score(self) -> float | None:
        """The asked quarter's computed score, 0-100 (None when it cannot be computed)."""
        return self.current.score

    @property
    def level(self) -> float | None:
        return self.current.level

    @property
    def official_only(self) -> bool:
        """The rule in force says the scoring rule is not published (scoring: unpublished)."""
        return self.current.rule.method == "unpublished"

    def to_dict(self) -> dict:
        return {
            "version": JSON_VERSION,
            "kind": "indicator",
            **self.summary_dict(),
            "quarters": [q.to_dict() for q in self.quarters],
        }

    def summary_dict(self) -> dict:
        """The indicator's header and the asked quarter's figures (one row of `kpi score --all`)."""
        cur = self.current
        return {
            "code": self.code,
            "fiscal_year": self.fiscal_year,
            "agency": self.agency,
            "title": self.title,
            "unit": self.unit,
            "weight": _r(self.weight),
            "example": self.example,
            "cumulative": self.cumulative,
            "official_only": self.official_only,
            "quarter": self.quarter,
            "rule": cur.rule.to_dict(),
            "target": _r(cur.target),
            "reported": _r(cur.reported),
            "computed_performance": _r(cur.computed_performance),
            "score": _r(cur.score),
            "level": _r(cur.level),
            "assessed": _r(cur.assessed),
            "official": _r(cur.official),
            "printed": cur.printed(),
            "assessment": cur.assessment.state if cur.assessment else None,
            "not_assessed": cur.not_assessed,
            "differs": cur.differs,
            "reason": cur.reason,
        }


# --- the rule in force --------------------------------------------------------------

def _bounds(ind: Indicator, quarter: int) -> tuple[dt.date, dt.date] | None:
    try:
        return quarter_bounds(ind.fiscal_year, quarter)
    except (ValueError, OverflowError):  # a fiscal year far outside the calendar: validate says so
        return None


def amendment_date(a: Amendment) -> dt.date | None:
    return a.effective or a.decided


def rule_in_force(ind: Indicator, quarter: int) -> tuple[object | None, RuleRef]:
    """The scoring rule of `quarter`: the latest accepted amendment with a scoring rule whose
    `effective` date falls on or before the quarter's end, else the file's own `scoring`."""
    bounds = _bounds(ind, quarter)
    end = bounds[1] if bounds else None
    in_force = [] if end is None else sorted(
        (a for a in ind.amendments
         if a.outcome == "accepted" and amendment_date(a) is not None and amendment_date(a) <= end),
        key=amendment_date)
    scoring = [a for a in in_force if a.scoring is not None and a.effective is not None]
    if scoring:
        a = scoring[-1]
        return a.scoring, RuleRef(a.scoring.method, a.letter, a.effective, True)
    rule = ind.scoring
    method = rule.method if rule is not None else None
    if in_force:
        a = in_force[-1]
        return rule, RuleRef(method, a.letter, amendment_date(a), False)
    return rule, RuleRef(method)


# --- one quarter --------------------------------------------------------------------

def _score(rule, performance: float | None, target: float | None) -> tuple[float | None, float | None, str | None]:
    """(score, level, why there is none) of a performance by a rule."""
    if rule is None:
        return None, None, _("the file declares no scoring rule (`scoring:`)")
    if performance is None:
        return None, None, _("no performance reported")
    return rule.score(performance, target)


def _assessment_note(state: Assessment) -> str | None:
    """What a quarter without an official score says of it; None for an assessed quarter."""
    if state.state == NOT_ASSESSED:
        return _("not assessed (inferred: 0 and 0 / 0, nothing says otherwise)") if state.inferred else \
            _("not assessed")
    if state.state == UNKNOWN:
        return _("no official score: skipped or not yet entered (inferred)") if state.why == SKIPPED else \
            _("no official score on record")
    if state.score is None:
        return _("audited; the record prints no score")
    return None


def _why_differs(row: Quarter, state: Assessment, score: float, official: float) -> str:
    """Which fact explains a computed score that differs from the official one, if one does."""
    figures = dict(score=format_number(score), official=shown(official))  # the official one as printed
    if audited(row):
        return _("the official {official} is the audit's judgement (สยป.); the rule computes {score}").format(**figures)
    if 0 < official < 100 and score in (0, 100):
        return _("the official {official} is a partial score; the rule computes {score}").format(**figures)
    return _("computed score {score} differs from the official {official}").format(**figures)


def _close(a: float | None, b: float | None) -> bool:
    return a is None or b is None or abs(round(a, PRECISION) - round(b, PRECISION)) < TOLERANCE


def score_quarter(ind: Indicator, quarter: int) -> QuarterScore:
    """One quarter of an indicator, computed and official side by side."""
    bounds = _bounds(ind, quarter)
    start, end = bounds or (dt.date.min, dt.date.min)
    known_end = bounds[1] if bounds else None
    row = ind.quarter(quarter)
    rule, ref = rule_in_force(ind, quarter)
    computed, parts = rule.perform(QuarterFacts(row, ind.innovation, known_end)) if rule is not None else (None, ())
    reported = row.performance if row is not None else None
    target = row.target if row is not None else None
    if computed is not None:  # to the page's precision (30.00), as the evaluators score it
        computed = round(float(computed), PRECISION)  # computed: a float, shown with two decimals
    basis = "computed" if computed is not None else ("reported" if reported is not None else None)
    score, level, no_score = _score(rule, computed if computed is not None else reported, target)
    score, level = (None if v is None else float(v) for v in (score, level))  # computed, never "as printed"
    if row is None and score is None:
        no_score = _("no row for quarter {quarter} in the file").format(quarter=quarter)
    assessed = row.assessed if row is not None else None
    state = assessment_of(ind.quarters, quarter, ind.inferred)
    official_only = rule is not None and rule.official_only
    no_assessment = _assessment_note(state)

    notes = [n for n in (None if official_only else no_score, no_assessment) if n]
    absent = [p.key for p in parts if p.performance is None]
    if row is not None and absent:
        notes.append(_("no figure for part(s) {parts}: the reported total is scored").format(parts=", ".join(absent)))
    perf_differs = not _close(computed, reported)
    if perf_differs:
        notes.append(_("computed performance {computed} differs from the reported {reported}").format(
            computed=format_number(computed), reported=format_number(reported)))
    official = state.official
    score_differs = official is not None and score is not None and not _close(score, official)
    if score_differs:
        notes.append(_why_differs(row, state, score, official))
    reason, source = None, None
    if row is not None and row.difference_reason:
        reason, source = row.difference_reason, "file"
    elif notes:
        reason, source = "; ".join(notes), "generated"

    return QuarterScore(
        quarter=quarter, start=start, end=end, target=target, reported=reported,
        computed_performance=computed, basis=basis, score=score, level=level,
        assessed=assessed, sub_scores=tuple(row.sub_scores) if row is not None and row.sub_scores else None,
        not_assessed=not state.assessed, audited=audited(row),
        differs=perf_differs or score_differs, reason=reason, reason_source=source, no_score=no_score,
        rule=ref, parts=parts, assessment=state, audit=row.audit if row is not None else None)


def score_indicator(ind: Indicator, quarter: int) -> IndicatorScore:
    """Quarters 1..`quarter` of an indicator; `.score` is the score of `quarter`."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1-4, not {quarter}")
    rule, _ref = rule_in_force(ind, quarter)
    cumulative = rule.year_to_date() if rule is not None else None
    return IndicatorScore(
        code=ind.code, fiscal_year=ind.fiscal_year, agency=ind.agency, title=ind.title,
        unit=ind.target.unit, weight=ind.weight.percent if ind.weight else None,
        example=ind.example, cumulative=cumulative, quarter=quarter,
        quarters=tuple(score_quarter(ind, q) for q in range(1, quarter + 1)))


def describe_rule(rule) -> str:
    """One line that says what a rule does: 'stage-points 30 / 10 / 10 / 30 / 20', …"""
    if rule is None:
        return _("no scoring rule")
    return rule.describe()


# --- an agency's weighted result ------------------------------------------------------

@dataclass(frozen=True, eq=False)  # results, never compared: fewer generated methods, a faster start
class AgencyItem:
    """One indicator in an agency's result: its weight, score, and why it does not count."""

    code: str
    title: str
    weight: float | None
    score: float | None
    assessed: float | None
    not_assessed: bool
    missing: str | None  # why the indicator has no part in the result; None when it counts
    official: float | None = None  # the official score (an assessed quarter's), else None

    @property
    def counts(self) -> bool:
        return self.missing is None

    @property
    def weighted(self) -> float | None:
        return None if not self.counts else self.weight * self.score / 100

    def to_dict(self) -> dict:
        return {"code": self.code, "title": self.title, "weight": _r(self.weight), "score": _r(self.score),
                "weighted": _r(self.weighted), "assessed": _r(self.assessed),
                "official": _r(self.official), "official_printed": json_pair(self.official),
                "not_assessed": self.not_assessed, "missing": self.missing}


@dataclass(frozen=True, eq=False)  # results, never compared: fewer generated methods, a faster start
class AgencyScore:
    """Σ(weight × score) / Σ weight over the agency's indicators that have a score and a weight."""

    agency: str
    fiscal_year: int
    quarter: int
    items: tuple[AgencyItem, ...]
    name: str | None = None  # from agencies.yaml

    @property
    def counted(self) -> tuple[AgencyItem, ...]:
        return tuple(i for i in self.items if i.counts)

    @property
    def without_data(self) -> tuple[AgencyItem, ...]:
        return tuple(i for i in self.items if not i.counts)

    @property
    def weights_total(self) -> float:
        return float(sum(i.weight for i in self.counted))

    @property
    def score(self) -> float | None:
        return weighted_mean((i.weight, i.score) for i in self.counted)

    @property
    def official_score(self) -> float | None:
        """The same over the indicators with an official score (quarters not assessed left out)."""
        return weighted_mean((i.weight, i.official) for i in self.items
                             if i.weight is not None and i.official is not None)

    def coverage(self) -> dict[str, float]:
        """How much weight (percent) each total stands on: the computed total, the official total,
        both (the like-with-like comparison), and all the weight the agency's files declare."""
        weighted = [i for i in self.items if i.weight is not None]
        return {"declared": float(sum(i.weight for i in weighted)),
                "computed": float(sum(i.weight for i in self.counted)),
                "official": float(sum(i.weight for i in weighted if i.official is not None)),
                "both": float(sum(i.weight for i in self.both))}

    @property
    def both(self) -> tuple[AgencyItem, ...]:
        """The indicators with a computed and an official score: the two totals compared over them."""
        return tuple(i for i in self.counted if i.official is not None)

    def like_with_like(self) -> tuple[float | None, float | None]:
        """(computed, official) weighted results over the same indicators (`both`)."""
        return (weighted_mean((i.weight, i.score) for i in self.both),
                weighted_mean((i.weight, i.official) for i in self.both))

    def to_dict(self) -> dict:
        computed, official = self.like_with_like()
        return {"version": JSON_VERSION, "kind": "agency", "agency": self.agency, "name": self.name,
                "fiscal_year": self.fiscal_year, "quarter": self.quarter, "score": _r(self.score),
                "official_score": _r(self.official_score), "weights_total": _r(self.weights_total),
                "coverage": {k: _r(v) for k, v in self.coverage().items()},
                "same_indicators": {"computed": _r(computed), "official": _r(official)},
                "indicators": [i.to_dict() for i in self.counted],
                "without_data": [i.to_dict() for i in self.without_data]}


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    pairs = list(pairs)
    total = sum(w for w, _score in pairs)
    if not pairs or total <= 0:
        return None
    return sum(w * s for w, s in pairs) / total


def agency_item(ind: Indicator, quarter: int) -> AgencyItem:
    q = score_indicator(ind, quarter).current
    weight = ind.weight.percent if ind.weight else None
    missing = None
    if q.score is None:
        missing = q.no_score
    elif weight is None:
        missing = _("no weight (`weight: {{percent: …}}`)").format()  # {{ }}: braces of the YAML, not fields
    return AgencyItem(ind.code, ind.title, weight, q.score, q.assessed, q.not_assessed, missing, q.official)


def agency_score(indicators: Iterable[Indicator], agency: str, fiscal_year: int, quarter: int,
                 unusable: Iterable[tuple[str, str]] = (), name: str | None = None) -> AgencyScore:
    """The agency's weighted result at `quarter` over its indicators of `fiscal_year`.

    `unusable` lists (code, why) of files that could not be read, so they show as without data.
    """
    items = [agency_item(ind, quarter) for ind in indicators
             if ind.agency == agency and ind.fiscal_year == fiscal_year]
    items += [AgencyItem(code, "", None, None, None, True, why) for code, why in unusable]
    return AgencyScore(agency, fiscal_year, quarter, tuple(sorted(items, key=lambda i: i.code)), name)


# --- which quarter ------------------------------------------------------------------------

def default_quarter(fiscal_year: int, today: dt.date) -> tuple[int, str]:
    """The quarter to show when none is asked: today's quarter in `fiscal_year`, quarter 4 of a
    year that has ended, quarter 1 of one that has not begun. With the sentence that says so."""
    fy, q = fiscal_position(today)
    if fiscal_year == fy:
        return q, _("no --quarter given: using quarter {quarter}, the current quarter of fiscal year {year} "
                    "(today {today})").format(quarter=q, year=fy, today=today)
    if fiscal_year < fy:
        return 4, _("no --quarter given: fiscal year {year} has ended (today {today} is in {current}), "
                    "using quarter 4").format(year=fiscal_year, today=today, current=fy)
    return 1, _("no --quarter given: fiscal year {year} has not begun (today {today}), using quarter 1").format(
        year=fiscal_year, today=today)
