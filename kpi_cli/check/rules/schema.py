"""The shape of a file: known fields, required fields, types and allowed values.

The models in :mod:`kpi_cli.model` check the shape; this module turns their errors into
findings with stable rule IDs, plain messages and a fix (a "did you mean" for typos).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from typing import Callable

from pydantic import BaseModel, ValidationError

from kpi_cli.core.i18n import N_, _
from kpi_cli.core.problems import Finding
from kpi_cli.check.rules.registry import describe, fmt_loc
from kpi_cli.core.problems import where as place
from kpi_cli.core.thai_dates import to_arabic_digits

describe("unknown-field", "error", """Every field must be one the format knows; typos get a suggestion.

Bad:  `acheived: 100`
Good: `achieved: 100`""", scope="schema")

describe("missing-field", "error", """Required fields must be present.

Bad:  a file without `title:`
Good: `title: ความสำเร็จในการเสนอนวัตกรรม…`""", scope="schema")

describe("wrong-type", "error", """Each field holds the kind of value the format says (number, text, date, list…).

Bad:  `achieved: ร้อยละ 100`
Good: `achieved: 100`""", scope="schema")

describe("invalid-value", "error", """Fields with a fixed set of values take one of them.

Bad:  `type: routin`
Good: `type: routine` (ตัวชี้วัดงานประจำ) or `type: strategic` (ตัวชี้วัดเชิงยุทธศาสตร์)""", scope="schema")

describe("out-of-range", "error", """Numbers stay in their range (quarters 1-4, stages 1-5, percent 0-100).

Bad:  `quarter: 5`
Good: `quarter: 4`""", scope="schema")

describe("implicit-type", "error", """Codes and texts that YAML would read as numbers, booleans or dates must be quoted.

Bad:  `agency: 0406` (YAML 1.1 reads this as the octal number 262)
Good: `agency: "0406"`""", scope="schema")


def _candidates(annotation) -> list[type[BaseModel]]:
    """The model classes an annotation can hold (through Optional, list, dict, Annotated, Union)."""
    out: list[type[BaseModel]] = []
    stack = [annotation]
    while stack:
        a = stack.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            out.append(a)
            continue
        origin = typing.get_origin(a)
        if origin is None:
            continue
        args = typing.get_args(a)
        if origin is typing.Annotated:
            stack.append(args[0])
        elif origin in (list, tuple, set):
            stack.extend(args[:1])
        elif origin is dict:
            stack.extend(args[1:2])
        elif origin in (typing.Union, types.UnionType):
            stack.extend(args)
    return out


def _models_at(root: type[BaseModel], loc: tuple) -> list[type[BaseModel]]:
    """The model classes whose fields apply at `loc` (a path of field names and indexes)."""
    current = [root]
    for seg in loc:
        if isinstance(seg, int):
            continue
        nxt = []
        for cls in current:
            fld = cls.model_fields.get(seg)
            if fld is not None:
                nxt.extend(_candidates(fld.annotation))
        if nxt:
            current = nxt
        else:
            # a discriminator tag such as 'stage-points': keep the class whose literal matches
            tagged = [c for c in current if _literal(c) == seg]
            current = tagged or current
    return current


def _literal(cls: type[BaseModel]) -> str | None:
    fld = cls.model_fields.get("method")
    if fld is None:
        return None
    args = typing.get_args(fld.annotation)
    return args[0] if args else None


def _clean_loc(data, loc: tuple, keep_last: bool) -> tuple:
    """Drop pydantic's union tags from a location, keeping only real keys and indexes."""
    out = []
    cur = data
    for i, seg in enumerate(loc):
        if isinstance(cur, dict) and seg in cur:
            out.append(seg)
            cur = cur[seg]
        elif isinstance(cur, list) and isinstance(seg, int) and 0 <= seg < len(cur):
            out.append(seg)
            cur = cur[seg]
        elif keep_last and i == len(loc) - 1:
            out.append(seg)
    return tuple(out)


