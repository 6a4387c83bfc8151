"""Guard the audited past (`kpi validate --against BASE`): once สยป. has audited or assessed a
quarter, its figures, and everything its computed score is made of, change only together with
an accepted amendment on record; and an audited indicator cannot leave the repository unseen.

Threat model (docs/pull-requests.md): the guard compares the working tree with the git revision
BASE. Indicators are matched by identity (code and fiscal year), not by path, so renaming,
moving, re-coding or deleting a file is seen. Recorded amendments are part of the record: an old
amendment edited or removed is a finding, and only an amendment that is new in this change,
accepted, dated after the quarter's end and naming the quarter opens that quarter. Links are
never followed: a link in place of a file is an absent file. What the guard cannot judge is the
amendment itself: the reviewer who merges it is trusted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kpi_cli.check.rules.codes import code_key
from kpi_cli.check.rules.record import RULE
from kpi_cli.core.assessment import ASSESSED, audited
from kpi_cli.core.figures import shown, text_of
from kpi_cli.core.i18n import _
from kpi_cli.core.model import Indicator, Quarter
from kpi_cli.core.problems import Finding, Level, Problem
from kpi_cli.core.thai import quarter_bounds
from kpi_cli.io.git import blobs, changed_names, toplevel, tree_entries
from kpi_cli.io.loader import load, locate, parse_text
from kpi_cli.io.paths import CATALOGUE_NAMES


# the fields of a quarter's row that are part of the official record once it is audited or assessed
# (`difference_reason` is kpi's own note on a difference, not a figure)
INDICATOR_FIELDS = ("target", "weight", "agency")
# flags that change how the whole record reads: an audited indicator made an example (made-up data),
# or a partial copy (its empty fields then read as missing); a partial copy made whole is a legitimate
# re-import, so only turning `partial` on is guarded
RECORD_FLAGS = {"example": (True, False), "partial": (True,)}
RECORD_FIELDS = ("performance", "target", "counts", "parts", "assessed", "sub_scores", "audit", "audited",
                 "assessment", "report")


def on_record(row: Quarter) -> bool:
    """The quarter is part of the audited past: the audit line names it, the file says it was
    assessed, or it prints an official figure other than 0 (whatever `assessment:` claims, so that
    a pull request cannot unlock a scored quarter by calling it unknown first). 0 and 0 / 0 alone
    is not on record (core.assessment: not assessed, or not yet entered)."""
    if audited(row) or row.assessment == ASSESSED:
        return True
    return bool(row.assessed) or any(row.sub_scores or [])


def _same(was, now) -> bool:
    """Equal, and printed alike: 100.0000 made 100 changes the record as published."""
    if was != now:
        return False
    if isinstance(was, list) and isinstance(now, list):
        return all(_same(a, b) for a, b in zip(was, now))
    if hasattr(was, "model_dump"):
        return was.model_dump(mode="json") == now.model_dump(mode="json")
    # and shown alike: 1500000 made 1.5e+6 is the same number, printed otherwise
    return text_of(was) == text_of(now) and shown(was) == shown(now)


def _fmt(value) -> str:
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return shown(value)
    if isinstance(value, list):
        return " / ".join(_fmt(x) for x in value)
    if isinstance(value, str):
        text = " ".join(value.split())
        return repr(text if len(text) <= 40 else text[:39] + "…")
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json", exclude_none=True)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _dump(model) -> str:
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def quarter_end(ind: Indicator, quarter: int) -> dt.date:
    return quarter_bounds(ind.fiscal_year, quarter)[1]


@dataclass
class Amendments:
    """The amendments of HEAD against those of BASE, compared by their whole content."""
    new: list = field(default_factory=list)  # in HEAD, not in BASE
    lost: list = field(default_factory=list)  # (index in BASE, amendment): in BASE, not in HEAD as it was


def compare_amendments(old: Indicator, new: Indicator) -> Amendments:
    old_keys = [_dump(a) for a in old.amendments]
    new_keys = [_dump(a) for a in new.amendments]
    out = Amendments()
    remaining = Counter(new_keys)
    for i, (a, key) in enumerate(zip(old.amendments, old_keys)):
        if remaining[key]:
            remaining[key] -= 1
        else:
            out.lost.append((i, a))
    seen = Counter(old_keys)
    unmatched: list[tuple[int, object]] = []
    for j, (a, key) in enumerate(zip(new.amendments, new_keys)):
        if seen[key]:
            seen[key] -= 1
        else:
            unmatched.append((j, a))
    # an old amendment edited is not a new one: pair each lost amendment with the unmatched one at
    # its place, else with the same letter, else the same kind; what is left over is new
    for i, lost in out.lost:
        for same in (lambda j, a: j == i, lambda j, a: a.letter == lost.letter, lambda j, a: a.kind == lost.kind):
            pair = next((item for item in unmatched if same(*item)), None)
            if pair is not None:
                unmatched.remove(pair)
                break
    out.new = [a for _j, a in unmatched]
    return out


def _opens(amendment, ind: Indicator, quarter: int) -> bool:
    """Whether a new amendment allows changing the audited `quarter`."""
    when = amendment.decided or amendment.date
    return (amendment.outcome == "accepted" and quarter in amendment.quarters
            and when > quarter_end(ind, quarter))


def _allow(quarter: int, end: dt.date) -> str:
    return _("add, in the same change, an amendment with `outcome: accepted`, `quarters: [{quarter}]` and a date "
             "after {end} (the letter that allows it), or restore the figures").format(quarter=quarter, end=end)


def _why_not(amendments: list, ind: Indicator, quarter: int) -> str:
    """What is wrong with the new amendments that name `quarter` (none of them opens it)."""
    naming = [a for a in amendments if quarter in a.quarters]
    if not naming:
        return ""
    a = naming[0]
    if a.outcome != "accepted":
        return _(" (the new amendment {letter} names it, but its outcome is {outcome}, not accepted)").format(
            letter=a.letter, outcome=a.outcome)
    return _(" (the new amendment {letter} names it, but is dated {date}, not after the quarter's end {end})").format(
        letter=a.letter, date=a.decided or a.date, end=quarter_end(ind, quarter))


def _stage_dates(ind: Indicator, end: dt.date) -> list[tuple[int, str]]:
    inn = ind.innovation
    return sorted((e.stage, e.completed.isoformat()) for e in (inn.stages if inn else []) if e.completed <= end)


def _stage_changes(old: Indicator, new: Indicator, quarter: int) -> list[tuple[int, dt.date | None, dt.date | None]]:
    """The stages whose record in the audited `quarter` changed, as (stage, before, after) dates:
    a stage done by the quarter's end that is no longer (or the reverse), or one completed within
    the quarter that is now dated otherwise. What lies outside the quarter is another quarter's."""
    start, end = quarter_bounds(new.fiscal_year, quarter)

    def dates(ind: Indicator) -> dict[int, dt.date]:
        inn = ind.innovation
        return {e.stage: e.completed for e in (inn.stages if inn else []) if e.completed <= end}

    was, now = dates(old), dates(new)
    return [(n, was.get(n), now.get(n)) for n in sorted(set(was) | set(now))
            if (n in was) != (n in now) or (was[n] != now[n] and max(was[n], now[n]) >= start)]


