"""`kpi import`: one page's text -> :class:`~kpi_cli.importer.result.Imported`. Reads the sections
(:mod:`~kpi_cli.importer.sections`) field by field, in the file's key order, with the modules that
answer each question: the header, strategies and fiscal year (:mod:`~kpi_cli.importer.fields`), the
quarters (:mod:`~kpi_cli.importer.quarters`), the timeline and the appeal
(:mod:`~kpi_cli.importer.narrative`), the innovation project (:mod:`~kpi_cli.importer.innovation`);
then orders the `inferred:` list and the comments above the blocks."""

from __future__ import annotations

import re

from kpi_cli.core.i18n import N_, _, ngettext
from kpi_cli.importer.fields import code_of_copy, header_fields, read_fiscal_year, read_header, read_strategies
from kpi_cli.importer.innovation import is_innovation, read_innovation
from kpi_cli.importer.narrative import read_appeal, read_timeline
from kpi_cli.importer.phrases import figure_or_note, terms
from kpi_cli.importer.quarters import read_quarters, read_table
from kpi_cli.importer.refusals import NotAPage
from kpi_cli.importer.result import Imported, Reason
from kpi_cli.importer.sections import EMPTY, NO_AGREEMENT, clean, section_text, split


def parse_page(text: str, catalogues=None, *, year: int | None = None, source: str = "",
               origin: tuple[dict, Reason | None] | None = None) -> Imported:
    """Read one page's text into an indicator. `catalogues` (rules.Catalogues) supplies the
    agency and the known strategies; `year` the fiscal year when the text cannot; `origin` the
    copy's `sources:` entry (kpi_cli.importer.provenance) and why its capture date is inferred."""
    from kpi_cli.core.model import LABELS_LEVEL, LABELS_TYPE

    text, notes = clean(text)
    page = split(text)
    notes += page.notes
    inferred: dict[str, str] = {}
    comments: dict[str, str] = {}
    read: list[str] = []
    sec = page.sections
    if page.header is not None:
        head = read_header(page.header, catalogues, notes, inferred, text)
    else:
        head = _stripped_header(text, page, catalogues, notes, inferred, source)
    agency = head["agency_entry"]
    data: dict = {"code": head["code"], "fiscal_year": 0}
    if "sequence" in head:
        data["sequence"] = head["sequence"]
        comments["sequence"] = f'"{head["sequence"]}/{agency.abbr}" – the number in the agency\'s list'
    data["agency"] = head["agency"]
    comments["agency"] = f"{agency.name} ({agency.abbr}), see agencies.yaml" + (
        " (a stub added by this import: check it)" if "stub" in head else "")
    data["title"] = head["title"]
    if not head["title"]:
        notes.append(_("header: the title is empty on the page") if page.header is not None else
                     _("the copy prints no title; `title` is left empty"))
        comments["title"] = "the copy prints no title" if page.header is None else "the page prints an empty title"
    partial = page.header is None or "table" not in sec
    if partial:
        data["partial"] = True
        comments["partial"] = "a stripped copy: " + ", ".join(
            (["no header line"] if page.header is None else []) + (["no quarterly table"] if "table" not in sec else []))
        if "table" not in sec:
            notes.append(_("the copy has no quarterly table (ผลงานเทียบกับเป้าหมายรายไตรมาส); the file is marked "
                           "partial: true"))
    data["fiscal_year"] = read_fiscal_year(text, year, inferred, head["title"])

    type_text = " ".join(sec.get("type", []))
    kind = "strategic" if "ยุทธศาสตร์" in type_text else ("routine" if "งานประจำ" in type_text else None)
    level = "output" if re.search(r"ผลผลิต|output", type_text) else (
        "outcome" if re.search(r"ผลลัพธ์|outcome", type_text) else None)
    if kind is None:
        inferred["type"] = Reason(N_("the page gives no ประเภทตัวชี้วัด; routine (ตัวชี้วัดงานประจำ) is the common "
                                     "case"))
    if level is None:
        inferred["level"] = Reason(N_("the page gives no level; outcome (ผลลัพธ์) is the common case"))
    data["type"], data["level"] = kind or "routine", level or "outcome"
    comments["type"], comments["level"] = LABELS_TYPE[data["type"]], LABELS_LEVEL[data["level"]]

    rows, table_unit = read_table(sec.get("table", []), notes, page.lines.get("table")) if "table" in sec else ([], None)
    target_line = (sec.get("target") or [""])[0]
    unit, _colon, value = target_line.partition(":") if ":" in target_line else (target_line, "", "")
    unit = unit.strip() or (table_unit or "")
    if not unit:
        notes.append(_("target: the page prints no unit (หน่วย)"))
    target_value = figure_or_note(value, _("target"), notes) \
        if value.strip() and not NO_AGREEMENT.match(value.strip()) else None
    if target_value is None:
        target_value = 0
        inferred["target.value"] = Reason(N_("the page prints no ค่าเป้าหมาย; 0 holds its place: write the target of "
                                             "the performance agreement"))
    data["target"] = {"value": target_value, "unit": unit}
    comments["target"] = f"ค่าเป้าหมาย {unit} : {value.strip() or '(none)'}"
    if table_unit and unit and table_unit != unit:
        notes.append(_("the table's unit ({table}) differs from the target's ({target}); the target's is kept").format(
            table=table_unit, target=unit))
    achieved_line = (sec.get("achieved") or [""])[0]
    a_unit, _colon, a_value = achieved_line.partition(":")
    achieved = figure_or_note(a_value, "ผลงานที่ทำได้", notes) if a_value.strip() else None
    if achieved is not None:
        data["achieved"] = achieved
        comments["achieved"] = f"ผลงานที่ทำได้ {a_unit.strip()} : {a_value.strip()}"
        if a_unit.strip() and a_unit.strip() != unit:
            notes.append(_("ผลงานที่ทำได้ is in {unit}, the target in {target}").format(unit=a_unit.strip(),
                                                                                      target=unit))

    quarters, reports, said = read_quarters(sec, rows, notes, inferred, comments)
    if quarters:
        data["quarters"] = quarters
        read.append(said)

    data["summary"] = section_text(sec.get("summary"), "สรุปผลการดำเนินงาน", notes)
    if not data["summary"]:
        comments["summary"] = "** สรุปผลการดำเนินงาน ** is empty on the page"
    definition = section_text(sec.get("definition"), "นิยาม", notes)
    if definition:
        data["definition"] = {"text": definition}
        found = terms(definition)
        if found:
            data["definition"]["terms"] = found
        comments["definition"] = "นิยาม หรือความหมายของตัวชี้วัด"
        read.append(ngettext("definition with {n} term", "definition with {n} terms", len(found)).format(n=len(found)))
    method = section_text(sec.get("method"), "วิธีการคำนวณ", notes)
    data["method"] = method
    comments["method"] = "วิธีการคำนวณ หรือ เกณฑ์การประเมิน" + ("" if method else ": empty on the page")
    data["data_collection"] = section_text(sec.get("data_collection"), "วิธีการการเก็บข้อมูล", notes)
    comments["data_collection"] = "วิธีการการเก็บข้อมูล/แหล่งข้อมูล" + (
        "" if data["data_collection"] else ": empty on the page")

    leaves, missing = read_strategies(sec.get("strategies", []), catalogues, notes)
    data["strategies"] = leaves
    comments["strategies"] = "สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ (the leaf; its parents follow from the code)" \
        if leaves else "สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ: none on the page"
    projects_text = section_text(sec.get("projects"), "โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด", notes)
    data["projects"] = [re.sub(r"^(?:[-•*]|\d+[.)])\s*", "", p).strip() for p in projects_text.split("\n")
                        if p.strip() and p.strip() not in EMPTY] if projects_text else []
    comments["projects"] = "โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด" + ("" if data["projects"] else ": empty on the page")

    names = {a.name: a.abbr for a in (catalogues.agencies.values() if catalogues else ())}
    if is_innovation(data, method):
        innovation = read_innovation(reports, data, catalogues, names, inferred, notes)
        if innovation:
            data["innovation"] = innovation
            stages = innovation.get("stages", [])
            read.append(ngettext("innovation project: {fields}; {n} stage event",
                                 "innovation project: {fields}; {n} stage events", len(stages)).format(
                fields=", ".join(k for k in innovation if k != "stages"), n=len(stages)))
            if len(stages) < 5:
                nxt = len(stages) + 1
                from kpi_cli.core.stages import stage_label

                notes.append(_("innovation: {stage} is not recorded: the text does not show its gate holding "
                               "with a date; `kpi status` says what is missing").format(stage=stage_label(nxt)))
    appeal = read_appeal(reports, names, inferred)
    if appeal:
        data["amendments"] = [appeal]
        read.append(_("appeal {letter} ({outcome})").format(letter=appeal["letter"], outcome=appeal["outcome"]))
    timeline = read_timeline(reports, names)
    if timeline:
        data["timeline"] = timeline
        letters = sum(len(e.get("refs", [])) for e in timeline)
        read.append(ngettext("{n} dated event", "{n} dated events", len(timeline)).format(n=len(timeline)) + " " +
                    ngettext("with {n} letter", "with {n} letters", letters).format(n=letters))
    for lineno, line in page.stray:
        notes.append(_("line {line}: '{text}' is not part of any field (the page does not say what it is); "
                       "left out").format(line=lineno, text=line[:60]))
    if origin is not None and origin[1] is not None and "captured" in origin[0]:
        inferred["sources[0].captured"] = origin[1]
    if inferred:
        data["inferred"] = _ordered_inferred(inferred, data)
    if origin is not None:
        data["sources"] = [origin[0]]
    for path in inferred:
        comments.setdefault(path, "inferred (see `inferred:`)")
    notes.append(_("the quarterly targets, `weight:` and `scoring:` are not on the page: add them from the "
                   "performance agreement (คำรับรองการปฏิบัติราชการ) so that `kpi score` can compute the quarters"))
    return Imported(data, comments, _above(data), read, notes, missing, source, new_agency=head.get("stub"))


