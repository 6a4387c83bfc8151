"""`kpi import`: what one page gives: :class:`Imported` (the data, comments for the file, the report)
and :class:`Reason`, why a value was inferred."""

from __future__ import annotations

from dataclasses import dataclass, field

from kpi_cli.core.i18n import _


class Reason(str):
    """Why a value was inferred: in English in the file, so that a page gives the same file whoever
    imports it, and in the user's language (`shown`) in the report of `kpi import`.
    `Reason(N_("… {name} …"), name=value)`."""

    shown: str

    def __new__(cls, message: str, **values):
        obj = super().__new__(cls, message.format(**values))
        obj.shown = _(message).format(**values)
        return obj


@dataclass
class Imported:
    """One page, imported: the data, comments for the file, and the report."""

    data: dict
    comments: dict[str, str] = field(default_factory=dict)  # field path -> comment beside it
    above: dict[str, str] = field(default_factory=dict)  # top-level key -> comment lines above it
    read: list[str] = field(default_factory=list)  # what was read, in a few words each
    notes: list[str] = field(default_factory=list)  # what was left out, chosen or is missing
    new_strategies: list[dict] = field(default_factory=list)  # strategies not in the catalogue
    source: str = ""
    new_agency: dict | None = None  # the stub entry for agencies.yaml, when the catalogue lacks the agency

    @property
    def code(self) -> str:
        return self.data["code"]

    @property
    def fiscal_year(self) -> int:
        return self.data["fiscal_year"]

    @property
    def inferred(self) -> dict[str, str]:
        return self.data.get("inferred", {})

    @property
    def reasons(self) -> dict[str, str]:
        """The inferred paths with their reasons in the user's language."""
        return {path: getattr(why, "shown", why) for path, why in self.inferred.items()}
