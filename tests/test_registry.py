"""The registry of scoring methods is the one list: its light KINDS agree with the registered
modules, every method module is self-contained, and the registry costs `kpi --help` nothing."""

from __future__ import annotations

import ast
import subprocess
import sys
import typing
from pathlib import Path

from kpi_cli.core import model
from kpi_cli.scoring import registry
from kpi_cli.scoring.method import Method, RuleModel, Scaffold

PACKAGE = Path(__file__).resolve().parent.parent / "kpi_cli"


def _literal(rule_model) -> str:
    return typing.get_args(rule_model.model_fields["method"].annotation)[0]


def test_kinds_are_the_scaffolds_of_the_registered_methods():
    scaffolds = [m.scaffold for m in registry.methods() if m.scaffold is not None]
    assert all(isinstance(s, Scaffold) for s in scaffolds)
    assert registry.KINDS == tuple(s.kind for s in scaffolds)
    assert all(registry.scaffold(kind).kind == kind for kind in registry.KINDS)
    assert registry.scaffold("average") is None


def test_each_method_names_itself_as_its_rule_model_does():
    methods = registry.methods()
    assert all(isinstance(m, Method) for m in methods)
    assert len(set(registry.names())) == len(methods)
    assert [_literal(r) for r in registry.rule_models()] == list(registry.names())
    assert all(issubclass(r, RuleModel) for r in registry.rule_models())


def test_the_model_takes_its_union_from_the_registry():
    union = typing.get_args(typing.get_args(model.ScoringRule)[0])
    assert union == registry.rule_models()
    assert registry.rule_models() is registry.rule_models()  # built once: one class per method


def test_a_composite_part_may_use_every_method_marked_for_parts():
    composite = next(r for r in registry.rule_models() if _literal(r) == "composite")
    part = typing.get_args(composite.model_fields["parts"].annotation)[0]
    allowed = typing.get_args(part.model_fields["rule"].annotation)
    assert allowed == tuple(m.rule for m in registry.methods() if m.in_parts)


def test_the_registry_loads_nothing_at_import():
    code = ("import sys, kpi_cli.scoring.registry as r\n"
            "print(r.KINDS, sorted(m for m in sys.modules if m.startswith(('kpi_cli', 'pydantic'))))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=PACKAGE.parent, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "('innovation', 'percent', 'levels', 'composite') " \
                          "['kpi_cli', 'kpi_cli.scoring', 'kpi_cli.scoring.registry']"


# what a method module may import: the method base, the shared formulas, and kpi_cli.core's light
# modules; never the registry (which imports the methods) nor kpi_cli.core.model (built from them)
ALLOWED = {"kpi_cli.scoring.method", "kpi_cli.scoring.formulas", "kpi_cli.core.model_base", "kpi_cli.core.i18n",
           "kpi_cli.core.problems", "kpi_cli.core.figures", "kpi_cli.core.assessment", "kpi_cli.core.vocabulary"}


def _kpi_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kpi_cli"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("kpi_cli")}
    return found


def test_method_modules_import_only_the_layers_below():
    for module in registry._modules():
        assert _kpi_imports(Path(module.__file__)) <= ALLOWED, module.__name__
    for name in ("method", "formulas"):
        assert _kpi_imports(PACKAGE / "scoring" / f"{name}.py") <= ALLOWED, name
    # the printed forms of figures only, a module of nothing but the standard library
    assert _kpi_imports(PACKAGE / "core" / "model_base.py") == {"kpi_cli.core.figures"}
    assert _kpi_imports(PACKAGE / "core" / "figures.py") == set()
