"""The PDF format: the HTML report through WeasyPrint, in the Thai font Laksaman, or no PDF at all.

WeasyPrint is imported inside :func:`check_pdf_ready` and :func:`pdf_bytes` only: no other
command loads it.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from kpi_cli.core.i18n import N_, _
from kpi_cli.render.errors import PdfUnavailable

PDF_FONT = "Laksaman"

# what to install, translated where shown (the commands stay as they are)
PDF_INSTALL = N_("pip install 'kpi-cli[pdf]'  (or: pip install weasyprint)")
FONT_INSTALL = N_("sudo apt-get install fonts-tlwg-laksaman  (Debian/Ubuntu; the TLWG Laksaman font)")
PANGO_INSTALL = N_("sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  "
                   "(Debian/Ubuntu; the libraries WeasyPrint draws with)")


def _font_installed(family: str) -> bool | None:
    """Whether fontconfig knows `family`; None when fc-list is not there to ask."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        found = subprocess.run([fc_list, family, "family"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return any(family.lower() in line.lower() for line in found.stdout.splitlines())


def check_pdf_ready() -> None:
    """Raise PdfUnavailable, with what to install, when WeasyPrint or the Thai font is missing."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        raise PdfUnavailable(_("PDF output needs WeasyPrint, which is not installed"), fix=_(PDF_INSTALL)) from None
    except OSError as exc:  # WeasyPrint is there but Pango is not
        raise PdfUnavailable(_("WeasyPrint cannot start: {error}").format(error=exc),
                             fix=_(PANGO_INSTALL)) from None
    if _font_installed(PDF_FONT) is False:
        raise PdfUnavailable(_("the Thai font {font} is not installed: the PDF would show boxes for Thai").format(
            font=PDF_FONT), fix=_(FONT_INSTALL))


def pdf_bytes(html: str, base_url: str | None = None) -> bytes:
    """The HTML report as an A4 PDF. Refuses (PdfUnavailable) rather than write Thai as boxes."""
    check_pdf_ready()
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=base_url or os.getcwd()).render()
    data = document.write_pdf()
    fonts = list(document.fonts.values())
    missing = sorted({chr(c) for f in fonts for c in (f.missing or ())})
    if missing:
        raise PdfUnavailable(
            _("no font has glyphs for {characters}: the PDF would show boxes, so none was written").format(
                characters=repr("".join(missing[:20]))), fix=_(FONT_INSTALL))
    if any("\u0e00" <= ch <= "\u0e7f" for ch in html) and not any(f.family == PDF_FONT for f in fonts):
        used = ", ".join(sorted({str(f.family) for f in fonts})) or _("none")
        raise PdfUnavailable(_("the Thai text was not set in {font} (fonts used: {fonts})").format(
            font=PDF_FONT, fonts=used), fix=_(FONT_INSTALL))
    return data
