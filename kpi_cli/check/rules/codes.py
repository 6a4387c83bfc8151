"""Codes: the indicator code, its file and folder, and references into the catalogues."""

from __future__ import annotations

import difflib
import re

from kpi_cli.core.i18n import _, ngettext
from kpi_cli.core.patterns import INDICATOR_CODE
from kpi_cli.core.problems import Finding, Level
from kpi_cli.core.thai import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN
from kpi_cli.check.rules.registry import FileContext, Summary, rule

CODE_RE = re.compile(INDICATOR_CODE)  # ASCII digits: Thai digits are refused


def code_key(code: str) -> tuple[str, int] | None:
    """'0406-0772' and '0406-772' name the same indicator: ('0406', 772)."""
    m = CODE_RE.match(code)
    return (m.group(1), int(m.group(2))) if m else None


@rule("code-format")
def code_format(ctx: FileContext):
    """The code is AAAA-NNNN: a 4-digit agency code and a 3- or 4-digit indicator number.

    Bad:  `code: "406-772"`
    Good: `code: "0406-0772"`
    """
    code = ctx.data.get("code")
    if isinstance(code, str) and not CODE_RE.match(code):
        from kpi_cli.core.thai import to_arabic_digits

        arabic = to_arabic_digits(code)
        fix = (_("write it in Arabic digits: {code}").format(code=arabic) if CODE_RE.match(arabic) else
               _("write the 4-digit agency code, a dash, and the 3- or 4-digit indicator number"))
        yield Finding("code-format", _("code '{code}' is not of the form AAAA-NNNN (e.g. 0406-0772)").format(code=code),
                      ("code",), fix=fix)


@rule("code-filename")
def code_filename(ctx: FileContext):
    """The file is named after its code: indicators/2564/0406-0772.yaml holds code 0406-0772.

    Bad:  `code: "0406-0773"` in 0406-0772.yaml
    Good: `code: "0406-0772"` in 0406-0772.yaml
    """
    code = ctx.data.get("code")
    stem = ctx.path.name.rsplit(".", 1)[0]
    if isinstance(code, str) and CODE_RE.match(stem) and stem != code:
        yield Finding("code-filename", _("code '{code}' does not match the file name '{name}'").format(
                          code=code, name=ctx.path.name), ("code",),
                      fix=_("rename the file to {code}.yaml, or correct the code").format(code=code))
    elif isinstance(code, str) and not CODE_RE.match(stem) and ctx.folder_year is not None:
        yield Finding("code-filename", _("the file name '{name}' is not an indicator code").format(name=ctx.path.name),
                      ("code",), fix=_("rename the file to {code}.yaml").format(code=code))


@rule("code-folder")
def code_folder(ctx: FileContext):
    """The file lives in the folder of its fiscal year: indicators/2564/ holds fiscal_year 2564.

    Bad:  `fiscal_year: 2565` in indicators/2564/
    Good: `fiscal_year: 2564` in indicators/2564/
    """
    fy = ctx.fiscal_year
    if fy is not None and ctx.folder_year is not None and fy != ctx.folder_year:
        yield Finding("code-folder", _("fiscal_year {year} does not match the folder '{folder}'").format(
                          year=fy, folder=ctx.folder_year),
                      ("fiscal_year",),
                      fix=_("move the file to indicators/{year}/ or correct fiscal_year").format(year=fy))
    if fy is not None and 1000 <= fy <= 9000 and not FISCAL_YEAR_MIN <= fy <= FISCAL_YEAR_MAX:  # else out-of-range
        message = _("fiscal_year {year} is not a Buddhist-Era year; {year} looks like a Common-Era year: "
                    "write {be_year}") if 1950 <= fy <= 2200 else _("fiscal_year {year} is not a Buddhist-Era year")
        yield Finding("code-folder", message.format(year=fy, be_year=fy + 543), ("fiscal_year",),
                      fix=_("fiscal years are Buddhist Era (พ.ศ.), e.g. 2564"))


@rule("agency-unknown")
def agency_unknown(ctx: FileContext):
    """The agency code exists in agencies.yaml, and the indicator code starts with it.

    Bad:  `agency: "0499"` (not in the catalogue)
    Good: `agency: "0406"`
    """
    cat = ctx.catalogues
    agency = ctx.data.get("agency")
    if not isinstance(agency, str) or cat is None or not cat.agencies:
        return  # no agencies.yaml: the catalogue problem says so once
    if agency not in cat.agencies:
        close = difflib.get_close_matches(agency, list(cat.agencies), n=1)
        fix = _("did you mean '{name}'?").format(name=close[0]) if close else \
            _("add the agency to indicators/agencies.yaml")
        yield Finding("agency-unknown", _("agency '{agency}' is not in agencies.yaml").format(agency=agency),
                      ("agency",), fix=fix)
    code = ctx.data.get("code")
    if isinstance(code, str) and CODE_RE.match(code) and not code.startswith(agency + "-"):
        yield Finding("agency-unknown", _("code '{code}' does not start with the agency code '{agency}'").format(
                          code=code, agency=agency), ("agency",),
                      fix=_("the code of an indicator of agency {agency} is {agency}-NNNN").format(agency=agency))


