"""`kpi diff`: what a change does to the indicators, for the reviewer of a pull request.

Per indicator: new or removed; stages advanced; performance and scores changed per quarter;
amendments recorded; narrative text edited (summarised). Pure: the CLI formats the result.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from kpi_cli.core.figures import shown
from kpi_cli.io.source import read_bounded
from kpi_cli.core.escape import for_markdown, markdown_code
from kpi_cli.core.i18n import N_, _

JSON_VERSION = 1
WORKING_TREE = "working tree"  # the `head` of a report against the files as they are (JSON keeps it in English)
_CODE_PATH = re.compile(r"(?:^|/)(\d{4})/(\d{4}-\d{3,4})\.yaml$")

# narrative fields, by where they are in the file and what staff call them
_TEXTS = (
    ("title", "ชื่อตัวชี้วัด"),
    ("summary", "สรุปผลการดำเนินงาน"),
    ("method", "วิธีการคำนวณ"),
    ("data_collection", "วิธีการเก็บข้อมูล"),
)


@dataclass
class FigureChange:
    quarter: int
    field: str  # reported | target | score | assessed | sub_scores
    before: object
    after: object

    def to_dict(self) -> dict:
        out = {"quarter": self.quarter, "field": self.field, "before": _number(self.before),
               "after": _number(self.after)}
        if self.field != "score":  # an official figure: the text as printed beside the number
            out.update(before_printed=_printed(self.before), after_printed=_printed(self.after))
        return out


def _number(v):
    return [_number(x) for x in v] if isinstance(v, list) else (None if v is None else round(float(v), 2))


def _printed(v):
    return [_printed(x) for x in v] if isinstance(v, list) else (None if v is None else shown(v))


@dataclass
class TextChange:
    field: str
    label: str
    added: int  # characters
    removed: int

    def to_dict(self) -> dict:
        return {"field": self.field, "label": self.label, "added": self.added, "removed": self.removed}


@dataclass
class IndicatorDiff:
    code: str
    fiscal_year: int
    path: str
    status: str  # added | removed | changed | invalid
    title: str = ""
    stage_before: int | None = None  # the last stage done (0 = none)
    stage_after: int | None = None
    figures: list[FigureChange] = field(default_factory=list)
    amendments: list[str] = field(default_factory=list)
    texts: list[TextChange] = field(default_factory=list)
    note: str | None = None

    @property
    def empty(self) -> bool:
        return self.status == "changed" and not (self.figures or self.amendments or self.texts
                                                  or self.stage_before != self.stage_after or self.note)

    def to_dict(self) -> dict:
        return {
            "code": self.code, "fiscal_year": self.fiscal_year, "path": self.path, "status": self.status,
            "title": self.title,
            "stages": None if self.stage_before == self.stage_after else
            {"before": self.stage_before, "after": self.stage_after},
            "figures": [f.to_dict() for f in self.figures],
            "amendments": self.amendments,
            "texts": [t.to_dict() for t in self.texts],
            "note": self.note,
        }


@dataclass
class DiffReport:
    base: str
    head: str
    indicators: list[IndicatorDiff]

    def to_dict(self) -> dict:
        return {"version": JSON_VERSION, "base": self.base, "head": self.head,
                "indicators": [d.to_dict() for d in self.indicators]}


def _model(text: str | None, path: Path):
    """An Indicator from a file's text, or None (missing, unparsable, invalid)."""
    if text is None:
        return None
    from pydantic import ValidationError

    from kpi_cli.io.loader import parse_text
    from kpi_cli.core.model import Indicator

    data = parse_text(text, path, [])
    if not isinstance(data, dict):
        return None
    try:
        return Indicator.model_validate(data)
    except ValidationError:
        return None


def _last_stage(ind) -> int | None:
    if ind is None or ind.innovation is None:
        return None
    from kpi_cli.core.stages import done_stages

    done = done_stages(ind.innovation)
    return max(done) if done else 0


def _round(v):
    return None if v is None else round(float(v), 2)