def _stage_loc(ind: Indicator, stage: int) -> tuple:
    inn = ind.innovation
    for j, e in enumerate(inn.stages if inn else []):
        if e.stage == stage:
            return ("innovation", "stages", j, "completed")
    return ("innovation", "stages") if inn else ()


def _inferred_marks(ind: Indicator, index: int) -> set[str]:
    """The record fields of row `index` that hold a value and that the file lists under `inferred:`."""
    row = ind.quarters[index]
    return {name for name in RECORD_FIELDS if getattr(row, name) not in (None, False, "")
            and ind.is_inferred(f"quarters[{index}].{name}")}


def _latest_reported(ind: Indicator) -> int | None:
    return max((row.quarter for row in ind.quarters if row.performance is not None), default=None)


def _score_inputs(old: Indicator, new: Indicator, quarter: int) -> list[str]:
    """What, outside the quarter's row, changed among the inputs of its computed score."""
    from kpi_cli.scoring.compute import rule_in_force

    end = quarter_end(new, quarter)
    out = []
    if _stage_dates(old, end) != _stage_dates(new, end):
        out.append(_("the stages completed by {end}").format(end=end))
    rule_old, rule_new = rule_in_force(old, quarter)[0], rule_in_force(new, quarter)[0]
    if (rule_old and _dump(rule_old)) != (rule_new and _dump(rule_new)):
        out.append(_("the scoring rule in force"))
    if old.target != new.target:
        out.append(_("the annual target"))
    return out