@rule("strategy-unknown")
def strategy_unknown(ctx: FileContext):
    """Strategy codes exist in strategies.yaml (Arabic digits; Thai digits are accepted on reading).

    Bad:  `strategies: ["7.5.9"]`
    Good: `strategies: ["7.5.1.1"]`
    """
    cat = ctx.catalogues
    items = ctx.data.get("strategies")
    if cat is None or not cat.strategies or not isinstance(items, list):
        return  # no strategies.yaml: the catalogue problem says so once
    from kpi_cli.core.thai import to_arabic_digits

    for i, code in enumerate(items):
        if not isinstance(code, str):
            continue
        canon = to_arabic_digits(code)
        if canon not in cat.strategies:
            close = difflib.get_close_matches(canon, list(cat.strategies), n=1)
            fix = _("did you mean '{name}'?").format(name=close[0]) if close else \
                _("add it to indicators/strategies.yaml")
            yield Finding("strategy-unknown", _("strategy '{code}' is not in strategies.yaml").format(code=code),
                          ("strategies", i), fix=fix)
        elif canon != code:
            yield Finding("strategy-unknown", _("strategy '{code}' is written in Thai digits").format(code=code),
                          ("strategies", i),
                          fix=_("write '{code}'; reports show Thai digits themselves").format(code=canon),
                          level=Level.warning)


@rule("code-unique", scope="tree")
def code_unique(summaries: list[Summary]):
    """An indicator code appears once per fiscal year across the whole tree.

    Bad:  two files of fiscal year 2564 both with `code: "0406-0772"` (or "0406-772")
    Good: one file per code and year
    """
    # fiscal year -> {agency * 100,000 + number: the first file}: one small number per file, not
    # nested tuples (a tree of 30,000 files)
    seen: dict[int | None, dict[int, Summary]] = {}
    for s in summaries:
        if s.code is None:
            continue
        key = code_key(s.code)
        if key is None:
            continue
        of_year = seen.setdefault(s.fiscal_year, {})
        k = int(key[0]) * 100_000 + key[1]
        if k in of_year:
            first = of_year[k]
            if s.by_name:
                continue  # a file not checked this run: its own run reports it
            yield s, Finding("code-unique",
                             _("code '{code}' of fiscal year {year} is already used by {path}").format(
                                 code=s.code, year=s.fiscal_year, path=first.display),
                             ("code",), fix=_("each indicator has one file per year; merge them or correct the code"),
                             line=s.line, column=s.column)
        else:
            of_year[k] = s


@rule("agency-weights", scope="tree", level="warning")
def agency_weights(summaries: list[Summary]):
    """An agency's weights in a fiscal year sum to 100, as in its performance agreement.

    A total over some of an agency's indicators compares nothing with the official one: kpi says
    so once per agency and year (on its first file), with the weight each file carries. Agencies
    with a file this run did not read are left alone (its weight is unknown).
    Bad:  agency 0406 in 2564 with two files of `weight: {percent: 10}` and `{percent: 15}` (25%)
    Good: every indicator of the agreement in the tree, the weights summing to 100
    """
    groups: dict[tuple, list[Summary]] = {}
    for s in summaries:
        if s.agency is not None and s.fiscal_year is not None:
            groups.setdefault((s.agency, s.fiscal_year), []).append(s)
    for (agency, year), files in sorted(groups.items()):
        if any(f.by_name for f in files):
            continue
        weighted = [f for f in files if f.weight is not None]
        total = sum(f.weight for f in weighted)
        if not weighted or abs(total - 100) < 0.005:
            continue
        first = min(files, key=lambda f: f.display)
        parts = ", ".join(f"{f.code} {f.weight:g}%" for f in sorted(weighted, key=lambda f: f.code or ""))
        yield first, Finding(
            "agency-weights",
            ngettext("agency {agency}, fiscal year {year}: the weights sum to {total}% over {n} indicator ({parts}); "
                     "a performance agreement's weights sum to 100%",
                     "agency {agency}, fiscal year {year}: the weights sum to {total}% over {n} indicators ({parts}); "
                     "a performance agreement's weights sum to 100%", len(weighted)).format(
                agency=agency, year=year, total=f"{total:g}", n=len(weighted), parts=parts),
            ("weight",) if first.weight is not None else (), level=Level.warning,
            fix=_("add the agency's other indicators of the agreement, or correct `weight:`; until then its "
                  "computed and official totals cover only part of the agreement"),
            line=first.line, column=first.column)