def _figures(old, new) -> list[FigureChange]:
    from kpi_cli.scoring.compute import score_indicator

    out: list[FigureChange] = []
    try:
        before = {q.quarter: q for q in score_indicator(old, 4).quarters}
        after = {q.quarter: q for q in score_indicator(new, 4).quarters}
    except (ArithmeticError, ValueError, TypeError):  # `kpi validate` reports the rule; show raw figures
        before, after = {}, {}
    for q in range(1, 5):
        o_row, n_row = old.quarter(q), new.quarter(q)
        pairs = {
            "reported": (o_row.performance if o_row else None, n_row.performance if n_row else None),
            "target": (o_row.target if o_row else None, n_row.target if n_row else None),
            "assessed": (o_row.assessed if o_row else None, n_row.assessed if n_row else None),
            "sub_scores": (o_row.sub_scores if o_row else None, n_row.sub_scores if n_row else None),
        }
        if q in before and q in after:
            pairs["score"] = (before[q].score, after[q].score)
        for name, (a, b) in pairs.items():
            if name == "score":  # computed: compared to the page's two decimals
                a, b = _round(a), _round(b)
            if _printed(a) != _printed(b) or _number(a) != _number(b):  # 95 → 95.0000 changes the record
                out.append(FigureChange(q, name, a, b))
    return out


def _text_fields(ind) -> dict[str, tuple[str, str]]:
    fields = {name: (label, getattr(ind, name) or "") for name, label in _TEXTS}
    if ind.definition is not None:
        fields["definition"] = ("นิยาม", ind.definition.text)
    for row in ind.quarters:
        fields[f"quarters[{row.quarter}].report"] = (f"รายงานผลฯ ไตรมาสที่ {row.quarter}", row.report)
    return fields


def _texts(old, new) -> list[TextChange]:
    a, b = _text_fields(old), _text_fields(new)
    out = []
    for key in list(a) + [k for k in b if k not in a]:
        label = (b.get(key) or a.get(key))[0]
        before, after = a.get(key, ("", ""))[1], b.get(key, ("", ""))[1]
        if before == after:
            continue
        added = removed = 0
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
            if op in ("replace", "delete"):
                removed += i2 - i1
            if op in ("replace", "insert"):
                added += j2 - j1
        out.append(TextChange(key, label, added, removed))
    return out


def _amendments(old, new) -> list[str]:
    known = {(a.kind, a.letter, a.date) for a in old.amendments} if old else set()
    out = []
    for a in new.amendments:
        if (a.kind, a.letter, a.date) not in known:
            kind = "อุทธรณ์" if a.kind == "appeal" else "แก้ไขเกณฑ์"
            out.append(f"{kind} {a.letter} ({a.date.isoformat()}): {a.outcome}")
    return out


# what one side of a file is (see `compare`)
FILE = "file"  # a file whose text was read
LINK = "link"  # a symbolic link: its text is where it leads, and kpi diff does not follow it
BROKEN = "broken"  # a file that could not be read as UTF-8 text: `kpi validate` says why


def compare(path: str, old_text: str | None, new_text: str | None, *,
            old_kind: str = FILE, new_kind: str = FILE) -> IndicatorDiff | None:
    """The change of one file from `old_text` to `new_text` (None: absent on that side); None when
    nothing changed. A side that is a link or not UTF-8 (its kind) is no indicator: `invalid`."""
    m = _CODE_PATH.search(path)
    fy, code = (int(m.group(1)), m.group(2)) if m else (0, Path(path).stem)
    if old_text == new_text and (old_kind == new_kind or old_text is None):
        return None
    old = _model(old_text, Path(path)) if old_kind == FILE else None
    new = _model(new_text, Path(path)) if new_kind == FILE else None
    if new_text is not None and LINK in (new_kind, old_kind if old_text is not None else FILE):
        note = _("the new version is a symbolic link: kpi diff does not follow links") if new_kind == LINK else \
            _("the old version is a symbolic link: kpi diff does not follow links")
        return IndicatorDiff(code, fy, path, "invalid", title=(new or old).title if (new or old) else "", note=note)
    if old_text is None and new_text is not None:
        d = IndicatorDiff(code, fy, path, "added", title=new.title if new else "")
        d.stage_after = _last_stage(new)
        if new is None:
            d.note = _("the new file does not validate: see `kpi validate`")
        return d
    if new_text is None:
        return IndicatorDiff(code, fy, path, "removed", title=old.title if old else "", stage_before=_last_stage(old))
    if old is None or new is None:
        note = _("the new version does not validate: see `kpi validate`") if new is None else \
            _("the old version does not validate: see `kpi validate`")
        return IndicatorDiff(code, fy, path, "invalid", title=(new or old).title if (new or old) else "", note=note)
    d = IndicatorDiff(code, fy, path, "changed", title=new.title,
                      stage_before=_last_stage(old), stage_after=_last_stage(new))
    d.figures = _figures(old, new)
    d.amendments = _amendments(old, new)
    d.texts = _texts(old, new)
    return None if d.empty else d


