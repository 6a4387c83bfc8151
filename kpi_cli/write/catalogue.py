"""Additions `kpi import` makes to the catalogues: the strategies a page supports
(`--add-strategies`) and the agencies a page names that agencies.yaml lacks (as stubs).

Each is appended at the end of its list, the rest of the file kept byte for byte, under the
folder's writer lock, written atomically; the result must read back as a valid catalogue with the
new entries last, or nothing is written.

Nothing here prints or exits; refusals are :class:`~kpi_cli.core.problems.KpiError` subclasses.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import KpiError
from kpi_cli.io.atomic import folder_lock, write_bytes
from kpi_cli.io.yamlemit import quoted, scalar


class CatalogueRefused(KpiError):
    def __init__(self, display: str, why: str, what: str = "strategies"):
        self.fix = _("add the strategies by hand (the lines are above), then import again") if what == "strategies" \
            else _("add the agency by hand (see `kpi import --strict` for the lines), then import again")
        super().__init__(_("kpi cannot add to {path}: {why}; nothing was written").format(path=display, why=why))


def _append(path: Path, key: str, entries: list[list[str]], note: str, model, display: str, what: str) -> None:
    """Append `entries` (each the lines of one item, unindented) to the list `key` at the end of
    the catalogue `path`, after the comment `note`."""
    with folder_lock(path.parent, display):
        old = path.read_text(encoding="utf-8")
        data = yaml.load(old, Loader=yaml.CSafeLoader)
        if not isinstance(data, dict) or list(data)[-1:] != [key]:
            raise CatalogueRefused(display, _("`{key}:` is not its last key").format(key=key), what)
        indents = re.findall(r"^( *)- code:", old, re.M)
        pad = indents[-1] if indents else "  "
        lines = ["", f"{pad}# " + re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", "?", note)]
        for entry in entries:
            lines.append(f"{pad}- {entry[0]}")
            lines.extend(f"{pad}  {line}" for line in entry[1:])
        text = old.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
        try:
            new_data = yaml.load(text, Loader=yaml.CSafeLoader)
            model.model_validate(new_data)
        except (yaml.YAMLError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            raise CatalogueRefused(display, _("the result would not read back ({error})").format(
                error=type(exc).__name__), what) from None
        if len(new_data[key]) != len(data[key] or []) + len(entries):
            raise CatalogueRefused(display, _("the added entries would not land in `{key}:`").format(key=key), what)
        write_bytes(path, text.encode("utf-8"), display=display, durable=True)


def append_strategies(path: Path, new: list[dict], source: str, display: str) -> None:
    """Add strategies at the end of strategies.yaml, the rest of the file untouched."""
    from kpi_cli.core.model import StrategyCatalogue

    entries = [[f"code: {quoted(s['code'])}", f"label: {scalar(s['label'])}",
                *(["truncated: true"] if s.get("truncated") else [])] for s in new]
    _append(path, "strategies", entries, f"added by `kpi import` from {source}", StrategyCatalogue, display,
            "strategies")


def append_agency(path: Path, entry: dict, source: str, display: str) -> None:
    """Add an agency stub (`stub: true`) at the end of agencies.yaml, the rest of the file untouched."""
    from kpi_cli.core.model import AgencyCatalogue

    lines = [f"code: {quoted(entry['code'])}", f"name: {scalar(entry['name'])}", f"abbr: {scalar(entry['abbr'])}",
             f"kind: {entry['kind']}", "stub: true"]
    _append(path, "agencies", [lines], f"added by `kpi import` from {source}: check name, abbr and kind, then "
                                       "remove `stub: true`", AgencyCatalogue, display, "agency")