def _stripped_header(text: str, page, catalogues, notes: list[str], inferred: dict, source: str) -> dict:
    """The header fields of a copy without its header line: the code from the text or the file
    name; refused (NotAPage) when neither gives one."""
    code, where = code_of_copy(text, source) if page.sections else (None, "")
    if code is None:
        message = _("{source} is an HTML file, not the text of a รายละเอียดตัวชี้วัด page with a header line "
                    "'N/ABBR.<title> : AAAA-NNNN'") if text.lstrip().startswith("<") else \
            _("{source} is not the text of a รายละเอียดตัวชี้วัด page with a header line 'N/ABBR.<title> : AAAA-NNNN'")
        raise NotAPage(message.format(source=source or _("the text")),
                       _("open the indicator's page, select all, copy and save it as a .txt file (UTF-8); a stripped "
                         "copy without its header line needs the code in its file name (5012-0318.txt)")
                       if page.sections else
                       _("open the indicator's page, select all, copy and save it as a .txt file (UTF-8)"))
    said = _("the copy has no header line (N/ABBR.<title> : AAAA-NNNN): a stripped copy; the code {code} is read "
             "from its text, the file is marked partial: true") if where == "text" else \
        _("the copy has no header line (N/ABBR.<title> : AAAA-NNNN): a stripped copy; the code {code} is read "
          "from its file name, the file is marked partial: true")
    notes.append(said.format(code=code))
    if where == "file name":
        inferred["code"] = Reason(N_("the copy has no header line; the code is its file name's ({name})"), name=source)
    return header_fields(code, None, "", catalogues, notes, text)