def _decode(raw: bytes) -> tuple[str, str]:
    """(text, kind) of a file's bytes: a file that is not UTF-8 is BROKEN (`kpi validate` says so)."""
    try:
        return raw.decode("utf-8"), FILE
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), BROKEN


def _read_working(path: Path) -> tuple[str, str] | None:
    """(text, kind) of a file of the working tree; None when it is no file (a folder, gone)."""
    if path.is_symlink():
        return os.readlink(path), LINK
    if not path.is_file():
        return None
    try:
        return _decode(read_bounded(path))
    except OSError:  # unreadable: `kpi validate` reports it
        return "", BROKEN


def _working_files(root: Path, top: Path) -> dict[str, Path]:
    """The indicator files of the working tree under `root`, by their path relative to `top`. Nothing is
    resolved: a link is listed where it is, and folders that look like files are left out. A folder
    that cannot be read is an error (its files are not "removed")."""
    from kpi_cli.io.git import in_repository
    from kpi_cli.io.repo import folders, yaml_files

    out = {}
    for folder in folders(root):
        for p in yaml_files(folder):
            if p.is_dir() and not p.is_symlink():
                continue
            rel = in_repository(p, top)
            if rel is not None and _CODE_PATH.search(rel):
                out[rel] = p
    return out


def diff(base: str, head: str | None, cwd: Path) -> DiffReport:
    """Compare the indicators at git revision `base` with `head` (None: the working tree)."""
    from kpi_cli.io.git import GitError, blobs, in_repository, require_revision, toplevel, tree_entries
    from kpi_cli.io.paths import find_indicators_dir

    top = toplevel(cwd)
    for rev in (base, head):
        if rev is not None:
            require_revision(rev, cwd)
    root = find_indicators_dir(cwd)
    if root is None:
        from kpi_cli.io.paths import NoIndicators

        raise NoIndicators()
    root_rel = in_repository(root, top)
    if root_rel is None:
        raise GitError(_("{folder} is outside the git repository at {top}").format(folder=root, top=top),
                       _("run kpi diff inside the repository that holds the indicators"))

    def at(rev: str) -> dict:
        return {e.path: e for e in tree_entries(rev, [root_rel], top) if _CODE_PATH.search(e.path)}

    before = at(base)
    after = at(head) if head is not None else _working_files(root, top)
    if head is not None:  # the same file on both sides: nothing to read
        same = {rel for rel in before.keys() & after.keys()
                if (before[rel].mode, before[rel].blob) == (after[rel].mode, after[rel].blob)}
        before = {rel: e for rel, e in before.items() if rel not in same}
        after = {rel: e for rel, e in after.items() if rel not in same}
    contents = blobs(list(before.values()) + (list(after.values()) if head is not None else []), top)

    def read_entry(entry) -> tuple[str, str]:
        raw = contents.get(entry.blob)
        if raw is None:  # larger than any indicator file: not read
            return _("(a file too large to be an indicator)"), BROKEN
        return (raw.decode("utf-8", errors="replace"), LINK) if entry.is_link else _decode(raw)

    changes = []
    for rel in sorted(before.keys() | after.keys()):
        old, new = before.get(rel), after.get(rel)
        old_side = read_entry(old) if old is not None else None
        new_side = (read_entry(new) if head is not None else _read_working(new)) if new is not None else None
        d = compare(rel, old_side[0] if old_side else None, new_side[0] if new_side else None,
                    old_kind=old_side[1] if old_side else FILE, new_kind=new_side[1] if new_side else FILE)
        if d is not None:
            changes.append(d)
    return DiffReport(base, head or WORKING_TREE, changes)


