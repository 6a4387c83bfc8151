"""One report: :class:`Renderer` renders the indicator report, an agency summary or the index
in one format (txt, md, html; pdf is the HTML) with one set of templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpi_cli.core.model import Indicator
from kpi_cli.io.source import read_bounded
from kpi_cli.render.context import Href, Output, indicator_report
from kpi_cli.render.environment import (MAX_TEMPLATE_BYTES, make_environment, render_template,
                                        render_template_chunks, template_folders, template_name)
from kpi_cli.render.paths import forget_folders


@dataclass
class Renderer:
    """Renders reports in one format with one set of templates."""

    fmt: str = "txt"
    thai_digits: bool = False
    templates: Path | None = None
    repo_templates: Path | None = None

    def __post_init__(self):
        forget_folders()  # one command, one Renderer: folders are resolved afresh
        self.env = make_environment(self.fmt, templates=self.templates, repo_templates=self.repo_templates,
                                    thai_digits=self.thai_digits)

    def fingerprint(self) -> str:
        """What a page depends on besides its indicator: the format, the digits, and every
        template file that could be used (its name and content)."""
        import hashlib

        h = hashlib.sha256(f"{self.fmt} {self.thai_digits}".encode())
        for folder in template_folders(self.templates, self.repo_templates):
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    h.update(f"{path.relative_to(folder)}\0".encode("utf-8", "surrogatepass"))
                    h.update(_digest(path))
            h.update(b"\0")
        return h.hexdigest()

    def output(self, *, site: bool = False, depth: int = 0) -> Output:
        ext = "md" if self.fmt == "md" else "html"
        return Output(self.fmt, self.thai_digits, site, Href("../" * depth), ext)

    def render(self, kind: str, output: Output, **context) -> str:
        return render_template(self.env, template_name(kind, self.fmt), output=output, **context)

    def render_chunks(self, kind: str, output: Output, **context):
        """The same text as :meth:`render`, as UTF-8 bytes a piece at a time (a large page)."""
        for text in render_template_chunks(self.env, template_name(kind, self.fmt), output=output, **context):
            yield text.encode("utf-8")

    def indicator(self, ind: Indicator, catalogues, *, source: str = "") -> str:
        out = self.output()
        return self.render("indicator", out, report=indicator_report(ind, catalogues, source=source, output=out))


def _digest(path: Path) -> bytes:
    """A template file's SHA-256; for one kpi will not read (too large, unreadable: its rendering
    fails), its size and time instead."""
    import hashlib

    try:
        return hashlib.sha256(read_bounded(path, MAX_TEMPLATE_BYTES)).digest()
    except OSError:
        try:
            st = path.stat()
        except OSError:
            return b"-"
        return f"{st.st_size} {st.st_mtime_ns}".encode()
