"""Whether สยป. assessed a quarter, as the official record says it.

A quarter of the official record is in one of four states: assessed with a score (0 included),
assessed with no value printed, not assessed, or unknown. A file can say the state
(`assessment:`, and the audit line as printed in `audit:`); where it does not, kpi reads it from
the figures, and then the state is an inference and says so:

- a quarter on the audit line (`audit:`, or the older `audited: true`) was assessed, whatever its
  figures (`0.0000` and `0 / 0` included: audited and scored 0);
- figures other than 0 and `0 / 0` are an assessment;
- `0` and `0 / 0` while a later quarter has a score: skipped or not yet entered (unknown);
- `0` and `0 / 0` with nothing after it: not assessed yet (inferred);
- no official figure at all: unknown.

A state the file says but lists under `inferred:` (`quarters[1].assessment`, as `kpi import`
writes it) is still an inference: it reads as the state kpi would have inferred, marked so.

This is the one place that reads a quarter's assessment: scores, reports, rules and the guard ask
it, so "0 / 0" means the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi_cli.core.figures import shown as _figure
from kpi_cli.core.i18n import N_
from kpi_cli.core.patterns import inferred_covers
from kpi_cli.core.vocabulary import ASSESSMENT_STATES

ASSESSED, NOT_ASSESSED, UNKNOWN = ASSESSMENT_STATES

# why a state holds, as a msgid (translated where shown)
SAID = N_("the file says so (assessment:)")
AUDIT_LINE = N_("the audit line (สยป. ตรวจประเมินตัวชี้วัด) names the quarter")
FIGURES = N_("the official figures are not 0 and 0 / 0")
SKIPPED = N_("0 and 0 / 0 while a later quarter has a score: skipped or not yet entered")
ZEROS = N_("0 and 0 / 0, and nothing on the record says otherwise: not assessed yet")
NO_FIGURES = N_("the record has no official figure for the quarter")


@dataclass(frozen=True)
class Assessment:
    state: str
    score: float | None  # the official score: the table's figure, else the audit line's; None if none printed
    inferred: bool       # kpi concluded the state: the file does not say it
    why: str             # a msgid: what the state rests on

    @property
    def assessed(self) -> bool:
        return self.state == ASSESSED

    @property
    def official(self) -> float | None:
        """The score that counts as official: an assessed quarter's printed score, else None."""
        return self.score if self.state == ASSESSED else None


def audited(row) -> bool:
    """The audit line names the quarter (`audit:` as printed, or `audited: true`)."""
    return row is not None and (row.audited or row.audit is not None)


def zeros(row) -> bool:
    """The row prints 0 (or nothing) as its score and 0 / 0 as its sub-scores."""
    subs = row.sub_scores or []
    return not row.assessed and len(subs) > 0 and all(not s for s in subs)


def _printed_score(row) -> float | None:
    if row.assessed is not None:
        return row.assessed
    return row.audit if isinstance(row.audit, (int, float)) else None


def _has_score(row) -> bool:
    """Figures that say the quarter was assessed, without looking at other quarters."""
    return audited(row) or row.assessment == ASSESSED or (
        row.assessment is None and (row.assessed is not None or row.sub_scores) and not zeros(row))


def assessment_of(quarters, q: int, inferred=()) -> Assessment:
    """The assessment of quarter `q` among the rows `quarters` (an indicator's `quarters:`);
    `inferred`: the indicator's `inferred:` paths (a state the file says but lists there is an
    inference)."""
    index, row = next(((i, r) for i, r in enumerate(quarters) if r.quarter == q), (None, None))
    if row is None:
        return Assessment(UNKNOWN, None, True, NO_FIGURES)
    if row.assessment is not None:
        score = _printed_score(row) if row.assessment == ASSESSED else None
        if row.assessment != ASSESSED and inferred_covers(inferred, f"quarters[{index}].assessment"):
            return Assessment(row.assessment, score, True, SKIPPED if row.assessment == UNKNOWN else ZEROS)
        return Assessment(row.assessment, score, False, SAID)
    if audited(row):
        return Assessment(ASSESSED, _printed_score(row), False, AUDIT_LINE)
    if row.assessed is None and not row.sub_scores:
        return Assessment(UNKNOWN, None, True, NO_FIGURES)
    if not zeros(row):
        return Assessment(ASSESSED, row.assessed, False, FIGURES)
    if any(r.quarter > q and _has_score(r) for r in quarters):
        return Assessment(UNKNOWN, None, True, SKIPPED)
    return Assessment(NOT_ASSESSED, None, True, ZEROS)


def shown(state: Assessment, printed: str | None) -> str:
    """The official-score cell of a report or table, in the reports' Thai: an assessed quarter's
    score as printed; for any other quarter what the record says of it, after the figure the page
    printed in the cell, if any (`printed`), so that every printed figure is still shown."""
    if state.state == ASSESSED:
        return _figure(state.score) if state.score is not None else "ตรวจประเมินแล้ว (ไม่ปรากฏคะแนน)"
    label = ("ยังไม่ประเมิน (ข้อมูลประมาณการ)" if state.inferred else "ยังไม่ประเมิน") \
        if state.state == NOT_ASSESSED else "ไม่มีผลประเมินทางการ"
    return f"{printed} ({label})" if printed is not None else label


# what an inferred state rests on, in the reports' Thai (reports are Thai only)
_WHY_TH = {
    SKIPPED: "หน้ารายละเอียดตัวชี้วัดแสดง 0 และ 0 / 0 ขณะที่ไตรมาสถัดไปมีผลประเมินทางการ: อาจข้ามไปหรือยังไม่ได้บันทึก",
    ZEROS: "หน้ารายละเอียดตัวชี้วัดแสดง 0 และ 0 / 0 และไม่มีข้อมูลอื่นระบุว่าตรวจประเมินแล้ว",
    NO_FIGURES: "ไม่มีผลประเมินในบันทึก",
}


def note_th(state: Assessment) -> str | None:
    """The reports' note on a quarter whose state kpi inferred; None when the record says it."""
    if not state.inferred or state.state == ASSESSED:
        return None
    return f"{_WHY_TH.get(state.why, '')} (ข้อมูลประมาณการ)"
