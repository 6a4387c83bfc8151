"""New indicator files: the `kpi new` templates, and the write of a new file.

* :func:`new_indicator` is the text of a fresh file of one kind (innovation, percent, levels,
  composite: each scoring method's Scaffold, from kpi_cli.scoring.registry), with comments in
  Thai and English on every field. It validates as it is.
* :func:`create` validates a new file's text in its place (:func:`kpi_cli.check.check.check_text`)
  and writes it atomically (:func:`kpi_cli.io.atomic.write_new`); it never replaces an existing
  file unless told to.

`kpi import` of a page (kpi_cli.write.pages) writes its new files with :func:`create`.

Nothing here prints or exits; refusals are :class:`~kpi_cli.problems.KpiError` subclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kpi_cli.core.i18n import _
from kpi_cli.check.check import check_text
from kpi_cli.core.problems import KpiError, Level, Problem
from kpi_cli.io.atomic import write_new
from kpi_cli.io.paths import schema_reference
from kpi_cli.io.yamlemit import quoted, scalar, schema_lines
from kpi_cli.io.yamlemit import beside as _c  # a line with its comment, as the templates below write them
from kpi_cli.scoring import registry

KINDS = registry.KINDS  # what `kpi new --kind` takes: one per scoring method (kpi_cli/scoring/registry.py)


# --- refusals -------------------------------------------------------------------------------

class FileExists(KpiError):
    def __init__(self, display: str, same: str | None = None):
        self.fix = _("compare them, then run again with --force to replace it") if same is None else \
            _("{path} holds the same indicator ({given} = {code}): edit that file, or remove it first").format(
                path=same, given=Path(display).stem, code=Path(same).stem)
        super().__init__(_("{path} exists already; nothing was written").format(path=same or display))


class WouldBeInvalid(KpiError):
    def __init__(self, display: str, problems: list[Problem]):
        self.problems = problems
        self.fix = _("the problems above are those of the file as it would be; check the options (--year) and "
                     "the page, and if both are right, report it as a bug in kpi with the page")
        super().__init__(_("the file for {path} would not pass `kpi validate`; nothing was written").format(
            path=display))


class BadRequest(KpiError):
    exit_code = 2

    def __init__(self, message: str, fix: str | None = None):
        self.fix = fix
        super().__init__(message)


# --- kpi new --------------------------------------------------------------------------------------

DEFAULT_TITLE = "ชื่อตัวชี้วัด (แก้ไข / write the title)"


def _lines(lines) -> list[str]:
    """A scaffold's lines: a (text, note) pair gets its note beside it."""
    return [line if isinstance(line, str) else _c(*line) for line in lines]


def _quarter_rows(spec, year: int) -> list[str]:
    from kpi_cli.core.thai import quarter_bounds, thai_date_range

    lines = ["# ผลงานเทียบกับเป้าหมายรายไตรมาส: one row per quarter. Fill each quarter as it ends:",
             "#   performance  ผลงาน, in the unit above, as reported",
             "#   target       เป้าหมายไตรมาส from คำรับรองการปฏิบัติราชการ (the performance agreement)",
             "#   assessed     ผลประเมินตัวชี้วัด: the official score 0-100 by สยป.",
             "#   sub_scores   the page's 2.1 / 2.2 figures: [100, 100]; [0, 0] = not assessed (yet)",
             "#   audited      true once สยป. ตรวจประเมินตัวชี้วัด for the quarter",
             "#   report       รายงานผลฯ: the quarter's narrative (use |- for long text)",
             "quarters:"]
    for q in (1, 2, 3, 4):
        first, last = quarter_bounds(year, q)
        lines.append(_c(f"  - quarter: {q}", f"ไตรมาสที่ {q}: {thai_date_range(first, last)}"))
        lines.extend(_lines(spec.quarter_lines))
        lines.append(_c("    # performance: 0", "ผลงาน / reported performance"))
        lines.append(_c(f"    # target: {spec.quarter_target}", "เป้าหมายไตรมาส / the quarter's target"))
        lines.append(_c('    report: ""', f"รายงานผลฯ ไตรมาสที่ {q}"))
    return lines


def _innovation_block(minimum: int | None) -> list[str]:
    need = f"at least {minimum} for this agency" if minimum else "the minimum for the agency's kind"
    return ["# The innovation project (โครงการนวัตกรรม): the facts the five stage gates check. Record them",
            "# with the commands rather than by hand: `kpi idea add`, `kpi idea select`, `kpi propose`,",
            "# `kpi decide`, `kpi activity`, `kpi evidence`, `kpi survey`, then `kpi advance` for each stage.",
            "innovation:",
            _c("  ideas: []", f"แบบฟอร์ม 1: ความคิดเห็น / ideas, {need}"),
            _c("  # selected_idea: 1", "แบบฟอร์ม 2: the id of the one idea selected"),
            _c("  # proposal:", "แบบฟอร์ม 3, 4: the project put to the committee"),
            "  #   title: โครงการ…",
            _c("  #   kind: service", "policy | service | administrative (นิยาม: 3 kinds)"),
            "  #   form3: true",
            "  #   form4: true",
            _c("  #   submitted: 2021-02-08", "เสนอคณะกรรมการนวัตกรรมกรุงเทพมหานคร / submitted"),
            _c("  # decision: {result: approved}", "มติคณะกรรมการ / the committee's decision"),
            _c("  # survey: {date: 2021-08-30, approved: true}", "แบบฟอร์ม 5"),
            _c("  stages: []", "ขั้นตอนที่เสร็จแล้ว / completed stages, written by `kpi advance`")]