def _computed(ind: Indicator, quarter: int):
    from kpi_cli.scoring.compute import score_quarter

    q = score_quarter(ind, quarter)
    return q.computed_performance, q.score


def audited_changes(old: Indicator, new: Indicator) -> list[Finding]:
    """Findings for changes to the audited past of `new` relative to `old` (the same indicator)."""
    findings: list[Finding] = []
    record = [row for row in old.quarters if on_record(row)]
    if not record:
        return findings
    amendments = compare_amendments(old, new)
    for i, a in amendments.lost:
        findings.append(Finding(
            RULE, _("amendment {n} ({kind} {letter}, {date}) was changed or removed: recorded amendments are part "
                    "of the audited record").format(n=i + 1, kind=a.kind, letter=a.letter, date=a.date),
            ("amendments",), key=True,
            fix=_("restore it as it was; to change the record, add a new amendment")))
    findings += _indicator_changes(old, new, record, amendments.new)
    for before in record:
        q = before.quarter
        if any(_opens(a, new, q) for a in amendments.new):
            continue
        end = quarter_end(new, q)
        why = _why_not(amendments.new, new, q)
        # every row that claims the quarter: a second row must not hide a changed first one
        rows = [(i, row) for i, row in enumerate(new.quarters) if row.quarter == q]
        if not rows:
            findings.append(Finding(
                RULE, _("quarter {quarter} is on the audited record: its row was removed without an "
                        "amendment{why}").format(quarter=q, why=why), ("quarters",), key=True,
                fix=_allow(q, end)))
            continue
        old_marks = _inferred_marks(old, old.quarters.index(before))
        for i, row in rows:
            for name in RECORD_FIELDS:
                was, now = getattr(before, name), getattr(row, name)
                if _same(was, now):
                    continue
                written = now is not None and now is not False  # else the mark is gone: point at the row
                findings.append(Finding(
                    RULE, _("quarter {quarter} is on the audited record: {field} changed from {before} to {after} "
                            "without an amendment{why}").format(quarter=q, field=name.replace("_", "-"),
                                                               before=_fmt(was), after=_fmt(now), why=why),
                    ("quarters", i, name) if written else ("quarters", i), key=not written, fix=_allow(q, end)))
            findings += _mark_changes(q, i, old_marks, _inferred_marks(new, i), why, end)
        i = rows[0][0]
        inputs = _score_inputs(old, new, q)
        was, now = _computed(old, q), _computed(new, q)
        if inputs and was != now:
            findings.append(Finding(
                RULE, _("quarter {quarter} is on the audited record: its computed score changes from {before} to "
                        "{after} because {inputs} changed, without an amendment{why}").format(
                    quarter=q, before=_fmt(was[1]), after=_fmt(now[1]), inputs=_(" and ").join(inputs), why=why),
                ("quarters", i), fix=_allow(q, end)))
            if _stage_dates(old, end) != _stage_dates(new, end):
                continue  # the stages are named already
        for stage, date_was, date_now in _stage_changes(old, new, q):
            findings.append(Finding(
                RULE, _("quarter {quarter} is on the audited record: stage {stage} completed on {before} is now "
                        "completed on {after}, without an amendment{why}").format(
                    quarter=q, stage=stage, before=date_was or _("no date (not done by {end})").format(end=end),
                    after=date_now or _("no date (not done by {end})").format(end=end), why=why),
                _stage_loc(new, stage) or ("quarters", i), fix=_allow(q, end)))
    return findings


