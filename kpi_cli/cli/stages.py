"""`kpi status`, `kpi advance` and the commands that record what the stage gates check:
`kpi idea add|reported|select|list`, `kpi propose`, `kpi decide`, `kpi activity`, `kpi evidence`,
`kpi survey`, `kpi appeal`.

Each command parses its arguments, calls the core (kpi_cli.stages builds the change,
kpi_cli.writer writes it), and says what happened. Dates are ISO, Common Era: 2021-04-15.
"""


import json
import sys
from enum import Enum
from typing import Annotated, Callable, List, Optional

import typer

from kpi_cli.cli.root import app
from kpi_cli.core import vocabulary
from kpi_cli.core.escape import for_terminal
from kpi_cli.core.i18n import _
from kpi_cli.cli.common import buddhist_year, complete_code, errors_as_messages, examples

Code = Annotated[str, typer.Argument(help=_("The indicator's code, e.g. 0406-0772 (or the path of its file)."),
                                     show_default=False, autocompletion=complete_code)]
Year = Annotated[Optional[int], typer.Option(
    "--year", help=_("Fiscal year (พ.ศ.) of the indicator file; default: the latest."), show_default=False,
    callback=buddhist_year)]
DryRun = Annotated[bool, typer.Option("--dry-run", help=_("Show the change as a unified diff; write nothing."))]
Note = Annotated[Optional[str], typer.Option("--note", help=_("A note kept with the record."), show_default=False)]
Letter = Annotated[Optional[str], typer.Option(
    "--letter", help=_('The official letter number, e.g. "กท 0406/2006".'), show_default=False)]


def _text(help_text: str, *names: str):
    return Annotated[Optional[str], typer.Option(*names, help=help_text, show_default=False)]


def _choices(name: str, *values: str) -> type[Enum]:
    """The choices of an option, from kpi_cli/core/vocabulary.py (where the model takes them too)."""
    return Enum(name, {v: v for v in values}, type=str)


DateOpt = _text(_("Date, YYYY-MM-DD in the Common Era (15 เมษายน 2564 = 2021-04-15)."), "--date")


def _date(text: str | None, option: str = "--date"):
    from kpi_cli.core.stages import parse_date

    return None if text is None else parse_date(text, option)


def _run(code: str, year: int | None, dry_run: bool, build: Callable) -> None:
    """Open the indicator, let `build(opened)` make the change, write it (or show it), report."""
    from kpi_cli.write.transaction import edit_indicator
    from kpi_cli.io.repo import find_indicator
    from kpi_cli.core.stages import key_order

    made = []

    def make(opened):
        change = build(opened)
        made.append(change)
        return change.edits

    with errors_as_messages():
        path = find_indicator(code, fiscal_year=year)
        outcome = edit_indicator(path, make, order=key_order, dry_run=dry_run)
    if not outcome.changed:
        typer.echo(_("{path}: nothing to change (already recorded)").format(path=outcome.display), err=True)
    elif dry_run:
        sys.stdout.write(for_terminal(outcome.diff()) if sys.stdout.isatty() else outcome.diff())
        typer.echo(for_terminal(_("dry run, nothing written; the change: {change}").format(change=made[0].what)),
                   err=True)
    else:
        typer.echo(for_terminal(f"{outcome.display}: {made[0].what}"))


# --- status ---------------------------------------------------------------------------

Format = _choices("Format", "text", "json")
STATUS_JSON_VERSION = 1  # keys are only added within a version (docs/stages.md)


@app.command(
    help=_("Where the innovation project stands, and what the next gate still needs.\n\n"
           "Shows the stages done (dates, evidence), the current stage and its gate: what is met, "
           "what is missing."),
    epilog=examples(
        "kpi status 0406-0772",
        "kpi status 0406-0772 --format json",
        "kpi status 0406-0772 --year 2564"))
def status(code: Code, year: Year = None,
           format: Annotated[Format, typer.Option("--format", "-f", help=_("text for people, json for machines."))]
           = Format.text) -> None:
    from kpi_cli.core import stages as core
    from kpi_cli.io.repo import find_indicator
    from kpi_cli.check.checked import open_indicator

    with errors_as_messages():
        opened = open_indicator(find_indicator(code, fiscal_year=year))
        st = core.status(opened.model, opened.catalogues)
    if format is Format.json:  # every JSON output of kpi starts with its version and kind
        doc = {"version": STATUS_JSON_VERSION, "kind": "status", **st.to_dict()}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    _print_status(st)