def new_indicator(code: str, agency, kind: str, year: int, *, title: str | None = None,
                  minimum_ideas: int | None = None, schema: str | None = None) -> str:
    """The text of a fresh indicator file of `kind` (see KINDS) for `agency` (model.Agency);
    `schema`: the path of the JSON Schema from the file's folder, for the `$schema` line."""
    spec = registry.scaffold(kind)
    if spec is None:
        raise BadRequest(_("unknown kind '{kind}'").format(kind=kind),
                         _("choose one of: {choices}").format(choices=", ".join(KINDS)))
    value, unit = spec.target
    title = title or spec.title or DEFAULT_TITLE
    intro = spec.intro.split("\n")
    head = schema_lines(schema)
    lines = [*head, *(["#"] if head else []),
             f"# ตัวชี้วัด {code}, ปีงบประมาณ พ.ศ. {year} ({agency.abbr}), created by `kpi new --kind {kind}`.",
             *(f"# {line}" for line in intro),
             "# Fill in the fields, then run `kpi validate`. Dates are ISO, Common Era (ค.ศ.):",
             "# 2021-04-15 = 15 เมษายน 2564. Codes stay in quotes. Lines starting with # are comments.",
             "",
             _c(f"code: {quoted(code)}", "รหัสตัวชี้วัด / code: agency code + number; = the file name"),
             _c(f"fiscal_year: {year}", "ปีงบประมาณ (พ.ศ.) / fiscal year, Buddhist Era; = the folder"),
             _c("# sequence: 1", "ลำดับในรายการของหน่วยงาน (\"8/สปท.\") / number in the list"),
             _c(f"agency: {quoted(agency.code)}", f"หน่วยงาน / agency: {agency.name} ({agency.abbr})"),
             _c(f"title: {scalar(title)}", "ชื่อตัวชี้วัด / the indicator's title"),
             _c("type: routine", "routine = ตัวชี้วัดงานประจำ | strategic = ตัวชี้วัดเชิงยุทธศาสตร์"),
             _c("level: outcome", "outcome = ระดับผลลัพธ์ | output = ระดับผลผลิต"),
             "",
             _c("target:", f"ค่าเป้าหมาย / the year's target, as printed: {unit} : {value}"),
             _c(f"  value: {value}", "ค่า / value"),
             _c(f"  unit: {unit}", "หน่วย / unit: คะแนน, ร้อยละ, ระดับ, จำนวน, ต้น …"),
             _c("# achieved: 0", "ผลงานที่ทำได้ / the year's result, as reported"),
             _c("# weight: {percent: 10}", "น้ำหนัก (%) ในคำรับรองฯ / weight in the agreement"),
             "",
             *_quarter_rows(spec, year),
             "",
             _c('summary: ""', "สรุปผลการดำเนินงาน / summary of the year"),
             "",
             _c("definition:", "นิยาม หรือความหมายของตัวชี้วัด / definition"),
             _c('  text: ""', "the text, as the agreement words it"),
             _c("  terms: []", "each term: {term: …, en: …, meaning: …}"),
             "",
             _c('method: ""', "วิธีการคำนวณ หรือ เกณฑ์การประเมิน / method, criteria"),
             "",
             _c('data_collection: ""', "วิธีการการเก็บข้อมูล/แหล่งข้อมูล / data source"),
             "",
             _c("strategies: []", "สนับสนุนยุทธศาสตร์ฯ: codes of strategies.yaml, e.g. [\"7.5.1.1\"]"),
             "",
             _c("projects: []", "โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด / supporting projects"),
             "",
             *_lines(spec.scoring),
             ""]
    if spec.innovation:
        lines += [*_innovation_block(minimum_ideas), ""]
    lines += [_c("amendments: []", "อุทธรณ์ / appeals and amendments: `kpi appeal`"),
              "",
              _c("timeline: []", "เหตุการณ์ / dated events: {date: 2021-04-15, event: …, refs: [กท 0406/191]}"),
              "",
              "# inferred:                      # ค่าที่อนุมานเอง / values not from an official source, and why",
              "#   quarters[*].target: taken from the draft agreement of …"]
    return "\n".join(lines) + "\n"


# --- writing ------------------------------------------------------------------------------------

