"""percent: a performance (a percent, a count or an amount) against the quarter's target,
higher or lower is better, per quarter or cumulative (docs/scoring.md)."""

import math
from typing import ClassVar, Literal

from pydantic import Field, StrictBool

from kpi_cli.core.assessment import audited, zeros
from kpi_cli.core.figures import shown
from kpi_cli.core.i18n import _
from kpi_cli.core.model_base import Number
from kpi_cli.core.problems import Finding, Level
from kpi_cli.scoring.formulas import ratio_score
from kpi_cli.scoring.method import CHECK, Method, RuleModel, Scaffold, finite

NAME = "percent"


class PercentRule(RuleModel):
    """Performance (a percent, count or amount) against the quarter's target."""
    method: Literal["percent"]
    direction: Literal["higher", "lower"] = "higher"
    cumulative: StrictBool = Field(True, description="performance accumulates over the year")
    cap: Number = Field(100, description="highest score",
                        json_schema_extra={"exclusiveMinimum": 0, "maximum": 100})  # rule scoring-rule

    needs_target: ClassVar[bool] = True

    def score(self, performance: float, target: float | None):
        if target is None:
            return None, None, _("no target for this quarter")
        return ratio_score(performance, target, direction=self.direction, cap=self.cap), None, None

    def year_to_date(self) -> bool | None:
        return self.cumulative

    def describe(self) -> str:
        better = _("higher is better") if self.direction == "higher" else _("lower is better")
        kind = _("cumulative") if self.cumulative else _("per quarter")
        return _("percent of target, {better}, {kind}, cap {cap:g}").format(better=better, kind=kind, cap=self.cap)

    def problems(self, loc: tuple):
        if not finite(self.cap) or not 0 < self.cap <= 100:
            yield Finding(CHECK, _("cap {cap:g} is outside 0-100: scores run from 0 to 100").format(cap=self.cap),
                          loc + ("cap",), fix=_("write the highest score, e.g. `cap: 100`"))

    @classmethod
    def series_problems(cls, quarters: list):
        """A cumulative figure (year to date) that falls from one quarter to the next."""
        previous = None
        for i, row, rule in quarters:
            if not isinstance(rule, cls) or not rule.cumulative:
                previous = None
                continue
            where, value = (("counts", "done"), row.counts.done) if row.counts is not None else \
                (("performance",), row.performance)
            if value is None or not math.isfinite(value):
                continue
            if not value and zeros(row) and not audited(row):
                continue  # 0.00 with 0 / 0: nothing reported yet (real pages print it so), not a fall
            if previous is not None and value < previous[1] and where == previous[0]:
                yield Finding(CHECK, _("quarter {quarter}: the cumulative figure falls from {before} "
                                       "to {after}").format(quarter=row.quarter, before=shown(previous[1]),
                                                            after=shown(value)),
                              ("quarters", i) + where, level=Level.warning,
                              fix=_("a cumulative indicator reports the year to date; check the figure, "
                                    "or set `cumulative: false` if it counts each quarter on its own"))
            previous = (where, value)


SCAFFOLD = Scaffold(
    kind="percent",
    intro=("ตัวชี้วัดร้อยละ: performance as a percent (A / B × 100), a count or an amount, against the\n"
           "quarter's target (ร้อยละ, จำนวน, ต้น, กิโลกรัม …)."),
    target=(100, "ร้อยละ"),
    quarter_target="25",
    scoring=("# How `kpi score` computes a quarter (วิธีคิดคะแนน): performance against the quarter's target.",
             "scoring:",
             ("  method: percent", "ร้อยละของเป้าหมาย / percent of target"),
             ("  direction: higher", "higher = มากกว่าดีกว่า | lower = น้อยกว่าดีกว่า"),
             ("  cumulative: true", "true = ผลสะสมทั้งปี (year to date) | false = รายไตรมาส"),
             ("  cap: 100", "คะแนนสูงสุด / highest score")),
)

METHOD = Method(NAME, PercentRule, SCAFFOLD)