def _print_status(st) -> None:
    from kpi_cli.cli.common import terminal_width, use_color
    from kpi_cli.core.stages import stage_label, value_name
    from kpi_cli.render.textgrid import Painted, Printer, paint

    out = Printer(terminal_width(), color=use_color())

    def say(*parts: str) -> None:  # long lines run on: the terminal wraps them
        out.line(*parts, wrapped=False)

    def styled(text: str, style: str) -> str:
        return paint(text, style, out.color)

    ind = st.ind
    from kpi_cli.core.i18n import shown_date

    year = f"ปีงบประมาณ พ.ศ. {ind.fiscal_year}"  # the glossary's term, in either language
    say(styled(ind.code, "bold"), f" {ind.title} ({year})")
    marks = {"done": styled("✓", "green"), "current": styled("▶", "yellow"), "pending": styled("·", "dim")}
    states = {"done": _("done"), "current": _("current"), "pending": _("pending")}
    for s in st.stages:
        ev = s.event
        state = _("done {date}").format(date=ev.completed) if ev else states[s.state]
        if ev and ind.is_inferred(f"innovation.stages[{ind.innovation.stages.index(ev)}].completed"):
            state += " " + _("(inferred: the day is not on record)")
        form = styled(f"({s.info.form})", "dim") if s.info.form != "-" else ""
        label = stage_label(s.info.number)
        label += "" if s.info.name_th in label else f", {s.info.name_th}"  # in Thai the label names it already
        say("  ", marks[s.state], f" {label}", " " if form else "", form, f": {state}")
        if ev and ev.evidence:
            say("      " + _("evidence: {letters}").format(letters=", ".join(ev.evidence)))
        if ev and ev.note:
            say("      " + _("note: {note}").format(note=ev.note))
    start, end = st.window
    say(_("stage dates run from {start} to {end}").format(start=start, end=end))
    for a in ind.amendments:
        line = f"{value_name(a.kind)} {a.letter} ({shown_date(a.date)}): {value_name(a.outcome)}"
        if a.decided:
            line = _("{amendment} on {date}").format(amendment=line, date=a.decided)
        if a.effective:
            line = _("{amendment}; new criteria from {date}").format(amendment=line, date=a.effective)
        say(line)
    if st.current is None:
        say(styled(_("all five stages are done"), "green"))
        return
    n = st.current
    verdict = styled(_("holds"), "green") if not st.missing else styled(_("{n} missing").format(n=len(st.missing)), "red")
    # kpi's own words and a painted verdict: nothing from the file
    say(Painted("\n" + _("current: {stage}; its gate {verdict}").format(stage=stage_label(n), verdict=verdict)))
    for c in st.checks:
        mark = styled("✓", "green") if c.ok else styled("✗", "red")
        say("  ", mark, " " + _("stage {n}: {check}").format(n=n, check=c.text))
    if not st.missing:
        say(_("next: kpi advance {code} --date YYYY-MM-DD [--evidence LETTER] [--note TEXT]").format(code=ind.code))


# --- advance --------------------------------------------------------------------------

@app.command(
    help=_("Complete the current stage of the innovation project, after checking its gate."),
    epilog=examples(
        'kpi advance 0406-0772 --date 2020-12-31 --note "รวบรวมความคิดเห็น 10 เรื่อง"',
        'kpi advance 0406-0772 --to 4 --date 2021-04-09 --evidence "คำสั่ง สปท. ที่ 4/2564" --evidence "กท 0406/2006"',
        'kpi advance 0406-0772 --date 2021-08-30 --evidence "ฝบ. 634/2564" --dry-run',
        note=_("Refused (exit 1, file untouched): skipping a stage, going back, a date before the previous "
               "stage's, before a dated fact the gate relies on (e.g. the proposal's submission for stage 3) or "
               "outside the fiscal year, a finished project, a gate that does not hold.")))
def advance(
    code: Code,
    date: Annotated[str, typer.Option("--date", help=_("The day the stage was completed, YYYY-MM-DD (Common Era)."),
                                      show_default=False)],
    to: Annotated[Optional[int], typer.Option(
        "--to", help=_("The stage to complete; must be the current one (a check that you are where you think)."),
        show_default=False)] = None,
    evidence: Annotated[Optional[List[str]], typer.Option(
        "--evidence", help=_('A letter or order that proves it, e.g. "กท 0406/2006"; repeat for more.'),
        show_default=False)] = None,
    note: Note = None, dry_run: DryRun = False, year: Year = None,
) -> None:
    from kpi_cli.core import stages as core

    _run(code, year, dry_run, lambda o: core.advance(o.model, o.catalogues, date=_date(date), to=to,
                                                     evidence=evidence or [], note=note))


