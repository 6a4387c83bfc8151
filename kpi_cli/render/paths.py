"""Where things are: the page of an indicator in a site, the file of a page inside the site's
folder (never outside it), an indicator file's name as the repository sees it, and where
`kpi render -o` may write (:func:`report_file`, :func:`site_folder`): never over a YAML file,
never inside an indicators/ folder, a folder's report named by what it reports, an extension
that fits the format.

Folders are resolved through a memo that lives for one site or one report (:func:`forget_folders`
starts afresh): a thousand pages share a few folders.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kpi_cli.core.i18n import _
from kpi_cli.io.paths import find_indicators_dir
from kpi_cli.render.errors import OutsideSite, RenderError


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


# --- where `kpi render -o` writes ------------------------------------------------------------

REPORT_SUFFIXES = {"txt": (".txt",), "md": (".md", ".markdown"), "html": (".html", ".htm"), "pdf": (".pdf",)}
_YAML = (".yaml", ".yml")


class OutputRefused(RenderError):
    """`-o` names a place kpi render does not write (a YAML file, the indicators/ folder, a file
    whose extension is not the format's): nothing was written. A usage error."""

    def __init__(self, message: str, fix: str | None = None, exit_code: int = 2):
        super().__init__(message, fix, exit_code)


def names_folder(output: str) -> bool:
    """`-o PATH/` (a trailing slash) or an existing folder: the report goes inside it."""
    return output.endswith(("/", os.sep)) or os.path.isdir(output)


def _special(path: str) -> bool:
    """A device, a FIFO or a socket that exists: written in place, whatever its name."""
    return os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path)


def _all_suffixes() -> str:
    return ", ".join(s for suffixes in REPORT_SUFFIXES.values() for s in suffixes)


def format_from_suffix(output: str) -> str | None:
    """The format the extension of `-o FILE` names (.md: md); None for a folder, a name without an
    extension or a device. OutputRefused for an extension that is no report's."""
    if names_folder(output) or _special(output):
        return None
    suffix = Path(output).suffix.lower()
    if not suffix or suffix in _YAML:  # a YAML file is refused, with its reason, by report_file
        return None
    for fmt, suffixes in REPORT_SUFFIXES.items():
        if suffix in suffixes:
            return fmt
    raise OutputRefused(_("-o {path}: no report format has the extension {suffix}").format(path=output, suffix=suffix),
                        fix=_("end the name in one of {suffixes}, or choose the format with --format").format(
                            suffixes=_all_suffixes()))


def _indicators_roots(path: Path) -> set[str]:
    """The indicators/ folders that `path` could be inside: the current repository's and the one
    above `path` itself (resolved)."""
    here = Path(os.path.realpath(path))
    while not here.exists() and here != here.parent:
        here = here.parent
    roots = {find_indicators_dir(), find_indicators_dir(here if here.is_dir() else here.parent)}
    return {os.path.realpath(root) for root in roots if root is not None}


def _refuse_indicators(path: Path, shown: str, fix: str) -> None:
    """OutputRefused when `path` (resolved) is an indicators/ folder or inside one."""
    real = Path(os.path.realpath(path))
    for root in _indicators_roots(path):
        if real == Path(root) or real.is_relative_to(root):
            raise OutputRefused(
                _("-o {path} is in the indicators folder {folder}: kpi render writes nothing there").format(
                    path=shown, folder=root), fix=fix)


def report_file(output: str, fmt: str, name: str, sources: tuple[Path, ...] = ()) -> Path:
    """The file `kpi render -o OUTPUT` writes the report `name` (a code, an agency, 'index') into:

    * `OUTPUT/` or an existing folder: `OUTPUT/<name>.<ext>`;
    * never a .yaml or .yml file, never inside an indicators/ folder (links resolved), never one
      of `sources` (the files the report is made of);
    * a file whose extension is not the format's is refused (a device or a FIFO keeps its name).
    """
    if not re.fullmatch(r"\w[\w.-]*", name):  # codes are digits: a name from elsewhere never leads out
        name = "report"
    path = Path(output) / f"{name}{REPORT_SUFFIXES[fmt][0]}" if names_folder(output) else Path(output)
    shown = str(path)
    real = Path(os.path.realpath(path))
    if path.suffix.lower() in _YAML or real.suffix.lower() in _YAML:
        raise OutputRefused(_("-o {path}: kpi render never writes over a YAML file (indicators and catalogues "
                              "are YAML)").format(path=shown),
                            fix=_("name a report file: -o {name}{suffix}").format(name=name,
                                                                                suffix=REPORT_SUFFIXES[fmt][0]))
    _refuse_indicators(path, shown, _("write it outside that folder: -o reports/"))
    if real.exists() and any(source.exists() and os.path.samefile(real, source) for source in sources):
        raise OutputRefused(_("-o {path} is the file the report is made from").format(path=shown),
                            fix=_("write the report to another file: -o {name}{suffix}").format(
                                name=name, suffix=REPORT_SUFFIXES[fmt][0]))
    suffix = path.suffix.lower()
    if suffix and suffix not in REPORT_SUFFIXES[fmt] and not _special(str(path)):
        raise OutputRefused(
            _("-o {path}: {suffix} is not the extension of a {format} report").format(path=shown, suffix=suffix,
                                                                                      format=fmt),
            fix=_("end the name in {suffixes}, or choose the format that fits it with --format").format(
                suffixes=_(" or ").join(REPORT_SUFFIXES[fmt])))
    return path


def site_folder(folder: Path) -> Path:
    """The folder of `kpi render --all -o FOLDER`: never an indicators/ folder or inside one."""
    _refuse_indicators(folder, str(folder), _("write the site outside that folder: -o site/"))
    return folder
