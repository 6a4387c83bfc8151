"""Correcting and removing what was recorded: `kpi edit idea|activity|evidence|stage` and
`kpi remove idea|activity|evidence|stage` (also `kpi idea edit|remove`).

The same guarantees as the commands that record: the change is validated as a whole file before it
is written, written atomically, every other byte kept, and `--dry-run` shows it without writing.
"""

from typing import Annotated, List, Optional

import typer

from kpi_cli.cli.common import examples
from kpi_cli.cli.root import app
from kpi_cli.cli.stages import Code, DateOpt, DryRun, Letter, Note, Year, _date, _run, _text, idea_app
from kpi_cli.core.i18n import _

edit_app = typer.Typer(help=_("Correct a recorded idea, activity, evidence entry or stage event."),
                       no_args_is_help=True)
remove_app = typer.Typer(help=_("Remove a recorded idea, activity, evidence entry or the last stage event."),
                         no_args_is_help=True)
app.add_typer(edit_app, name="edit")
app.add_typer(remove_app, name="remove")


def _number(what: str):
    return Annotated[int, typer.Argument(help=what, show_default=False, min=1)]


IdeaId = _number(_("The idea's number (see `kpi idea list`)."))
ActivityN = _number(_("The activity's number, counted from 1 (see `kpi status`)."))
EvidenceN = _number(_("The evidence entry's number, counted from 1 (see `kpi status`)."))
StageN = Annotated[int, typer.Argument(help=_("The stage, 1 to 5."), show_default=False, min=1, max=5)]
Title = _text(_("The corrected title."), "--title")
End = _text(_("The corrected last day."), "--end")
Evidence = Annotated[Optional[List[str]], typer.Option(
    "--evidence", help=_('A letter or order, e.g. "กท 0406/2006"; repeat for more. Replaces the list.'),
    show_default=False)]


def idea_edit(code: Code, idea: IdeaId, title: Title = None, date: DateOpt = None,
              by: _text(_("Who proposed it."), "--by") = None, note: Note = None, dry_run: DryRun = False,
              year: Year = None) -> None:
    from kpi_cli.core import corrections

    _run(code, year, dry_run, lambda o: corrections.edit_idea(o.model, idea, title=title, date=_date(date),
                                                              by=by, note=note))


def idea_remove(code: Code, idea: IdeaId, dry_run: DryRun = False, year: Year = None) -> None:
    from kpi_cli.core import corrections

    _run(code, year, dry_run, lambda o: corrections.remove_idea(o.model, idea))


EDIT_IDEA = dict(help=_("Correct a recorded idea (title, date, who proposed it, note)."),
                 epilog=examples("kpi edit idea 0406-0772 3 --date 2020-11-20",
                                 'kpi idea edit 0406-0772 3 --title "ลดขั้นตอนการขอคัดสำเนา"'))
REMOVE_IDEA = dict(help=_("Remove a recorded idea (not the selected one)."),
                   epilog=examples("kpi remove idea 0406-0772 11 --dry-run", "kpi idea remove 0406-0772 11"))
for group in (edit_app, idea_app):
    group.command("idea" if group is edit_app else "edit", **EDIT_IDEA)(idea_edit)
for group in (remove_app, idea_app):
    group.command("idea" if group is remove_app else "remove", **REMOVE_IDEA)(idea_remove)


@edit_app.command("activity", help=_("Correct a recorded stage-4 activity."),
                  epilog=examples("kpi edit activity 0406-0772 4 --date 2021-04-01 --end 2021-04-09"))
def activity_edit(code: Code, n: ActivityN, title: Title = None, date: DateOpt = None, end: End = None,
                  evidence: Evidence = None, note: Note = None, dry_run: DryRun = False, year: Year = None) -> None:
    from kpi_cli.core import corrections

    _run(code, year, dry_run, lambda o: corrections.edit_activity(
        o.model, n, title=title.strip() if title else title, date=_date(date), end=_date(end, "--end"),
        evidence=list(evidence) if evidence else None, note=note))


@remove_app.command("activity", help=_("Remove a recorded stage-4 activity."),
                    epilog=examples("kpi remove activity 0406-0772 7 --dry-run"))
