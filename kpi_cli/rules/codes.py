"""Codes: the indicator code, its file and folder, and references into the catalogues."""

from __future__ import annotations

import difflib
import re

from ..problems import Finding, Level
from . import FileContext, Summary, rule

CODE_RE = re.compile(r"^(\d{4})-(\d{3,4})$")


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
        yield Finding("code-format", f"code '{code}' is not of the form AAAA-NNNN (e.g. 0406-0772)", ("code",),
                      fix="write the 4-digit agency code, a dash, and the 3- or 4-digit indicator number")


@rule("code-filename")
def code_filename(ctx: FileContext):
    """The file is named after its code: indicators/2564/0406-0772.yaml holds code 0406-0772.

    Bad:  `code: "0406-0773"` in 0406-0772.yaml
    Good: `code: "0406-0772"` in 0406-0772.yaml
    """
    code = ctx.data.get("code")
    stem = ctx.path.name.rsplit(".", 1)[0]
    if isinstance(code, str) and CODE_RE.match(stem) and stem != code:
        yield Finding("code-filename", f"code '{code}' does not match the file name '{ctx.path.name}'", ("code",),
                      fix=f"rename the file to {code}.yaml, or correct the code")
    elif isinstance(code, str) and not CODE_RE.match(stem) and ctx.folder_year is not None:
        yield Finding("code-filename", f"the file name '{ctx.path.name}' is not an indicator code", ("code",),
                      fix=f"rename the file to {code}.yaml")


@rule("code-folder")
def code_folder(ctx: FileContext):
    """The file lives in the folder of its fiscal year: indicators/2564/ holds fiscal_year 2564.

    Bad:  `fiscal_year: 2565` in indicators/2564/
    Good: `fiscal_year: 2564` in indicators/2564/
    """
    fy = ctx.fiscal_year
    if fy is not None and ctx.folder_year is not None and fy != ctx.folder_year:
        yield Finding("code-folder", f"fiscal_year {fy} does not match the folder '{ctx.folder_year}'",
                      ("fiscal_year",), fix=f"move the file to indicators/{fy}/ or correct fiscal_year")
    if fy is not None and not 2500 <= fy <= 2700:
        hint = f"; {fy} looks like a Common-Era year: write {fy + 543}" if 1950 <= fy <= 2200 else ""
        yield Finding("code-folder", f"fiscal_year {fy} is not a Buddhist-Era year{hint}", ("fiscal_year",),
                      fix="fiscal years are Buddhist Era (พ.ศ.), e.g. 2564")


@rule("agency-unknown")
def agency_unknown(ctx: FileContext):
    """The agency code exists in agencies.yaml, and the indicator code starts with it.

    Bad:  `agency: "0499"` (not in the catalogue)
    Good: `agency: "0406"`
    """
    cat = ctx.catalogues
    agency = ctx.data.get("agency")
    if not isinstance(agency, str) or cat is None:
        return
    if agency not in cat.agencies:
        close = difflib.get_close_matches(agency, list(cat.agencies), n=1)
        fix = f"did you mean '{close[0]}'?" if close else "add the agency to indicators/agencies.yaml"
        yield Finding("agency-unknown", f"agency '{agency}' is not in agencies.yaml", ("agency",), fix=fix)
    code = ctx.data.get("code")
    if isinstance(code, str) and CODE_RE.match(code) and not code.startswith(agency + "-"):
        yield Finding("agency-unknown", f"code '{code}' does not start with the agency code '{agency}'", ("agency",),
                      fix=f"the code of an indicator of agency {agency} is {agency}-NNNN")


@rule("strategy-unknown")
def strategy_unknown(ctx: FileContext):
    """Strategy codes exist in strategies.yaml (Arabic digits; Thai digits are accepted on reading).

    Bad:  `strategies: ["7.5.9"]`
    Good: `strategies: ["7.5.1.1"]`
    """
    cat = ctx.catalogues
    items = ctx.data.get("strategies")
    if cat is None or not isinstance(items, list):
        return
    from ..thai import to_arabic_digits

    for i, code in enumerate(items):
        if not isinstance(code, str):
            continue
        canon = to_arabic_digits(code)
        if canon not in cat.strategies:
            close = difflib.get_close_matches(canon, list(cat.strategies), n=1)
            fix = f"did you mean '{close[0]}'?" if close else "add it to indicators/strategies.yaml"
            yield Finding("strategy-unknown", f"strategy '{code}' is not in strategies.yaml", ("strategies", i), fix=fix)
        elif canon != code:
            yield Finding("strategy-unknown", f"strategy '{code}' is written in Thai digits",
                          ("strategies", i), fix=f"write '{canon}'; reports show Thai digits themselves",
                          level=Level.warning)


@rule("code-unique", scope="tree")
def code_unique(summaries: list[Summary]):
    """An indicator code appears once per fiscal year across the whole tree.

    Bad:  two files of fiscal year 2564 both with `code: "0406-0772"` (or "0406-772")
    Good: one file per code and year
    """
    seen: dict[tuple, Summary] = {}
    for s in summaries:
        if s.code is None:
            continue
        key = code_key(s.code)
        if key is None:
            continue
        k = (s.fiscal_year, key)
        if k in seen:
            first = seen[k]
            if s.by_name:
                continue  # a file not checked this run: its own run reports it
            yield s, Finding("code-unique",
                             f"code '{s.code}' of fiscal year {s.fiscal_year} is already used by {first.display}",
                             ("code",), fix="each indicator has one file per year; merge them or correct the code",
                             line=s.line, column=s.column)
        else:
            seen[k] = s
