"""`kpi score`: quarterly scores computed by each file's rule, beside the official figures."""

import datetime as dt
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from kpi_cli.cli.root import app
from kpi_cli.core.i18n import _, ngettext
from kpi_cli.cli.common import buddhist_year, complete_code, errors_as_messages, examples, fail, use_color


class Format(str, Enum):
    text = "text"
    json = "json"


EPILOG = examples(
    ("kpi score 0406-0772 --quarter 4", _("one indicator, quarters 1-4")),
    ("kpi score 0406-0772", _("the current fiscal quarter (said on stderr)")),
    ("kpi score 0406-0772 -q 2 --format json", _("for machines: see docs/scoring.md")),
    ("kpi score --agency 0406 --quarter 4", _("the agency's weighted result")),
    ("kpi score --all --quarter 4 --year 2564", _("every indicator, one table, for the evaluators")),
    note=_("Exit codes: 0 done; 1 unknown code, agency or year, or an invalid file (with --agency and --all the "
           "table is still printed, without the invalid files, and their problems go to stderr); 2 usage errors "
           "(e.g. --quarter 5)."))


@app.command(
    help=_("Quarterly scores: target, reported and computed performance, computed score, and the official assessed "
           "score with its 2.1 / 2.2 sub-scores; differences are marked with their reason.\n\n"
           "The rule comes from the indicator file (`scoring:`, and `amendments[].scoring` from its effective "
           "date). See docs/scoring.md."),
    epilog=EPILOG)
def score(
    ctx: typer.Context,
    code: Optional[str] = typer.Argument(
        None, help=_("Indicator code (AAAA-NNNN), or the path of its file."), show_default=False,
        autocompletion=complete_code),
    quarter: Optional[int] = typer.Option(
        None, "--quarter", "-q", min=1, max=4,
        help=_("Quarter 1-4 of the fiscal year (Q1 = Oct-Dec). Default: the current fiscal quarter; "
               "quarter 4 for a year that has ended."), show_default=False),
    agency: Optional[str] = typer.Option(
        None, "--agency", "-a", help=_("An agency code (\"0406\"): its weighted result over its indicators."),
        show_default=False),
    all_: bool = typer.Option(False, "--all", help=_("Every indicator of the year in one table.")),
    year: Optional[int] = typer.Option(
        None, "--year", "-y", callback=buddhist_year, help=_("Fiscal year, Buddhist Era (2564). Default: the latest one."),
        show_default=False),
    format: Format = typer.Option(Format.text, "--format", "-f", help=_("text for people, json for machines.")),
) -> None:
    chosen = [name for name, on in (("CODE", code is not None), ("--agency", agency is not None),
                                    ("--all", all_)) if on]
    if len(chosen) != 1:
        what = _("give one of them, not {options}").format(options=_(" and ").join(chosen)) if chosen else \
            _("give one of them")
        ctx.fail(_("score one indicator (CODE), one agency (--agency) or all (--all): {what}").format(what=what))
    with errors_as_messages():
        if code is not None:
            _score_one(code, quarter, year, format)
        else:
            _score_many(agency, quarter, year, format)


# --- one indicator --------------------------------------------------------------------

def _pick_quarter(quarter: int | None, fiscal_year: int, say: bool = True) -> tuple[int, str, str | None]:
    """(quarter, where it came from, why: said on stderr, or to say later unless `say`)."""
    if quarter is not None:
        return quarter, "option", None
    from kpi_cli.scoring.compute import default_quarter

    quarter, why = default_quarter(fiscal_year, dt.date.today())
    if say:
        _say_quarter(why)
    return quarter, "today", why


def _say_quarter(why: str | None) -> None:
    if why is not None:
        typer.echo(_("kpi score: {reason}").format(reason=why), err=True)


