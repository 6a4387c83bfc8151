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


def template_error(exc, name: str) -> RenderError:
    """A jinja2.TemplateError `exc` raised by the template `name`, as a RenderError that says where."""
    import jinja2
    from jinja2.sandbox import SecurityError

    where = getattr(exc, "filename", None) or getattr(exc, "name", None) or name
    line = getattr(exc, "lineno", None)
    at = f"{where}:{line}" if line else str(where)
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
    if isinstance(exc, SecurityError):
        return RenderError(_("{at}: not allowed in a template: {error}").format(at=at, error=exc),
                           fix=_("templates run in a sandbox: use the report context, not Python internals"))
    return RenderError(f"{at}: {exc}", fix=_("correct the template"))