def _show(value) -> str:
    if isinstance(value, str):
        return _("text '{text}'").format(text=value[:40]) + ("…" if len(value) > 40 else "")
    if isinstance(value, bool):
        return _("{value} (a yes/no value)").format(value=str(value).lower())
    if isinstance(value, (int, float)):
        text = str(value)
        return _("the number {value}").format(value=text if len(text) <= 24 else f"{text[:12]}…({len(text)} digits)")
    if isinstance(value, dt.date):
        return _("the date {date}").format(date=value.isoformat())
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if value is None:
        return _("nothing (empty)")
    return type(value).__name__


_EXPECT = {
    "int_type": N_("a whole number"), "int_parsing": N_("a whole number"), "int_from_float": N_("a whole number"),
    "float_type": N_("a number"), "float_parsing": N_("a number"),
    "string_type": N_("text"), "bool_type": N_("true or false"), "bool_parsing": N_("true or false"),
    "date_type": N_("a date (YYYY-MM-DD)"), "date_parsing": N_("a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("a date (YYYY-MM-DD)"), "date_from_datetime_inexact": N_("a date without a time"),
    "list_type": N_("a list"), "dict_type": N_("a mapping"), "model_type": N_("a mapping of fields"),
    "model_attributes_type": N_("a mapping of fields"),
}

# pydantic's range errors, as it words them (lowercased), with its `ctx` as placeholders
_RANGE = {
    "greater_than": N_("input should be greater than {gt}"),
    "greater_than_equal": N_("input should be greater than or equal to {ge}"),
    "less_than": N_("input should be less than {lt}"),
    "less_than_equal": N_("input should be less than or equal to {le}"),
}


def _range_text(err: dict) -> str:
    template = _RANGE.get(err["type"])
    try:
        return _(template).format(**err.get("ctx", {})) if template else err["msg"].lower()
    except (KeyError, IndexError):
        return err["msg"].lower()


def _day_of(value) -> str | None:
    """The day (YYYY-MM-DD) of a timestamp, or of text that starts with one, else None."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    match = re.match(r"(\d{4}-\d{2}-\d{2})[T ]", value) if isinstance(value, str) else None
    return match.group(1) if match else None


def check_schema(data: dict, model_cls: type[BaseModel], source_text: Callable[[tuple], str | None],
                 skip_locs: set[tuple] = frozenset()):
    """Validate `data` against `model_cls`. Returns (model or None, findings)."""
    try:
        return model_cls.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    findings: list[Finding] = []
    grouped: dict[tuple, list[dict]] = {}
    for err in errors:
        kind = err["type"]
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            continue  # the only tagged unions are scoring rules: `scoring-method` explains them
        if kind == "invalid_key":
            continue  # a key that is not text (`~:`, `true:`, `5:`): the loader says so, at the key
        keep_last = kind in ("missing", "extra_forbidden")
        loc = _clean_loc(data, tuple(err["loc"]), keep_last)
        grouped.setdefault((kind in ("missing", "extra_forbidden"), loc), []).append(err)
    for (structural, loc), errs in grouped.items():
        if loc in skip_locs:
            continue
        first = errs[0]
        kind = first["type"]
        where = place(loc) or _("the file")
        if kind == "extra_forbidden":
            name = str(loc[-1])
            allowed = sorted({f for cls in _models_at(model_cls, loc[:-1]) for f in cls.model_fields})
            close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            fix = _("did you mean '{name}'?").format(name=close[0]) if close else \
                _("known fields here: {fields}").format(fields=", ".join(allowed))
            findings.append(Finding("unknown-field", _("unknown field '{name}'").format(name=name), loc, fix=fix,
                                    key=True))
        elif kind == "missing":
            name = str(loc[-1])
            parent = place(loc[:-1]) or _("the top level")
            findings.append(Finding("missing-field", _("required field '{name}' is missing from {parent}").format(
                                        name=name, parent=parent),
                                    loc[:-1], fix=_("add '{name}:' with its value").format(name=name)))
        elif kind in ("literal_error", "enum"):
            expected = first.get("ctx", {}).get("expected", "")
            value = first.get("input")
            close = difflib.get_close_matches(str(value), [e.strip(" '") for e in expected.replace(" or ", ",").split(",")], n=1)
            fix = _("did you mean '{name}'?").format(name=close[0]) if close else \
                _("use one of: {choices}").format(choices=expected.replace(" or ", _(" or ")))
            findings.append(Finding("invalid-value", _("{where}: {value} is not allowed here").format(
                                        where=where, value=_show(value)), loc, fix=fix))
        elif kind == "value_error":  # model_base._finite: a figure too large or not finite
            findings.append(Finding("out-of-range", _("{where}: {value} is not a usable figure").format(
                                        where=where, value=_show(first.get("input"))), loc,
                                    fix=_("write a finite number no larger than 10^15")))
        elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal",
                      "too_short", "too_long"):
            findings.append(Finding("out-of-range", _("{where}: {rule} (got {value})").format(
                                        where=where, rule=_range_text(first), value=_show(first.get("input"))), loc,
                                    fix=_("correct the value")))
        else:
            value = first.get("input")
            expected = sorted({_EXPECT.get(e["type"], e["type"].replace("_", " ")) for e in errs})
            if "a number" in expected and "a whole number" in expected:
                expected.remove("a whole number")
            want = _(" or ").join(_(e) for e in expected)
            if "text" in expected and isinstance(value, (int, float, bool, dt.date)):
                raw = source_text(loc)
                shown = raw if raw is not None else str(value)
                if isinstance(value, int) and re.fullmatch(r"[-+]?0[0-7_]+", shown or "") and str(value) != shown:
                    msg = _("{where}: YAML reads {raw} as {value}: a number that starts with 0 is read in base 8 "
                            "(octal), so the digits change; this field is text").format(
                        where=where, raw=shown, value=_show(value))
                else:
                    msg = _("{where}: YAML reads {raw} as {value}, but this field is text").format(
                        where=where, raw=shown, value=_show(value))
                findings.append(Finding("implicit-type", msg, loc,
                                        fix=_('put it in quotes: "{raw}"').format(raw=shown)))
                continue
            day = _day_of(value) if "a date without a time" in expected else None
            if day is not None:  # a timestamp, or text that reads as one
                raw = source_text(loc)
                findings.append(Finding("wrong-type", _("{where}: {raw} has a time of day; a date in the files is the "
                                                        "day alone").format(where=where, raw=raw or value),
                                        loc, fix=_("write {day}").format(day=day)))
                continue
            figure = figure_in_text(value) if "a number" in expected else None
            if figure is not None:  # "100" in quotes, or 1e5 (text to YAML 1.1): a figure is a number
                raw = source_text(loc) or f'"{value}"'
                if raw[:1] in ("'", '"'):
                    msg, fix = _("{where}: {raw} is in quotes, so YAML reads it as text; a figure is a number"), \
                        _("remove the quotes: write {figure}")
                else:
                    msg, fix = _("{where}: YAML reads {raw} as text: a number with an exponent needs a dot "
                                 "before it (1.5e+6)"), _("write {figure}")
                findings.append(Finding("wrong-type", msg.format(where=where, raw=raw), loc,
                                        fix=fix.format(figure=figure)))
                continue
            findings.append(Finding("wrong-type", _("{where}: expected {expected}, got {value}").format(
                                        where=where, expected=want, value=_show(value)), loc,
                                    fix=_("write {value}").format(value=want)))
    return None, findings


def figure_in_text(value) -> str | None:
    """The number a text holds, as it is to be written without quotes ("๙๕.๐๐" gives 95.00), or None."""
    if not isinstance(value, str):
        return None
    text = to_arabic_digits(value.strip())
    if re.fullmatch(r"[-+]?[0-9]+(\.[0-9]+)?", text):
        return text
    exponent = re.fullmatch(r"([-+]?[0-9]+)(\.[0-9]*)?[eE]([-+]?[0-9]+)", text)
    if exponent is None:
        return None
    mantissa, decimals, power = exponent.groups()
    return f"{mantissa}{decimals if decimals and decimals != '.' else '.0'}e{'' if power[0] in '+-' else '+'}{power}"