def _score_one(code: str, quarter: int | None, year: int | None, fmt: Format) -> None:
    from kpi_cli.io.repo import UnknownIndicator, find_indicator

    try:
        path = find_indicator(code, fiscal_year=year)
    except UnknownIndicator:
        if year is None:
            raise
        elsewhere = find_indicator(code).parent.name  # no such code at all: its own error, with suggestions
        raise fail(_("no indicator '{code}' in fiscal year {year}").format(code=code, year=year),
                   fix=_("it is in fiscal year {year}: --year {year}").format(year=elsewhere))
    width, color = _width(), use_color()
    key = _output_key(path, quarter, fmt, width, color)
    kept = _output_kept(key)
    if kept is not None:  # the same file, context, quarter and terminal as a run before: its output
        why, text = kept
        _say_quarter(why)
        sys.stdout.write(text)
        return
    from kpi_cli.check.checked import open_indicator
    from kpi_cli.scoring.compute import score_indicator

    ind = open_indicator(path).model
    quarter, source, why = _pick_quarter(quarter, ind.fiscal_year)
    result = score_indicator(ind, quarter)
    if fmt is Format.json:
        text = _json_text({**result.to_dict(), "quarter_from": source})
    else:
        import io

        buffer = io.StringIO()
        _print_indicator(ind, result, _printer_for(width, color, buffer))
        text = buffer.getvalue()
    sys.stdout.write(text)
    _keep_output(key, why, text)


def _output_key(path: Path, quarter: int | None, fmt: Format, width: int, color: bool) -> bytes | None:
    """The cache's key of what `kpi score CODE` prints for the file `path` (see _file_key), with
    the run's own choices: the quarter (else today, which picks it), the format, the width and
    colour of the output. None when the cache is off or a file cannot be read."""
    from kpi_cli.check import cache

    if not cache.active():
        return None
    chosen = str(quarter) if quarter is not None else "today " + dt.date.today().isoformat()
    return _file_key(path, cache.keyer("score one"), {}, chosen, fmt.value, str(width),
                     "color" if color else "plain")


def _output_kept(key: bytes | None) -> tuple[str | None, str] | None:
    """(the line said on stderr, the text for stdout) kept under `key`, or None: not kept, or not
    what _keep_output writes (then the score is computed again, never shown from it)."""
    if key is None:
        return None
    from kpi_cli.check import cache

    body = cache.get_shown([key]).get(key)
    if body is None:
        return None
    try:
        why, text = json.loads(body)
    except (ValueError, TypeError, RecursionError):
        return None
    return (why, text) if isinstance(text, str) and isinstance(why, (str, type(None))) else None


def _keep_output(key: bytes | None, why: str | None, text: str) -> None:
    if key is None:
        return
    from kpi_cli.check import cache

    try:
        cache.put_shown(key, json.dumps([why, text], ensure_ascii=False).encode("utf-8"))
    except (UnicodeEncodeError, ValueError):
        pass  # a text UTF-8 cannot hold: computed each time