# --- stage 1 and 2: ideas -------------------------------------------------------------

idea_app = typer.Typer(help=_("Ideas of stage 1 (แบบฟอร์ม 1) and the selection of stage 2 (แบบฟอร์ม 2)."),
                       no_args_is_help=True)
app.add_typer(idea_app, name="idea")


@idea_app.command(
    "add",
    help=_("Record one idea collected in stage 1 (แบบฟอร์ม 1); it gets the next number."),
    epilog=examples(
        'kpi idea add 0406-0772 "การให้บริการรถบริการงานทะเบียนเคลื่อนที่ (Bangkok mobile Service) ในเชิงรุก"',
        'kpi idea add 0406-0772 "ลดขั้นตอนการขอคัดสำเนา" --by "ฝ่ายทะเบียน" --date 2020-11-20'))
def idea_add(
    code: Code,
    title: Annotated[str, typer.Argument(help=_("The idea, as written on แบบฟอร์ม 1."), show_default=False)],
    date: DateOpt = None,
    by: _text(_("Who proposed it."), "--by") = None,
    note: Note = None, dry_run: DryRun = False, year: Year = None,
) -> None:
    from kpi_cli.core import stages as core

    _run(code, year, dry_run, lambda o: core.add_idea(o.model, title, date=_date(date), by=by, note=note))


@idea_app.command(
    "reported",
    help=_("Record how many ideas the agency reported, when not all of them are listed one by one."),
    epilog=examples("kpi idea reported 0406-0772 10"))
def idea_reported(
    code: Code,
    count: Annotated[int, typer.Argument(help=_("How many ideas the agency reported."), show_default=False)],
    dry_run: DryRun = False, year: Year = None,
) -> None:
    from kpi_cli.core import stages as core

    _run(code, year, dry_run, lambda o: core.report_ideas(o.model, count))


@idea_app.command(
    "select",
    help=_("Record the one idea the executives selected in stage 2 (แบบฟอร์ม 2)."),
    epilog=examples("kpi idea select 0406-0772 1", "kpi idea select 0406-0772 1 --date 2021-01-25"))
def idea_select(
    code: Code,
    idea: Annotated[int, typer.Argument(help=_("The number of the selected idea (see `kpi idea list`)."),
                                        show_default=False)],
    date: DateOpt = None, dry_run: DryRun = False, year: Year = None,
) -> None:
    from kpi_cli.core import stages as core

    _run(code, year, dry_run, lambda o: core.select_idea(o.model, idea, date=_date(date)))


@idea_app.command(
    "list",
    help=_("List the recorded ideas, the selected one marked with *."),
    epilog=examples("kpi idea list 0406-0772"))
def idea_list(code: Code, year: Year = None) -> None:
    from kpi_cli.io.repo import find_indicator
    from kpi_cli.check.checked import open_indicator
    from kpi_cli.core.stages import require_innovation

    with errors_as_messages():
        inn = require_innovation(open_indicator(find_indicator(code, fiscal_year=year)).model)
    if not inn.ideas:
        typer.echo(_("no ideas recorded yet: `kpi idea add CODE TITLE` records one"), err=True)
    for i in inn.ideas:
        typer.echo(for_terminal(f"{'*' if i.id == inn.selected_idea else ' '} {i.id:>3}  {i.title}"))
    if inn.ideas_reported and inn.ideas_reported > len(inn.ideas):
        typer.echo(_("({reported} ideas reported, {listed} listed)").format(reported=inn.ideas_reported,
                                                                           listed=len(inn.ideas)))


# --- stage 3 and 4: proposal, decision, activities, evidence --------------------------

Kind = _choices("Kind", *vocabulary.INNOVATION_KINDS)


@app.command(
    help=_("Record the innovation project and its proposal (แบบฟอร์ม 3, 4), and its submission to the "
           "committee."),
    epilog=examples(
        'kpi propose 0406-0772 --title "โครงการให้บริการงานทะเบียนตรงใจด้วย On – Demand Service" '
        "--kind service --fiscal-year 2564 --form3 --form4",
        "kpi propose 0406-0772 --submitted 2021-02-08",
        note=_("Kinds: policy (นวัตกรรมเชิงนโยบาย), service (นวัตกรรมการบริการ), administrative "
               "(นวัตกรรมการบริหาร/องค์กร). A first proposal needs --title and --kind; later calls change only "
               "the options given.")))