def same_indicator(folder: Path, code: str) -> Path | None:
    """A file in `folder` that holds `code` under another spelling (0406-772 = 0406-0772)."""
    from kpi_cli.check.rules.codes import code_key

    key = code_key(code)
    if key is None or not folder.is_dir():
        return None
    return next((p for p in sorted(folder.glob("*.yaml")) if p.stem != code and code_key(p.stem) == key), None)


def create(path: Path, text: str, catalogues, *, force: bool = False, dry_run: bool = False,
           display: str | None = None) -> list[Problem]:
    """Validate `text` as the file `path` and write it atomically (temporary file in the same
    folder, fsync, os.replace). Refuses an existing file unless `force`; returns the warnings."""
    display = display or str(path)
    other = same_indicator(path.parent, path.stem)
    if other is not None:
        raise FileExists(display, str(other))
    if path.exists() and not force:
        raise FileExists(display)
    problems = check_text(path, text, catalogues, display)
    errors = [p for p in problems if p.level is Level.error]
    if errors:
        raise WouldBeInvalid(display, errors)
    if not dry_run:
        _write_new(path, text, force=force, display=display)
    return problems


def _write_new(path: Path, text: str, *, force: bool, display: str) -> None:
    """kpi_cli.io.atomic.write_new; FileExists when someone made the file meanwhile (and not `force`)."""
    if not write_new(path, text.encode("utf-8"), display, replace=force):
        raise FileExists(display)


# --- where new files go ---------------------------------------------------------------------

class CataloguesBroken(KpiError):
    exit_code = 2

    def __init__(self, display: str, problems: list[Problem]):
        self.problems = problems
        self.fix = _("run `kpi validate` and correct the catalogues, or point -o at an indicators/ folder that "
                     "has them")
        super().__init__(_("cannot read agencies.yaml and strategies.yaml for {path}").format(path=display))


def target(output: Path | None) -> tuple[Path, object]:
    """The indicators/ folder to write into (`output`, or the repository's) and its catalogues:
    those beside it, or else the repository's."""
    from kpi_cli.check.rules import load_all
    from kpi_cli.check.checked import load_catalogues
    from kpi_cli.io.paths import NoIndicators, display_path, find_catalogue_dir, find_indicators_dir

    load_all()
    root = output or find_indicators_dir()
    if root is None:
        raise NoIndicators()
    folder = find_catalogue_dir(root) if root.exists() else None
    if folder is None:
        repo = find_indicators_dir()
        folder = find_catalogue_dir(repo) if repo is not None else None
    catalogues, problems = load_catalogues(folder)
    if catalogues is None or any(p.is_error for p in problems):
        raise CataloguesBroken(display_path(root), problems)
    return root, catalogues


# --- kpi new ----------------------------------------------------------------------------------

@dataclass
class NewFile:
    path: Path
    display: str
    text: str
    warnings: list[Problem]
    written: bool = False


def new_file(code: str, kind: str, root: Path, catalogues, *, agency: str | None = None, year: int | None = None,
             title: str | None = None, force: bool = False, dry_run: bool = False, today: dt.date | None = None,
             display=str) -> NewFile:
    """Scaffold indicator `code` of `kind` under the indicators/ folder `root`, validated."""
    from kpi_cli.check.rules.codes import CODE_RE
    from kpi_cli.core.thai import fiscal_position, to_arabic_digits

    code = to_arabic_digits(code.strip())
    m = CODE_RE.match(code)
    if not m:
        raise BadRequest(_("'{code}' is not an indicator code").format(code=code),
                         _("write AAAA-NNNN: the 4-digit agency code, a dash, the 3- or 4-digit indicator number, "
                           "e.g. 0406-0772"))
    agency = to_arabic_digits(agency.strip()) if agency else m.group(1)
    if agency != m.group(1):
        raise BadRequest(_("--agency {agency} does not match the code {code}").format(agency=agency, code=code),
                         _("the code of an indicator of agency {agency} is {agency}-NNNN; or leave --agency "
                           "out").format(agency=agency))
    known = catalogues.agencies.get(agency) if catalogues else None
    if known is None:
        raise BadRequest(_("agency '{agency}' is not in agencies.yaml").format(agency=agency),
                         _('add it to {path} (code: "{agency}", name, abbr, kind), then run again').format(
                             path=display(Path(catalogues.folder or root) / "agencies.yaml"), agency=agency))
    year = year or fiscal_position(today or dt.date.today())[0]
    minimum = catalogues.minimum_ideas.get(known.kind.value)
    path = root / str(year) / f"{code}.yaml"
    text = new_indicator(code, known, kind, year, title=title, minimum_ideas=minimum,
                         schema=schema_reference(root, path.parent))
    shown = display(path)
    warnings = create(path, text, catalogues, force=force, dry_run=dry_run, display=shown)
    return NewFile(path, shown, text, warnings, written=not dry_run)
