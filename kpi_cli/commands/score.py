"""`kpi score`: quarterly scores computed by each file's rule, beside the official figures."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..cli import app
from . import complete_code, errors_as_messages, fail, use_color


class Format(str, Enum):
    text = "text"
    json = "json"


EPILOG = (
    "Examples:\n\n"
    "  kpi score 0406-0772 --quarter 4          # one indicator, quarters 1-4\n\n"
    "  kpi score 0406-0772                      # the current fiscal quarter (said on stderr)\n\n"
    "  kpi score 0406-0772 -q 2 --format json   # for machines: see docs/scoring.md\n\n"
    "  kpi score --agency 0406 --quarter 4      # the agency's weighted result\n\n"
    "  kpi score --all --quarter 4 --year 2564  # every indicator, one table, for the evaluators\n\n"
    "Exit codes: 0 done, 1 unknown code or invalid file, 2 usage errors (e.g. --quarter 5)."
)


@app.command(epilog=EPILOG)
def score(
    ctx: typer.Context,
    code: Optional[str] = typer.Argument(
        None, help="Indicator code (AAAA-NNNN), or the path of its file.", show_default=False,
        autocompletion=complete_code),
    quarter: Optional[int] = typer.Option(
        None, "--quarter", "-q", min=1, max=4,
        help="Quarter 1-4 of the fiscal year (Q1 = Oct-Dec). Default: the current fiscal quarter; "
             "quarter 4 for a year that has ended.", show_default=False),
    agency: Optional[str] = typer.Option(
        None, "--agency", "-a", help="An agency code (\"0406\"): its weighted result over its indicators.",
        show_default=False),
    all_: bool = typer.Option(False, "--all", help="Every indicator of the year in one table."),
    year: Optional[int] = typer.Option(
        None, "--year", "-y", help="Fiscal year, Buddhist Era (2564). Default: the latest one.", show_default=False),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text for people, json for machines."),
) -> None:
    """Quarterly scores: target, reported and computed performance, computed score, and the
    official assessed score with its 2.1 / 2.2 sub-scores; differences are marked with their reason.

    The rule comes from the indicator file (`scoring:`, and `amendments[].scoring` from its
    effective date). See docs/scoring.md.
    """
    chosen = [name for name, on in (("CODE", code is not None), ("--agency", agency is not None),
                                    ("--all", all_)) if on]
    if len(chosen) != 1:
        what = "give one of them, not " + " and ".join(chosen) if chosen else "give one of them"
        ctx.fail(f"score one indicator (CODE), one agency (--agency) or all (--all): {what}")
    with errors_as_messages():
        if code is not None:
            _score_one(code, quarter, year, format)
        else:
            _score_many(agency, quarter, year, format)


# --- one indicator --------------------------------------------------------------------

def _pick_quarter(quarter: int | None, fiscal_year: int) -> tuple[int, str]:
    from ..scoring import default_quarter

    if quarter is not None:
        return quarter, "option"
    quarter, why = default_quarter(fiscal_year, dt.date.today())
    typer.echo(f"kpi score: {why}", err=True)
    return quarter, "today"


def _score_one(code: str, quarter: int | None, year: int | None, fmt: Format) -> None:
    from ..repo import UnknownIndicator, find_indicator, open_indicator
    from ..scoring import score_indicator

    try:
        path = find_indicator(code, fiscal_year=year)
    except UnknownIndicator:
        if year is None:
            raise
        elsewhere = find_indicator(code).parent.name  # no such code at all: its own error, with suggestions
        raise fail(f"no indicator '{code}' in fiscal year {year}", fix=f"it is in fiscal year {elsewhere}: --year {elsewhere}")
    ind = open_indicator(path).model
    quarter, source = _pick_quarter(quarter, ind.fiscal_year)
    result = score_indicator(ind, quarter)
    if fmt is Format.json:
        _print_json({**result.to_dict(), "quarter_from": source})
        return
    _print_indicator(ind, result)


def _print_json(doc: dict) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def _console():
    from rich.console import Console

    color = use_color()
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160
    return Console(highlight=False, no_color=not color, force_terminal=color or None, width=width,
                   emoji=False, markup=False)


def _n(value, decimals: int = 2) -> str:
    from ..thai import format_number

    return format_number(value, decimals)


def _plain(value) -> str:
    from ..thai import format_plain

    return format_plain(round(value, 2) if isinstance(value, float) else value)


NOT_ASSESSED = "ยังไม่ประเมิน"  # not assessed


def _official(q) -> tuple[str, str]:
    """(assessed, '2.1 / 2.2') cells as the page shows them, 'not assessed' said as such."""
    subs = " / ".join(_plain(s) for s in q.sub_scores) if q.sub_scores else "-"
    if q.not_assessed:
        shown = f"{_plain(q.assessed)} ({NOT_ASSESSED})" if q.assessed is not None else NOT_ASSESSED
        return shown, subs
    return _plain(q.assessed), subs


def _score_cell(score, level) -> str:
    text = _n(score)
    return f"{text} (ระดับ {level:.2f})" if level is not None else text


def _print_indicator(ind, result) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..scoring import describe_rule

    console = _console()
    example = "  [example / ตัวอย่าง]" if ind.example else ""
    console.print(Text(f"{ind.code}  {ind.title}{example}", style="bold"))
    weight = f" · น้ำหนัก {_plain(result.weight)}%" if result.weight is not None else ""
    console.print(f"ปีงบประมาณ {ind.fiscal_year} · หน่วยงาน {ind.agency} · หน่วย {result.unit}{weight}")
    console.print(f"rule: {describe_rule(ind.scoring)}")
    for part in getattr(ind.scoring, "parts", ()):
        target = f", target {_plain(part.target)}" if part.target is not None else ""
        console.print(f"      {part.key} {part.name}: {describe_rule(part.rule)}{target}")
    for a in ind.amendments:
        if a.outcome == "accepted" and a.scoring is not None and a.effective is not None:
            console.print(f"      from {a.effective} ({a.letter}): {describe_rule(a.scoring)}")

    table = Table(show_lines=False, header_style="bold")
    for header, justify in (("ไตรมาส\nquarter", "center"), ("เป้าหมาย\ntarget", "right"),
                            ("ผลงาน\nreported", "right"), ("ผลงาน\ncomputed", "right"),
                            ("คะแนน\ncomputed", "right"), ("ผลประเมิน\nofficial", "right"),
                            ("2.1 / 2.2", "center"), ("หมายเหตุ\nnotes", "left")):
        table.add_column(header, justify=justify, overflow="fold")
    for q in result.quarters:
        assessed, subs = _official(q)
        note = _note(q)
        style = "yellow" if q.differs else None
        table.add_row(str(q.quarter), _n(q.target), _n(q.reported), _n(q.computed_performance),
                      _score_cell(q.score, q.level), assessed, subs, note, style=style)
        for p in q.parts:
            table.add_row(f"└ {p.key}", _n(p.target), _n(p.performance), "", _score_cell(p.score, p.level), "", "",
                          f"{p.name}: {_n(p.earned)} / {_plain(p.points)} คะแนน", style="dim")
    console.print(table)
    console.print(Text(_last_line(result), style="bold"))


def _note(q) -> str:
    parts = []
    if q.differs:
        parts.append(f"≠ {q.reason}" if q.reason else "≠ differs")
    elif q.reason:
        parts.append(q.reason)
    if q.rule.amendment is not None:
        what = "scoring" if q.rule.changes_scoring else "criteria"
        parts.append(f"{what} amended: {q.rule.amendment} ({q.rule.effective})")
    return "; ".join(parts)


def _last_line(result) -> str:
    q = result.current
    head = f"คะแนนไตรมาสที่ {q.quarter} (quarter {q.quarter} score): "
    if q.score is None:
        return head + f"none ({q.reason})"
    official = NOT_ASSESSED if q.not_assessed else _plain(q.assessed)
    level = f", ระดับ {q.level:.2f}" if q.level is not None else ""
    mark = " ≠" if q.differs else ""
    return head + f"{_n(q.score)}{level} · ผลประเมิน (official): {official}{mark}"


# --- an agency, or all indicators -----------------------------------------------------------

def _year_files(year: int | None, agency: str | None) -> tuple[int, list[Path]]:
    from ..repo import indicator_files
    from ..validate import NoIndicators, find_indicators_dir

    root = find_indicators_dir()
    if root is None:
        raise NoIndicators("no indicators/ folder here or in any parent folder")
    files = [f for f in indicator_files(root) if f.parent.name.isdigit()]
    if agency is not None:
        files = [f for f in files if f.stem.startswith(agency + "-")]
    years = sorted({int(f.parent.name) for f in files})
    if not years:
        who = f"agency {agency}" if agency else "any agency"
        agencies = sorted({f.stem.split("-")[0] for f in indicator_files(root)})
        raise fail(f"no indicator files of {who} under {root}",
                   fix=f"agencies with indicators: {', '.join(agencies)}" if agencies else "add indicator files")
    if year is None:
        year = years[-1]
    elif year not in years:
        raise fail(f"no indicator files of fiscal year {year}" + (f" for agency {agency}" if agency else ""),
                   fix=f"years with indicators: {', '.join(map(str, years))}")
    return year, [f for f in files if f.parent.name == str(year)]


def _open_all(files: list[Path]) -> tuple[list, list[tuple[str, str, str]]]:
    """(indicators, [(code, path, why)] of files that cannot be scored)."""
    from ..repo import InvalidIndicator, open_indicator

    opened, unusable = [], []
    for f in files:
        try:
            opened.append(open_indicator(f))
        except InvalidIndicator as exc:
            unusable.append((f.stem, exc.path, f"invalid file: {exc}; run `kpi validate {exc.path}`"))
    return opened, unusable


def _score_many(agency: str | None, quarter: int | None, year: int | None, fmt: Format) -> None:
    from ..scoring import agency_score, score_indicator

    year, files = _year_files(year, agency)
    opened, unusable = _open_all(files)
    quarter, source = _pick_quarter(quarter, year)
    if agency is not None:
        result = agency_score([o.model for o in opened], agency, year, quarter,
                              [(code, why) for code, _, why in unusable], _agency_name(opened, agency))
        if fmt is Format.json:
            _print_json({**result.to_dict(), "quarter_from": source})
        else:
            _print_agency(result, {o.model.code: o.model for o in opened})
        return
    scores = [score_indicator(o.model, quarter) for o in opened]
    if fmt is Format.json:
        from ..scoring import JSON_VERSION

        _print_json({"version": JSON_VERSION, "kind": "all", "fiscal_year": year, "quarter": quarter,
                     "quarter_from": source, "indicators": [s.summary_dict() for s in scores],
                     "unusable": [{"code": c, "path": p, "reason": why} for c, p, why in unusable]})
    else:
        _print_all(year, quarter, scores, unusable)


def _agency_name(opened, agency: str) -> str | None:
    for o in opened:
        entry = o.catalogues.agencies.get(agency) if o.catalogues else None
        if entry is not None:
            return entry.name
    return None


def _print_agency(result, models: dict) -> None:
    from rich.table import Table
    from rich.text import Text

    console = _console()
    console.print(Text(f"หน่วยงาน {result.agency} {result.name or ''} · ปีงบประมาณ {result.fiscal_year} · "
                       f"ไตรมาส {result.quarter}", style="bold"))
    table = Table(header_style="bold")
    for header, justify in (("รหัส\ncode", "left"), ("ตัวชี้วัด\nindicator", "left"), ("น้ำหนัก %\nweight", "right"),
                            ("คะแนน\ncomputed", "right"), ("ถ่วงน้ำหนัก\nweighted", "right"),
                            ("ผลประเมิน\nofficial", "right")):
        table.add_column(header, justify=justify, overflow="fold", max_width=60 if header.startswith("ตัว") else None)
    for item in result.counted:
        official = NOT_ASSESSED if item.not_assessed else _plain(item.assessed)
        table.add_row(item.code, _title(models.get(item.code), item.title), _plain(item.weight), _n(item.score),
                      _n(item.weighted), official)
    console.print(table)
    if result.without_data:
        console.print(Text("ไม่มีข้อมูล (without data, not in the result):", style="bold"))
        for item in result.without_data:
            weight = f" (น้ำหนัก {_plain(item.weight)}%)" if item.weight is not None else ""
            console.print(f"  {item.code} {_title(models.get(item.code), item.title)}{weight}: {item.missing}")
    if result.score is None:
        console.print(Text(f"ผลรวมถ่วงน้ำหนัก ไตรมาส {result.quarter} (weighted result): none — "
                           "no indicator has both a score and a weight", style="bold"))
        return
    official = f" · ผลประเมิน (official, assessed only): {_n(result.official_score)}" \
        if result.official_score is not None else f" · ผลประเมิน (official): {NOT_ASSESSED}"
    console.print(Text(f"ผลรวมถ่วงน้ำหนัก ไตรมาส {result.quarter} (weighted result): {_n(result.score)} "
                       f"over {len(result.counted)} indicator(s), weights {_plain(result.weights_total)}%{official}",
                       style="bold"))


def _title(ind, fallback: str) -> str:
    if ind is None:
        return fallback
    return ind.title + (" [ตัวอย่าง]" if ind.example else "")


def _print_all(year: int, quarter: int, scores, unusable) -> None:
    from rich.table import Table
    from rich.text import Text

    console = _console()
    console.print(Text(f"ทุกตัวชี้วัด (all indicators) · ปีงบประมาณ {year} · ไตรมาส {quarter}", style="bold"))
    table = Table(header_style="bold")
    for header, justify, width in (("รหัส\ncode", "left", None), ("ตัวชี้วัด\nindicator", "left", 48),
                                   ("วิธี\nrule", "left", None), ("น้ำหนัก %\nweight", "right", None),
                                   ("เป้าหมาย\ntarget", "right", None), ("ผลงาน\nreported", "right", None),
                                   ("คะแนน\ncomputed", "right", None), ("ผลประเมิน\nofficial", "right", None),
                                   ("หมายเหตุ\nnotes", "left", 40)):
        table.add_column(header, justify=justify, overflow="fold", max_width=width)
    differ = 0
    for s in scores:
        q = s.current
        differ += q.differs
        assessed, _ = _official(q)
        title = s.title + (" [ตัวอย่าง]" if s.example else "")
        table.add_row(s.code, title, q.rule.method or "-", _plain(s.weight), _n(q.target), _n(q.reported),
                      _score_cell(q.score, q.level), assessed, _note(q), style="yellow" if q.differs else None)
    for code, path, why in unusable:
        table.add_row(code, path, "-", "-", "-", "-", "-", "-", why, style="red")
    console.print(table)
    scored = sum(s.score is not None for s in scores)
    console.print(Text(f"{len(scores) + len(unusable)} indicator(s): {scored} scored, "
                       f"{len(scores) - scored} without a score, {len(unusable)} invalid, "
                       f"{differ} differ from the official figures", style="bold"))
