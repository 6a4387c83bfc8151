"""What every model of the format is made of: the base class and the field types.

Light on purpose (pydantic, and of kpi only core.figures, itself the standard library alone): the
scoring methods' rule models (kpi_cli/scoring/<method>.py) are built on it, and :mod:`kpi_cli.core.model` builds the
indicator from them, so the dependency runs one way: model -> methods -> this module.
"""

import datetime as dt
import math
from typing import Annotated, Union

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, StrictFloat, StrictInt, StrictStr,
                      WrapValidator)

from kpi_cli.core.figures import Printed, printed_form, text_of

LIMIT = 1e15  # larger than any figure of a city's budget; keeps every figure a finite float


def schema_only(**keywords):
    """JSON Schema keywords for editors and check-jsonschema that pydantic does not enforce: kpi's
    rules check the same (with their own rule IDs and better messages), so `kpi validate` reports
    what it reported. Use as `Field(json_schema_extra=…)` or inside `Annotated[…]`."""
    return Field(json_schema_extra=keywords)


def _finite(value: int | float) -> int | float:
    if abs(value) > LIMIT or (isinstance(value, float) and not math.isfinite(value)):
        raise ValueError("a figure must be a finite number no larger than 10^15")
    return value


class KeepsPrinted:
    """Marks a number that keeps its printed form (kpi_cli.core.figures): validation keeps the
    loader's Printed, JSON writes its text ("95.0000"), and the cache of checked files
    (kpi_cli.core.model.construct) rebuilds it from that text."""

    @staticmethod
    def keep(value, handler):
        out = handler(value)
        return value if isinstance(value, Printed) and out == value else out

    @staticmethod
    def to_json(value):
        text = text_of(value)
        return value if text is None else text

    @staticmethod
    def from_json(value):
        """The value a JSON dump of a kept number stands for; TypeError for anything else."""
        if isinstance(value, str):
            kept = printed_form(value)
            if kept is None:
                raise TypeError(f"{value!r} is not a printed figure")
            return kept
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{type(value).__name__} where a number belongs")
        return value


Number = Annotated[Union[StrictInt, StrictFloat], AfterValidator(_finite), WrapValidator(KeepsPrinted.keep),
                   PlainSerializer(KeepsPrinted.to_json, when_used="json"), KeepsPrinted(),
                   schema_only(minimum=-LIMIT, maximum=LIMIT)]
NonNegative = Annotated[Number, schema_only(minimum=0, maximum=LIMIT)]  # rules score-range, scoring-rule
Score = Annotated[Number, schema_only(minimum=0, maximum=100)]  # an official score (rule score-range)
Text = StrictStr
Date = dt.date


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, validate_default=False, defer_build=True)
