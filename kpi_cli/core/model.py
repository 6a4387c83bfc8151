"""The indicator format as typed objects.

One YAML file per indicator (``indicators/<fiscal year BE>/<code>.yaml``) is read into an
:class:`Indicator`. Catalogue files (``agencies.yaml``, ``strategies.yaml``) are read into
:class:`AgencyCatalogue` and :class:`StrategyCatalogue`. The same models give the JSON Schema
(``kpi schema``). Structural checks live here; rules that need context (file name, catalogues,
the fiscal calendar) live in :mod:`kpi_cli.check.rules`. The scoring rules' models belong to their
methods (kpi_cli/scoring/<method>.py), which build on :mod:`kpi_cli.core.model_base`.

Field names are English; Thai labels for rendering live in the LABELS_* tables below.
"""

import datetime as dt
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, Field, StrictBool, StrictInt
from pydantic_core import PydanticCustomError

from kpi_cli.core.vocabulary import AMENDMENT_KINDS, ASSESSMENT_STATES, DECISION_RESULTS, OUTCOMES
from kpi_cli.core.model_base import LIMIT, KeepsPrinted, Model, NonNegative, Number, Score, Text, schema_only  # noqa: F401
from kpi_cli.core.patterns import (AGENCY_CODE, COMMON_ERA_DATE, INDICATOR_CODE, INFERRED_PATH, LETTER_PADDED,
                                   NOT_BLANK, STRATEGY_CODE, STRATEGY_REFERENCE, inferred_covers)
from kpi_cli.core.thai import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN
from kpi_cli.scoring.registry import rule_union


# what JSON Schema says of dates and letter numbers besides their type (rules date-be-year, letter-format);
# that a date is a real day is the schema's `format: date`
def _day_alone(value):
    """A timestamp is not a day, even at midnight (pydantic would take `2564-08-30 00:00:00` as the
    date, past the rules that read dates): refused as pydantic refuses one with a time of day."""
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_from_datetime_inexact",
                                  "Datetimes provided to dates should have zero time - e.g. be exact dates")
    return value


Date = Annotated[dt.date, BeforeValidator(_day_alone), schema_only(pattern=COMMON_ERA_DATE)]
LetterNumber = Annotated[Text, schema_only(pattern=LETTER_PADDED)]


# --- enumerations -------------------------------------------------------------------

class IndicatorType(str, Enum):
    routine = "routine"        # ตัวชี้วัดงานประจำ
    strategic = "strategic"    # ตัวชี้วัดเชิงยุทธศาสตร์


class IndicatorLevel(str, Enum):
    outcome = "outcome"        # ตัวชี้วัดระดับผลลัพธ์ (outcome)
    output = "output"          # ตัวชี้วัดระดับผลผลิต (output)


class InnovationKind(str, Enum):
    policy = "policy"                  # นวัตกรรมเชิงนโยบาย
    service = "service"                # นวัตกรรมการบริการ
    administrative = "administrative"  # นวัตกรรมการบริหาร/องค์กร


class AgencyKind(str, Enum):
    department = "department"                              # หน่วยงานระดับสำนัก: 20 ideas
    district = "district"                                  # สำนักงานเขต: 15 ideas
    permanent_secretary_unit = "permanent-secretary-unit"  # ส่วนราชการในสังกัดสำนักปลัดฯ: 10
    council_secretariat = "council-secretariat"            # สำนักงานเลขานุการสภากรุงเทพมหานคร: 10
    governor_secretariat = "governor-secretariat"          # สำนักงานเลขานุการผู้ว่าราชการฯ: 10


LABELS_TYPE = {"routine": "ตัวชี้วัดงานประจำ", "strategic": "ตัวชี้วัดเชิงยุทธศาสตร์"}
LABELS_LEVEL = {"outcome": "ตัวชี้วัดระดับผลลัพธ์ (outcome)", "output": "ตัวชี้วัดระดับผลผลิต (output)"}
LABELS_INNOVATION = {
    "policy": "นวัตกรรมเชิงนโยบาย (Policy Innovation)",
    "service": "นวัตกรรมการบริการ (Service Innovation)",
    "administrative": "นวัตกรรมการบริหาร/องค์กร (Administrative or Organizational Innovation)",
}


# --- the header ---------------------------------------------------------------------

class Target(Model):
    """ค่าเป้าหมาย: the yearly target as printed on the page, value and unit."""
    value: Number
    unit: Text = Field(description="หน่วย: คะแนน, ร้อยละ, ระดับ, จำนวน, ต้น …")


