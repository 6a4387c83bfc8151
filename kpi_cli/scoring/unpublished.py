"""unpublished: the scoring rule is not published, so kpi computes no score. Most BMA pages give
no rule (it is in the performance agreement), and official scores are often audit judgements
that no rule reproduces; a file that says so gets the official figures alone from `kpi score`,
with one line that says why, instead of "differs" on every quarter (docs/scoring.md)."""

from typing import ClassVar, Literal

from pydantic import Field

from kpi_cli.core.i18n import N_, _
from kpi_cli.core.model_base import Text
from kpi_cli.scoring.method import Method, QuarterFacts, RuleModel

NAME = "unpublished"

# why no quarter has a computed score (a msgid: translated where shown)
NO_RULE = N_("the scoring rule is not published: official figures only, no computed score")


class UnpublishedRule(RuleModel):
    """No published rule: official figures only."""
    method: Literal["unpublished"]
    note: Text | None = Field(None, description="where the rule is, if anywhere (e.g. the performance agreement)")

    official_only: ClassVar[bool] = True

    def perform(self, facts: QuarterFacts):
        return None, ()

    def score(self, performance: float, target: float | None):
        return None, None, _(NO_RULE)

    def describe(self) -> str:
        return _("not published: official figures only") + (f" ({self.note})" if self.note else "")


METHOD = Method(NAME, UnpublishedRule, in_parts=False)
