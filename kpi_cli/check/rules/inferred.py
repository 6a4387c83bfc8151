"""`inferred:` names values not read from the source page; each path must exist."""

from __future__ import annotations

import re

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import Finding
from kpi_cli.check.rules.registry import FileContext, rule

_SEG = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\]]*\])*)")
_IDX = re.compile(r"\[([^\]]*)\]")


def resolve(data, path: str) -> list:
    """Values at an inferred path: 'quarters[*].target', 'innovation.ideas[1:]', 'weight'."""
    current = [data]
    for part in path.split("."):
        m = _SEG.fullmatch(part)
        if not m:
            return []
        name, idx = m.group(1), m.group(2)
        current = [c[name] for c in current if isinstance(c, dict) and name in c]
        for ix in _IDX.findall(idx):
            nxt = []
            for c in current:
                if not isinstance(c, list):
                    continue
                if ix == "*":
                    nxt.extend(c)
                elif ":" in ix:
                    a, _colon, b = ix.partition(":")
                    nxt.extend(c[int(a or 0): int(b) if b else None])
                elif ix.lstrip("-").isdigit() and -len(c) <= int(ix) < len(c):
                    nxt.append(c[int(ix)])
            current = nxt
    return current


@rule("inferred-path")
def inferred_path(ctx: FileContext):
    """Every path under `inferred:` names a value in the file, and says why it is inferred.

    Bad:  `inferred: {weigth: …}`
    Good: `inferred: {weight: "not on the page; …"}`
    """
    inferred = ctx.data.get("inferred")
    if not isinstance(inferred, dict):
        return
    for path, why in inferred.items():
        if not isinstance(path, str):
            continue
        try:
            found = resolve(ctx.data, path)
        except (ValueError, TypeError):
            found = []
        if not found:
            yield Finding("inferred-path", _("inferred path '{path}' names no value in this file").format(path=path),
                          ("inferred", path),
                          fix=_("write the path as field.sub[index].field, e.g. quarters[*].target"), key=True)
        if isinstance(why, str) and not why.strip():
            yield Finding("inferred-path", _("inferred path '{path}' gives no reason").format(path=path),
                          ("inferred", path), fix=_("say where the value comes from"))