class Weight(Model):
    """น้ำหนัก: the indicator's weight in the agency's performance agreement, in percent."""
    percent: Number = Field(ge=0, le=100)


# --- the quarterly table --------------------------------------------------------------

class Counts(Model):
    """Raw figures behind a percentage: performance = done / total × 100."""
    done: Number = Field(ge=0, description="A: the count achieved (e.g. complaints resolved)")
    total: Number = Field(gt=0, description="B: the base (e.g. complaints received)")


class Quarter(Model):
    """One row of ผลงานเทียบกับเป้าหมายรายไตรมาส, plus the quarter's narrative report."""
    quarter: Annotated[StrictInt, Field(ge=1, le=4)]
    performance: NonNegative | None = Field(None, description="ผลงาน: reported, in the indicator's unit")
    target: NonNegative | None = Field(None, description="the quarter's target from the performance agreement")
    counts: Counts | None = None
    parts: dict[Text, Number] | None = Field(None, description="composite rules: performance of each part")
    assessed: Score | None = Field(None, description="ผลประเมินตัวชี้วัด: the official score 0-100")
    sub_scores: list[Score | None] | None = Field(
        None, description="the page's '2.1 / 2.2' figures, as printed",
        json_schema_extra={"minItems": 2, "maxItems": 2})
    audit: Score | Literal[""] | None = Field(
        None, description="the figure of the audit line '*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ N: X' as printed "
                          "(\"\" when the line prints none): the quarter was audited")
    audited: StrictBool = Field(False, description="สยป. ตรวจประเมินตัวชี้วัด: audited by the evaluator "
                                                   "(the older form of `audit:`)")
    assessment: Literal[ASSESSMENT_STATES] | None = Field(
        None, description="assessed, not-assessed or unknown, where the record says so; otherwise kpi reads it "
                          "from the figures and marks it inferred")
    difference_reason: Text | None = Field(
        None, description="why the official figures differ from what the rules compute")
    report: Text = Field("", description="รายงานผลฯ: the agency's narrative for the quarter")


# --- letters, events, the innovation project ----------------------------------------

class Letter(Model):
    """An official letter or order: 'กท 0406/191', 'ฝบ. 634/2564', 'คำสั่ง สปท. ที่ 4/2564'."""
    number: Text
    date: Date | None = None
    subject: Text | None = None
    urgency: Text | None = Field(None, description="ด่วน, ด่วนมาก, ด่วนที่สุด")


class Idea(Model):
    """แบบฟอร์ม 1: one idea collected in stage 1."""
    id: Annotated[StrictInt, Field(ge=1)]
    title: Text
    date: Date | None = None
    by: Text | None = None
    note: Text | None = None


class Proposal(Model):
    """แบบฟอร์ม 3 and 4: the innovation project built on the selected idea."""
    title: Text
    kind: InnovationKind
    objective: Text | None = None
    fiscal_years: list[StrictInt] = Field(default_factory=list, description="years the project spans (BE)")
    target: Text | None = Field(None, description="the project's own target for this fiscal year")
    form3: StrictBool = Field(False, description="แบบฟอร์ม 3: project document done")
    form4: StrictBool = Field(False, description="แบบฟอร์ม 4: proposal form done")
    submitted: Date | None = Field(None, description="date put to the BMA Innovation Committee")
    submitted_to: Text | None = None
    letter: LetterNumber | None = None


class Decision(Model):
    """The BMA Innovation Committee's decision on the proposal."""
    result: Literal[DECISION_RESULTS]
    date: Date | None = None
    by: Text | None = None
    letter: LetterNumber | None = None
    note: Text | None = None


class Activity(Model):
    """A stage-4 activity of the project, with its evidence."""
    title: Text
    date: Date | None = None
    end: Date | None = None
    done: StrictBool = True
    evidence: list[LetterNumber] = Field(default_factory=list)
    note: Text | None = None


class Submission(Model):
    """Evidence sent to สำนักงาน ก.ก."""
    date: Date | None = None
    to: Text | None = None
    letter: LetterNumber | None = None
    note: Text | None = None


class Survey(Model):
    """แบบฟอร์ม 5: the survey of the innovation's use, approved by the agency head."""
    date: Date
    letter: LetterNumber | None = None
    approved: StrictBool = False
    approved_by: Text | None = None
    approved_date: Date | None = None
    note: Text | None = None


class StageEvent(Model):
    """Completion of one of the five stages: recorded by `kpi advance`."""
    stage: Annotated[StrictInt, Field(ge=1, le=5)]
    completed: Date
    evidence: list[LetterNumber] = Field(default_factory=list)
    note: Text | None = None