def propose(
    code: Code,
    title: _text(_("The project's title (แบบฟอร์ม 3)."), "--title") = None,
    kind: Annotated[Optional[Kind], typer.Option("--kind", help=_("The kind of innovation."),
                                                 show_default=False)] = None,
    objective: _text(_("The project's objective."), "--objective") = None,
    fiscal_year: Annotated[Optional[List[int]], typer.Option(
        "--fiscal-year", help=_("A fiscal year (พ.ศ.) the project spans; repeat for several."),
        show_default=False)] = None,
    target: _text(_("The project's own target for this fiscal year."), "--target") = None,
    form3: Annotated[Optional[bool], typer.Option(
        "--form3/--no-form3", help=_("The project document (แบบฟอร์ม 3) is done."), show_default=False)] = None,
    form4: Annotated[Optional[bool], typer.Option(
        "--form4/--no-form4", help=_("The proposal form (แบบฟอร์ม 4) is done."), show_default=False)] = None,
    submitted: _text(_("The date the proposal went to the BMA Innovation Committee."), "--submitted") = None,
    to: _text(_("Whom it was submitted to (default: คณะกรรมการนวัตกรรมกรุงเทพมหานคร)."), "--to") = None,
    letter: Letter = None, dry_run: DryRun = False, year: Year = None,
) -> None:
    from kpi_cli.core import stages as core

    _run(code, year, dry_run, lambda o: core.propose(
        o.model, title=title, kind=kind.value if kind else None, objective=objective, fiscal_years=fiscal_year,
        target=target, form3=form3, form4=form4, submitted=_date(submitted, "--submitted"), submitted_to=to,
        letter=letter))


Result = _choices("Result", *vocabulary.DECISION_RESULTS)


@app.command(
    help=_("Record the BMA Innovation Committee's decision on the proposal (stage 4 needs approved)."),
    epilog=examples(
        'kpi decide 0406-0772 --result approved --by "คณะกรรมการพัฒนานวัตกรรมของกรุงเทพมหานคร"',
        'kpi decide 0406-0772 --result approved --date 2021-03-01 --letter "กท 0303/1234"'))
def decide(
    code: Code,
    result: Annotated[Optional[Result], typer.Option("--result", help=_("The committee's decision."),
                                                     show_default=False)] = None,
    date: DateOpt = None,
    by: _text(_("The committee that decided."), "--by") = None,
    letter: Letter = None, note: Note = None, dry_run: DryRun = False, year: Year = None,
) -> None:
    from kpi_cli.core import stages as core

    _run(code, year, dry_run, lambda o: core.decide(
        o.model, result=result.value if result else None, date=_date(date), by=by, letter=letter, note=note))


@app.command(
    help=_("Record a stage-4 activity of the project (done), with its evidence."),
    epilog=examples(
        'kpi activity 0406-0772 "แต่งตั้งคณะกรรมการฯ และคณะทำงานโครงการ" --date 2021-03-18 '
        '--evidence "คำสั่ง สปท. ที่ 4/2564"',
        'kpi activity 0406-0772 "ออกให้บริการ ณ ห้างสรรพสินค้าตั้งฮั่วเส็ง" --date 2021-04-01 --end 2021-04-09'))
def activity(
    code: Code,
    title: Annotated[str, typer.Argument(help=_("What was done."), show_default=False)],
    date: DateOpt = None,
    end: _text(_("The last day, for an activity over several days."), "--end") = None,
    evidence: Annotated[Optional[List[str]], typer.Option(
        "--evidence", help=_('A letter or order, e.g. "กท 0406/2006"; repeat for more.'), show_default=False)] = None,
    note: Note = None, dry_run: DryRun = False, year: Year = None,
) -> None:
    from kpi_cli.core import stages as core

    _run(code, year, dry_run, lambda o: core.add_activity(
        o.model, title, date=_date(date), end=_date(end, "--end"), evidence=evidence or [], note=note))


@app.command(
    help=_("Record that the project's evidence was sent to สำนักงาน ก.ก. (stage 4)."),
    epilog=examples("kpi evidence 0406-0772", 'kpi evidence 0406-0772 --date 2021-04-20 --letter "กท 0406/2301"'))
def evidence(
    code: Code,
    to: _text(_("Where it was sent (default: สำนักงาน ก.ก.)."), "--to") = None,
    date: DateOpt = None, letter: Letter = None, note: Note = None, dry_run: DryRun = False, year: Year = None,
) -> None:
    from kpi_cli.core import stages as core

    _run(code, year, dry_run, lambda o: core.add_evidence(o.model, to=to, date=_date(date), letter=letter, note=note))


# --- stage 5: the survey --------------------------------------------------------------

