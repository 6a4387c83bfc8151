"""Codes: the indicator code, its file and folder, and references into the catalogues."""

from __future__ import annotations

import difflib
import re
from typing import Iterable

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
def code_unique(summaries: Iterable[Summary]):
    """An indicator code appears once per fiscal year across the whole tree.

    Bad:  two files of fiscal year 2564 both with `code: "0406-0772"` (or "0406-772")
    Good: one file per code and year
    """
    # two passes over the summaries (they are read from columns, never all held as objects):
    # first each code (one small number, agency * 100,000 + number) and year marks a bit of a
    # table of bits; a code whose bit is marked already may be a second file of it. Then, for
    # those codes alone, the first file that has it and the ones after it: the memory is a few
    # bits a file, not a set of every code
    bits = _Bits(getattr(summaries, "__len__", lambda: 0)())
    maybe: set[tuple[int | None, int]] = set()
    for s in summaries:
        k = _code_number(s)
        if k is not None and bits.mark((s.fiscal_year, k)):
            maybe.add((s.fiscal_year, k))
    del bits
    if not maybe:
        return
    first: dict[tuple[int | None, int], Summary] = {}
    for s in summaries:
        k = _code_number(s)
        if k is None or (s.fiscal_year, k) not in maybe:
            continue
        held = first.setdefault((s.fiscal_year, k), s)
        if held is s or s.by_name:
            continue  # the first file of the code; or a file not checked this run: its own run reports it
        yield s, Finding("code-unique",
                         _("code '{code}' of fiscal year {year} is already used by {path}").format(
                             code=s.code, year=s.fiscal_year, path=held.display),
                         ("code",), fix=_("each indicator has one file per year; merge them or correct the code"),
                         line=s.line, column=s.column)


class _Bits:
    """A table of bits that remembers, roughly, which keys it has seen: `mark(key)` says whether
    the key's bit was set already (always, for a key marked before; now and then for another that
    shares its bit: the caller then looks closer). 32 bits a key expected."""

    def __init__(self, expected: int):
        size = 1 << 16
        while size < 32 * expected:
            size <<= 1
        self.mask = size - 1
        self.table = bytearray(size >> 3)

    def mark(self, key) -> bool:
        h = hash(key) & self.mask
        byte, bit = h >> 3, 1 << (h & 7)
        seen = self.table[byte] & bit
        self.table[byte] |= bit
        return bool(seen)


def _code_number(s: Summary) -> int | None:
    """The code of `s` as one number, equal for codes that name the same indicator."""
    if s.code is None:
        return None
    key = code_key(s.code)
    return None if key is None else int(key[0]) * 100_000 + key[1]


@rule("agency-weights", scope="tree", level="warning")
def agency_weights(summaries: Iterable[Summary]):
    """An agency's weights in a fiscal year sum to 100, as in its performance agreement.

    A total over some of an agency's indicators compares nothing with the official one: kpi says
    so once per agency and year (on its first file), with the weight each file carries. Agencies
    with a file this run did not read are left alone (its weight is unknown).
    Bad:  agency 0406 in 2564 with two files of `weight: {percent: 10}` and `{percent: 15}` (25%)
    Good: every indicator of the agreement in the tree, the weights summing to 100
    """
    # first pass: per agency and year, whether a file was not read, and the weights' total; a
    # second pass, for the groups that warn alone: their weighted files and their first file (by
    # path). Nothing is held per file.
    groups: dict[tuple, list] = {}  # (agency, year) -> [a file not read?, total, weighted files]
    for s in summaries:
        if s.agency is None or s.fiscal_year is None:
            continue
        group = groups.get((s.agency, s.fiscal_year))
        if group is None:
            group = groups[(s.agency, s.fiscal_year)] = [False, 0.0, 0]
        if s.by_name:
            group[0] = True
        if s.weight is not None:
            group[1] += s.weight
            group[2] += 1
    warn = {key: (total, n) for key, (by_name, total, n) in groups.items()
            if not by_name and n and abs(total - 100) >= 0.005}
    del groups
    if not warn:
        return
    parts: dict[tuple, list[Summary]] = {key: [] for key in warn}
    firsts: dict[tuple, Summary] = {}
    for s in summaries:
        key = (s.agency, s.fiscal_year)
        if key in parts:
            if s.weight is not None:
                parts[key].append(s)
            if key not in firsts or s.display < firsts[key].display:
                firsts[key] = s
    for (agency, year), (total, n) in sorted(warn.items()):
        first = firsts[(agency, year)]
        weighted = sorted(parts[(agency, year)], key=lambda f: f.code or "")
        yield first, Finding(
            "agency-weights",
            ngettext("agency {agency}, fiscal year {year}: the weights sum to {total}% over {n} indicator ({parts}); "
                     "a performance agreement's weights sum to 100%",
                     "agency {agency}, fiscal year {year}: the weights sum to {total}% over {n} indicators ({parts}); "
                     "a performance agreement's weights sum to 100%", n).format(
                agency=agency, year=year, total=f"{total:g}", n=n,
                parts=", ".join(f"{f.code} {f.weight:g}%" for f in weighted)),
            ("weight",) if first.weight is not None else (), level=Level.warning,
            fix=_("add the agency's other indicators of the agreement, or correct `weight:`; until then its "
                  "computed and official totals cover only part of the agreement"),
            line=first.line, column=first.column)
