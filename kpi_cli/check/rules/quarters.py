"""The quarterly table: rows, ranges and the official figures."""

from __future__ import annotations

from kpi_cli.core.i18n import _
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
        if row.sub_scores is not None:
            if len(row.sub_scores) != 2:
                yield Finding("score-range", _("quarter {quarter}: sub_scores has {count} figures; "
                                               "the page shows two (2.1 / 2.2)").format(
                                  quarter=row.quarter, count=len(row.sub_scores)), ("quarters", i, "sub_scores"),
                              fix=_("write both figures, e.g. [100, 100]; [0, 0] means not assessed"))
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

    An audited quarter has an assessed score; 2.1 equals the assessed score where both are given;
    a not-assessed quarter (0 / 0) is not marked audited; counts give the performance they back.
    Bad:  `audited: true` with no `assessed:`; `assessed: 95` with `sub_scores: [100, 50]`
    Good: `audited: true`, `assessed: 95`, `sub_scores: [95, 100]`
    """
    ind = ctx.model
    for i, row in enumerate(ind.quarters):
        loc = ("quarters", i)
        if row.audited and row.assessed is None:
            yield Finding("quarter-consistency", _("quarter {quarter} is audited but has no assessed score").format(
                              quarter=row.quarter),
                          loc + ("audited",), fix=_("add `assessed:` with the audited score, or set audited: false"))
        subs = row.sub_scores or []
        not_assessed = len(subs) == 2 and subs[0] == 0 and subs[1] == 0 and not row.assessed
        if row.audited and not_assessed:
            yield Finding("quarter-consistency",
                          _("quarter {quarter} is marked audited but shows 0 / 0 (not assessed)").format(
                              quarter=row.quarter),
                          loc + ("audited",), fix=_("set audited: false until สยป. assesses the quarter"))
        if row.assessed is not None and subs and subs[0] is not None and subs[0] != row.assessed and not not_assessed:
            yield Finding("quarter-consistency",
                          _("quarter {quarter}: sub-score 2.1 ({sub:g}) differs from the assessed score "
                            "({assessed:g})").format(quarter=row.quarter, sub=subs[0], assessed=row.assessed),
                          loc + ("sub_scores", 0), level=Level.warning,
                          fix=_("on BMA pages 2.1 equals the assessed score; check both figures"))
        if row.counts is not None and row.performance is not None:
            computed = row.counts.done / row.counts.total * 100
            if abs(computed - row.performance) > 0.01:
                yield Finding("quarter-consistency",
                              _("quarter {quarter}: counts give {computed:.2f} but performance is "
                                "{performance:g}").format(quarter=row.quarter, computed=computed,
                                                          performance=row.performance),
                              loc + ("performance",), level=Level.warning,
                              fix=_("keep both if the page shows both; otherwise correct one"))
