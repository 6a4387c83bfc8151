"""Small records that pass between the checks and the commands: what the catalogues say, and
what the rules across files need of each file.

Light on purpose (no YAML, no pydantic, no rules): a file that the cache of checked files knows
is described by these alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Catalogues:
    """What the rules need from agencies.yaml and strategies.yaml."""

    agencies: dict[str, object] = field(default_factory=dict)  # code -> model.Agency
    minimum_ideas: dict[str, int] = field(default_factory=dict)  # agency kind -> minimum
    kind_names: dict[str, str] = field(default_factory=dict)
    strategies: dict[str, object] = field(default_factory=dict)  # code -> model.Strategy
    folder: Path | None = None
    key: str = ""  # the cache's name for the catalogues' content (kpi_cli.checked)
    models: dict[str, object] = field(default_factory=dict)  # file name -> its model, when it is valid

    def use(self, model) -> None:
        """Take the entries of a valid catalogue model (AgencyCatalogue or StrategyCatalogue)."""
        if hasattr(model, "agencies"):
            self.models["agencies.yaml"] = model
            self.agencies = {a.code: a for a in model.agencies}
            self.minimum_ideas = {k.kind.value: k.minimum_ideas for k in model.kinds}
            self.kind_names = {k.kind.value: k.name for k in model.kinds}
        else:
            self.models["strategies.yaml"] = model
            self.strategies = {s.code: s for s in model.strategies}


@dataclass(frozen=True, slots=True)
class Summary:
    """What a tree rule needs of one file: small (slots, no dictionary each), so 30,000 of them
    cost a few megabytes."""

    display: str
    code: str | None
    fiscal_year: int | None
    agency: str | None
    line: int = 1
    column: int = 1
    by_name: bool = False  # known by its file name only (not checked this run)
    weight: float | None = None  # `weight: {percent: …}`, where the file gives a number
