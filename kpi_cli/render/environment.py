"""The one Jinja environment of kpi (:func:`make_environment`): sandboxed and bounded
(`kpi_cli/render/limits.py`), StrictUndefined, autoescape, the Thai filters; where templates are
found, and rendering one with errors that name the template line.

Templates are looked up by name in, first to last: the ``--templates`` folder, the repository's
own ``templates/`` folder (beside ``indicators/``), and the shipped ``kpi_cli/templates``.

This module imports jinja2 at the top: only `kpi render` imports it, never `kpi validate`.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from kpi_cli.core.i18n import _
from kpi_cli.io.source import read_bounded
from kpi_cli.render.context import QUARTERS
from kpi_cli.render.errors import RenderError, template_error, template_failure
from kpi_cli.render.filters import FILTERS, finalize_for
from kpi_cli.render.limits import BoundedSandbox
from kpi_cli.render.pdf import PDF_FONT

SHIPPED_TEMPLATES = Path(__file__).parent.parent / "templates"
FORMATS = ("txt", "md", "html", "pdf")
_EXT = {"txt": "txt", "md": "md", "html": "html", "pdf": "html"}  # pdf is HTML through WeasyPrint
SITE_TITLE = "ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง"  # the footer of the BMA pages
MAX_TEMPLATE_BYTES = 1024 * 1024  # the shipped indicator.html is 6 KB


class _FolderLoader(jinja2.BaseLoader):
    """Templates by name from folders, first match wins. A name never leads outside its folder:
    '..' is refused, and so is a link that points elsewhere."""

    def __init__(self, folders: list[Path]):
        self.folders = folders

    def get_source(self, environment, template):
        pieces = split_template_path(template)  # TemplateNotFound for '..' and path separators
        for folder in self.folders:
            root = folder.resolve()
            path = root.joinpath(*pieces)
            if not path.is_file():
                continue
            real = path.resolve()
            if not real.is_relative_to(root):
                continue
            mtime = real.stat().st_mtime
            return _read_template(real), str(real), lambda: real.stat().st_mtime == mtime
        raise jinja2.TemplateNotFound(template)

    def list_templates(self):
        names = set()
        for folder in self.folders:
            if folder.is_dir():
                names.update(p.name for p in folder.iterdir() if p.is_file())
        return sorted(names)


def _read_template(path: Path) -> str:
    """The text of a template file: a regular file of at most MAX_TEMPLATE_BYTES, in UTF-8."""
    try:
        return read_bounded(path, MAX_TEMPLATE_BYTES).decode("utf-8")
    except OSError as exc:
        raise jinja2.TemplateError(_("cannot read the template {path}: {reason}").format(
            path=path, reason=exc.strerror or exc)) from None
    except UnicodeDecodeError as exc:
        raise jinja2.TemplateError(_("the template {path} is not UTF-8 text (byte {at})").format(
            path=path, at=exc.start)) from None


def template_folders(templates: Path | None = None, repo_templates: Path | None = None) -> list[Path]:
    """Where templates are looked up, first to last, without repeats (this checkout's templates/
    is the shipped folder itself)."""
    if templates is not None and not templates.is_dir():
        raise RenderError(_("--templates {folder}: no such folder").format(folder=templates),
                          fix=_("name a folder of templates"), exit_code=2)
    folders: list[Path] = []
    for folder in (templates, repo_templates, SHIPPED_TEMPLATES):
        if folder is not None and folder.is_dir() and all(folder.resolve() != f.resolve() for f in folders):
            folders.append(folder)
    return folders


def make_environment(fmt: str = "html", *, templates: Path | None = None, repo_templates: Path | None = None,
                     thai_digits: bool = False) -> BoundedSandbox:
    """The one Jinja environment of kpi: sandboxed, StrictUndefined, autoescape for HTML, the
    Thai filters, and Thai digits throughout when asked."""
    if fmt not in FORMATS:
        raise RenderError(_("unknown format '{format}'").format(format=fmt),
                          fix=_("use one of {formats}").format(formats=", ".join(FORMATS)), exit_code=2)
    env = BoundedSandbox(
        loader=_FolderLoader(template_folders(templates, repo_templates)),
        autoescape=fmt != "txt",  # Markdown: see finalize_for
        undefined=jinja2.StrictUndefined,
        finalize=finalize_for(fmt, thai_digits),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.add_filters(FILTERS)
    # `dash`: the page's "-" for an empty section, as a value so that Markdown escapes it
    env.globals.update(quarters=QUARTERS, site_title=SITE_TITLE, pdf_font=PDF_FONT, dash="-")
    return env


def template_name(kind: str, fmt: str) -> str:
    """'indicator', 'html' -> 'indicator.html'; PDF uses the HTML templates."""
    return f"{kind}.{_EXT[fmt]}"


def render_template(env: BoundedSandbox, name: str, **context) -> str:
    """The template `name` rendered with `context`, within the bounds of the sandbox; any failure
    is a RenderError that names the template and its line."""
    try:
        return env.render_output(env.get_template(name), context)
    except jinja2.TemplateError as exc:
        raise template_error(exc, name) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError, RecursionError,
            MemoryError) as exc:
        raise template_failure(exc, name) from None


def render_template_chunks(env: BoundedSandbox, name: str, **context):
    """:func:`render_template` a piece at a time (:meth:`BoundedSandbox.render_chunks`), with the
    same errors."""
    try:
        yield from env.render_chunks(env.get_template(name), context)
    except jinja2.TemplateError as exc:
        raise template_error(exc, name) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError, RecursionError,
            MemoryError) as exc:
        raise template_failure(exc, name) from None


def repo_templates_for(indicators_dir: Path | None) -> Path | None:
    """The repository's own templates/ folder, beside indicators/."""
    if indicators_dir is None:
        return None
    folder = indicators_dir.resolve().parent / "templates"
    return folder if folder.is_dir() else None
