"""stage-points: the innovation indicator. Each of the five stages is worth points; the
performance is the points of the stages done by the quarter's end (docs/scoring.md)."""

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from kpi_cli.core.i18n import _
from kpi_cli.core.model_base import NonNegative
from kpi_cli.core.problems import Finding
from kpi_cli.scoring.formulas import stage_points
from kpi_cli.scoring.method import CHECK, Method, QuarterFacts, RuleModel, Scaffold, figures, finite

NAME = "stage-points"


class StagePointsRule(RuleModel):
    """Each of the five innovation stages is worth points; performance = points of stages done."""
    method: Literal["stage-points"]
    points: Annotated[list[NonNegative], Field(min_length=5, max_length=5)]

    from_stages: ClassVar[bool] = True
    needs_target: ClassVar[bool] = True

    def perform(self, facts: QuarterFacts):
        return self.derived(facts), ()

    def derived(self, facts: QuarterFacts) -> float | None:
        done = facts.stages_done()
        return None if done is None else stage_points(self.points, done)

    def describe(self) -> str:
        return _("stage-points {points} (stages 1-5)").format(points=figures(self.points))

    def problems(self, loc: tuple):
        if not all(finite(p) for p in self.points):
            yield Finding(CHECK, _("stage points must be finite numbers"), loc + ("points",),
                          fix=_("write five numbers, e.g. [30, 10, 10, 30, 20]"))
            return
        total = sum(self.points)
        if abs(total - 100) > 1e-9:
            yield Finding(CHECK, _("stage points add up to {total:g}, not 100").format(total=total),
                          loc + ("points",), fix=_("make the five points sum to 100"))
        if any(p < 0 for p in self.points):
            yield Finding(CHECK, _("stage points are negative"), loc + ("points",), fix=_("points are 0 or more"))

    def indicator_problems(self, loc: tuple, innovation: bool):
        if not innovation:
            yield Finding(CHECK, _("stage-points scoring needs the innovation record (`innovation:`)"),
                          loc + ("method",), fix=_("add `innovation:` or choose another method"))


SCAFFOLD = Scaffold(
    kind="innovation",
    intro=("ตัวชี้วัดนวัตกรรม: the innovation indicator every agency carries; its score comes from the\n"
           "five stages (ขั้นตอนที่ 1-5) of its innovation project."),
    target=(100, "คะแนน"),
    quarter_target="30",
    scoring=("# How `kpi score` computes a quarter (วิธีคิดคะแนน): the points of the stages done by the",
             "# quarter's end. Set the points of the performance agreement; they add up to 100.",
             "scoring:",
             ("  method: stage-points", "คะแนนตามขั้นตอน / points per stage"),
             ("  points: [20, 20, 20, 20, 20]", "ขั้นตอนที่ 1-5 / stages 1-5 (sum 100)")),
    title="ความสำเร็จในการเสนอนวัตกรรมเพื่อเพิ่มประสิทธิภาพการปฏิบัติงานของหน่วยงาน",
    innovation=True,
)

METHOD = Method(NAME, StagePointsRule, SCAFFOLD)
