"""Scoring rules that cannot be applied are caught here, never as a crash in `kpi score`.

What each method asks of its rule, its targets and its quarters is said by the method itself
(kpi_cli/scoring/<method>.py, the checks of its rule model); this module applies those checks to
every rule of a file and checks what all methods share: the figures, the amendments' dates, and
that `method:` names a method of the registry.
"""

from __future__ import annotations

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Finding
from kpi_cli.check.rules.registry import FileContext, rule


@rule("scoring-rule", needs_model=True)
def scoring_rule(ctx: FileContext):
    """The scoring rule can be applied: stage points and composite parts sum to 100, thresholds in
    order, a percent cap within 0-100, every quarter with a reported performance has a target (a
    level 1-5 for levels rules), composite parts have their figures, every figure is a finite number.

    Bad:  `points: [30, 10, 10, 30, 10]`; `thresholds: [60, 80, 70, 90, 100]`; `performance: .nan`
    Good: `points: [30, 10, 10, 30, 20]`; `thresholds: [60, 70, 80, 90, 100]`; `performance: 85`
    """
    from kpi_cli.scoring.compute import rule_in_force
    from kpi_cli.scoring.registry import rule_models

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
        yield from r.problems(loc)
    innovation = ind.innovation is not None
    for loc, r in rules:
        yield from r.indicator_problems(loc, innovation)
    # every figure of a model is a finite number already (model_base.Number refuses .nan and .inf:
    # rule out-of-range), so the quarters' own figures are not looked at again here
    in_force = []
    for i, row in enumerate(ind.quarters):
        if not 1 <= row.quarter <= 4:
            in_force.append((i, row, None))
            continue
        r = rule_in_force(ind, row.quarter)[0]
        in_force.append((i, row, r))
        if r is not None:
            yield from r.quarter_problems(row, ("quarters", i), innovation)
    for model in rule_models():
        yield from model.series_problems(in_force)


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
    """A scoring rule names a method kpi knows: stage-points, percent, levels, composite or unpublished.

    Bad:  `scoring: {method: average}`
    Good: `scoring: {method: levels, thresholds: [60, 70, 80, 90, 100]}`
    """
    import difflib

    from kpi_cli.scoring.registry import names

    known = names()
    for loc, r in _declared_rules(ctx.data):
        method = r.get("method")
        if method in known:
            continue
        if method is None:
            yield Finding("scoring-method", _("the scoring rule has no `method:`"), loc,
                          fix=_("add `method:` with one of {methods}").format(methods=", ".join(known)))
            continue
        close = difflib.get_close_matches(str(method), known, n=1)
        fix = _("did you mean '{name}'? kpi knows {methods} (docs/scoring.md)") if close else \
            _("kpi knows {methods} (docs/scoring.md)")
        yield Finding("scoring-method", _("unknown scoring method '{method}'").format(method=method), loc + ("method",),
                      fix=fix.format(name=close[0] if close else "", methods=", ".join(known)))
