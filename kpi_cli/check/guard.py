"""Guard the audited past: official figures, and the performance of audited quarters, change
only together with an amendment record (`kpi validate --against BASE`)."""

from __future__ import annotations

from pathlib import Path

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Finding, Problem
from kpi_cli.check.rules.registry import describe

describe("audited-change", "error", """Changing an assessed quarter's official figures (assessed score, 2.1 / 2.2), or the
reported performance of an audited quarter, needs a new amendment that names the quarter
(`amendments[].quarters`). Checked by `kpi validate --against BASE`.

Bad:  quarter 1 `assessed: 100` becomes `assessed: 95` in a pull request, with no new amendment
Good: the same change, with an amendment `{kind: amendment, letter: …, date: …, outcome: accepted, quarters: [1]}`""",
         scope="git")


def _assessed(row) -> bool:
    """The quarter carries an actual assessment (not 'not assessed': missing, or 0 with 0 / 0)."""
    if row.assessed is None and not row.sub_scores:
        return False
    subs = row.sub_scores or []
    return not (not row.assessed and all(not s for s in subs))


def _fmt(v) -> str:
    if isinstance(v, list):
        return " / ".join(_fmt(x) for x in v)
    return _("nothing") if v is None else f"{v:g}"


def _amendment_key(a) -> tuple:
    return (a.kind, a.letter, a.date)


def audited_changes(old, new) -> list[Finding]:
    """Findings for changes to the audited past of `new` (an Indicator) relative to `old`."""
    known = {_amendment_key(a) for a in old.amendments}
    covered = {q for a in new.amendments if _amendment_key(a) not in known for q in a.quarters}
    findings = []
    kept = {row.quarter for row in new.quarters}
    for before in old.quarters:
        if before.quarter in kept or before.quarter in covered:
            continue
        if _assessed(before) or before.audited:
            message = _("quarter {quarter} was assessed: its row was removed without an amendment") \
                if _assessed(before) else _("quarter {quarter} is audited: its row was removed without an amendment")
            findings.append(Finding(
                "audited-change", message.format(quarter=before.quarter), ("quarters",), key=True,
                fix=_("record the amendment with `quarters: [{quarter}]`, or restore the quarter").format(
                    quarter=before.quarter)))
    for i, row in enumerate(new.quarters):
        before = old.quarter(row.quarter)
        if before is None or row.quarter in covered:
            continue
        loc = ("quarters", i)
        if _assessed(before):
            for name in ("assessed", "sub_scores"):
                was, now = getattr(before, name), getattr(row, name)
                if was != now:
                    findings.append(Finding(
                        "audited-change",
                        _("quarter {quarter}: the official {field} changed from {before} to {after} "
                          "without an amendment").format(quarter=row.quarter, field=name.replace("_", "-"),
                                                         before=_fmt(was), after=_fmt(now)), loc + (name,),
                        fix=_("record the amendment (letter, date, outcome) with `quarters: [{quarter}]`, "
                              "or restore the official figures").format(quarter=row.quarter)))
        if before.audited and before.performance != row.performance:
            findings.append(Finding(
                "audited-change",
                _("quarter {quarter} is audited: its performance changed from {before} to {after} "
                  "without an amendment").format(quarter=row.quarter, before=_fmt(before.performance),
                                                 after=_fmt(row.performance)), loc + ("performance",),
                fix=_("record the amendment with `quarters: [{quarter}]`, or restore the figure").format(
                    quarter=row.quarter)))
    return findings


def check_against(base: str, files: list[Path], cwd: Path, display) -> list[Problem]:
    """Compare each indicator file with its version at `base`."""
    from kpi_cli.io.git import files_at, require_revision
    from kpi_cli.io.loader import load, locate, parse_text
    from kpi_cli.core.model import Indicator

    require_revision(base, cwd)  # a misspelt BASE must not pass as "every file is new"
    past = files_at(base, files, cwd)  # GitError when git fails
    problems: list[Problem] = []
    for path in files:
        if path not in past:
            continue  # a new file, or one outside the repository, has no past
        old_text = past[path].decode("utf-8", errors="replace")
        try:
            old_data = parse_text(old_text, path, [])
            old = Indicator.model_validate(old_data) if isinstance(old_data, dict) else None
            loaded = load(path)
            new = Indicator.model_validate(loaded.data) if loaded.ok and isinstance(loaded.data, dict) else None
        except ValueError:  # pydantic's ValidationError: `kpi validate` reports the file itself
            continue
        if old is None or new is None:
            continue
        findings = audited_changes(old, new)
        if findings:
            problems += locate(path, loaded.text, findings, display(path))
    return problems
