"""What a scoring method is made of: the base of its rule model, the facts it scores a quarter
from, and how it declares itself to the registry and to `kpi new`.

Each method is one module, kpi_cli/scoring/<method>.py, with

* its rule model, a subclass of :class:`RuleModel` (the pydantic class of ``scoring:``), which
  computes a quarter's performance and score, describes itself and checks itself: it overrides
  the functions of RuleModel where its method differs from their defaults;
* ``METHOD``, a :class:`Method`: its name, its rule model, whether a composite part may use it,
  and its :class:`Scaffold` (what `kpi new --kind …` writes for it).

:mod:`kpi_cli.scoring.registry` lists the modules. A method module imports this module, the
shared formulas and kpi_cli.core's light modules only: never the registry, never
kpi_cli.core.model (which builds the indicator from the rule models).
"""

import math
from dataclasses import dataclass
from typing import Callable, ClassVar, Iterator

from kpi_cli.core.i18n import _
from kpi_cli.core.model_base import Model
from kpi_cli.core.problems import Finding
from kpi_cli.scoring.formulas import SCORE_MAX, ratio_score, rounded

CHECK = "scoring-rule"  # the validation rule that reports a method's problems (kpi_cli/check/rules/scoring.py)


def finite(value) -> bool:
    """A figure that can be scored: None (absent) or a finite number."""
    return value is None or math.isfinite(value)


# --- what a quarter is scored from, and what a composite's part gives -----------------------------

@dataclass(frozen=True, eq=False)
class QuarterFacts:
    """The records of one quarter that a rule computes its performance from."""

    row: object | None  # the quarter's row of `quarters:` (kpi_cli.core.model.Quarter), or None
    innovation: object | None  # the file's `innovation:` record (kpi_cli.core.model.Innovation), or None
    end: object | None  # the quarter's last day (a date), or None when the calendar does not know it

    def stages_done(self) -> list[int] | None:
        """The innovation stages done by the quarter's end; None without `innovation:` or an end."""
        if self.innovation is None or self.end is None:
            return None
        return self.innovation.stages_done_by(self.end)


def figures(values) -> str:
    """Numbers as a rule describes them: '30 / 10 / 10 / 30 / 20'."""
    return " / ".join(f"{v:g}" for v in values)


def counts_percent(row) -> float | None:
    """counts.done / counts.total × 100, where the row has counts."""
    if row is None or row.counts is None or not row.counts.total:
        return None
    return row.counts.done / row.counts.total * 100


@dataclass(frozen=True, eq=False)  # results, never compared: fewer generated methods, a faster start
class PartScore:
    """One part of a composite rule in one quarter: its figure, score 0-100, and points earned."""

    key: str
    name: str
    points: float
    method: str
    performance: float | None
    target: float | None
    score: float | None
    level: float | None
    earned: float | None

    def to_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "points": rounded(self.points), "method": self.method,
                "performance": rounded(self.performance), "target": rounded(self.target),
                "score": rounded(self.score), "level": rounded(self.level), "earned": rounded(self.earned)}


# --- the rule model ---------------------------------------------------------------------------------

