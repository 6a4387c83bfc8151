"""composite: คะแนนรวม = ส่วนที่ 1 + ส่วนที่ 2 + …: parts, each scored by its own rule, whose
points earned add up to the quarter's performance (docs/scoring.md).

A part may use any method that the registry marks as usable in parts, so the rule model is built
by :func:`rule_model` from their rule models: the registry calls it once, and this module knows
no other method by name.
"""

from typing import Annotated, Literal, Union

from pydantic import Field

from kpi_cli.core.i18n import _
from kpi_cli.core.model_base import Model, NonNegative, Number, Text
from kpi_cli.core.problems import Finding, Level
from kpi_cli.scoring.formulas import SCORE_MAX, ratio_score
from kpi_cli.scoring.method import CHECK, Method, PartScore, QuarterFacts, RuleModel, Scaffold, finite

NAME = "composite"


class CompositeBase(RuleModel):
    """What a composite rule does; :func:`rule_model` gives it its fields."""

    def perform(self, facts: QuarterFacts):
        """Σ points earned when every part has a figure (else None), and the parts' scores."""
        given = (facts.row.parts if facts.row is not None else None) or {}
        out = []
        for part in self.parts:
            perf = given.get(part.key)
            derived = part.rule.derived(facts)
            if derived is not None:
                perf = derived
            score, level = (None, None) if perf is None else part.rule.part_score(perf, part.target)
            earned = None if score is None else part.points * score / 100
            out.append(PartScore(part.key, part.name, float(part.points), part.rule.method, perf, part.target,
                                 score, level, earned))
        parts = tuple(out)
        if not parts or any(p.earned is None for p in parts):
            return None, parts
        return sum(p.earned for p in parts), parts

    def score(self, performance: float, target: float | None):
        """The total against the quarter's target; without one, the total itself."""
        if target is None:
            return min(SCORE_MAX, max(0.0, performance)), None, None
        return ratio_score(performance, target), None, None

    def describe(self) -> str:
        return _("composite: {parts}").format(parts=" + ".join(
            _("{key} ({points:g} points)").format(key=p.key, points=p.points) for p in self.parts))

    def problems(self, loc: tuple):
        keys = set()
        for i, part in enumerate(self.parts):
            if part.key in keys:
                yield Finding(CHECK, _("part key '{key}' is used twice").format(key=part.key),
                              loc + ("parts", i, "key"), fix=_("give each part its own key"))
            keys.add(part.key)
            yield from part.rule.problems(loc + ("parts", i, "rule"))
            yield from part.rule.target_problems(part.target, loc + ("parts", i, "target"),
                                                 lambda key=part.key: _("part '{key}'").format(key=key))
        points = [p.points for p in self.parts]
        if all(finite(p) for p in points) and abs(sum(points) - 100) > 1e-9:
            yield Finding(CHECK, _("the parts' points add up to {total:g}, not 100").format(total=sum(points)),
                          loc + ("parts",),
                          fix=_("give the parts points that sum to 100 (คะแนนรวม = ส่วนที่ 1 + ส่วนที่ 2 + …)"))

    def quarter_problems(self, row, loc: tuple, innovation: bool):
        yield from super().quarter_problems(row, loc, innovation)
        if not row.parts:
            return
        keys = {p.key for p in self.parts}
        for k, v in row.parts.items():
            if k not in keys:
                yield Finding(CHECK, _("quarter {quarter}: part '{key}' is not a part of the scoring rule").format(
                                  quarter=row.quarter, key=k),
                              loc + ("parts", k), fix=_("use one of: {choices}").format(choices=", ".join(sorted(keys))),
                              key=True)
            elif v < 0:
                yield Finding(CHECK, _("quarter {quarter}: part '{key}' is negative ({value:g})").format(
                                  quarter=row.quarter, key=k, value=v),
                              loc + ("parts", k), fix=_("part figures are 0 or more"))
        derived = {p.key for p in self.parts if p.rule.from_stages and innovation}
        absent = sorted(keys - set(row.parts) - derived)
        if absent:
            yield Finding(CHECK, _("quarter {quarter}: no figure for part(s) {parts}; "
                                   "the computed total falls back to the reported performance").format(
                              quarter=row.quarter, parts=", ".join(absent)), loc + ("parts",),
                          level=Level.warning, fix=_("add the figure of every part under `parts:`"))


def rule_model(part_rules: tuple[type, ...]) -> type:
    """The composite rule's model, whose parts may be scored by any of `part_rules` (the rule
    models of the methods usable in parts, in the registry's order). Each call makes new classes:
    the registry calls it once (registry.rule_models)."""

    class Part(Model):
        """One part of a composite rule: its key in quarters[].parts, its points and its rule."""
        key: Text
        name: Text
        points: Number = Field(gt=0)
        rule: Annotated[Union[part_rules], Field(discriminator="method")]
        target: NonNegative | None = Field(
            None, description="the part's target, in the part's unit (percent rules: default 100; levels: a level)")

    class CompositeRule(CompositeBase):
        """คะแนนรวม = ส่วนที่ 1 + ส่วนที่ 2 + …: parts with their own rules, summed."""
        method: Literal["composite"]
        parts: Annotated[list[Part], Field(min_length=1)]

    return CompositeRule


SCAFFOLD = Scaffold(
    kind="composite",
    intro=("ตัวชี้วัดคะแนนรวม: คะแนนรวม = ส่วนที่ 1 + ส่วนที่ 2 + ส่วนที่ 3, parts with their own rules,\n"
           "summed."),
    target=(100, "คะแนน"),
    quarter_target="100",
    scoring=("# How `kpi score` computes a quarter (วิธีคิดคะแนน): คะแนนรวม = ส่วนที่ 1 + ส่วนที่ 2 + ส่วนที่ 3.",
             "# Each part has its key (used in quarters[].parts), its points (they add up to 100) and its rule.",
             "scoring:",
             "  method: composite",
             "  parts:",
             ("    - key: part1", "ส่วนที่ 1"),
             "      name: ส่วนที่ 1",
             ("      points: 40", "คะแนนเต็มของส่วนนี้ / the part's points"),
             "      rule: {method: percent}",
             ("    - key: part2", "ส่วนที่ 2"),
             "      name: ส่วนที่ 2",
             "      points: 30",
             "      rule: {method: percent}",
             ("    - key: part3", "ส่วนที่ 3"),
             "      name: ส่วนที่ 3",
             "      points: 30",
             "      rule: {method: percent}"),
    quarter_lines=(("    # parts: {part1: 0, part2: 0, part3: 0}", "ผลงานแต่ละส่วน / each part's figure"),),
)

METHOD = Method(NAME, rule_model, SCAFFOLD, in_parts=False)
