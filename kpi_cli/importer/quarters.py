"""`kpi import`: the quarters: the table ผลงานเทียบกับเป้าหมายรายไตรมาส (one cell a line), the audit
line (สยป. ตรวจประเมินตัวชี้วัด) and the quarter reports, as the rows of `quarters:`."""

from __future__ import annotations

import re

from kpi_cli.core.i18n import N_, _, ngettext
from kpi_cli.core.thai import to_arabic_digits
from kpi_cli.importer.phrases import Report, figure_or_note, items
from kpi_cli.importer.refusals import TableUnreadable
from kpi_cli.importer.result import Reason
from kpi_cli.importer.sections import EMPTY, section_text


_CELL_GAP = re.compile(r" *\t *| *\| *|(?<![/\s]) {2,}(?![/\s])")


def _cells(line: str) -> list[str]:
    """The cells of a line of the table: one, or those a copy of the browser's table puts on one
    line between tabs, bars or runs of spaces: '1\t75\t100.00\t100 / 100', '1 | 75 | 100.00 | 100 / 100';
    an empty cell stays empty."""
    return [c.strip() for c in _CELL_GAP.split(line)] if _CELL_GAP.search(line) else [line]


def read_table(lines: list[str], notes: list[str], at: int | None = None) -> tuple[list[dict], str | None]:
    """Rows of ผลงานเทียบกับเป้าหมายรายไตรมาส: one cell a line, blank cells as empty lines, or a row a
    line. A table whose rows cannot be read is refused (TableUnreadable; `at` the line of its
    heading): the official figures are the record, and a file without them is no import of it."""
    unit = None
    body = [cell for line in lines for cell in _cells(line)]
    for i, line in enumerate(body):
        if "ผลงาน" in line and i + 1 < len(body) and body[i + 1].startswith("("):
            unit = body[i + 1].strip("()* ").strip() or None
        if "2.1" in line and "2.2" in line and not re.match(r"^[\d.\s/]+$", line):
            body = body[i + 1:]
            break
    cells = [to_arabic_digits(c) for c in body]
    while cells and not cells[0]:
        cells.pop(0)
    while cells and not cells[-1]:
        cells.pop()
    rows: list[dict] = []
    quarters = [c for c in cells[0::4]]
    if cells and quarters == [str(q) for q in range(1, len(quarters) + 1)] and len(quarters) <= 4:
        for k in range(len(quarters)):
            rows.append(_row(k + 1, (cells[4 * k + 1: 4 * k + 4] + ["", "", ""])[:3], notes))
        return rows, unit
    # cells dropped rather than left blank: read a row up to its "2.1 / 2.2" cell
    i, q = 0, 1
    while i < len(cells) and q <= 4:
        while i < len(cells) and not cells[i]:
            i += 1
        if i >= len(cells) or cells[i] != str(q):
            raise TableUnreadable(at, q, " | ".join(cells[i:i + 4]))
        i += 1
        got: list[str] = []
        while i < len(cells) and len(got) < 3:
            if cells[i] == str(q + 1) and "/" not in "".join(got) and len(got) >= 1 and \
                    any("/" in c for c in cells[i + 1:i + 4]):
                break
            got.append(cells[i])
            i += 1
            if "/" in got[-1]:
                break
        sub = [c for c in got if "/" in c]
        figures = [c for c in got if "/" not in c]
        if len(figures) == 1:
            notes.append(_("quarter {quarter}: one figure before the 2.1 / 2.2 cell; read as the performance").format(
                quarter=q))
        rows.append(_row(q, (figures + ["", ""])[:2] + (sub or [""]), notes))
        q += 1
    return rows, unit


def _row(q: int, cells: list[str], notes: list[str]) -> dict:
    perf, assessed, subs = cells
    row: dict = {"quarter": q}
    value = figure_or_note(perf, _("quarter {quarter} performance").format(quarter=q), notes)
    if value is not None:
        row["performance"] = value
    value = figure_or_note(assessed, _("quarter {quarter} assessed score").format(quarter=q), notes)
    if value is not None:
        row["assessed"] = value
    if "/" in subs:
        a, _slash, b = subs.partition("/")
        pair = [figure_or_note(a, _("quarter {quarter} sub-score {part}").format(quarter=q, part="2.1"), notes),
                figure_or_note(b, _("quarter {quarter} sub-score {part}").format(quarter=q, part="2.2"), notes)]
        if pair != [None, None]:
            row["sub_scores"] = pair
    elif subs.strip() not in EMPTY:
        notes.append(_("quarter {quarter}: '{cell}' is not a '2.1 / 2.2' pair; left out").format(quarter=q, cell=subs))
    return row


