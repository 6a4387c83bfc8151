"""Dates: real, Common Era, and in or near the fiscal year."""

from __future__ import annotations

import datetime as dt

from kpi_cli.core.i18n import N_, _
from kpi_cli.io.loader import InvalidDate
from kpi_cli.core.problems import Finding
from kpi_cli.core.thai import common_era_fix, fiscal_year_bounds, looks_like_be_year
from kpi_cli.check.rules.registry import FileContext, fmt_loc, is_date, rule
from kpi_cli.core.problems import where

# "near" the fiscal year: a multi-year project may start a year early; audits and appeals
# may come up to a year after the year ends.
NEAR = dt.timedelta(days=366)

# why Python refuses a date (loader.InvalidDate.reason), for the catalog
DATE_REASONS = (N_("day is out of range for month"), N_("month must be in 1..12"))


def _be_fix(text: str) -> str | None:
    """The fix of a date written with a Buddhist-Era year, or None when the year is not one."""
    try:
        y, m, d = (int(p) for p in text.split("-"))
    except ValueError:
        return None
    return common_era_fix(y, m, d) if looks_like_be_year(y) else None


@rule("date-invalid")
def date_invalid(ctx: FileContext):
    """Dates are real calendar days, written YYYY-MM-DD.

    Bad:  `date: 2021-02-30`
    Good: `date: 2021-02-28`
    """
    for loc, v in ctx.dates:
        if isinstance(v, InvalidDate):
            if _be_fix(v):
                continue  # date-be-year says it better
            yield Finding("date-invalid", _("{where}: {value} is not a real date ({reason})").format(
                              where=where(loc), value=v, reason=_(v.reason)), loc,
                          fix=_("check the day and month"))


@rule("date-be-year")
def date_be_year(ctx: FileContext):
    """Dates are Common Era (ค.ศ.): a Buddhist-Era year typed into an ISO date is caught.

    Bad:  `date: 2564-04-15`
    Good: `date: 2021-04-15` (reports show it as 15 เมษายน 2564)
    """
    for loc, v in ctx.dates:
        # a timestamp (2564-08-30 10:00) is caught too: the day is what was meant
        text = v if isinstance(v, InvalidDate) else (
            v.isoformat()[:10] if isinstance(v, dt.date) and looks_like_be_year(v.year) else None)
        if text is None:
            continue
        fix = _be_fix(text)
        if fix:
            yield Finding("date-be-year", _("{where}: {value} has a Buddhist-Era year (พ.ศ.); "
                                            "dates in the files are Common Era (ค.ศ.)").format(
                              where=where(loc), value=text), loc, fix=fix)


@rule("date-out-of-year")
def date_out_of_year(ctx: FileContext):
    """Dates fall in or near the fiscal year (a year either side).

    The day a copy of the page was saved (`sources[].captured`) can be any later day.

    Bad:  `date: 2019-04-15` in an indicator of fiscal year 2564 (1 Oct 2020 - 30 Sep 2021)
    Good: `date: 2021-04-15`
    """
    fy = ctx.fiscal_year
    if fy is None or not 2400 <= fy <= 2700:
        return
    start, end = fiscal_year_bounds(fy)
    for loc, v in ctx.dates:
        if loc[:1] == ("sources",) and is_date(v) and v >= start - NEAR:
            continue  # a copy of the page saved later (provenance)
        if is_date(v) and not looks_like_be_year(v.year) and not (start - NEAR <= v <= end + NEAR):
            yield Finding("date-out-of-year",
                          _("{where}: {date} is far from fiscal year {year} ({start} to {end})").format(
                              where=where(loc), date=v, year=fy, start=start, end=end), loc,
                          fix=_("check the year; dates are Common Era, e.g. 2021-04-15"))


@rule("date-order", needs_model=True)
def date_order(ctx: FileContext):
    """A period ends on or after it starts (activities, timeline events).

    Bad:  `date: 2021-04-09` with `end: 2021-04-01`
    Good: `date: 2021-04-01` with `end: 2021-04-09`
    """
    ind = ctx.model
    groups = [("timeline", ind.timeline)]
    if ind.innovation:
        groups.append((("innovation", "activities"), ind.innovation.activities))
    for base, items in groups:
        base = base if isinstance(base, tuple) else (base,)
        for i, item in enumerate(items):
            if item.date and item.end and item.end < item.date \
                    and not looks_like_be_year(item.date.year) and not looks_like_be_year(item.end.year):
                yield Finding("date-order", _("{where}: ends ({end}) before it starts ({start})").format(
                                  where=where(base + (i,)), end=item.end, start=item.date),
                              base + (i, "end"), fix=_("swap the dates or correct them"))