def _mark_changes(quarter: int, index: int, was: set[str], now: set[str], why: str, end: dt.date) -> list[Finding]:
    """An official figure marked inferred under `inferred:` (or an inferred one made official)
    changes how the audited record reads, as a changed figure does: one finding each way."""
    out = []
    marked, unmarked = sorted(now - was), sorted(was - now)
    if marked:
        out.append(Finding(RULE, _(
            "quarter {quarter} is on the audited record: `inferred:` now lists its {fields}, as if kpi had inferred "
            "them rather than read them from the record, without an amendment{why}").format(
                quarter=quarter, fields=", ".join(n.replace("_", "-") for n in marked), why=why),
            ("inferred", f"quarters[{index}].{marked[0]}"), key=True, fix=_allow(quarter, end)))
    if unmarked:
        out.append(Finding(RULE, _(
            "quarter {quarter} is on the audited record: `inferred:` no longer lists its {fields}, so what was "
            "inferred now reads as official, without an amendment{why}").format(
                quarter=quarter, fields=", ".join(n.replace("_", "-") for n in unmarked), why=why),
            ("quarters", index, unmarked[0]), key=True, fix=_allow(quarter, end)))
    return out


def _indicator_changes(old: Indicator, new: Indicator, record: list[Quarter], added: list) -> list[Finding]:
    """Changes to what the whole year's record rests on: the performance agreement's figures (and
    whether they are inferred), the flags that say what kind of record the file is, and the
    reported result once it is the audited quarter's."""
    findings: list[Finding] = []
    # a new amendment that opens none of the audited quarters (an empty one, or one dated before the
    # audit) does not explain a change of the figures they were audited against
    opening = [a for a in added for row in record if _opens(a, new, row.quarter)]
    fields = list(INDICATOR_FIELDS)
    latest = _latest_reported(old)
    if latest is not None and any(row.quarter == latest for row in record) and _latest_reported(new) == latest:
        fields.append("achieved")  # ผลงานที่ทำได้ is the audited quarter's result until a later one is reported
    for name in fields:
        was, now = getattr(old, name), getattr(new, name)
        if not opening and not _same(was, now):
            findings.append(Finding(
                RULE, _("{code} has audited quarters: its {field} changed from {before} to {after} without an "
                        "amendment").format(code=new.code, field=name, before=_fmt(was), after=_fmt(now)),
                (name,), key=True, fix=_agreement_fix()))
        if not opening and old.is_inferred(name) != new.is_inferred(name):
            findings.append(Finding(
                RULE, _("{code} has audited quarters: whether its {field} is inferred changed (`inferred:`) without "
                        "an amendment").format(code=new.code, field=name),
                ("inferred", name) if new.is_inferred(name) else ("inferred",), key=True, fix=_agreement_fix()))
    for name, guarded in RECORD_FLAGS.items():
        was, now = getattr(old, name), getattr(new, name)
        if was != now and now in guarded:
            findings.append(Finding(
                RULE, _("{code} has audited quarters: `{field}` changed from {before} to {after}, which changes what "
                        "kind of record the file is").format(code=new.code, field=name, before=_fmt(was),
                                                             after=_fmt(now)),
                (name,), key=True,
                fix=_("restore `{field}: {value}`: an indicator that สยป. audited is the official record").format(
                    field=name, value=_fmt(was))))
    return findings


