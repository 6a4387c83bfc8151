"""Reading the catalogues (agencies.yaml, strategies.yaml) of a folder, with their own problems.
:func:`kpi_cli.check.checked.load_catalogues` puts the cache in front of this."""

from __future__ import annotations

import re
from pathlib import Path

from kpi_cli.check.check import lazy_source
from kpi_cli.check.rules.registry import leaves
from kpi_cli.check.rules.schema import check_schema
from kpi_cli.check.rules.text import blank_findings
from kpi_cli.core.facts import Catalogues
from kpi_cli.core.i18n import _
from kpi_cli.core.patterns import AGENCY_CODE, STRATEGY_CODE
from kpi_cli.core.problems import Finding, Level, Problem
from kpi_cli.io.loader import load, locate
from kpi_cli.io.paths import display_path


def read_catalogues(folder: Path | None) -> tuple[Catalogues | None, list[Problem]]:
    """Read agencies.yaml and strategies.yaml of `folder`, with their own problems."""
    from kpi_cli.core.model import AgencyCatalogue, StrategyCatalogue

    if folder is None:
        return None, []
    cat = Catalogues(folder=folder)
    problems: list[Problem] = []
    for name, model_cls in (("agencies.yaml", AgencyCatalogue), ("strategies.yaml", StrategyCatalogue)):
        path = folder / name
        if not path.exists():
            problems.append(Problem(display_path(path), 1, 1, "catalogue", Level.error,
                                    _("the catalogue {name} is missing").format(name=name),
                                    _("create {path}").format(path=display_path(path))))
            continue
        loaded = load(path)
        findings = loaded.findings
        model = None
        if loaded.data is not None:
            model, schema_findings = check_schema(loaded.data, model_cls, lazy_source(loaded.text))
            findings += schema_findings
        if model is not None:
            findings += _catalogue_rules(model)
            findings += blank_findings(model_cls, leaves(loaded.data))
            cat.use(model)
        problems += locate(path, loaded.text, findings, display_path(path))
    return cat, problems


def _catalogue_rules(model) -> list[Finding]:
    from kpi_cli.core.model import AgencyCatalogue

    out: list[Finding] = []
    if isinstance(model, AgencyCatalogue):
        seen = set()
        for i, a in enumerate(model.agencies):
            if not re.fullmatch(AGENCY_CODE, a.code):
                out.append(Finding("catalogue", _("agency code '{code}' is not 4 digits").format(code=a.code),
                                   ("agencies", i, "code"), fix=_('write it as 4 digits in quotes, e.g. "0406"')))
            if a.code in seen:
                out.append(Finding("catalogue", _("agency code '{code}' is listed twice").format(code=a.code),
                                   ("agencies", i, "code")))
            seen.add(a.code)
        kinds = {k.kind for k in model.kinds}
        for i, a in enumerate(model.agencies):
            if a.stub:
                out.append(Finding("agency-stub", _("agency {code} ({name}) was added by `kpi import` as a stub: its "
                                                    "name, abbreviation and kind are not checked").format(
                                       code=a.code, name=a.name),
                                   ("agencies", i, "stub"), level=Level.warning,
                                   fix=_("correct name, abbr and kind from the agency's official name, then remove "
                                         "`stub: true`")))
            if a.kind not in kinds:
                out.append(Finding("catalogue", _("agency kind '{kind}' has no entry under kinds:").format(
                                       kind=a.kind.value),
                                   ("agencies", i, "kind"), fix=_("add the kind with its minimum_ideas")))
    else:
        codes = {s.code for s in model.strategies}
        for i, s in enumerate(model.strategies):
            if not re.fullmatch(STRATEGY_CODE, s.code):
                out.append(Finding("catalogue", _("strategy code '{code}' is not of the form 7.5.1.1").format(
                                       code=s.code),
                                   ("strategies", i, "code"), fix=_("Arabic digits separated by dots")))
            parent = s.code.rpartition(".")[0]
            if parent and parent not in codes:
                out.append(Finding("catalogue", _("strategy '{code}' has no parent '{parent}' in the catalogue").format(
                                       code=s.code, parent=parent),
                                   ("strategies", i, "code"), fix=_("add strategy '{parent}'").format(parent=parent)))
    return out
