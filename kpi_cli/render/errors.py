"""What can go wrong making a report: every error is a :class:`~kpi_cli.core.problems.KpiError`
with the fix to show, which the CLI turns into a message and an exit code. Nothing here imports
jinja2 until a template error is to be explained."""

from __future__ import annotations

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import KpiError


class RenderError(KpiError):
    """A report could not be made; `fix` says what to do."""

    def __init__(self, message: str, fix: str | None = None, exit_code: int = 1):
        super().__init__(message)
        self.fix = fix
        self.exit_code = exit_code

    def __reduce__(self):  # raised in a worker process of `kpi render --all`: keep the fix
        return type(self), (str(self), self.fix, self.exit_code)


class OutsideSite(RenderError):
    """A page of the site would land outside the folder of the site: nothing is written there."""


class PdfUnavailable(RenderError):
    """WeasyPrint or the Thai font is missing: no PDF rather than one with boxes for Thai."""


def _where(exc: BaseException, name: str) -> str:
    """'templates/indicator.txt:12': the template line `exc` was raised at (the innermost, when
    templates include or call each other), else the template's name."""
    from kpi_cli.io.paths import display_path

    line = getattr(exc, "lineno", None)
    where = getattr(exc, "filename", None) or getattr(exc, "name", None)
    tb = exc.__traceback__
    while tb is not None:  # Jinja rewrites the frames of templates: their file and line
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            where, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    shown = display_path(str(where)) if where else name
    return f"{shown}:{line}" if line else shown


def _limits_fix() -> str:
    return _("templates run within limits (docs/reports.md, Template limits): make less, loop less, nest less")


def template_error(exc, name: str) -> RenderError:
    """A jinja2.TemplateError `exc` raised by the template `name`, as a RenderError that says where."""
    import jinja2
    from jinja2.sandbox import SecurityError

    from kpi_cli.render.limits import TemplateLimit

    at = _where(exc, name)
    if isinstance(exc, jinja2.TemplateNotFound):
        return RenderError(_("no template '{name}'").format(name=exc.name),
                           fix=_("name a template of the shipped set (see docs/reports.md) or put it in "
                                 "--templates DIR"))
    if isinstance(exc, jinja2.UndefinedError):
        return RenderError(f"{at}: {exc.message}",
                           fix=_("use only the fields of the report context listed in docs/reports.md"))
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return RenderError(_("{at}: template syntax error: {error}").format(at=at, error=exc.message),
                           fix=_("correct the template"))
    if isinstance(exc, TemplateLimit):
        return RenderError(_("{at}: beyond the limits of a template: {error}").format(at=at, error=exc),
                           fix=_limits_fix())
    if isinstance(exc, SecurityError):
        return RenderError(_("{at}: not allowed in a template: {error}").format(at=at, error=exc),
                           fix=_("templates run in a sandbox: use the report context, not Python internals"))
    return RenderError(f"{at}: {exc}", fix=_("correct the template"))


def template_failure(exc: BaseException, name: str) -> RenderError:
    """A Python error raised while the template `name` ran (a filter given the wrong kind of value,
    recursion too deep, memory exhausted), as a RenderError at the template's line."""
    if isinstance(exc, RecursionError):
        return RenderError(_("{at}: the template nests too deep, or calls or includes itself without end").format(
            at=_where(exc, name)),
                           fix=_limits_fix())
    if isinstance(exc, MemoryError):
        return RenderError(_("{at}: the template needs more memory than there is").format(at=_where(exc, name)),
                           fix=_limits_fix())
    return RenderError(f"{_where(exc, name)}: {type(exc).__name__}: {exc}",
                       fix=_("check the values given to filters there (docs/reports.md lists them)"))
