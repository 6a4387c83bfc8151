"""The indicators of a tree: every valid file's model and report context (invalid files are
failures, with their problems), and the agencies the tree's pages are about."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from kpi_cli.check.checked import check, load_catalogues
from kpi_cli.check.rules import load_all
from kpi_cli.core.model import Indicator
from kpi_cli.core.problems import Level
from kpi_cli.io.paths import display_path
from kpi_cli.io.repo import indicator_files
from kpi_cli.render.context import AgencyInfo, IndicatorLine, IndicatorReport, Output, agency_info, indicator_report
from kpi_cli.render.paths import source_name


def load_tree(root: Path, failures: list, progress=None) -> Iterator[tuple[Path, Indicator, object]]:
    """(path, model, catalogues) of every valid indicator under `root`; invalid files go to
    `failures` as (path, problems)."""
    load_all()
    catalogues, cat_problems = load_catalogues(root)
    if any(p.level is Level.error for p in cat_problems):
        failures.append((root, cat_problems))
    for path in indicator_files(root):
        problems, _summary, model, _raw = check(path, catalogues, display_path(path), want_model=True)
        errors = [p for p in problems if p.level is Level.error]
        if errors or model is None:
            failures.append((path, sorted(problems)))
        else:
            yield path, model, catalogues
        if progress is not None:
            progress.advance()


def count_pages(root: Path) -> int:
    return len(indicator_files(root))


def tree_reports(root: Path, output: Output, failures: list, progress=None,
                 fiscal_year: int | None = None) -> Iterator[IndicatorReport]:
    """The report context of every valid indicator under `root` (of one fiscal year if given)."""
    for _path, report in tree_reports_of_files(root, output, failures, progress, fiscal_year):
        yield report


def tree_reports_of_files(root: Path, output: Output, failures: list, progress=None,
                  fiscal_year: int | None = None) -> Iterator[tuple[Path, IndicatorReport]]:
    """(file, report context) of every valid indicator under `root` (of one fiscal year if given)."""
    for path, model, catalogues in load_tree(root, failures, progress):
        if fiscal_year is None or model.fiscal_year == fiscal_year:
            yield path, indicator_report(model, catalogues, source=source_name(path, root), output=output)


AGENCY_CODE = re.compile(r"[0-9]{4}")  # ASCII digits only: an agency's code names its page


def tree_agencies(root: Path, lines: Iterable[IndicatorLine], output: Output) -> list[AgencyInfo]:
    """The catalogue's agencies, then any agency an indicator names that the catalogue lacks.

    Only agencies whose code is 4 ASCII digits: any other code is a catalogue error (reported by
    the loading of the tree) and must never become a file name (`../../x` would leave the site).
    """
    return tree_agencies_of_codes(root, {ln.agency.code for ln in lines}, output)


def tree_agencies_of_codes(root: Path, named: set[str], output: Output) -> list[AgencyInfo]:
    """As :func:`tree_agencies`, from the set of agency codes the indicators name."""
    catalogues, _problems = load_catalogues(root)
    codes = list(catalogues.agencies) if catalogues else []
    codes += sorted(named - set(codes))
    return [agency_info(code, catalogues, output) for code in codes
            if isinstance(code, str) and AGENCY_CODE.fullmatch(code)]