def _agreement_fix() -> str:
    return _("add, in the same change, an accepted amendment that names an audited quarter and is dated after its "
             "end (the letter that changed the performance agreement), or restore the figure")


# --- matching BASE and HEAD ---------------------------------------------------------------

def _identity(ind: Indicator) -> tuple:
    return (code_key(ind.code) or ind.code, ind.fiscal_year)


def _indicator(text: str, path: Path) -> Indicator | None:
    try:
        data = parse_text(text, path, [])
        return Indicator.model_validate(data) if isinstance(data, dict) else None
    except ValueError:  # pydantic's ValidationError: `kpi validate` reports the file itself
        return None


SALVAGE_ROUNDS = 20


def _past_indicator(text: str, path: Path) -> tuple[Indicator | None, str | None, object]:
    """(the indicator, None, its data) of a file as it was in BASE; read as leniently as its figures
    allow.

    A file this kpi refuses may have been valid for the kpi of its day (a later version is
    stricter: a figure in quotes, a field since renamed). Its audited past must still be
    guarded, or a change could mend the file and alter its figures at once. So a BASE file that
    does not validate is read again with what stands in the way mended: a figure written as text
    ("100") becomes the number YAML reads from the same digits, a field this kpi does not know is
    set aside. (None, why, data) when that is not enough (the file cannot be compared, and says
    why), or (None, None, data) when the file is not an indicator at all."""
    from pydantic import ValidationError

    from kpi_cli.check.rules.schema import figure_in_text

    data = parse_text(text, path, [])  # never raises: a file YAML cannot read is None
    if not isinstance(data, dict):
        return None, None, data
    for _round in range(SALVAGE_ROUNDS):
        try:
            return Indicator.model_validate(data), None, data
        except ValidationError as exc:
            errors = exc.errors()
        except ValueError as exc:
            return None, str(exc), data
        for error in errors:
            loc, value = error.get("loc", ()), error.get("input")
            figure = figure_in_text(value)
            parent, key = _parent_of(data, loc)
            if parent is None:
                return None, error.get("msg", ""), data
            if figure is not None:
                parent[key] = parse_text(figure, path, [])  # the number YAML reads from the digits
            elif error.get("type") == "extra_forbidden" and isinstance(parent, dict):
                del parent[key]
            else:
                where = ".".join(str(part) for part in loc)
                return None, f"{where}: {error.get('msg', '')}", data
    return None, _("too many fields this kpi cannot read"), data


def _parent_of(data, loc: tuple):
    """(the list or mapping holding the value at `loc` in `data`, its key), or (None, None).
    pydantic ends the place of a union's error with the member's name (`assessed`, `int`): the
    walk stops where the data does."""
    parent, key, here = None, None, data
    for part in loc:
        if isinstance(here, dict) and part in here or isinstance(here, list) and isinstance(part, int) \
                and -len(here) <= part < len(here):
            parent, key, here = here, part, here[part]
        else:
            break
    return parent, key


def _looks_audited(data) -> bool:
    """Whether the data of a file that cannot be read as an indicator has a quarter row that
    looks on record (an audit line, an assessment, an official score other than 0)."""
    rows = data.get("quarters") if isinstance(data, dict) else None
    return isinstance(rows, list) and any(
        isinstance(row, dict) and (row.get("audit") or row.get("audited") or row.get("assessment") == ASSESSED
                                   or row.get("assessed") not in (None, 0, "0", "") or row.get("sub_scores"))
        for row in rows)