def _json_text(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _print_json(doc: dict) -> None:
    sys.stdout.write(_json_text(doc))


def _width() -> int:
    """Columns of stdout: the terminal's ($COLUMNS, else its size), else 160 when piped."""
    import shutil

    return shutil.get_terminal_size().columns if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160


def _printer_for(width: int, color: bool, stream=None):
    from kpi_cli.render.textgrid import Printer

    return Printer(width, color=color, stream=stream)


def _printer():
    """Lines and tables for stdout: as wide as the terminal ($COLUMNS, else 160 columns when piped), in
    color when use_color() says so. Plain text, not rich: importing rich costs more than the command."""
    return _printer_for(_width(), use_color())


def _n(value, decimals: int = 2) -> str:
    from kpi_cli.core.thai import format_number

    return format_number(value, decimals)


def _plain(value) -> str:
    from kpi_cli.core.thai import format_plain

    from kpi_cli.core.figures import text_of

    return format_plain(round(value, 2) if isinstance(value, float) and text_of(value) is None else value)


NOT_ASSESSED = "ยังไม่ประเมิน"  # not assessed


def _official(q) -> tuple[str, str]:
    """(official score, '2.1 / 2.2') cells: the figures as the page prints them, and what the record
    says of a quarter without an official score (core.assessment)."""
    from kpi_cli.core.assessment import shown

    from kpi_cli.core.i18n import language

    subs = " / ".join(_plain(s) for s in q.sub_scores) if q.sub_scores else "-"
    cell = shown(q.assessment, None if q.assessed is None else _plain(q.assessed))
    if language() == "th":  # the reports' wording, in the glossary's term
        cell = cell.replace("ไม่มีผลประเมินทางการ", "ไม่มีข้อมูล")  # the header says ผลประเมินทางการ
    return cell, subs


# The tables' headers are Thai over English; in Thai mode both rows are Thai, in the glossary's terms
_HEADS_TH = {
    "ไตรมาส\nquarter": "ไตรมาส", "เป้าหมาย\ntarget": "เป้าหมาย\nรายไตรมาส", "ผลงาน\nreported": "ผลงาน\nที่รายงาน",
    "ผลงาน\ncomputed": "ผลงาน\nที่คำนวณได้", "คะแนน\ncomputed": "คะแนน\nที่คำนวณได้",
    "ผลประเมิน\nofficial": "ผลประเมินทางการ\n(สยป.)", "2.1 / 2.2": "คะแนนย่อย\n2.1 / 2.2",
    "หมายเหตุ\nnotes": "หมายเหตุ", "รหัส\ncode": "รหัส", "ตัวชี้วัด\nindicator": "ตัวชี้วัด",
    "น้ำหนัก %\nweight": "น้ำหนัก\n(ร้อยละ)", "ถ่วงน้ำหนัก\nweighted": "คะแนน\nถ่วงน้ำหนัก",
    "วิธี\nrule": "เกณฑ์การ\nให้คะแนน",
}


def _head(header: str) -> str:
    from kpi_cli.core.i18n import language

    return _HEADS_TH.get(header, header) if language() == "th" else header


def _fy(year) -> str:
    """'ปีงบประมาณ พ.ศ. 2564', as the glossary writes it."""
    return f"ปีงบประมาณ พ.ศ. {year}"  # the glossary's term, in either language


def _score_cell(score, level) -> str:
    text = _n(score)
    return f"{text} (ระดับ {level:.2f})" if level is not None else text


def _print_indicator(ind, result, out) -> None:
    from kpi_cli.scoring.compute import describe_rule
    from kpi_cli.render.textgrid import Table

    example = "  " + _("[example / ตัวอย่าง]") if ind.example else ""
    out.line(f"{ind.code}  {ind.title}{example}", style="bold")
    weight = f" · น้ำหนัก {_plain(result.weight)}%" if result.weight is not None else ""
    out.line(f"{_fy(ind.fiscal_year)} · หน่วยงาน {ind.agency} · หน่วย {result.unit}{weight}")
    out.line(_("rule: {rule}").format(rule=describe_rule(ind.scoring)))
    for part in getattr(ind.scoring, "parts", ()):
        rule = describe_rule(part.rule)
        if part.target is not None:
            rule = _("{rule}, target {target}").format(rule=rule, target=_plain(part.target))
        out.line(f"      {part.key} {part.name}: {rule}")
    for a in ind.amendments:
        if a.outcome == "accepted" and a.scoring is not None and a.effective is not None:
            out.line("      " + _("from {date} ({letter}): {rule}").format(date=a.effective, letter=a.letter,
                                                                          rule=describe_rule(a.scoring)))

    table = Table(header_style="bold")
    for header, justify in (("ไตรมาส\nquarter", "center"), ("เป้าหมาย\ntarget", "right"),
                            ("ผลงาน\nreported", "right"), ("ผลงาน\ncomputed", "right"),
                            ("คะแนน\ncomputed", "right"), ("ผลประเมิน\nofficial", "right"),
                            ("2.1 / 2.2", "center"), ("หมายเหตุ\nnotes", "left")):
        table.add_column(_head(header), justify=justify)
    for q in result.quarters:
        assessed, subs = _official(q)
        note = _note(q)
        style = "yellow" if q.differs else None
        table.add_row(str(q.quarter), _n(q.target), _n(q.reported), _n(q.computed_performance),
                      _score_cell(q.score, q.level), assessed, subs, note, style=style)
        for p in q.parts:
            table.add_row(f"└ {p.key}", _n(p.target), _n(p.performance), "", _score_cell(p.score, p.level), "", "",
                          f"{p.name}: {_n(p.earned)} / {_plain(p.points)} คะแนน", style="dim")
    out.table(table)
    if result.official_only:
        out.line(_("the scoring rule is not published (scoring: unpublished): the official figures stand alone, "
                   "with no computed score to compare"))
    out.line(_last_line(result), style="bold")


def _note(q) -> str:
    parts = []
    if q.differs:
        parts.append(f"≠ {q.reason}" if q.reason else "≠ " + _("differs"))
    elif q.reason:
        parts.append(q.reason)
    if q.rule.amendment is not None:
        amended = _("scoring amended: {letter} ({date})") if q.rule.changes_scoring else \
            _("criteria amended: {letter} ({date})")
        parts.append(amended.format(letter=q.rule.amendment, date=q.rule.effective))
    return "; ".join(parts)


def _last_line(result) -> str:
    q = result.current
    head = _("คะแนนไตรมาสที่ {quarter} (quarter {quarter} score): ").format(quarter=q.quarter)
    if result.official_only:
        return head + _("none (the scoring rule is not published) · ผลประเมิน (official): {official}").format(
            official=_official(q)[0])
    if q.score is None:
        return head + _("none ({reason})").format(reason=q.reason)
    official = _official(q)[0]
    level = f", ระดับ {q.level:.2f}" if q.level is not None else ""
    mark = " ≠" if q.differs else ""
    return head + _("{score}{level} · ผลประเมิน (official): {official}{mark}").format(
        score=_n(q.score), level=level, official=official, mark=mark)


# --- an agency, or all indicators -----------------------------------------------------------

def _year_files(year: int | None, agency: str | None) -> tuple[int, list[Path]]:
    from kpi_cli.io.repo import indicator_files
    from kpi_cli.io.paths import NoIndicators, find_indicators_dir

    root = find_indicators_dir()
    if root is None:
        raise NoIndicators()
    files = [(f, f.parent.name) for f in indicator_files(root)]  # (file, its folder's name)
    files = [(f, folder) for f, folder in files if folder.isdigit()]
    if agency is not None:
        files = [(f, folder) for f, folder in files if f.stem.startswith(agency + "-")]
    years = sorted({int(folder) for _f, folder in files})
    if not years:
        message = _("no indicator files of agency {agency} under {root}") if agency else \
            _("no indicator files of any agency under {root}")
        agencies = sorted({f.stem.split("-")[0] for f in indicator_files(root)})
        raise fail(message.format(agency=agency, root=root),
                   fix=_("agencies with indicators: {agencies}").format(agencies=", ".join(agencies)) if agencies
                   else _("add indicator files"))
    if year is None:
        year = years[-1]
    elif year not in years:
        message = _("no indicator files of fiscal year {year} for agency {agency}") if agency else \
            _("no indicator files of fiscal year {year}")
        raise fail(message.format(year=year, agency=agency),
                   fix=_("years with indicators: {years}").format(years=", ".join(map(str, years))))
    return year, [f for f, folder in files if folder == str(year)]


def _open_all(files: list[Path]) -> tuple[list, list[tuple[str, str, str]], list]:
    """(indicators, [(code, path, why)] of files that cannot be scored, the problems of those files)."""
    from kpi_cli.check.checked import InvalidIndicator, open_indicator

    opened, unusable, problems = [], [], []
    catalogues: dict = {}  # by folder: read once for the year, not once a file
    for f in files:
        try:
            opened.append(open_indicator(f, catalogues))
        except InvalidIndicator as exc:
            unusable.append((f.stem, exc.path, _("invalid file: {error}; run `kpi validate {path}`").format(
                error=exc, path=exc.path)))
            problems += exc.problems
    return opened, unusable, problems


def _refuse_invalid(unusable: list[tuple[str, str, str]], problems: list, agency: str | None) -> None:
    """After the table: an invalid file makes the run fail (exit 1), its problems printed as
    `kpi validate` prints them."""
    if not unusable:
        return
    from kpi_cli.cli.formats import format_text

    sys.stderr.write(format_text(problems, len(unusable), color=use_color(sys.stderr)))
    n, codes = len(unusable), ", ".join(code for code, _path, _why in unusable)
    message = ngettext("{n} indicator file of agency {agency} is invalid ({codes}): the weighted result leaves "
                       "it out, so it is not the agency's result",
                       "{n} indicator files of agency {agency} are invalid ({codes}): the weighted result leaves "
                       "them out, so it is not the agency's result", n) if agency is not None else \
        ngettext("{n} indicator file is invalid and has no score ({codes})",
                 "{n} indicator files are invalid and have no score ({codes})", n)
    raise fail(message.format(n=n, agency=agency, codes=codes),
               fix=_("correct the errors above (`kpi validate {paths}`), then run kpi score again").format(
                   paths=" ".join(path for _code, path, _why in unusable)))


def _score_many(agency: str | None, quarter: int | None, year: int | None, fmt: Format) -> None:
    year, files = _year_files(year, agency)
    if agency is None:
        return _score_all(files, quarter, year, fmt)
    from kpi_cli.scoring.compute import agency_score

    opened, unusable, problems = _open_all(files)
    quarter, source, _why = _pick_quarter(quarter, year)
    listed = [{"code": c, "path": p, "reason": why} for c, p, why in unusable]
    result = agency_score([o.model for o in opened], agency, year, quarter,
                          [(code, why) for code, _path, why in unusable], _agency_name(opened, agency))
    if fmt is Format.json:
        _print_json({**result.to_dict(), "unusable": listed, "quarter_from": source})
    else:
        _print_agency(result, {o.model.code: o.model for o in opened})
    _refuse_invalid(unusable, problems, agency)


def _score_all(files: list[Path], quarter: int | None, year: int, fmt: Format) -> None:
    """`kpi score --all`: a row per indicator, from the cache when the file, its context and the
    quarter are those of a row kept before (see _all_rows)."""
    import gc

    quarter, source, why = _pick_quarter(quarter, year, say=False)
    gc.freeze()  # the collector walks what the work makes, not the modules (docs/performance.md, Memory)
    try:
        rows, unusable, problems = _all_rows(files, quarter, fmt is Format.text)
        gc.freeze()  # nor the rows, which live to the end
        _say_quarter(why)  # after the files are read, as it always was
        if fmt is Format.json:
            _print_all_json(year, quarter, source, rows, unusable)
        else:
            _print_all(year, quarter, rows, unusable)
    finally:
        gc.unfreeze()
    _refuse_invalid(unusable, problems, None)


def _agency_name(opened, agency: str) -> str | None:
    for o in opened:
        entry = o.catalogues.agencies.get(agency) if o.catalogues else None
        if entry is not None:
            return entry.name
    return None


def _print_agency(result, models: dict) -> None:
    from kpi_cli.render.textgrid import Table

    out = _printer()
    out.line(f"หน่วยงาน {result.agency} {result.name or ''} · {_fy(result.fiscal_year)} · "
             f"ไตรมาส {result.quarter}", style="bold")
    table = Table(header_style="bold")
    for header, justify in (("รหัส\ncode", "left"), ("ตัวชี้วัด\nindicator", "left"), ("น้ำหนัก %\nweight", "right"),
                            ("คะแนน\ncomputed", "right"), ("ถ่วงน้ำหนัก\nweighted", "right"),
                            ("ผลประเมิน\nofficial", "right")):
        table.add_column(_head(header), justify=justify, max_width=60 if header.startswith("ตัว") else None,
                         no_wrap=header.startswith("รหัส"))
    for item in result.counted:
        official = _plain(item.official) if item.official is not None else NOT_ASSESSED
        table.add_row(item.code, _title(models.get(item.code), item.title), _plain(item.weight), _n(item.score),
                      _n(item.weighted), official)
    out.table(table)
    if result.without_data:
        out.line(_("ไม่มีข้อมูล (without data, not in the result):"), style="bold")
        for item in result.without_data:
            weight = f" (น้ำหนัก {_plain(item.weight)}%)" if item.weight is not None else ""
            out.line(f"  {item.code} {_title(models.get(item.code), item.title)}{weight}: {item.missing}")
    if result.score is None:
        out.line(_("ผลรวมถ่วงน้ำหนัก ไตรมาส {quarter} (weighted result): none — "
                   "no indicator has both a score and a weight").format(quarter=result.quarter),
                 style="bold")
        return
    official = _(" · ผลประเมิน (official, assessed only): {score}").format(score=_n(result.official_score)) \
        if result.official_score is not None else _(" · ผลประเมิน (official): none (no indicator has an official score)")
    out.line(_("ผลรวมถ่วงน้ำหนัก ไตรมาส {quarter} (weighted result): {score} over {n} indicator(s), "
               "weights {weights}%{official}").format(quarter=result.quarter, score=_n(result.score),
                                                      n=len(result.counted),
                                                      weights=_plain(result.weights_total),
                                                      official=official),
             style="bold")
    _print_coverage(out, result)


def _print_coverage(out, result) -> None:
    """How much weight each total stands on, and the two compared over the same indicators."""
    cover = result.coverage()
    out.line(_("coverage: the computed total covers {computed}% of weight, the official total {official}%; "
               "the files declare {declared}% (a performance agreement sums to 100%)").format(
                 computed=_plain(cover["computed"]), official=_plain(cover["official"]),
                 declared=_plain(cover["declared"])))
    if cover["computed"] != cover["official"]:
        computed, official = result.like_with_like()
        if computed is None:
            out.line(_("like with like: no indicator has both a computed and an official score"))
        else:
            out.line(_("like with like, over the {weight}% of weight that has both: computed {computed}, "
                       "official {official}").format(weight=_plain(cover["both"]), computed=_n(computed),
                                                     official=_n(official)))


def _title(ind, fallback: str) -> str:
    if ind is None:
        return fallback
    return ind.title + (" [ตัวอย่าง]" if ind.example else "")


def _print_all(year: int, quarter: int, rows: list, unusable) -> None:
    from kpi_cli.render.textgrid import Table

    out = _printer()
    out.line(_("ทุกตัวชี้วัด (all indicators) · ปีงบประมาณ พ.ศ. {year} · ไตรมาส {quarter}").format(
        year=year, quarter=quarter), style="bold")
    table = Table(header_style="bold")
    for header, justify, width in (("รหัส\ncode", "left", None), ("ตัวชี้วัด\nindicator", "left", 48),
                                   ("วิธี\nrule", "left", None), ("น้ำหนัก %\nweight", "right", None),
                                   ("เป้าหมาย\ntarget", "right", None), ("ผลงาน\nreported", "right", None),
                                   ("คะแนน\ncomputed", "right", None), ("ผลประเมิน\nofficial", "right", None),
                                   ("หมายเหตุ\nnotes", "left", 40)):
        table.add_column(_head(header), justify=justify, max_width=width, no_wrap=header.startswith("รหัส"))
    handed = []  # the facts handed to the table: it fills in a Thai word's width (-1) when it needs one
    for row in rows:
        facts = None if row.facts is None else [row.facts[at:at + 5] for at in range(0, 45, 5)]
        table.add_row(*row.cells, style=row.style, drawn=row.drawn, facts=facts)
        handed.append(facts)
    for code, path, why in unusable:
        table.add_row(code, path, "-", "-", "-", "-", "-", "-", why, style="red")
    measured = _measured_before(table)
    out.table(table)
    _keep_measured(table, measured)
    scored = sum(row.scored for row in rows)
    differ = sum(row.differs for row in rows)
    out.line(_("{total} indicator(s): {scored} scored, {unscored} without a score, {invalid} invalid, "
               "{differ} differ from the official figures").format(
                 total=len(rows) + len(unusable), scored=scored, unscored=len(rows) - scored,
                 invalid=len(unusable), differ=differ), style="bold")
    at = table.drawn_at
    for n, row in enumerate(rows):  # what the layout learned, kept with the rows for the next run
        if row.key is None or row.found and row.drawn is not None and row.drawn[:2] == at \
                and [fact[4] for fact in handed[n]] == row.facts[4::5]:
            continue  # drawn as it was kept, no fact learned: nothing new
        facts, drawn = table.known(n)
        if not row.found or [x for fact in facts for x in fact] != row.facts or drawn != row.drawn:
            _keep(row, facts, drawn)


def _print_all_json(year: int, quarter: int, source: str, rows: list, unusable) -> None:
    """The document json.dumps(indent=2) gives, with the indicators' objects as each row keeps
    them: one at the depth of a list item is the same text indented four more spaces."""
    from kpi_cli.scoring.json_version import JSON_VERSION

    listed = [{"code": c, "path": p, "reason": why} for c, p, why in unusable]
    doc = {"version": JSON_VERSION, "kind": "all", "fiscal_year": year, "quarter": quarter,
           "quarter_from": source, "indicators": [_ROWS_HERE] if rows else [], "unusable": listed}
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    if rows:
        text = text.replace(json.dumps(_ROWS_HERE), ",\n    ".join(row.json.replace("\n", "\n    ")
                                                                for row in rows), 1)
    sys.stdout.write(text + "\n")
    for row in rows:
        if row.key is not None and not row.found:
            _keep(row, None, None)


_ROWS_HERE = "\0kpi: the indicators\0"  # where the rows go; the keys before it are numbers and names


# --- rows of `kpi score --all`, kept in the cache ---------------------------------------------------

def _measured_before(table) -> dict:
    """{key: (text, facts kept or None)} of the table's Thai texts that no row brought with it (the
    headers, the invalid files' rows), their facts (textgrid.Table.known) handed to the table when
    the cache has them: measuring Thai text needs PyThaiNLP's dictionary, a second to load."""
    from kpi_cli.check import cache

    if not cache.active():
        return {}
    wanted = {}
    for text in table.unmeasured():
        try:
            wanted[cache.key("text facts", text.encode("utf-8"))] = text
        except UnicodeEncodeError:
            pass
    found = cache.get_shown(list(wanted))
    out = {}
    for k, text in wanted.items():
        fact = None
        if k in found:
            try:
                fact = json.loads(found[k])
            except (ValueError, RecursionError):
                pass
            fact = table.measured(text, fact) if _is_fact(fact) else None
        out[k] = (text, fact)
    return out


def _keep_measured(table, measured: dict) -> None:
    from kpi_cli.check import cache

    for k, (text, before) in measured.items():
        fact = table.measured(text)
        if fact != before:
            cache.put_shown(k, json.dumps(fact).encode("ascii"))


class _Row:
    """One indicator's row of `kpi score --all`: its cells (and its style) in the table, its
    object in the JSON, whether it has a score and differs; with what the table's layout learned
    of its cells (textgrid.Table.known: the facts one list, drawn as it gives it), and the cache's
    key of the row."""

    __slots__ = ("cells", "style", "scored", "differs", "json", "facts", "drawn", "key", "found")

    def __init__(self, cells, style, scored, differs, json_text, facts=None, drawn=None, key=None, found=False):
        self.cells, self.style, self.scored, self.differs, self.json = cells, style, scored, differs, json_text
        self.facts, self.drawn, self.key, self.found = facts, drawn, key, found


def _row_of(s, key: bytes | None) -> _Row:
    """The row of a computed score (kpi_cli.scoring.compute.IndicatorScore)."""
    q = s.current
    assessed, _subs = _official(q)
    title = s.title + (" [ตัวอย่าง]" if s.example else "")
    cells = [s.code, title, q.rule.method or "-", _plain(s.weight), _n(q.target), _n(q.reported),
             _score_cell(q.score, q.level), assessed, _note(q)]
    return _Row(cells, "yellow" if q.differs else None, s.score is not None, bool(q.differs),
                json.dumps(s.summary_dict(), ensure_ascii=False, indent=2), key=key)


def _file_key(path: Path, key, folders: dict, *choices: str) -> bytes | None:
    """The cache's key of what `kpi score` shows for the file `path`: `key` (a cache.keyer) of the
    file's bytes, its shown name, name and folder (the fiscal year), its catalogues' key (as the
    file's own entry; cache.key adds kpi's code, the language and the parsers' versions) and the
    run's `choices`. None when the catalogues or the file cannot be read (the run then says why).
    `folders` remembers, by folder, its catalogues' key and its shown name (many files share one)."""
    from kpi_cli.check.checked import catalogues_key
    from kpi_cli.io.paths import display_path, printable
    from kpi_cli.io.source import read_bounded

    where, name = os.path.split(path)
    known = folders.get(where)
    if known is None:
        try:
            folder = os.path.relpath(where)
        except ValueError:  # another drive (Windows)
            folder = None
        known = folders[where] = (catalogues_key(Path(path), {}), folder)
    context, folder = known
    if context is None:
        return None
    try:
        raw = read_bounded(path)  # as check() reads it (io.source.read)
    except OSError:  # too large, not a file, unreadable: checked by the caller, and said why
        return None
    display = display_path(path) if folder is None else \
        printable(name if folder == "." else folder + os.sep + name)  # display_path(path), from its folder's
    return key(raw, display, name, os.path.basename(where), context, *choices)


def _all_rows(files: list[Path], quarter: int, text: bool = True
              ) -> tuple[list[_Row], list[tuple[str, str, str]], list]:
    """(rows of the files that can be scored, [(code, path, why)] of those that cannot, their
    problems). A row is kept in the cache under the key of everything it depends on: the file's
    bytes, its shown name, name and folder (the fiscal year), its catalogues' bytes, the quarter,
    and (cache.key) kpi's code, the language and the parsers' and PyThaiNLP's versions: the same key
    as the file's own entry plus the quarter. A hit reads the file and the row: no YAML, no model,
    no scoring. Only a valid file's row is kept: an invalid one is checked (from the cache of
    checked files) every time, for its problems."""
    from kpi_cli.check import cache

    keys: list[bytes | None] = [None] * len(files)
    if cache.active():
        folders: dict = {}
        key = cache.keyer("score --all")
        keys = [_file_key(f, key, folders, str(quarter)) for f in files]
    found = cache.get_shown([k for k in keys if k is not None])
    rows, unusable, problems, catalogues = [], [], [], {}
    for f, k in zip(files, keys):
        row = _row_kept(found[k], k, text) if k in found else None
        if row is None:
            from kpi_cli.check.checked import InvalidIndicator, open_indicator

            try:
                opened = open_indicator(f, catalogues)
            except InvalidIndicator as exc:
                unusable.append((f.stem, exc.path, _("invalid file: {error}; run `kpi validate {path}`").format(
                    error=exc, path=exc.path)))
                problems += exc.problems
                continue
            from kpi_cli.scoring.compute import score_indicator

            row = _row_of(score_indicator(opened.model, quarter), k)
        rows.append(row)
    return rows, unusable, problems


def _keep(row: _Row, facts: list | None, drawn: tuple | None) -> None:
    """Keep a row: three parts a line each, so that a run reads only the part it prints (JSON text
    has no line break): [cells, style, scored, differs]; [facts, drawn] of the table's layout, both
    flat (_row_kept); and the indicator's JSON object as json.dumps(indent=2) wrote it."""
    from kpi_cli.check import cache

    layout = None
    if facts is not None:
        flat = [x for fact in facts for x in fact]
        if drawn is not None and not any("\n" in line for lines in drawn[2] for line in lines):
            drawn = [drawn[0], drawn[1], ["\n".join(lines) for lines in drawn[2]]]
        else:
            drawn = None
        layout = [flat, drawn]
    try:
        body = "\n".join([json.dumps([row.cells, row.style, row.scored, row.differs], ensure_ascii=False),
                          json.dumps(layout, ensure_ascii=False), row.json])
        cache.put_shown(row.key, body.encode("utf-8"))
    except (UnicodeEncodeError, ValueError, TypeError):
        pass  # a text UTF-8 cannot hold: the row is computed each time


def _is_fact(fact) -> bool:
    """One text's facts as textgrid.Table.known gives them."""
    return (type(fact) is list and tuple(map(type, fact)) == _FACT_TYPES[:5] and fact[0] >= 0 and fact[3] >= 0
            and fact[4] >= -1)


_FACT_TYPES = (int, bool, bool, int, int) * 9  # Table._fact
_TEXTS = (str,) * 9
_WIDTHS = (int,) * 9


def _row_kept(body: bytes, key: bytes, text: bool) -> _Row | None:
    """The row kept under `key` (for the table if `text`, else for the JSON), or None when it is not
    what _keep writes (damaged, or written by something else): then it is computed again, never shown."""
    try:
        first = body.index(b"\n")
        second = body.index(b"\n", first + 1)
        cells, style, scored, differs = json.loads(body[:first])
        if not (type(cells) is list and tuple(map(type, cells)) == _TEXTS and style in (None, "yellow")
                and type(scored) is bool and type(differs) is bool):
            return None
        facts = drawn = None
        if text:
            layout = json.loads(body[first + 1:second])
            if layout is not None:
                flat, drawn = layout
                if not (type(flat) is list and tuple(map(type, flat)) == _FACT_TYPES and min(flat[0::5]) >= 0
                        and min(flat[3::5]) >= 0 and min(flat[4::5]) >= -1):
                    return None
                facts = flat
            if drawn is not None:
                pad, widths, lines = drawn
                if not (type(pad) is int and pad >= 0 and type(widths) is list and tuple(map(type, widths)) == _WIDTHS
                        and min(widths) >= 0 and type(lines) is list and tuple(map(type, lines)) == _TEXTS):
                    return None
                drawn = (pad, widths, [cell.split("\n") for cell in lines])
        json_text = body[second + 1:].decode("utf-8")  # kept whole when the row is kept again
        if json_text[:1] != "{" or json_text[-1:] != "}":
            return None
    except (ValueError, TypeError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    return _Row(cells, style, scored, differs, json_text, facts, drawn, key, True)


_ALL_COLUMNS = 9
