"""Where things are: the indicators/ folder, the catalogues, the names kpi shows for files.

Light on purpose (no YAML, no pydantic): `kpi score` and the cache find files through it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import KpiError

CATALOGUE_NAMES = ("agencies.yaml", "strategies.yaml")
# where a repository keeps the JSON Schema, relative to the folder that holds indicators/: schema/ in a
# repository of indicators (`kpi init` puts it there), kpi_cli/data/ in kpi's own source
SCHEMA_FOLDERS = ("schema", "kpi_cli/data")
YEAR_DIR = re.compile(r"^[0-9]{4}$")


class NoIndicators(KpiError):
    """No indicators/ folder was found, and no paths were given."""

    exit_code = 2

    def __init__(self, message: str | None = None):
        # `_(message)`: callers that still pass the English text get it translated too
        super().__init__(_(message) if message else _("no indicators/ folder here or in any parent folder"))
        self.fix = _("run kpi inside a repository with an indicators/ folder, or name the files")


def find_indicators_dir(start: Path | None = None) -> Path | None:
    """The indicators/ folder of the repository that holds `start` (default: the current folder)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if folder.name == "indicators" and (folder / "agencies.yaml").exists():
            return folder
        candidate = folder / "indicators"
        if candidate.is_dir():
            return candidate
    return None


def find_catalogue_dir(path: Path) -> Path | None:
    """The nearest folder at or above `path` that holds a catalogue (agencies.yaml or
    strategies.yaml); the other one, if missing, is then reported missing."""
    here = path.resolve()
    here = here if here.is_dir() else here.parent
    for folder in (here, *here.parents):
        if any((folder / name).is_file() for name in CATALOGUE_NAMES):
            return folder
    return None


def schema_reference(indicators: Path, folder: Path, kind: str = "indicator") -> str | None:
    """The path of the JSON Schema of `kind` (indicator, agencies, strategies) from `folder`, for the
    `$schema` line of a new file there, in the repository whose indicators/ folder is `indicators`:
    the first of SCHEMA_FOLDERS that holds it; None when neither does (the line is left out rather
    than pointing at nothing)."""
    top = indicators.absolute().parent
    for sub in SCHEMA_FOLDERS:
        target = top / sub / f"{kind}.schema.json"
        if target.is_file():
            return Path(os.path.relpath(target, folder.absolute())).as_posix()
    return None


def display_path(path: Path) -> str:
    try:
        return printable(os.path.relpath(path))
    except ValueError:  # another drive on Windows
        return printable(str(path))


def printable(text: str) -> str:
    """`text` with the bytes of a file name that is not UTF-8 (Python holds them as lone
    surrogates, which no terminal or JSON encoder accepts) written as \\xff escapes."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that stands for no byte
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
