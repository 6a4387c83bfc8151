"""The quarterly table: rows, ranges and the official figures."""

from __future__ import annotations

import re

from kpi_cli.core.assessment import NOT_ASSESSED, audited, zeros
from kpi_cli.core.figures import shown
from kpi_cli.core.i18n import _, ngettext
from kpi_cli.core.thai import to_arabic_digits
from kpi_cli.core.problems import Finding, Level
from kpi_cli.check.rules.registry import FileContext, rule


@rule("quarter-rows", needs_model=True)
def quarter_rows(ctx: FileContext):
    """Quarterly rows are quarters 1-4, each at most once, in order.

    Bad:  two rows with `quarter: 2`, or quarter 3 before quarter 1
    Good: rows for quarters 1, 2, 3, 4 in that order
    """
    seen: dict[int, int] = {}
    last = 0
    for i, row in enumerate(ctx.model.quarters):
        if row.quarter in seen:
            yield Finding("quarter-rows", _("quarter {quarter} appears twice (rows {first} and {second})").format(
                              quarter=row.quarter, first=seen[row.quarter] + 1, second=i + 1),
                          ("quarters", i, "quarter"), fix=_("keep one row per quarter"))
            continue
        if row.quarter < last:
            yield Finding("quarter-rows", _("quarter {quarter} comes after quarter {last}").format(
                              quarter=row.quarter, last=last),
                          ("quarters", i, "quarter"), fix=_("put the rows in the order 1, 2, 3, 4"))
        seen[row.quarter] = i
        last = max(last, row.quarter)


@rule("score-range", needs_model=True)
def score_range(ctx: FileContext):
    """Assessed scores and the 2.1 / 2.2 sub-scores are between 0 and 100; sub-scores come in pairs.

    Bad:  `assessed: 120`, `sub_scores: [100]`
    Good: `assessed: 100`, `sub_scores: [100, 100]`
    """
    for i, row in enumerate(ctx.model.quarters):
        if row.assessed is not None and not 0 <= row.assessed <= 100:
            yield Finding("score-range", _("quarter {quarter}: assessed score {value} is outside 0-100").format(
                              quarter=row.quarter, value=row.assessed),
                          ("quarters", i, "assessed"), fix=_("the official score is between 0 and 100"))
        if isinstance(row.audit, (int, float)) and not 0 <= row.audit <= 100:
            yield Finding("score-range", _("quarter {quarter}: the audit line's score {value} is outside 0-100").format(
                              quarter=row.quarter, value=row.audit),
                          ("quarters", i, "audit"), fix=_("the official score is between 0 and 100"))
        if row.sub_scores is not None:
            if len(row.sub_scores) != 2:
                yield Finding("score-range", ngettext("quarter {quarter}: sub_scores has {count} figure; "
                                                      "the page shows two (2.1 / 2.2)",
                                                      "quarter {quarter}: sub_scores has {count} figures; "
                                                      "the page shows two (2.1 / 2.2)", len(row.sub_scores)).format(
                                  quarter=row.quarter, count=len(row.sub_scores)), ("quarters", i, "sub_scores"),
                              fix=_("write both figures as the page prints them, e.g. [100, 100]"))
            for j, s in enumerate(row.sub_scores):
                if s is not None and not 0 <= s <= 100:
                    yield Finding("score-range", _("quarter {quarter}: sub-score {value} is outside 0-100").format(
                                      quarter=row.quarter, value=s),
                                  ("quarters", i, "sub_scores", j), fix=_("sub-scores are between 0 and 100"))
        for name in ("performance", "target"):
            v = getattr(row, name)
            if v is not None and v < 0:
                yield Finding("score-range", _("quarter {quarter}: {field} {value} is negative").format(
                                  quarter=row.quarter, field=name, value=v),
                              ("quarters", i, name), fix=_("correct the figure"))


