"""What every model of the format is made of: the base class and the field types.

Light on purpose (pydantic and nothing of kpi): the scoring methods' rule models
(kpi_cli/scoring/<method>.py) are built on it, and :mod:`kpi_cli.core.model` builds the
indicator from them, so the dependency runs one way: model -> methods -> this module.
"""

import datetime as dt
import math
from typing import Annotated, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictInt, StrictStr

LIMIT = 1e15  # larger than any figure of a city's budget; keeps every figure a finite float


def _finite(value: int | float) -> int | float:
    if abs(value) > LIMIT or (isinstance(value, float) and not math.isfinite(value)):
        raise ValueError("a figure must be a finite number no larger than 10^15")
    return value


Number = Annotated[Union[StrictInt, float], AfterValidator(_finite)]
Text = StrictStr
Date = dt.date


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, validate_default=False, defer_build=True)