def _is_indicator_name(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name.lower().endswith((".yaml", ".yml")) and name not in CATALOGUE_NAMES


def _read_by_validate(path: Path, root: Path) -> bool:
    """Whether `kpi validate` reads `path` as an indicator: a regular file, named in lower case,
    under no hidden folder and no link (what validate does not read cannot stand in for a file)."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if any(part.startswith(".") for part in parts) or not path.name.endswith((".yaml", ".yml")):
        return False
    here = root
    for part in parts:
        here = here / part
        if here.is_symlink():
            return False
    return path.is_file()


def check_against(base: str, root: Path, cwd: Path, display: Callable[[Path], str]) -> list[Problem]:
    """Compare every indicator under `root` (an indicators/ folder) that changed since `base` with
    its past, matched by code and fiscal year; a past with an audited quarter must survive."""
    from kpi_cli.io.git import in_repository, require_revision

    require_revision(base, cwd)  # a misspelt BASE must not pass as "every file is new"
    top = toplevel(cwd)
    rel_root = in_repository(root, top)
    if rel_root is None:
        return []
    changed = set(changed_names(base, top, rel_root))  # modified, deleted, re-typed, added, untracked
    past_entries = [e for e in tree_entries(base, [rel_root], top)
                    if e.path in changed and not e.is_link and _is_indicator_name(e.path)]
    contents = blobs(past_entries, top)
    past: list[tuple[str, Indicator]] = []
    problems: list[Problem] = []
    for e in past_entries:
        if e.blob not in contents:  # too large to have been an indicator
            continue
        text = contents[e.blob].decode("utf-8", errors="replace")
        ind, why, data = _past_indicator(text, top / e.path)
        if ind is not None and any(on_record(row) for row in ind.quarters):
            past.append((e.path, ind))
        elif ind is None and why is not None and _looks_audited(data):
            shown = display(top / e.path)
            problems.append(Problem(shown, 1, 1, RULE, Level.warning, _(
                "{path} in {base} cannot be read as an indicator by this kpi ({why}), and it has quarters that look "
                "audited: what this change does to them is not compared").format(path=shown, base=base, why=why),
                _("compare its audited quarters with {base} by hand (git diff {base} -- {path}) before merging").format(
                    base=base, path=e.path)))
    if not past:
        return problems
    present: dict[tuple, tuple[Path, Indicator, str | None]] = {}
    for rel in sorted(changed):
        path = top / rel
        if not _is_indicator_name(rel) or not _read_by_validate(path, top / rel_root):
            continue
        loaded = load(path)
        ind = _indicator(loaded.text, path) if loaded.ok and loaded.text is not None else None
        if ind is not None:
            present.setdefault(_identity(ind), (path, ind, loaded.text))
    for rel, old in past:
        found = present.get(_identity(old))
        old_path = top / rel
        if found is None:
            problems.append(_gone(old_path, old, display(old_path), top))
            continue
        path, new, text = found
        findings = audited_changes(old, new)
        if findings:
            problems += locate(path, text, findings, display(path))
    return problems


def _text_of(path: Path) -> str:
    loaded = load(path)
    return loaded.text or ""


def _gone(path: Path, old: Indicator, shown: str, top: Path) -> Problem:
    audited = [str(row.quarter) for row in old.quarters if on_record(row)]
    if any(p.is_symlink() for p in (path, *path.parents) if p.is_relative_to(top) and p != top):
        how = _("it is now a link, or in a folder that is, and links are never followed")
    elif path.is_file() and _indicator(_text_of(path), path) is None:
        how = _("the file can no longer be read as an indicator (kpi validate says why)")
    elif path.exists():
        how = _("the file now holds another indicator")
    else:
        how = _("the file was deleted, renamed or moved, and no file holds it now")
    return Problem(shown, 1, 1, RULE, Level.error,
                   _("indicator {code} of fiscal year {year} has audited quarters ({quarters}) and is gone from "
                     "the repository: {how}").format(code=old.code, year=old.fiscal_year,
                                                     quarters=", ".join(audited), how=how),
                   _("restore {path} as a regular file with the same code and fiscal year; an audited indicator "
                     "stays, and corrections to it go through an amendment").format(path=shown))
