"""The PDF format: the HTML report through WeasyPrint, in Sarabun (the family of Thai official
documents, shipped on PyPI as ``fontpkg-sarabun``), with a text layer that gives the Thai back
exactly and a tagged structure; or no PDF at all.

The font is not looked up through fontconfig: its files are found inside the Python package and
named by an ``@font-face`` rule made at render time, so ``pip install 'kpi-cli[pdf]'`` is all a
PDF needs (with the Pango libraries WeasyPrint draws with).

The text layer: WeasyPrint maps each glyph to one text (the PDF's ToUnicode map), which cannot
hold Thai: Sarabun draws sara am (ำ) as nikhahit plus the glyph of sara aa (า), and stacks tone
marks with a text rise that text extractors read as another line. So while WeasyPrint draws,
each line of text is wrapped in a marked-content span whose ``ActualText`` is that line's text,
as browsers do for such clusters: `pdftotext`, search, copy and screen readers read it instead
of the glyphs (docs/reports.md, "PDF", measures it).

WeasyPrint and the font package are imported inside the functions only: no other command loads them.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from kpi_cli.core.i18n import N_, _
from kpi_cli.render.errors import PdfUnavailable

PDF_FONT = "Sarabun"
FONT_PACKAGE = "fontpkg_sarabun"
# (file name part, CSS font-weight, CSS font-style): the faces the stylesheet can ask for
FONT_FACES = (("Regular", 400, "normal"), ("Bold", 700, "normal"),
              ("Italic", 400, "italic"), ("BoldItalic", 700, "italic"))
MIN_WEASYPRINT = 66  # pdf_tags; draw_first_line as the one place lines of text are drawn

# what to install, translated where shown (the commands stay as they are)
PDF_INSTALL = N_("pip install 'kpi-cli[pdf]'  (WeasyPrint and the Sarabun font)")
FONT_INSTALL = N_("pip install 'kpi-cli[pdf]'  (or: pip install fontpkg-sarabun, the Sarabun font)")
PANGO_INSTALL = N_("sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  "
                   "(Debian/Ubuntu; the libraries WeasyPrint draws with)")
UPGRADE = N_("pip install --upgrade 'kpi-cli[pdf]'")


def font_files() -> dict[tuple[int, str], Path] | None:
    """Sarabun's files by (weight, style), from the package fontpkg-sarabun; None when the
    package or one of its files is missing."""
    from importlib.util import find_spec

    try:
        spec = find_spec(FONT_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "files"
    files = {(weight, style): folder / f"{PDF_FONT}-{name}.ttf" for name, weight, style in FONT_FACES}
    return files if all(path.is_file() for path in files.values()) else None


def font_face_css(files: dict[tuple[int, str], Path]) -> str:
    """The @font-face rules that name Sarabun's files for WeasyPrint, and Sarabun as the font of a
    page whose own stylesheet names none (a user stylesheet: the page's own rules win)."""
    faces = [f'@font-face {{ font-family: {PDF_FONT}; src: url("{path.resolve().as_uri()}") format("truetype"); '
             f"font-weight: {weight}; font-style: {style}; }}"
             for (weight, style), path in files.items()]
    return "\n".join([*faces, f"html {{ font-family: {PDF_FONT}, sans-serif; }}"])


def check_pdf_ready() -> dict[tuple[int, str], Path]:
    """Sarabun's files; PdfUnavailable, with what to install, when WeasyPrint (recent enough) or
    the font is missing."""
    try:
        import weasyprint
    except ImportError:
        raise PdfUnavailable(_("PDF output needs WeasyPrint, which is not installed"), fix=_(PDF_INSTALL)) from None
    except OSError as exc:  # WeasyPrint is there but Pango is not
        raise PdfUnavailable(_("WeasyPrint cannot start: {error}").format(error=exc),
                             fix=_(PANGO_INSTALL)) from None
    version = str(getattr(weasyprint, "__version__", "0"))
    major = version.split(".")[0]
    if not major.isdigit() or int(major) < MIN_WEASYPRINT:
        raise PdfUnavailable(_("WeasyPrint {version} is too old for kpi's PDF: it needs version {minimum} or later")
                             .format(version=version, minimum=MIN_WEASYPRINT), fix=_(UPGRADE))
    files = font_files()
    if files is None:
        raise PdfUnavailable(_("the Thai font {font} is not installed: the PDF would show boxes for Thai").format(
            font=PDF_FONT), fix=_(FONT_INSTALL))
    return files


def _line_text(layout) -> str:
    """The text of the first line of a WeasyPrint layout: the line draw_first_line draws."""
    text = layout.text
    _first, index = layout.get_first_line()  # where the second line starts, in UTF-8 bytes
    if index is not None:
        text = text.encode("utf-8")[:index].decode("utf-8", errors="ignore")
    return text.rstrip("\r\n\u2028\u2029")


@contextmanager
def _actual_text():
    """While WeasyPrint draws: each line of text in a marked-content span whose ActualText is the
    line's text (PDF 32000-1 14.9.4). Yields a list of the spans written, None for a line whose
    text could not be read (a WeasyPrint whose layouts differ)."""
    import pydyf
    from weasyprint.draw import text as drawing

    original = drawing.draw_first_line
    spans: list[int | None] = []

    def draw_first_line(stream, textbox, *args, **kwargs):
        start = len(stream.stream)
        drawn = original(stream, textbox, *args, **kwargs)
        if len(stream.stream) == start:  # nothing drawn: blank, or too small to see
            return drawn
        try:
            text = _line_text(textbox.pango_layout)
        except (AttributeError, TypeError, ValueError):
            spans.append(None)
            return drawn
        if text.strip("\u200b"):  # a <wbr> between two words is no text of the report
            stream.stream[start:start] = [b"/Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}), b"BDC"]
            stream.stream.append(b"EMC")
            spans.append(len(text))
        return drawn

    drawing.draw_first_line = draw_first_line
    try:
        yield spans
    finally:
        drawing.draw_first_line = original


def pdf_bytes(html: str, base_url: str | None = None) -> bytes:
    """The HTML report as an A4 PDF in Sarabun, tagged, its text layer the text of the report.
    Refuses (PdfUnavailable) rather than write Thai as boxes or as text that reads back wrong."""
    files = check_pdf_ready()
    import logging

    import weasyprint
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    font_config = FontConfiguration()
    faces = CSS(string=font_face_css(files), font_config=font_config)
    from kpi_cli.render.words import words_in_html

    # the templates' own Thai in whole words too: WeasyPrint's line breaking knows no Thai words
    document = HTML(string=words_in_html(html), base_url=base_url or os.getcwd()).render(
        font_config=font_config, stylesheets=[faces], pdf_tags=True)
    with _actual_text() as spans:
        data = document.write_pdf(pdf_tags=True)
    fonts = list(document.fonts.values())
    missing = sorted({chr(c) for f in fonts for c in (f.missing or ())})
    if missing:
        raise PdfUnavailable(
            _("no font has glyphs for {characters}: the PDF would show boxes, so none was written").format(
                characters=repr("".join(missing[:20]))), fix=_(FONT_INSTALL))
    thai = any("\u0e00" <= ch <= "\u0e7f" for ch in html)
    if thai and not any(str(f.family) == PDF_FONT for f in fonts):
        used = ", ".join(sorted({str(f.family) for f in fonts})) or _("none")
        raise PdfUnavailable(_("the Thai text was not set in {font} (fonts used: {fonts})").format(
            font=PDF_FONT, fonts=used), fix=_("name only {font} in the stylesheet's font-family").format(font=PDF_FONT))
    if (fonts and not spans) or None in spans:  # text drawn past the hook: this WeasyPrint draws otherwise
        raise PdfUnavailable(_("WeasyPrint {version} draws text in a way kpi does not know: the PDF's text "
                               "would not read back as the Thai written").format(version=weasyprint.__version__),
                             fix=_(UPGRADE))
    return data
