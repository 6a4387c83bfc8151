"""Scoring rules that cannot be applied are caught here, never as a crash in `kpi score`."""

from __future__ import annotations

from ..problems import Finding
from . import FileContext, rule


def rule_problems(rule_obj, loc: tuple, part_keys: set[str] | None = None):
    method = rule_obj.method
    if method == "stage-points":
        total = sum(rule_obj.points)
        if abs(total - 100) > 1e-9:
            yield loc + ("points",), f"stage points add up to {total:g}, not 100", "make the five points sum to 100"
        if any(p < 0 for p in rule_obj.points):
            yield loc + ("points",), "stage points are negative", "points are 0 or more"
    elif method == "levels":
        th = rule_obj.thresholds
        ordered = all(a < b for a, b in zip(th, th[1:])) if rule_obj.direction == "higher" else \
            all(a > b for a, b in zip(th, th[1:]))
        if not ordered:
            word = "increasing" if rule_obj.direction == "higher" else "decreasing"
            yield loc + ("thresholds",), f"thresholds {th} are not strictly {word}", \
                f"list the threshold of level 1 first, then level 2, … ({word})"
    elif method == "composite":
        keys = set()
        for i, part in enumerate(rule_obj.parts):
            if part.key in keys:
                yield loc + ("parts", i, "key"), f"part key '{part.key}' is used twice", "give each part its own key"
            keys.add(part.key)
            yield from rule_problems(part.rule, loc + ("parts", i, "rule"))


@rule("scoring-rule", needs_model=True)
def scoring_rule(ctx: FileContext):
    """The scoring rule can be applied: stage points sum to 100, thresholds in order, every quarter
    with a reported performance has a target, composite parts have their figures.

    Bad:  `points: [30, 10, 10, 30, 10]`; `thresholds: [60, 80, 70, 90, 100]`
    Good: `points: [30, 10, 10, 30, 20]`; `thresholds: [60, 70, 80, 90, 100]`
    """
    ind = ctx.model
    rules = []
    if ind.scoring is not None:
        rules.append((("scoring",), ind.scoring))
    for i, a in enumerate(ind.amendments):
        if a.scoring is not None:
            rules.append((("amendments", i, "scoring"), a.scoring))
            if a.effective is None:
                yield Finding("scoring-rule", "an amendment with a new scoring rule needs the date it applies from",
                              ("amendments", i), fix="add `effective: YYYY-MM-DD`")
    for loc, r in rules:
        for where, msg, fix in rule_problems(r, loc):
            yield Finding("scoring-rule", msg, where, fix=fix)
    if ind.scoring is None:
        return
    method = ind.scoring.method
    if method == "stage-points" and ind.innovation is None:
        yield Finding("scoring-rule", "stage-points scoring needs the innovation record (`innovation:`)",
                      ("scoring", "method"), fix="add `innovation:` or choose another method")
    for i, row in enumerate(ind.quarters):
        has_figure = row.performance is not None or row.counts is not None or row.parts
        if method in ("percent", "levels", "stage-points") and has_figure and row.target is None and method != "levels":
            yield Finding("scoring-rule", f"quarter {row.quarter} has a performance but no target to score it against",
                          ("quarters", i), fix="add `target:` from the performance agreement (mark it in `inferred:` if inferred)")
        if method == "composite" and row.parts:
            keys = {p.key for p in ind.scoring.parts}
            for k in row.parts:
                if k not in keys:
                    yield Finding("scoring-rule", f"quarter {row.quarter}: part '{k}' is not a part of the scoring rule",
                                  ("quarters", i, "parts", k), fix=f"use one of: {', '.join(sorted(keys))}")
