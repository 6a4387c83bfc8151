"""levels: success levels 1-5; each level has a threshold, and between two thresholds the level
is interpolated linearly, as ก.พ.ร. practice does (docs/scoring.md)."""

from typing import Annotated, Literal

from pydantic import Field

from kpi_cli.core.i18n import _
from kpi_cli.core.model_base import Number
from kpi_cli.core.problems import Finding
from kpi_cli.scoring.formulas import level_of, level_score
from kpi_cli.scoring.method import CHECK, Method, RuleModel, Scaffold, figures, finite

NAME = "levels"


class LevelsRule(RuleModel):
    """Success levels 1-5: thresholds of performance for each level, interpolated linearly."""
    method: Literal["levels"]
    thresholds: Annotated[list[Number], Field(min_length=2)]
    direction: Literal["higher", "lower"] = "higher"

    def score(self, performance: float, target: float | None):
        """The level reached, scored against the target level (the top level without one)."""
        level = level_of(performance, self.thresholds, self.direction)
        return level_score(level, len(self.thresholds), target), level, None

    def part_score(self, performance: float, target: float | None):
        score, level, _why = self.score(performance, target)  # no target: the top level
        return score, level

    def describe(self) -> str:
        better = _("higher is better") if self.direction == "higher" else _("lower is better")
        return _("levels 1-{top} at {thresholds}, {better}, interpolated").format(
            top=len(self.thresholds), thresholds=figures(self.thresholds), better=better)

    def problems(self, loc: tuple):
        th = self.thresholds
        if not all(finite(t) for t in th):
            yield Finding(CHECK, _("thresholds must be finite numbers"), loc + ("thresholds",),
                          fix=_("e.g. [60, 70, 80, 90, 100]"))
            return
        ordered = all(a < b for a, b in zip(th, th[1:])) if self.direction == "higher" else \
            all(a > b for a, b in zip(th, th[1:]))
        if not ordered and self.direction == "higher":
            yield Finding(CHECK, _("thresholds {thresholds} are not strictly increasing").format(thresholds=th),
                          loc + ("thresholds",),
                          fix=_("list the threshold of level 1 first, then level 2, … (increasing)"))
        elif not ordered:
            yield Finding(CHECK, _("thresholds {thresholds} are not strictly decreasing").format(thresholds=th),
                          loc + ("thresholds",),
                          fix=_("list the threshold of level 1 first, then level 2, … (decreasing)"))

    def target_fits(self, target, loc: tuple, what):
        """A levels rule's target is a level."""
        top = len(self.thresholds)
        if not 0 < target <= top:
            yield Finding(CHECK, _("{what}: target {target:g} is not a level; a levels rule's target is a level "
                                   "1-{top}").format(what=what(), target=target, top=top), loc,
                          fix=_("write the level the agreement asks for (e.g. {top}); the result itself goes in "
                                "`performance:`").format(top=top))


SCAFFOLD = Scaffold(
    kind="levels",
    intro=("ตัวชี้วัดระดับความสำเร็จ: success levels 1-5; each level has a threshold, and between two\n"
           "thresholds the score is interpolated (ก.พ.ร. practice)."),
    target=(5, "ระดับ"),
    quarter_target="5",
    scoring=("# How `kpi score` computes a quarter (วิธีคิดคะแนน): the level reached; between two thresholds",
             "# the level is interpolated (60/70/80/90/100 and a result of 85 give level 3.5).",
             "scoring:",
             ("  method: levels", "ระดับความสำเร็จ 1-5 / success levels"),
             ("  thresholds: [60, 70, 80, 90, 100]", "ผลงานของระดับ 1-5 / performance for each level"),
             ("  direction: higher", "higher = มากกว่าดีกว่า | lower = น้อยกว่าดีกว่า")),
)

METHOD = Method(NAME, LevelsRule, SCAFFOLD)
