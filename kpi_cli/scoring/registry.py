"""The scoring methods kpi knows, and the kinds of file `kpi new` writes: the one list.

Everything that depends on the set of methods asks here: the indicator model's discriminated
union of rules (kpi_cli/core/model.py), the scores (compute.py), the checks
(kpi_cli/check/rules/scoring.py), the scaffold (kpi_cli/write/scaffold.py) and the choices of
`kpi new --kind` (kpi_cli/cli/onboard.py).

To add a method, write kpi_cli/scoring/<method>.py (see kpi_cli/scoring/method.py) and list it in
:func:`_modules`, and its kind in KINDS when it has a scaffold (docs/scoring.md, "Adding a
scoring method").

This module imports nothing at start-up: `kpi --help` takes KINDS from it without loading pydantic
or the methods. The method modules never import it; the functions below import them.
"""

from __future__ import annotations

# the kinds of `kpi new --kind`, in the methods' order: one per method with a scaffold (a test
# keeps this in step with the methods' Scaffold.kind)
KINDS = ("innovation", "percent", "levels", "composite")


def _modules() -> tuple:
    """The method modules, in the order kpi lists them (and pydantic tries them)."""
    from kpi_cli.scoring import composite, levels, percent, stage_points, unpublished

    return (stage_points, percent, levels, composite, unpublished)


def methods() -> tuple:
    """Every method (a kpi_cli.scoring.method.Method), in order."""
    return tuple(module.METHOD for module in _modules())


def names() -> tuple[str, ...]:
    """The names of the methods, as `scoring: {method: …}` gives them."""
    return tuple(m.name for m in methods())


_RULE_MODELS: tuple | None = None


def rule_models() -> tuple[type, ...]:
    """Every method's rule model, in order; built once (composite's from the models its parts
    may use)."""
    global _RULE_MODELS
    if _RULE_MODELS is None:
        found = methods()
        part_rules = tuple(m.rule for m in found if m.in_parts)
        _RULE_MODELS = tuple(m.rule if isinstance(m.rule, type) else m.rule(part_rules) for m in found)
    return _RULE_MODELS


def rule_union():
    """The type of a `scoring:` field: one of the rule models, chosen by `method`."""
    from typing import Annotated, Union

    from pydantic import Field

    return Annotated[Union[rule_models()], Field(discriminator="method")]


def scaffold(kind: str):
    """The Scaffold of `kind` (one of KINDS), or None for a kind kpi does not know."""
    return next((m.scaffold for m in methods() if m.scaffold is not None and m.scaffold.kind == kind), None)