def _ordered_inferred(inferred: dict[str, str], data: dict) -> dict[str, str]:
    keys = list(data)
    return dict(sorted(inferred.items(), key=lambda kv: (keys.index(re.split(r"[.\[]", kv[0])[0])
                                                         if re.split(r"[.\[]", kv[0])[0] in keys else 99, kv[0])))


def _above(data: dict) -> dict[str, str]:
    above = {
        "quarters": "ผลงานเทียบกับเป้าหมายรายไตรมาส: performance and the official figures as the page prints them.\n"
                    "The quarterly targets come from the performance agreement, which the page does not print.",
        "innovation": "The innovation project, as the quarter reports tell it. Stage events are recorded only\n"
                      "where the text shows the stage's gate holding; `kpi advance` records the others.",
        "amendments": "Appeals (อุทธรณ์) and amendments of the criteria, read from the quarter reports.",
        "timeline": "The year's dated events with their letters, read from the quarter reports (verbatim).",
        "inferred": "What is not printed on the page as such but inferred, and why. `kpi validate` checks\n"
                    "that every path names a value.",
        "sources": "Where this file came from: the copies of the page `kpi import` read (address, the day it was\n"
                   "saved, file name, SHA-256 of the file). A later copy that prints an official figure otherwise is\n"
                   "added with its differences; the figures above are kept.",
    }
    return {k: v for k, v in above.items() if k in data}