class Innovation(Model):
    """The innovation project record (ตัวชี้วัดนวัตกรรม)."""
    minimum_ideas: StrictInt | None = Field(
        None, description="override the stage-1 minimum that the agency's kind sets")
    ideas: list[Idea] = Field(default_factory=list)
    ideas_reported: StrictInt | None = Field(
        None, description="number of ideas the agency reported, when not all are listed")
    selected_idea: StrictInt | None = Field(None, description="แบบฟอร์ม 2: the id of the selected idea")
    selected_date: Date | None = None
    proposal: Proposal | None = None
    decision: Decision | None = None
    activities: list[Activity] = Field(default_factory=list)
    evidence_sent: list[Submission] = Field(default_factory=list)
    survey: Survey | None = None
    stages: list[StageEvent] = Field(default_factory=list)

    def stages_done_by(self, day: dt.date) -> list[int]:
        """Stages completed on or before `day`."""
        return sorted({e.stage for e in self.stages if e.completed <= day})


# --- scoring rules ------------------------------------------------------------------

# One rule model per scoring method, each in its module (kpi_cli/scoring/<method>.py: StagePointsRule,
# PercentRule, LevelsRule, CompositeRule); the registry lists them.
ScoringRule = rule_union()


# --- amendments and the timeline ----------------------------------------------------

class Amendment(Model):
    """An appeal (อุทธรณ์) or amendment of the criteria, with its outcome."""
    kind: Literal[AMENDMENT_KINDS]
    letter: LetterNumber
    date: Date
    urgency: Text | None = None
    grounds: Text | None = Field(None, description="สาเหตุ: e.g. ข้อ 1 ปัจจัยภายนอกของหน่วยงาน")
    request: Text | None = None
    outcome: Literal[OUTCOMES]
    decided: Date | None = None
    decision_letters: list[LetterNumber] = Field(default_factory=list)
    conditions: list[Text] = Field(default_factory=list)
    criteria_before: Text | None = None
    criteria_after: Text | None = None
    effective: Date | None = Field(None, description="date from which the new criteria apply")
    extends_to: Date | None = Field(None, description="stage dates may run to this date")
    quarters: list[Annotated[StrictInt, Field(ge=1, le=4)]] = Field(
        default_factory=list, description="audited quarters whose figures this amendment changes")
    scoring: ScoringRule | None = Field(None, description="the scoring rule in force from `effective`")
    note: Text | None = None


class TimelineEvent(Model):
    """One dated event of the year, with its references."""
    date: Date | None = None
    end: Date | None = None
    quarter: Annotated[StrictInt, Field(ge=1, le=4)] | None = Field(
        None, description="when only the quarter is known")
    event: Text
    refs: list[LetterNumber] = Field(default_factory=list)


# --- definition ---------------------------------------------------------------------

class Term(Model):
    term: Text
    en: Text | None = None
    meaning: Text


class Definition(Model):
    """นิยาม: the verbatim text, and its terms as data."""
    text: Text
    terms: list[Term] = Field(default_factory=list)


# --- provenance -----------------------------------------------------------------------

class Difference(Model):
    """An official figure that one copy of the page prints otherwise than the file."""
    path: Text = Field(description="the field, as in `inferred:` (quarters[3].assessed)")
    this_copy: Text = Field(description="the figure as this copy prints it (\"\" when it prints none)")
    file: Text = Field(description="the figure as the file holds it (\"\" when it holds none)")


class Source(Model):
    """One copy of the page that `kpi import` read: where it came from and when."""
    address: Text | None = Field(None, description="the page's address (URL), where known")
    captured: Date | None = Field(None, description="the day the copy was saved (Common Era)")
    file: Text = Field(description="the name of the saved page's file")
    sha256: Text = Field(description="SHA-256 of the page's text, hex",
                         json_schema_extra={"pattern": "^[0-9a-f]{64}$"})
    differences: list[Difference] = Field(
        default_factory=list, description="official figures this copy prints otherwise than the file (the file's "
                                          "are kept)")


# --- the indicator ------------------------------------------------------------------

