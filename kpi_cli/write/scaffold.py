"""New indicator files: the layout they are written in, the `kpi new` templates, and the write.

* :func:`emit` writes an indicator held as plain data (from :mod:`kpi_cli.importer`) in the
  layout of the hand-made seed: the ``$schema`` line and a comment header, quoted codes, long
  text as ``|-`` blocks, short lists in brackets, comments beside fields. Every scalar is proven
  to read back as itself, and so is the whole document.
* :func:`new_indicator` is the text of a fresh file of one kind (innovation, percent, levels,
  composite: each scoring method's Scaffold, from kpi_cli.scoring.registry), with comments in
  Thai and English on every field. It validates as it is.
* :func:`create` validates a new file's text in its place and writes it atomically; it never
  replaces an existing file unless told to.

Nothing here prints or exits; refusals are :class:`~kpi_cli.problems.KpiError` subclasses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import KpiError, Level, Problem
from kpi_cli.scoring import registry

SCHEMA_LINE = "# yaml-language-server: $schema=../../kpi_cli/data/indicator.schema.json"
COMMENT_COLUMN = 33  # comments beside fields start here, as in the seed
KINDS = registry.KINDS  # what `kpi new --kind` takes: one per scoring method (kpi_cli/scoring/registry.py)


# --- refusals -------------------------------------------------------------------------------

class FileExists(KpiError):
    def __init__(self, display: str, same: str | None = None):
        self.fix = _("compare them, then run again with --force to replace it") if same is None else \
            _("{path} holds the same indicator (0406-772 = 0406-0772): edit that file, or remove it first").format(
                path=same)
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


# --- scalars ----------------------------------------------------------------------------------

_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _reads_as(text: str, value) -> bool:
    try:
        return yaml.load(text, Loader=yaml.CSafeLoader) == value
    except yaml.YAMLError:
        return False


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes, plus YAML's non-printable characters)."""
    out = json.dumps(text, ensure_ascii=False)
    return _NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000
                              else f"\\U{ord(m.group()):08x}", out)


