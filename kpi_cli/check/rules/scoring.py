"""Scoring rules that cannot be applied are caught here, never as a crash in `kpi score`."""

from __future__ import annotations

import math

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Finding, Level
from kpi_cli.check.rules.registry import FileContext, rule


def _finite(value) -> bool:
    return value is None or math.isfinite(value)


def rule_problems(rule_obj, loc: tuple):
    """(where, message, fix) for each reason `rule_obj` cannot be applied."""
    method = rule_obj.method
    if method == "stage-points":
        if not all(_finite(p) for p in rule_obj.points):
            yield loc + ("points",), _("stage points must be finite numbers"), \
                _("write five numbers, e.g. [30, 10, 10, 30, 20]")
            return
        total = sum(rule_obj.points)
        if abs(total - 100) > 1e-9:
            yield loc + ("points",), _("stage points add up to {total:g}, not 100").format(total=total), \
                _("make the five points sum to 100")
        if any(p < 0 for p in rule_obj.points):
            yield loc + ("points",), _("stage points are negative"), _("points are 0 or more")
    elif method == "percent":
        if not _finite(rule_obj.cap) or not 0 < rule_obj.cap <= 100:
            yield loc + ("cap",), \
                _("cap {cap:g} is outside 0-100: scores run from 0 to 100").format(cap=rule_obj.cap), \
                _("write the highest score, e.g. `cap: 100`")
    elif method == "levels":
        th = rule_obj.thresholds
        if not all(_finite(t) for t in th):
            yield loc + ("thresholds",), _("thresholds must be finite numbers"), _("e.g. [60, 70, 80, 90, 100]")
            return
        ordered = all(a < b for a, b in zip(th, th[1:])) if rule_obj.direction == "higher" else \
            all(a > b for a, b in zip(th, th[1:]))
        if not ordered and rule_obj.direction == "higher":
            yield loc + ("thresholds",), \
                _("thresholds {thresholds} are not strictly increasing").format(thresholds=th), \
                _("list the threshold of level 1 first, then level 2, … (increasing)")
        elif not ordered:
            yield loc + ("thresholds",), \
                _("thresholds {thresholds} are not strictly decreasing").format(thresholds=th), \
                _("list the threshold of level 1 first, then level 2, … (decreasing)")
    elif method == "composite":
        keys = set()
        for i, part in enumerate(rule_obj.parts):
            if part.key in keys:
                yield loc + ("parts", i, "key"), _("part key '{key}' is used twice").format(key=part.key), \
                    _("give each part its own key")
            keys.add(part.key)
            yield from rule_problems(part.rule, loc + ("parts", i, "rule"))
            yield from _target_problems(part.rule, part.target, loc + ("parts", i, "target"),
                                        _("part '{key}'").format(key=part.key))
        points = [p.points for p in rule_obj.parts]
        if all(_finite(p) for p in points) and abs(sum(points) - 100) > 1e-9:
            yield loc + ("parts",), _("the parts' points add up to {total:g}, not 100").format(total=sum(points)), \
                _("give the parts points that sum to 100 (คะแนนรวม = ส่วนที่ 1 + ส่วนที่ 2 + …)")


def _target_problems(rule_obj, target, loc: tuple, what: str):
    """A target the rule cannot score against: not finite, negative, or not a level of a levels rule."""
    if target is None:
        return
    if not _finite(target) or target < 0:
        yield loc, _("{what}: target {target:g} is not a number of 0 or more").format(what=what, target=target), \
            _("correct the target")
    elif rule_obj.method == "levels" and not 0 < target <= len(rule_obj.thresholds):
        top = len(rule_obj.thresholds)
        yield loc, _("{what}: target {target:g} is not a level; a levels rule's target is a level 1-{top}").format(
            what=what, target=target, top=top), \
            _("write the level the agreement asks for (e.g. {top}); the result itself goes in `performance:`").format(
                top=top)


def _row_figures(row) -> list[tuple[tuple, float]]:
    figures = [((name,), getattr(row, name)) for name in ("performance", "target", "assessed")]
    if row.counts is not None:
        figures += [(("counts", "done"), row.counts.done), (("counts", "total"), row.counts.total)]
    figures += [(("parts", k), v) for k, v in (row.parts or {}).items()]
    figures += [(("sub_scores", j), s) for j, s in enumerate(row.sub_scores or [])]
    return [(where, v) for where, v in figures if v is not None]


@rule("scoring-rule", needs_model=True)
def scoring_rule(ctx: FileContext):
    """The scoring rule can be applied: stage points and composite parts sum to 100, thresholds in
    order, a percent cap within 0-100, every quarter with a reported performance has a target (a
    level 1-5 for levels rules), composite parts have their figures, every figure is a finite number.

    Bad:  `points: [30, 10, 10, 30, 10]`; `thresholds: [60, 80, 70, 90, 100]`; `performance: .nan`
    Good: `points: [30, 10, 10, 30, 20]`; `thresholds: [60, 70, 80, 90, 100]`; `performance: 85`
    """
    from kpi_cli.scoring.compute import rule_in_force

    ind = ctx.model
    rules = []
    if ind.scoring is not None:
        rules.append((("scoring",), ind.scoring))
    for i, a in enumerate(ind.amendments):
        if a.scoring is not None:
            rules.append((("amendments", i, "scoring"), a.scoring))
            if a.effective is None:
                yield Finding("scoring-rule", _("an amendment with a new scoring rule needs the date it applies from"),
                              ("amendments", i), fix=_("add `effective: YYYY-MM-DD`"))
    for loc, r in rules:
        for where, msg, fix in rule_problems(r, loc):
            yield Finding("scoring-rule", msg, where, fix=fix)
    for loc, r in rules:
        if r.method == "stage-points" and ind.innovation is None:
            yield Finding("scoring-rule", _("stage-points scoring needs the innovation record (`innovation:`)"),
                          loc + ("method",), fix=_("add `innovation:` or choose another method"))
    for i, row in enumerate(ind.quarters):
        for where, value in _row_figures(row):
            if not math.isfinite(value):
                yield Finding("scoring-rule", _("quarter {quarter}: {field} is {value}, not a number").format(
                                  quarter=row.quarter, field=".".join(map(str, where)), value=value),
                              ("quarters", i) + where, fix=_("write the figure as a plain number"))
        if not 1 <= row.quarter <= 4:
            continue
        yield from _quarter_problems(ind, i, row, rule_in_force(ind, row.quarter)[0])
    yield from _cumulative_falls(ind, rule_in_force)