class Indicator(Model):
    """One indicator (ตัวชี้วัด) of one agency for one fiscal year."""
    code: Text = Field(description="AAAA-NNNN: agency code and indicator number",
                       json_schema_extra={"pattern": INDICATOR_CODE})  # rule code-format
    # kpi's own range is wider, so that a Common-Era year gets its own message (rule code-folder)
    fiscal_year: StrictInt = Field(ge=1000, le=9000, description="ปีงบประมาณ, Buddhist Era",
                                   json_schema_extra={"minimum": FISCAL_YEAR_MIN, "maximum": FISCAL_YEAR_MAX})
    sequence: StrictInt | None = Field(None, description="the number in the agency's list")
    agency: Text = Field(description="agency code from agencies.yaml, quoted: '0406'",
                         json_schema_extra={"pattern": AGENCY_CODE})  # rule agency-unknown
    title: Text = Field("", description="ชื่อตัวชี้วัด as printed; empty when the source (a stripped copy) has none")
    example: StrictBool = Field(False, description="made-up data for demonstration")
    partial: StrictBool = Field(False, description="imported from a stripped or archived copy of the page (no header "
                                                   "line, or no quarterly table): the fields the copy lacks are "
                                                   "missing, not empty")
    type: IndicatorType
    level: IndicatorLevel
    target: Target
    achieved: Number | None = Field(None, description="ผลงานที่ทำได้")
    weight: Weight | None = None
    quarters: list[Quarter] = Field(default_factory=list)
    summary: Text = Field("", description="สรุปผลการดำเนินงาน")
    definition: Definition | None = None
    method: Text = Field("", description="วิธีการคำนวณ หรือ เกณฑ์การประเมิน, verbatim")
    data_collection: Text = Field("", description="วิธีการการเก็บข้อมูล/แหล่งข้อมูล")
    strategies: list[Annotated[Text, schema_only(pattern=STRATEGY_REFERENCE)]] = Field(
        default_factory=list, description="codes from strategies.yaml")  # rule strategy-unknown
    projects: list[Text] = Field(default_factory=list, description="โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด")
    scoring: ScoringRule | None = None
    innovation: Innovation | None = None
    amendments: list[Amendment] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    inferred: dict[Text, Annotated[Text, schema_only(pattern=NOT_BLANK)]] = Field(
        default_factory=dict, description="path -> why the value is inferred, not read from the page",
        json_schema_extra={"propertyNames": {"pattern": INFERRED_PATH}})  # rule inferred-path
    sources: list[Source] = Field(
        default_factory=list, description="the copies of the page this file was imported from (provenance), "
                                          "oldest first; a copy whose official figures differ from the file's "
                                          "lists them under `differences`")

    def quarter(self, q: int) -> Quarter | None:
        return next((row for row in self.quarters if row.quarter == q), None)

    def is_inferred(self, path: str) -> bool:
        """Whether the value at `path` ('innovation.stages[0].completed') is listed under `inferred:`,
        itself or a field above it; 'quarters[*].target' covers every quarter's target."""
        return inferred_covers(self.inferred, path)





# --- catalogues ---------------------------------------------------------------------

class AgencyKindInfo(Model):
    kind: AgencyKind
    name: Text
    minimum_ideas: StrictInt = Field(ge=1)


class Agency(Model):
    code: Text = Field(json_schema_extra={"pattern": AGENCY_CODE})  # rule catalogue
    name: Text
    abbr: Text
    kind: AgencyKind
    example: StrictBool = False
    stub: StrictBool = Field(False, description="added by `kpi import` for a page whose agency the catalogue lacked: "
                                                "its name, abbreviation and kind are read from the page or guessed "
                                                "from the code; check them, then remove `stub: true` (rule agency-stub)")


class AgencyCatalogue(Model):
    """indicators/agencies.yaml"""
    kinds: list[AgencyKindInfo]
    agencies: list[Agency]


class Strategy(Model):
    code: Text = Field(description="canonical Arabic digits: '7.5.1.1'; rendered in Thai digits",
                       json_schema_extra={"pattern": STRATEGY_CODE})  # rule catalogue
    label: Text
    truncated: StrictBool = Field(False, description="the source page cuts the label short")


class StrategyCatalogue(Model):
    """indicators/strategies.yaml"""
    plan: Text | None = None
    strategies: list[Strategy]


CATALOGUES = {"agencies.yaml": AgencyCatalogue, "strategies.yaml": StrategyCatalogue}


# --- rebuilding checked data without validating it again ---------------------------------

def construct(cls: type[BaseModel], data: dict):
    """An instance of `cls` from the JSON dump of one that this version of kpi validated before
    (`model_dump_json(exclude_unset=True)`, in the cache of checked files, kpi_cli.cache):
    nothing is validated, so no pydantic validator is built; nested models, enumerations and
    dates are rebuilt by the fields' annotations, and the fields the file did not set get their
    defaults (and stay unset, as validation leaves them).

    A KeyError or TypeError means the data is not such a dump (callers treat it as a cache miss).
    """
    build = _BUILDERS.get(cls)
    if build is None:
        build = _BUILDERS[cls] = _model_builder(cls)
    return build(data)


_BUILDERS: dict[type, object] = {}