@rule("quarter-consistency", needs_model=True)
def quarter_consistency(ctx: FileContext):
    """The quarterly figures agree with each other.

    A quarter said to be not assessed has no audit line and no score; the audit line's figure is
    the table's assessed score; counts give the performance they back. A quarter audited and scored
    0 (0.0000 and 0 / 0 under the audit line) is an assessment, and 2.1 may differ from the score,
    as real pages print them.
    Bad:  `assessment: not-assessed` with `audit: 100`; `audit: 95` with `assessed: 100`
    Good: `audit: 0.0000`, `assessed: 0.0000`, `sub_scores: [0, 0]` (audited, scored 0)
    """
    ind = ctx.model
    for i, row in enumerate(ind.quarters):
        loc = ("quarters", i)
        if row.assessment == NOT_ASSESSED:
            if audited(row):
                yield Finding("quarter-consistency",
                              _("quarter {quarter} is said to be not assessed, but the audit line names it").format(
                                  quarter=row.quarter), loc + ("assessment",),
                              fix=_("an audited quarter was assessed: write `assessment: assessed`, or remove the "
                                    "audit line if the page does not print it"))
            elif row.assessed or any(row.sub_scores or []):
                yield Finding("quarter-consistency",
                              _("quarter {quarter} is said to be not assessed, but has an official score").format(
                                  quarter=row.quarter), loc + ("assessment",),
                              fix=_("write `assessment: assessed`, or correct the figures to the page's"))
        if isinstance(row.audit, (int, float)) and row.assessed is not None and row.audit != row.assessed:
            yield Finding("quarter-consistency",
                          _("quarter {quarter}: the audit line says {audit}, the table {table}").format(
                              quarter=row.quarter, audit=shown(row.audit), table=shown(row.assessed)),
                          loc + ("audit",), level=Level.warning,
                          fix=_("keep both as the page prints them; check which copy of the page is right"))
        if row.counts is not None and row.performance is not None:
            computed = row.counts.done / row.counts.total * 100
            if abs(computed - row.performance) > 0.01:
                yield Finding("quarter-consistency",
                              _("quarter {quarter}: counts give {computed:.2f} but performance is "
                                "{performance:g}").format(quarter=row.quarter, computed=computed,
                                                          performance=row.performance),
                              loc + ("performance",), level=Level.warning,
                              fix=_("keep both if the page shows both; otherwise correct one"))
    yield from _achieved_and_narrative(ind)


_PERCENT_SAID = re.compile(r"คิดเป็น\s*ร้อยละ\s*([0-9๐-๙]+(?:\.[0-9๐-๙]+)?)")


def _achieved_and_narrative(ind):
    """ผลงานที่ทำได้ against the latest quarter that reported something, and a quarter report's
    "คิดเป็นร้อยละ X" against its own row: warnings, since the page keeps both and so does kpi."""
    reported = [(i, row) for i, row in enumerate(ind.quarters)
                if row.performance is not None and not (not row.performance and zeros(row) and not audited(row))]
    if ind.achieved is not None and reported:
        i, last = reported[-1]
        if abs(last.performance - ind.achieved) > 0.005:
            yield Finding("quarter-consistency",
                          _("ผลงานที่ทำได้ is {achieved}, but the latest quarter that reported (quarter {quarter}) "
                            "says {performance}").format(achieved=shown(ind.achieved), quarter=last.quarter,
                                                         performance=shown(last.performance)),
                          ("achieved",), level=Level.warning,
                          fix=_("keep both if the page prints both (the page is the record); otherwise correct one"))
    if not ind.target.unit.startswith("ร้อยละ"):
        return
    for i, row in reported:
        said = [float(to_arabic_digits(m)) for m in _PERCENT_SAID.findall(row.report)]
        if said and all(abs(v - row.performance) > 0.005 for v in said):
            yield Finding("quarter-consistency",
                          _("quarter {quarter}: the report says ร้อยละ {said}, the table {performance}").format(
                              quarter=row.quarter, said=" / ".join(f"{v:g}" for v in said),
                              performance=shown(row.performance)),
                          ("quarters", i, "report"), level=Level.warning,
                          fix=_("keep both as the page prints them; the table's figure is the one scored"))