def scalar(value, *, flow: bool = False, key: bool = False, quote: bool = False) -> str:
    """One value as YAML: plain where it reads back as itself, else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return getattr(value, "text", None) or repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if quote or not text or text != text.strip() or "\n" in text:
        return quoted(text)
    probe = f"{text}: x" if key else (f"k: [{text}]" if flow else f"k: {text}")
    want = {text: "x"} if key else ({"k": [text]} if flow else {"k": text})
    return text if _reads_as(probe, want) else quoted(text)


# --- the document -------------------------------------------------------------------------------

BLOCK_KEYS = {"report", "text", "method", "summary", "data_collection"}  # long text as |- blocks
BLOCK_LISTS = {"strategies", "projects", "conditions"}  # lists written one item a line
QUOTED_KEYS = {"code", "agency"}  # codes: always in quotes ("0406")
BLANK_BEFORE = {"target", "quarters", "summary", "definition", "method", "data_collection", "strategies",
                "projects", "scoring", "innovation", "amendments", "timeline", "inferred"}


def _path(base: str, key) -> str:
    return f"{base}[{key}]" if isinstance(key, int) else (f"{base}.{key}" if base else str(key))


def _c(text: str, note: str) -> str:
    """A line with a comment beside it, aligned as in the seed (Thai vowel and tone marks take
    no column of their own)."""
    width = sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))
    return f"{text}{' ' * (COMMENT_COLUMN - 1 - width)} # {note}" if width < COMMENT_COLUMN - 1 else f"{text}  # {note}"


@dataclass
class _Writer:
    comments: dict[str, str]
    lines: list[str]

    def put(self, text: str, path: str) -> None:
        note = self.comments.get(path)
        self.lines.append(_c(text, note) if note else text)

    def mapping(self, m: dict, indent: int, path: str, first: str | None = None) -> None:
        for i, (key, value) in enumerate(m.items()):
            lead = first if (first is not None and i == 0) else " " * indent
            self.entry(f"{lead}{scalar(key, key=True)}:", value, indent, _path(path, key), key)

    def entry(self, head: str, value, indent: int, path: str, key) -> None:
        if isinstance(value, dict):
            if not value:
                self.put(f"{head} {{}}", path)
                return
            self.put(head, path)
            self.mapping(value, indent + 2, path)
        elif isinstance(value, list):
            self.sequence(head, value, indent, path, key)
        elif isinstance(value, str) and value and (("\n" in value) or (key in BLOCK_KEYS and len(value) > 100)) \
                and _block_ok(value):
            self.put(f"{head} |-", path)
            pad = " " * (indent + 2)
            self.lines.extend(f"{pad}{line}" if line else "" for line in value.split("\n"))
        else:
            self.put(f"{head} {scalar(value, quote=key in QUOTED_KEYS)}", path)

    def sequence(self, head: str, items: list, indent: int, path: str, key) -> None:
        if not items:
            self.put(f"{head} []", path)
            return
        scalars = all(not isinstance(v, (dict, list)) for v in items)
        if scalars and key not in BLOCK_LISTS:
            flow = "[" + ", ".join(scalar(v, flow=True) for v in items) + "]"
            if len(head) + len(flow) <= 100:
                self.put(f"{head} {flow}", path)
                return
        self.put(head, path)
        pad = " " * (indent + 2)
        for i, item in enumerate(items):
            here = _path(path, i)
            if isinstance(item, dict) and item:
                self.mapping(item, indent + 4, here, first=f"{pad}- ")
            elif isinstance(item, (dict, list)):
                self.entry(f"{pad}-", item, indent + 2, here, None)
            else:
                self.put(f"{pad}- {scalar(item, quote=key == 'strategies')}", here)


def _block_ok(text: str) -> bool:
    """A literal block keeps the text exactly (no leading space on line 1, no odd whitespace)."""
    body = "\n".join(f"  {line}" if line else "" for line in text.split("\n"))
    return not text[:1].isspace() and _reads_as(f"k: |-\n{body}\n", {"k": text})


class EmitError(KpiError):
    def __init__(self, message: str):
        self.fix = _("this is a bug in kpi: please report it with the page")
        super().__init__(message)


def emit(data: dict, *, comments: dict[str, str] | None = None, above: dict[str, str] | None = None,
         header: str = "") -> str:
    """The indicator `data` as YAML text in the seed's layout; reads back exactly as `data`."""
    out = _Writer(comments or {}, [SCHEMA_LINE])
    if header:
        out.lines.append("#")
        out.lines.extend(f"# {line}".rstrip() for line in header.split("\n"))
    out.lines.append("")
    above = above or {}
    for key, value in data.items():
        if (key in BLANK_BEFORE or key in above) and out.lines[-1] != "":
            out.lines.append("")
        for line in above.get(key, "").split("\n") if key in above else ():
            out.lines.append(f"# {line}".rstrip())
        out.entry(f"{scalar(key, key=True)}:", value, 0, key, key)
    text = "\n".join(out.lines) + "\n"
    if not _reads_as(text, data):
        raise EmitError(_("internal error: the written YAML does not read back as the imported data"))
    return text


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
                  minimum_ideas: int | None = None) -> str:
    """The text of a fresh indicator file of `kind` (see KINDS) for `agency` (model.Agency)."""
    spec = registry.scaffold(kind)
    if spec is None:
        raise BadRequest(_("unknown kind '{kind}'").format(kind=kind),
                         _("choose one of: {choices}").format(choices=", ".join(KINDS)))
    value, unit = spec.target
    title = title or spec.title or DEFAULT_TITLE
    intro = spec.intro.split("\n")
    lines = [SCHEMA_LINE, "#",
             f"# ตัวชี้วัด {code}, ปีงบประมาณ {year} ({agency.abbr}), created by `kpi new --kind {kind}`.",
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

def check(path: Path, text: str, catalogues, display: str) -> list[Problem]:
    """What `kpi validate` reports for `text` as the content of `path` (errors and warnings)."""
    from kpi_cli.io.loader import Loaded, parse_text
    from kpi_cli.check.pipeline import check_loaded

    loaded = Loaded(path, text=text)
    data = parse_text(text, path, loaded.findings)
    loaded.data = data if isinstance(data, dict) else None
    problems, _loaded, _model = check_loaded(loaded, catalogues, display)
    return sorted(problems)


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
    problems = check(path, text, catalogues, display)
    errors = [p for p in problems if p.level is Level.error]
    if errors:
        raise WouldBeInvalid(display, errors)
    if not dry_run:
        write_atomic(path, text, force=force, display=display)
    return problems


def write_atomic(path: Path, text: str, *, force: bool, display: str) -> None:
    """Create (or, with `force`, replace) `path` atomically, one kpi writer at a time in its folder.
    A folder that cannot be made or written is a CannotWrite with the reason and the fix."""
    from kpi_cli.io.atomic import cannot_write, make_folder
    from kpi_cli.io.yamledit import folder_lock

    make_folder(path.parent, display=str(path.parent))
    try:
        with folder_lock(path.parent, display):
            if path.exists() and not force:  # written meanwhile by someone else
                raise FileExists(display)
            _replace(path, text, display)
    except OSError as exc:  # the lock on the folder
        raise cannot_write(path, exc, display) from None


def _replace(path: Path, text: str, display: str | None = None) -> None:
    """Temporary file in the same folder, fsync, os.replace, fsync the folder; the permissions of
    the file replaced, or those open() gives a new file (see kpi_cli.fsutil)."""
    from kpi_cli.io.atomic import write_bytes

    write_bytes(path, text.encode("utf-8"), display=display, durable=True)


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
    from kpi_cli.check.pipeline import NoIndicators, display_path, find_catalogue_dir, find_indicators_dir, load_catalogues

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


# --- kpi import: one page, one file ------------------------------------------------------------

@dataclass
class Outcome:
    """What importing one page did (or, in a dry run, would do)."""
    page: Path
    path: Path
    display: str
    text: str
    imported: object  # importer.Imported
    warnings: list[Problem]
    added_strategies: list[dict]
    written: bool = False


def import_file(page: Path, root: Path, catalogues, *, year: int | None = None, force: bool = False,
                dry_run: bool = False, add_strategies: bool = False, display=str) -> Outcome:
    """Import the page saved at `page` into the indicators/ folder `root`: parse, check the
    catalogues, lay out, validate in place, write. `display` shows paths to people."""
    from kpi_cli.importer.page import ImportRefused, MissingStrategies, decode, parse_page

    try:
        raw = page.read_bytes()
    except OSError as exc:
        raise ImportRefused(_("cannot read {path}: {reason}").format(path=display(page),
                                                                     reason=exc.strerror or exc)) from None
    text, notes = decode(raw)
    imported = parse_page(text, catalogues, year=year, source=page.name)
    imported.notes[:0] = notes
    strategies_file = Path(catalogues.folder or root) / "strategies.yaml"
    added: list[dict] = []
    if imported.new_strategies:
        if not add_strategies:
            raise MissingStrategies(imported.new_strategies, display(strategies_file))
        catalogues = _with_strategies(catalogues, imported.new_strategies)
        added = imported.new_strategies
    header = (f"รายละเอียดตัวชี้วัด {imported.code}, fiscal year {imported.fiscal_year}, imported by `kpi import` "
              f"from {page.name}.\n"
              "Every field of the page is here. What `kpi import` concluded rather than read is listed under\n"
              "`inferred:` at the end, with the reason. Dates are ISO, Common Era (2021-02-08 = 8 ก.พ. 2564).")
    body = emit(imported.data, comments=imported.comments, above=imported.above, header=header)
    path = root / str(imported.fiscal_year) / f"{imported.code}.yaml"
    shown = display(path)
    warnings = create(path, body, catalogues, force=force, dry_run=True, display=shown)
    outcome = Outcome(page, path, shown, body, imported, warnings, added)
    if not dry_run:
        if added:
            append_strategies(strategies_file, added, page.name, display(strategies_file))
        write_atomic(path, body, force=force, display=shown)
        outcome.written = True
    return outcome


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
    text = new_indicator(code, known, kind, year, title=title, minimum_ideas=minimum)
    path = root / str(year) / f"{code}.yaml"
    shown = display(path)
    warnings = create(path, text, catalogues, force=force, dry_run=dry_run, display=shown)
    return NewFile(path, shown, text, warnings, written=not dry_run)


def _with_strategies(catalogues, new: list[dict]):
    import copy

    from kpi_cli.core.model import Strategy

    out = copy.copy(catalogues)
    out.strategies = {**catalogues.strategies, **{s["code"]: Strategy(**s) for s in new}}
    out.key = ""  # not the catalogues on disk: nothing checked against them is kept in the cache
    return out


class CatalogueRefused(KpiError):
    def __init__(self, display: str, why: str):
        self.fix = _("add the strategies by hand (the lines are above), then import again")
        super().__init__(_("kpi cannot add to {path}: {why}; nothing was written").format(path=display, why=why))


def append_strategies(path: Path, new: list[dict], source: str, display: str) -> None:
    """Add strategies at the end of strategies.yaml, the rest of the file untouched."""
    from kpi_cli.core.model import StrategyCatalogue
    from kpi_cli.io.yamledit import folder_lock

    with folder_lock(path.parent, display):
        old = path.read_text(encoding="utf-8")
        data = yaml.load(old, Loader=yaml.CSafeLoader)
        if not isinstance(data, dict) or list(data)[-1:] != ["strategies"]:
            raise CatalogueRefused(display, _("`strategies:` is not its last key"))
        indents = re.findall(r"^( *)- code:", old, re.M)
        pad = indents[-1] if indents else "  "
        lines = ["", f"{pad}# added by `kpi import` from {source}"]
        for s in new:
            lines.append(f"{pad}- code: {quoted(s['code'])}")
            lines.append(f"{pad}  label: {scalar(s['label'])}")
            if s.get("truncated"):
                lines.append(f"{pad}  truncated: true")
        text = old.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
        try:
            new_data = yaml.load(text, Loader=yaml.CSafeLoader)
            StrategyCatalogue.model_validate(new_data)
        except (yaml.YAMLError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            raise CatalogueRefused(display, _("the result would not read back ({error})").format(
                error=type(exc).__name__)) from None
        if [x["code"] for x in new_data["strategies"][-len(new):]] != [s["code"] for s in new]:
            raise CatalogueRefused(display, _("the added entries would not land in `strategies:`"))
        _replace(path, text, display)