@app.command(
    help=_("Record the survey of the innovation's use (แบบฟอร์ม 5) and its approval by the agency head."),
    epilog=examples(
        'kpi survey 0406-0772 --date 2021-08-30 --letter "ฝบ. 634/2564"',
        'kpi survey 0406-0772 --approved --approved-by "ผู้อำนวยการสำนักงานปกครองและทะเบียน"'))
def survey(
    code: Code,
    date: DateOpt = None, letter: Letter = None,
    approved: Annotated[Optional[bool], typer.Option(
        "--approved/--not-approved", help=_("The agency head approved the survey."), show_default=False)] = None,
    approved_by: _text(_("Who approved it."), "--approved-by") = None,
    approved_date: _text(_("When it was approved."), "--approved-date") = None,
    note: Note = None, dry_run: DryRun = False, year: Year = None,
) -> None:
    from kpi_cli.core import stages as core

    _run(code, year, dry_run, lambda o: core.record_survey(
        o.model, date=_date(date), letter=letter, approved=approved, approved_by=approved_by,
        approved_date=_date(approved_date, "--approved-date"), note=note))


# --- appeals and amendments -----------------------------------------------------------

AppealKind = _choices("AppealKind", *vocabulary.AMENDMENT_KINDS)
Outcome = _choices("Outcome", *vocabulary.OUTCOMES)


@app.command(
    help=_("Record an appeal (อุทธรณ์) or amendment of the criteria, or its outcome."),
    epilog=examples(
        'kpi appeal 0406-0772 --letter "กท 0406/3937" --date 2021-07-07 --urgency ด่วนที่สุด '
        '--grounds "ข้อ 1 ปัจจัยภายนอกของหน่วยงาน" --criteria-after "นำนวัตกรรม… ไปใช้ประโยชน์"',
        'kpi appeal 0406-0772 --letter "กท 0406/3937" --outcome accepted --decided 2021-07-20 '
        '--decision-letter "กท 0303/2208" --condition "ประเมินผล 8 ครั้งที่ผ่านมา" --effective 2021-07-20',
        note=_("The letter number names the appeal: the first call records it (pending), later calls with the "
               "same letter add the outcome, conditions and decision letters. An accepted appeal's --extends-to "
               "lets stage dates run past the fiscal year.")))
def appeal(
    code: Code,
    letter: Annotated[str, typer.Option("--letter", help=_('The appeal\'s letter number, e.g. "กท 0406/3937".'),
                                        show_default=False)],
    date: DateOpt = None,
    kind: Annotated[Optional[AppealKind], typer.Option(
        "--kind", help=_("appeal (อุทธรณ์, the default) or amendment."), show_default=False)] = None,
    urgency: _text(_("ด่วน, ด่วนมาก or ด่วนที่สุด."), "--urgency") = None,
    grounds: _text(_("The grounds (สาเหตุ), e.g. ข้อ 1 ปัจจัยภายนอกของหน่วยงาน."), "--grounds") = None,
    request: _text(_("What the agency asks for."), "--request") = None,
    outcome: Annotated[Optional[Outcome], typer.Option("--outcome", help=_("The committee's ruling."),
                                                       show_default=False)] = None,
    decided: _text(_("The date of the ruling."), "--decided") = None,
    decision_letter: Annotated[Optional[List[str]], typer.Option(
        "--decision-letter", help=_("A letter of the ruling; repeat for more."), show_default=False)] = None,
    condition: Annotated[Optional[List[str]], typer.Option(
        "--condition", help=_("A condition of the ruling; repeat for more."), show_default=False)] = None,
    criteria_before: _text(_("The criteria before the change."), "--criteria-before") = None,
    criteria_after: _text(_("The criteria in force after it."), "--criteria-after") = None,
    effective: _text(_("The date the new criteria apply from."), "--effective") = None,
    extends_to: _text(_("Stage dates may run to this date (when accepted)."), "--extends-to") = None,
    note: Note = None, dry_run: DryRun = False, year: Year = None,
) -> None:
    from kpi_cli.core import stages as core

    _run(code, year, dry_run, lambda o: core.record_appeal(
        o.model, letter, date=_date(date), kind=kind.value if kind else None, urgency=urgency, grounds=grounds,
        request=request, outcome=outcome.value if outcome else None, decided=_date(decided, "--decided"),
        decision_letters=decision_letter, conditions=condition, criteria_before=criteria_before,
        criteria_after=criteria_after, effective=_date(effective, "--effective"),
        extends_to=_date(extends_to, "--extends-to"), note=note))