_AUDIT_RE = re.compile(r"ไตรมาสที่\s*([1-4])\s*:?[ \t]*((?:\d[\d,]*(?:\.\d+)?)|-)?")


def read_audit_line(line: str, notes: list[str]) -> dict[int, object]:
    """The quarters the audit line '*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ N: X' names, each with
    its figure as printed (a Printed or an int), or "" where the line prints no figure."""
    out: dict[int, object] = {}
    for q, value in _AUDIT_RE.findall(to_arabic_digits(line)):
        got = figure_or_note(value, _("audit of quarter {quarter}").format(quarter=q), notes) if value else None
        out[int(q)] = "" if got is None else got
    if line.strip() and not out:
        notes.append(_("the audit line '{line}' names no quarter; left out").format(line=line[:60]))
    return out


def _zeros(row: dict) -> bool:
    """0 (or nothing) as the score and 0 / 0 as the sub-scores (core.assessment.zeros)."""
    subs = row.get("sub_scores") or []
    return not row.get("assessed") and len(subs) > 0 and all(not s for s in subs)


def _has_score(row: dict) -> bool:
    """The row's figures say it was assessed: an audit, or official figures other than 0 and 0 / 0."""
    return "audit" in row or (("assessed" in row or "sub_scores" in row) and not _zeros(row))


def read_quarters(sec: dict[str, list[str]], rows: list[dict], notes: list[str], inferred: dict,
                  comments: dict[str, str]) -> tuple[list[dict], list[Report], str]:
    """The rows of `quarters:` from the table's `rows`, the audit line and the reports of the
    sections `sec`; the reports read; what was read, in a few words.

    The audit line is kept as printed, on the row of each quarter it names (`audit:`); such a
    quarter was audited, whatever its figures. A row of 0 and 0 / 0 that the audit line does not
    name gets `assessment:` as inferred: `unknown` when a later quarter has a score (skipped, or
    not yet entered), else `not-assessed`."""
    audit_line = (sec.get("audit") or [""])[0]
    audits = read_audit_line(audit_line, notes)
    reports: list[Report] = []
    by_q = {row["quarter"]: row for row in rows}
    for q in range(1, 5):
        report = section_text(sec.get(f"report{q}"), f"รายงานผลฯ ไตรมาสที่ {q}", notes)
        if report:
            by_q.setdefault(q, {"quarter": q})
            reports.append(Report(q, report, items(report)))
        if q in audits:
            row = by_q.setdefault(q, {"quarter": q})
            row["audit"] = audits[q]
            if audits[q] != "" and row.get("assessed") is not None and row["assessed"] != audits[q]:
                notes.append(_("quarter {quarter}: the audit line says {audit}, the table {table}; both are kept as "
                               "printed").format(quarter=q, audit=audits[q], table=row["assessed"]))
        if report:
            by_q[q]["report"] = report
    quarters = [by_q[q] for q in sorted(by_q)]
    for i, row in enumerate(quarters):
        q = row["quarter"]
        if "audit" in row:
            shown_audit = f"{row['audit']}" if row["audit"] != "" else ""
            comments[f"quarters[{i}].audit"] = f"*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ {q}: {shown_audit}".rstrip()
            if _zeros(row):
                comments[f"quarters[{i}].sub_scores"] = "0 / 0 under the audit line: audited, scored 0"
        elif _zeros(row):
            if any(_has_score(later) for later in quarters[i + 1:]):
                row["assessment"] = "unknown"
                comments[f"quarters[{i}].sub_scores"] = "0 / 0 while a later quarter has a score"
                inferred[f"quarters[{i}].assessment"] = Reason(
                    N_("the page shows 0 and 0 / 0 for quarter {quarter} while a later quarter has a score: skipped "
                       "or not yet entered"), quarter=q)
            else:
                row["assessment"] = "not-assessed"
                comments[f"quarters[{i}].sub_scores"] = "0 / 0: not assessed (yet)"
                inferred[f"quarters[{i}].assessment"] = Reason(
                    N_("the page shows 0 and 0 / 0 for quarter {quarter} and nothing else on it (no audit line, no "
                       "later score) says otherwise: not assessed yet"), quarter=q)
        order = ("quarter", "performance", "assessed", "sub_scores", "audit", "assessment", "report")
        quarters[i] = {k: row[k] for k in order if k in row}
    said = ngettext("{n} table row", "{n} table rows", len(rows)).format(n=len(rows)) + ", " + \
        ngettext("{n} quarter report", "{n} quarter reports", len(reports)).format(n=len(reports))
    if audits:
        said += ", " + _("audit of quarter {quarter}").format(quarter=", ".join(
            f"{q} ({audits[q]})" if audits[q] != "" else f"{q} (–)" for q in sorted(audits)))
    return quarters, reports, said
