"""What every model of the format is made of: the base class and the field types.

Light on purpose (pydantic and nothing of kpi): the scoring methods' rule models
(kpi_cli/scoring/<method>.py) are built on it, and :mod:`kpi_cli.core.model` builds the
indicator from them, so the dependency runs one way: model -> methods -> this module.
"""

import datetime as dt
import math
from typing import Annotated, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StrictStr

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


Number = Annotated[Union[StrictInt, float], AfterValidator(_finite), schema_only(minimum=-LIMIT, maximum=LIMIT)]
NonNegative = Annotated[Number, schema_only(minimum=0, maximum=LIMIT)]  # rules score-range, scoring-rule
Score = Annotated[Number, schema_only(minimum=0, maximum=100)]  # an official score (rule score-range)
Text = StrictStr
Date = dt.date


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, validate_default=False, defer_build=True)