class RuleModel(Model):
    """The base of every method's rule model. The defaults score the performance against the
    quarter's target (performance / target × 100) and take the performance from `counts`."""

    from_stages: ClassVar[bool] = False  # the performance comes from the innovation stages done
    needs_target: ClassVar[bool] = False  # a quarter with a figure needs a target to be scored
    official_only: ClassVar[bool] = False  # no computed score at all: the official figures stand alone

    # computing

    def perform(self, facts: QuarterFacts) -> tuple[float | None, tuple[PartScore, ...]]:
        """The performance derived from the records (None where it cannot be), and the parts'
        scores of a composite rule."""
        return counts_percent(facts.row), ()

    def derived(self, facts: QuarterFacts) -> float | None:
        """As a composite's part: the figure derived from the records, which then stands in for
        the part's figure in the row; None when the row's figure is used."""
        return None

    def score(self, performance: float, target: float | None) -> tuple[float | None, float | None, str | None]:
        """(score 0-100, level, why there is no score) of a performance against the target."""
        if target is None:
            return None, None, _("no target for this quarter")
        return ratio_score(performance, target), None, None

    def part_score(self, performance: float, target: float | None) -> tuple[float | None, float | None]:
        """(score, level) as a composite's part, against the part's target (100 when it has none)."""
        score, level, _why = self.score(performance, SCORE_MAX if target is None else target)
        return score, level

    def year_to_date(self) -> bool | None:
        """Whether the figures accumulate over the year (percent rules); None for other methods."""
        return None

    def describe(self) -> str:
        """One line that says what the rule does (`kpi score`): an abstract method, which every
        method module overrides (the shipped examples describe each one in `kpi score`)."""
        raise NotImplementedError

    # checking (`kpi validate`, rule scoring-rule)

    def problems(self, loc: tuple) -> Iterator[Finding]:
        """Why the rule itself cannot be applied; `loc` is where it is in the file."""
        return iter(())

    def target_problems(self, target, loc: tuple, what: Callable[[], str]) -> Iterator[Finding]:
        """A target the rule cannot score against: not finite, negative, or (see
        :meth:`target_fits`) not of the method's kind. `what()` names it: "quarter 2", "part 'p1'"
        (called only for a problem: validation asks this of every quarter of every file)."""
        if target is None:
            return
        if not finite(target) or target < 0:
            yield Finding(CHECK, _("{what}: target {target:g} is not a number of 0 or more").format(
                what=what(), target=target), loc, fix=_("correct the target"))
        else:
            yield from self.target_fits(target, loc, what)

    def target_fits(self, target, loc: tuple, what: Callable[[], str]) -> Iterator[Finding]:
        """What the method asks of a finite target of 0 or more beyond that."""
        return iter(())

    def indicator_problems(self, loc: tuple, innovation: bool) -> Iterator[Finding]:
        """What the rule needs of the rest of the file (`innovation`: the file has `innovation:`)."""
        return iter(())

    def quarter_problems(self, row, loc: tuple, innovation: bool) -> Iterator[Finding]:
        """What keeps quarter `row` (at `loc`) from being scored by this rule, in force at its end."""
        has_figure = row.performance is not None or row.counts is not None or bool(row.parts)
        if self.needs_target and has_figure and row.target is None:
            yield Finding(CHECK, _("quarter {quarter} has a performance but no target to score it "
                                   "against").format(quarter=row.quarter),
                          loc, fix=_("add `target:` from the performance agreement (mark it in `inferred:` if "
                                     "inferred)"))
        yield from self.target_problems(row.target, loc + ("target",),
                                        lambda: _("quarter {quarter}").format(quarter=row.quarter))

    @classmethod
    def series_problems(cls, quarters: list) -> Iterator[Finding]:
        """Problems across quarters: `quarters` holds (index, row, rule in force at the quarter's
        end) of every row, in the file's order (the rule is None where there is none, or the row's
        quarter is not 1-4). Called once per method, whatever the rules in force."""
        return iter(())



# --- how a method declares itself -----------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Scaffold:
    """What `kpi new --kind KIND` writes for a method (kpi_cli/write/scaffold.py lays it out).

    A line is a text, or a (text, note) pair whose note goes beside it as a comment."""

    kind: str  # the name `kpi new --kind` takes
    intro: str  # the header's words on what the indicator measures (Thai and English)
    target: tuple[float, str]  # the year's target: value and unit
    quarter_target: str  # the example `target:` in the comment of each quarter
    scoring: tuple  # the lines of `scoring:`, with the comment above it
    quarter_lines: tuple = ()  # more lines in each quarter, after `- quarter: N`
    title: str | None = None  # the title when none is given; None: "write the title"
    innovation: bool = False  # write the `innovation:` record (the five stages)


@dataclass(frozen=True, eq=False)
class Method:
    """A scoring method as the registry lists it."""

    name: str  # what `scoring: {method: …}` says
    rule: type | Callable[[tuple], type]  # the rule model; or (composite) the function that builds it
    #                                       from the rule models its parts may use
    scaffold: Scaffold | None = None
    in_parts: bool = True  # a composite rule's part may be scored by this method
