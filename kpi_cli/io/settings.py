"""kpi.toml: what a repository of indicators says about the kpi it is written for.

`kpi init` writes it at the repository's top, beside indicators/:

    [kpi]
    version = "0.4.0"                 # the kpi release the files, hooks and checks are written for
    install = "kpi-cli[pdf]==0.4.0"   # how the workflow (and people) install it, for pip

`kpi validate` compares `version` with itself and warns when they differ; the workflow installs
`install`. Light on purpose (the standard library's tomllib, nothing of kpi's models).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kpi_cli.io.source import read_bounded

FILE_NAME = "kpi.toml"
MAX_BYTES = 64 * 1024  # a few lines; anything larger is not a kpi.toml


@dataclass(frozen=True)
class Settings:
    path: Path
    version: str | None  # the kpi version the repository expects
    install: str | None  # the requirement (or git URL) that installs it


class SettingsUnreadable(Exception):
    """kpi.toml exists but cannot be read as one (the reason is the message)."""


def settings_path(indicators: Path) -> Path:
    """Where kpi.toml of the repository whose indicators/ folder is `indicators` is."""
    return indicators.parent / FILE_NAME


def read_settings(indicators: Path) -> Settings | None:
    """The kpi.toml beside the indicators/ folder `indicators`; None when there is none (kpi's own
    repository, or one made before `kpi init`). SettingsUnreadable when it is not a usable kpi.toml."""
    path = settings_path(indicators)
    if not path.is_file() or path.is_symlink():
        return None
    try:
        doc = tomllib.loads(read_bounded(path, MAX_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise SettingsUnreadable(str(exc)) from None
    table = doc.get("kpi")
    if not isinstance(table, dict):
        raise SettingsUnreadable("no [kpi] table")
    version, install = table.get("version"), table.get("install")
    if not isinstance(version, (str, type(None))) or not isinstance(install, (str, type(None))):
        raise SettingsUnreadable("version and install are text")
    return Settings(path, version, install)


def render_settings(version: str, install: str) -> str:
    """The text of a kpi.toml that pins kpi `version`, installed by pip as `install`."""
    return (
        "# The kpi this repository of indicators is written for. `kpi validate` warns when it runs\n"
        "# another version; the workflow (.github/workflows/indicators.yml) installs `install`.\n"
        "# To upgrade kpi, in one pull request: change both lines and the pin in .pre-commit-config.yaml,\n"
        "# refresh schema/ (kpi schema), run `kpi validate` with the new kpi (kpi's docs/pull-requests.md).\n"
        "[kpi]\n"
        f"version = {json.dumps(version)}\n"  # a JSON string is a TOML basic string
        f"install = {json.dumps(install)}\n")