def _model_builder(cls: type[BaseModel]):
    plan = tuple((name, KeepsPrinted.from_json if any(isinstance(m, KeepsPrinted) for m in f.metadata)
                  else _converter(f.annotation, f.discriminator), f.is_required(), _default_maker(f))
                 for name, f in cls.model_fields.items())

    def build(data: dict):
        values = {}
        for name, conv, required, _default in plan:
            if name in data:
                value = data[name]
                values[name] = value if value is None else conv(value)
            elif required:
                raise KeyError(name)
        given = set(values)
        for name, _conv, _required, default in plan:
            if default is not None and name not in given:
                values[name] = default()
        # pydantic's own constructor without validation, told which fields were given (exclude_unset
        # keeps working); the defaults come made, from `_default_maker`
        return cls.model_construct(_fields_set=given, **values)

    return build


_IMMUTABLE = (type(None), bool, int, float, str, bytes, Enum, dt.date, frozenset)


def _default_maker(info):
    """A function that makes the default of an optional field as pydantic's `get_default` would
    (a shared immutable value, a fresh copy of a mutable one, the factory called): pydantic asks
    the factory's signature at every call, which cost `kpi score --all` a third of its time.
    None for a required field, or a factory that wants the other fields' values (left to pydantic)."""
    import copy
    import inspect

    if info.is_required():
        return None
    factory = info.default_factory
    if factory is None:
        default = info.default
        if isinstance(default, _IMMUTABLE):
            return lambda: default
        return lambda: copy.deepcopy(default)
    try:
        wants_data = any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                         for p in inspect.signature(factory).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature (list, dict): takes nothing
        wants_data = False
    return None if wants_data else factory


def _is(*kinds: type):
    """A converter that only checks: an entry of another shape is not one this kpi wrote (a cache
    entry tampered with, or from a bug): TypeError, which the cache treats as a miss."""
    def check(v):
        if not isinstance(v, kinds) or (isinstance(v, bool) and bool not in kinds):
            raise TypeError(f"{type(v).__name__} where {'/'.join(k.__name__ for k in kinds)} belongs")
        return v
    return check


def _first_of(converters):
    """A value of a union of unlike members (a figure or ""): the first member that takes it."""
    def convert(v):
        for conv in converters:
            try:
                return conv(v)
            except TypeError:
                pass
        raise TypeError(f"{v!r} fits none of the union's members")
    return convert


_SCALARS = {str: (str,), int: (int,), float: (int, float), bool: (bool,)}


def _converter(tp, discriminator: str | None = None):
    """A function from JSON to the field's Python value that refuses a value of the wrong shape."""
    import types
    from typing import get_args, get_origin

    origin = get_origin(tp)
    if origin is Annotated:
        base, *meta = get_args(tp)
        if any(isinstance(m, KeepsPrinted) for m in meta):
            return KeepsPrinted.from_json
        found = next((m.discriminator for m in meta if getattr(m, "discriminator", None)), discriminator)
        return _converter(base, found)
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(tp) if a is not type(None)]
        if discriminator is not None:
            table = {get_args(m.model_fields[discriminator].annotation)[0]: m for m in members}
            return lambda v: construct(table[_is(dict)(v)[discriminator]], v)
        if len(members) == 1:  # Optional[X]: None is passed through by the caller
            return _converter(members[0])
        plain = [get_origin(m) is Annotated and get_args(m)[0] or m for m in members]
        if all(m in _SCALARS for m in plain):
            return _is(*{k for m in plain for k in _SCALARS[m]})
        return _first_of([_converter(m) for m in members])
    if origin is list:
        item = _converter(get_args(tp)[0])
        return lambda v: [None if x is None else item(x) for x in _is(list)(v)]
    if origin is dict:
        key, item = _converter(get_args(tp)[0]), _converter(get_args(tp)[1])
        return lambda v: {key(k): None if x is None else item(x) for k, x in _is(dict)(v).items()}
    if origin is Literal:
        allowed = frozenset(get_args(tp))
        def literal(v):
            if v not in allowed:
                raise TypeError(f"{v!r} is not one of {sorted(allowed, key=str)}")
            return v
        return literal
    if isinstance(tp, type):
        if issubclass(tp, BaseModel):
            return lambda v: construct(tp, _is(dict)(v))
        if issubclass(tp, Enum):
            return tp
        if tp is dt.date:
            return lambda v: dt.date.fromisoformat(_is(str)(v))
        if tp in _SCALARS:
            return _is(*_SCALARS[tp])
    raise TypeError(f"cannot rebuild {tp!r} from JSON without validating it")
