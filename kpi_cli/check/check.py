"""Checking one indicator text: a loaded document -> its problems, a summary for the rules
across files, and the validated model. Pure: nothing here reads a tree, prints, or uses the cache
(:mod:`kpi_cli.check.checked` puts the cache in front of it; :mod:`kpi_cli.check.pipeline` runs it
over a tree).

Flow: parse (loader) -> shape (schema) -> file rules -> positions.
"""

from __future__ import annotations

from pathlib import Path

from kpi_cli.check.rules import FileContext, load_all, run_file_rules
from kpi_cli.check.rules.schema import check_schema
from kpi_cli.core.facts import Catalogues, Summary
from kpi_cli.core.i18n import _
from kpi_cli.core.model_base import LIMIT
from kpi_cli.core.problems import Finding, Level, Problem
from kpi_cli.io.loader import Loaded, compose, locate, parse_text, scalar_text
from kpi_cli.io.paths import YEAR_DIR
from kpi_cli.io.source import MAX_BYTES

DATE_RULES = ("date-invalid", "date-be-year")


def lazy_source(text: str | None):
    cache: dict = {}

    def source(loc: tuple) -> str | None:
        if text is None:
            return None
        if "root" not in cache:
            cache["root"] = compose(text)
        return scalar_text(cache["root"], loc) if cache["root"] is not None else None

    return source


def check_loaded(loaded: Loaded, catalogues: Catalogues | None, display: str) -> tuple[list[Problem], Summary, object]:
    """All file rules for one loaded file: (problems, summary, model or None)."""
    from kpi_cli.core.model import Indicator  # pydantic: on the miss path only

    findings = loaded.findings
    data = loaded.data
    model = None
    if data is not None:
        parent = loaded.path.parent.name
        ctx = FileContext(loaded.path, display, data, None, catalogues,
                          int(parent) if YEAR_DIR.match(parent) else None)
        model, schema_findings = check_schema(data, Indicator, lazy_source(loaded.text), frozenset())
        ctx.model = model
        file_findings = run_file_rules(ctx)
        if schema_findings:  # a date the date rules explain is not reported twice
            dated = {f.loc for f in file_findings if f.rule in DATE_RULES}
            schema_findings = [f for f in schema_findings if f.loc not in dated]
        findings += schema_findings
        findings += file_findings
    elif not findings:  # `~`, `null` or only comments: a file that says nothing
        findings.append(Finding("top-level-mapping", _("the file holds no fields (it is empty, or only `~`)"),
                                line=1, column=1, fix=_("start it with `kpi new CODE`, or delete it")))
    problems = locate(loaded.path, loaded.text, findings, display) if findings else []
    if isinstance(data, dict):
        code, fy, agency = data.get("code"), data.get("fiscal_year"), data.get("agency")
        summary = Summary(display, code if isinstance(code, str) else None,
                          fy if isinstance(fy, int) else None, agency if isinstance(agency, str) else None,
                          weight=weight_of(data))
    else:
        summary = Summary(display, None, None, None)
    return problems, summary, model


def weight_of(data: dict) -> float | None:
    """The file's weight in percent, where it is a plain finite number (the rules say the rest)."""
    weight = data.get("weight")
    percent = weight.get("percent") if isinstance(weight, dict) else None
    ok = isinstance(percent, (int, float)) and not isinstance(percent, bool) and percent == percent
    return float(percent) if ok and abs(percent) <= LIMIT else None


def check_text(path: Path, text: str, catalogues: Catalogues | None, display: str) -> list[Problem]:
    """What `kpi validate` reports for `text` as the content of `path` (errors and warnings, sorted):
    a change or a new file is checked with this before it is written."""
    load_all()
    size = len(text.encode("utf-8", "surrogateescape"))
    if size > MAX_BYTES:  # what is written is what validate reads: never a file it would refuse
        return [Problem(display, 1, 1, "file-too-large", Level.error,
                        _("the file would be {size:,} bytes; the limit is {limit:,}").format(size=size, limit=MAX_BYTES),
                        _("an indicator file is tens of KB: check the page or the values given"))]
    loaded = Loaded(path, text=text)
    data = parse_text(text, path, loaded.findings)
    loaded.data = data if isinstance(data, dict) else None
    problems, _summary, _model = check_loaded(loaded, catalogues, display)
    return sorted(problems)