# --- formatting (pure: strings) ------------------------------------------------------

# what `status` says, for people (JSON keeps the English keys)
_STATUS = {"added": N_("added"), "removed": N_("removed"), "changed": N_("changed"), "invalid": N_("invalid")}

_FIELD_TH = {"reported": "ผลงานที่รายงาน", "target": "เป้าหมายรายไตรมาส", "score": "คะแนนที่คำนวณได้",
             "assessed": "ผลประเมินทางการ (สยป.)", "sub_scores": "คะแนนย่อย 2.1 / 2.2"}  # the glossary's terms


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, list):
        return " / ".join(_fmt(x) for x in v)
    return shown(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def _stage_text(d: IndicatorDiff) -> str:
    if d.stage_before == d.stage_after:
        return ""
    return _("stage {before} → {after}").format(before=_fmt(d.stage_before), after=_fmt(d.stage_after))


def lines_of(d: IndicatorDiff) -> list[str]:
    """The change of one indicator as short lines (shared by the Markdown and text formats)."""
    out = []
    if d.status == "added":
        out.append(_("new indicator"))
    elif d.status == "removed":
        out.append(_("indicator removed"))
    if d.note:
        out.append(d.note)
    if _stage_text(d):
        out.append(_stage_text(d))
    for f in d.figures:
        out.append(_("Q{quarter} {field} ({label}): {before} → {after}").format(
            quarter=f.quarter, field=f.field, label=_FIELD_TH[f.field], before=_fmt(f.before), after=_fmt(f.after)))
    for a in d.amendments:
        out.append(_("amendment recorded: {amendment}").format(amendment=a))
    for t in d.texts:
        out.append(_("text edited: {label} (+{added} / −{removed} characters)").format(
            label=t.label, added=t.added, removed=t.removed))
    return out


def status_name(status: str) -> str:
    return _(_STATUS[status]) if status in _STATUS else status


def head_name(head: str) -> str:
    """The revision compared to, for people: a revision as it is, the working tree by name."""
    return _("working tree") if head == WORKING_TREE else head


_MARKS = re.compile("[\u0e31\u0e33-\u0e3a\u0e47-\u0e4e]")  # Thai marks: never the first of a piece
_LEADING = "เแโใไ"  # Thai leading vowels: never the last of a piece


def _short(title: str, width: int = 60) -> str:
    """A title cut to `width` characters with "…", between characters where neither a Thai mark
    nor a leading vowel is split from its consonant (a reviewer sees where the cut is)."""
    if len(title) <= width:
        return title
    cut = width
    while cut > 1 and (_MARKS.match(title[cut]) or title[cut - 1] in _LEADING):
        cut -= 1
    return title[:cut] + "…"


def _md_cell(text: str) -> str:
    """Text from a file as one cell of a Markdown table: on one line, escaped (a `|` too)."""
    return for_markdown(" ".join(text.splitlines()))


def to_markdown(report: DiffReport) -> str:
    """The report as Markdown for a pull request or a job summary: every text from the files and
    the revisions escaped (no HTML, link, heading or code fence made by a title)."""
    shown = head_name(report.head) if report.head == WORKING_TREE else markdown_code(report.head[:12])
    head = f"## kpi diff: {markdown_code(report.base[:12])} → {shown}\n\n"
    if not report.indicators:
        return head + _("No indicator changed.") + "\n"
    rows = [_("| indicator | year | status | changes |"), "|---|---|---|---|"]
    for d in report.indicators:
        changes = "<br>".join(_md_cell(line) for line in lines_of(d))
        rows.append(f"| {markdown_code(d.code)} {_md_cell(_short(d.title))} | {d.fiscal_year} | "
                    f"{_md_cell(status_name(d.status))} | {changes} |")
    return head + "\n".join(rows) + "\n"