def activity_remove(code: Code, n: ActivityN, dry_run: DryRun = False, year: Year = None) -> None:
    from kpi_cli.core import corrections

    _run(code, year, dry_run, lambda o: corrections.remove_activity(o.model, n))


@edit_app.command("evidence", help=_("Correct a recorded sending of evidence to สำนักงาน ก.ก."),
                  epilog=examples('kpi edit evidence 0406-0772 1 --date 2021-04-20 --letter "กท 0406/2301"'))
def evidence_edit(code: Code, n: EvidenceN, to: _text(_("Where it was sent."), "--to") = None,
                  date: DateOpt = None, letter: Letter = None, note: Note = None, dry_run: DryRun = False,
                  year: Year = None) -> None:
    from kpi_cli.core import corrections

    _run(code, year, dry_run, lambda o: corrections.edit_evidence(o.model, n, to=to, date=_date(date), letter=letter,
                                                                  note=note))


@remove_app.command("evidence", help=_("Remove a recorded sending of evidence."),
                    epilog=examples("kpi remove evidence 0406-0772 2"))
def evidence_remove(code: Code, n: EvidenceN, dry_run: DryRun = False, year: Year = None) -> None:
    from kpi_cli.core import corrections

    _run(code, year, dry_run, lambda o: corrections.remove_evidence(o.model, n))


@edit_app.command("stage", help=_("Correct the record of a completed stage: its date (checked against its gate's "
                                  "facts and the other stages), evidence or note."),
                  epilog=examples("kpi edit stage 0406-0772 4 --date 2021-04-09",
                                  'kpi edit stage 0406-0772 4 --evidence "กท 0406/2006"'))
def stage_edit(code: Code, stage: StageN, date: DateOpt = None, evidence: Evidence = None, note: Note = None,
               dry_run: DryRun = False, year: Year = None) -> None:
    from kpi_cli.core import corrections

    _run(code, year, dry_run, lambda o: corrections.edit_stage(o.model, stage, date=_date(date),
                                                               evidence=evidence, note=note))


@remove_app.command("stage", help=_("Take back the completion of the last completed stage."),
                    epilog=examples("kpi remove stage 0406-0772 5 --dry-run"))
def stage_remove(code: Code, stage: StageN, dry_run: DryRun = False, year: Year = None) -> None:
    from kpi_cli.core import corrections

    _run(code, year, dry_run, lambda o: corrections.remove_stage(o.model, stage))


@remove_app.command("selection", help=_("Remove the selection of stage 2 (แบบฟอร์ม 2)."),
                    epilog=examples("kpi remove selection 0406-0772 --dry-run"))
def selection_remove(code: Code, dry_run: DryRun = False, year: Year = None) -> None:
    from kpi_cli.core import corrections

    _run(code, year, dry_run, lambda o: corrections.remove_selection(o.model))


def _record_remover(key: str, help_text: str, example: str):
    def remove(code: Code, dry_run: DryRun = False, year: Year = None) -> None:
        from kpi_cli.core import corrections

        _run(code, year, dry_run, lambda o: corrections.remove_record(o.model, key))

    remove_app.command(key, help=help_text, epilog=examples(example))(remove)


_record_remover("proposal", _("Remove the recorded proposal (แบบฟอร์ม 3, 4)."), "kpi remove proposal 0406-0772 --dry-run")
_record_remover("decision", _("Remove the recorded decision of the committee."), "kpi remove decision 0406-0772")
_record_remover("survey", _("Remove the recorded survey of use (แบบฟอร์ม 5)."), "kpi remove survey 0406-0772")


@remove_app.command("appeal", help=_("Remove a recorded appeal or amendment, by its letter number."),
                    epilog=examples('kpi remove appeal 0406-0772 "กท 0406/3937" --dry-run'))
def appeal_remove(code: Code, letter: Annotated[str, typer.Argument(help=_("Its letter number."),
                                                                    show_default=False)],
                  dry_run: DryRun = False, year: Year = None) -> None:
    from kpi_cli.core import corrections

    _run(code, year, dry_run, lambda o: corrections.remove_amendment(o.model, letter))