def _cumulative_falls(ind, rule_in_force):
    """A cumulative percent figure (year to date) that falls from one quarter to the next."""
    previous = None
    for i, row in enumerate(ind.quarters):
        r = rule_in_force(ind, row.quarter)[0] if 1 <= row.quarter <= 4 else None
        if r is None or r.method != "percent" or not r.cumulative:
            previous = None
            continue
        where, value = (("counts", "done"), row.counts.done) if row.counts is not None else (("performance",), row.performance)
        if value is None or not math.isfinite(value):
            continue
        if previous is not None and value < previous[1] and where == previous[0]:
            yield Finding("scoring-rule", _("quarter {quarter}: the cumulative figure falls from {before:g} "
                                            "to {after:g}").format(quarter=row.quarter, before=previous[1],
                                                                   after=value),
                          ("quarters", i) + where, level=Level.warning,
                          fix=_("a cumulative indicator reports the year to date; check the figure, "
                                "or set `cumulative: false` if it counts each quarter on its own"))
        previous = (where, value)


def _quarter_problems(ind, i: int, row, r):
    """What keeps quarter `row` from being scored by `r`, the rule in force at its end."""
    if r is None:
        return
    loc = ("quarters", i)
    method = r.method
    has_figure = row.performance is not None or row.counts is not None or bool(row.parts)
    if method in ("percent", "stage-points") and has_figure and row.target is None:
        yield Finding("scoring-rule", _("quarter {quarter} has a performance but no target to score it "
                                        "against").format(quarter=row.quarter),
                      loc, fix=_("add `target:` from the performance agreement (mark it in `inferred:` if inferred)"))
    yield from (Finding("scoring-rule", msg, where, fix=fix)
                for where, msg, fix in _target_problems(r, row.target, loc + ("target",),
                                                        _("quarter {quarter}").format(quarter=row.quarter)))
    if method != "composite" or not row.parts:
        return
    keys = {p.key for p in r.parts}
    for k, v in row.parts.items():
        if k not in keys:
            yield Finding("scoring-rule", _("quarter {quarter}: part '{key}' is not a part of the scoring rule").format(
                              quarter=row.quarter, key=k),
                          loc + ("parts", k), fix=_("use one of: {choices}").format(choices=", ".join(sorted(keys))),
                          key=True)
        elif v < 0:
            yield Finding("scoring-rule", _("quarter {quarter}: part '{key}' is negative ({value:g})").format(
                              quarter=row.quarter, key=k, value=v),
                          loc + ("parts", k), fix=_("part figures are 0 or more"))
    derived = {p.key for p in r.parts if p.rule.method == "stage-points" and ind.innovation is not None}
    absent = sorted(keys - set(row.parts) - derived)
    if absent:
        yield Finding("scoring-rule", _("quarter {quarter}: no figure for part(s) {parts}; "
                                        "the computed total falls back to the reported performance").format(
                          quarter=row.quarter, parts=", ".join(absent)), loc + ("parts",),
                      level=Level.warning, fix=_("add the figure of every part under `parts:`"))


METHODS = ("stage-points", "percent", "levels", "composite")


def _declared_rules(data: dict):
    """(loc, mapping) of every scoring rule in the raw document, parts included."""
    found = [(("scoring",), data.get("scoring"))]
    amendments = data.get("amendments")
    for i, a in enumerate(amendments if isinstance(amendments, list) else []):
        if isinstance(a, dict):
            found.append((("amendments", i, "scoring"), a.get("scoring")))
    for loc, r in list(found):
        parts = r.get("parts") if isinstance(r, dict) else None
        for j, part in enumerate(parts if isinstance(parts, list) else []):
            if isinstance(part, dict):
                found.append((loc + ("parts", j, "rule"), part.get("rule")))
    return [(loc, r) for loc, r in found if isinstance(r, dict)]


@rule("scoring-method")
def scoring_method(ctx: FileContext):
    """A scoring rule names a method kpi knows: stage-points, percent, levels or composite.

    Bad:  `scoring: {method: average}`
    Good: `scoring: {method: levels, thresholds: [60, 70, 80, 90, 100]}`
    """
    import difflib

    for loc, r in _declared_rules(ctx.data):
        method = r.get("method")
        if method in METHODS:
            continue
        if method is None:
            yield Finding("scoring-method", _("the scoring rule has no `method:`"), loc,
                          fix=_("add `method:` with one of {methods}").format(methods=", ".join(METHODS)))
            continue
        close = difflib.get_close_matches(str(method), METHODS, n=1)
        fix = _("did you mean '{name}'? kpi knows {methods} (docs/scoring.md)") if close else \
            _("kpi knows {methods} (docs/scoring.md)")
        yield Finding("scoring-method", _("unknown scoring method '{method}'").format(method=method), loc + ("method",),
                      fix=fix.format(name=close[0] if close else "", methods=", ".join(METHODS)))
