"""Where things are: the page of an indicator in a site, the file of a page inside the site's
folder (never outside it), and an indicator file's name as the repository sees it.

Folders are resolved through a memo that lives for one site or one report (:func:`forget_folders`
starts afresh): a thousand pages share a few folders.
"""

from __future__ import annotations

import os
from pathlib import Path

from kpi_cli.core.i18n import _
from kpi_cli.render.errors import OutsideSite


def indicator_path(fiscal_year: int, code: str, ext: str) -> str:
    """2564/0406-0772.html: an indicator's page, relative to the site's root."""
    return f"{fiscal_year}/{code}.{ext}"


_REAL: dict[str, str] = {}  # folder -> its real path, for the pages of one site


def _real(folder: str) -> str:
    """The real path of `folder`, remembered (by its absolute path) for the rest of one site or
    page: every Renderer and every site starts afresh."""
    folder = os.path.abspath(folder)
    real = _REAL.get(folder)
    if real is None:
        real = os.path.realpath(folder)
        if os.path.isdir(real):  # remember folders that exist: the answer cannot change under us
            _REAL[folder] = real
    return real


def forget_folders() -> None:
    """Resolve folders afresh: every Renderer and every site starts with an empty memo."""
    _REAL.clear()


def source_name(path: Path, indicators_dir: Path | None) -> str:
    """indicators/2564/0406-0772.yaml: the file as seen from the repository, stable across machines."""
    if indicators_dir is not None:
        try:
            real = Path(_real(str(path.parent))) / path.name if not os.path.islink(path) else path.resolve()
            return Path(indicators_dir.name, real.relative_to(_real(str(indicators_dir)))).as_posix()
        except ValueError:
            pass
    return path.name

def site_file(folder: Path, page: str) -> Path:
    """The file of the site's page `page` (a path relative to the site): inside `folder`, or OutsideSite."""
    path = folder / page
    try:
        if os.path.islink(path):
            resolved = path.resolve()
        else:  # a thousand pages share a few folders: resolve each folder once
            resolved = Path(_real(str(path.parent))) / path.name
        inside = resolved.is_relative_to(_real(str(folder)))
    except (OSError, RuntimeError):  # a loop of links
        inside = False
    if not inside or Path(page).is_absolute():
        raise OutsideSite(
            _("the page '{page}' would be written outside the site folder {folder}; nothing was written there").format(
                page=page, folder=folder),
            fix=_("codes are digits only: run `kpi validate` and correct the catalogues and files; no folder "
                  "inside {folder} may be a link to elsewhere").format(folder=folder))
    return path
