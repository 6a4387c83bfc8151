"""PDF engines side by side on the seed's report: is the PDF's text layer the Thai that was written?

    python bench/pdf_engines.py                 # all engines found here; PNGs in /tmp/kpi-pdf-engines
    python bench/pdf_engines.py --runs 5 --out DIR

The same HTML report (`kpi render 0406-0772 -f html`) through:

  weasyprint-laksaman     WeasyPrint as it comes, in Laksaman (apt fonts-tlwg-laksaman): kpi before issue 17
  weasyprint-sarabun      WeasyPrint as it comes, in Sarabun (pip fontpkg-sarabun, by @font-face)
  kpi (weasyprint+at)     kpi_cli.render.pdf: WeasyPrint, Sarabun, each line's ActualText, tagged
  chromium-sarabun        headless Chromium's --print-to-pdf, in Sarabun (by @font-face)

and measures, for each: the Thai paragraphs of the source (tests/pdf_text.py: every text of the
indicator file that the report prints, with the catalogues' lines) found exactly in `pdftotext`'s
output, the three phrases of the issue, the same paragraphs in pypdf's extract_text (a reader that
ignores ActualText and reads the glyphs' ToUnicode map), pages, tagged or not, the fonts embedded, the render time
(median of --runs: WeasyPrint in this process; Chromium and `kpi render` as whole commands), and
where lines between two Thai letters break (listed, for a person to judge). The pages are written
as PNG (pdftoppm -r 60) for a person to look at the shaping. Then the install cost: the size of
each engine's packages as installed here. Prints Markdown. Measurements, not tests: nothing fails.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "indicators" / "2564" / "0406-0772.yaml"
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from pdf_text import found_exactly, page_text, report_paragraphs  # noqa: E402

PHRASES = ["สำนักงานปกครองและทะเบียน", "ตัวชี้วัด", "ความสำเร็จในการเสนอนวัตกรรม"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
ENV = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def seed_html() -> str:
    done = subprocess.run([sys.executable, "-m", "kpi_cli", "render", "0406-0772", "-f", "html"], cwd=REPO,
                          env=ENV, capture_output=True, text=True, check=True)
    return done.stdout


def with_faces(html: str) -> str:
    from kpi_cli.render.pdf import font_face_css, font_files

    return html.replace("<style>", "<style>\n" + font_face_css(font_files()), 1)


def timed(make, runs: int) -> tuple[bytes, float]:
    times, data = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        data = make()
        times.append(time.perf_counter() - start)
    return data, statistics.median(times)


def weasyprint_plain(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(REPO)).write_pdf()


def chromium(html: str, scratch: Path) -> bytes:
    page, pdf = scratch / "page.html", scratch / "chromium.pdf"
    page.write_text(html, encoding="utf-8")
    pdf.unlink(missing_ok=True)
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    f"--user-data-dir={scratch / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    return pdf.read_bytes()


def kpi_command(scratch: Path) -> bytes:
    out = scratch / "kpi.pdf"
    subprocess.run([sys.executable, "-m", "kpi_cli", "render", "0406-0772", "-f", "pdf", "-o", str(out)],
                   cwd=REPO, env=ENV, capture_output=True, check=True, timeout=300)
    return out.read_bytes()


def measure(name: str, pdf: bytes, seconds: float, out: Path, paragraphs) -> dict:
    from io import BytesIO

    from pypdf import PdfReader

    path = out / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flowing = page_text(text)
    missed = [where for where, paragraph in paragraphs if not found_exactly(paragraph, flowing)]
    reader = PdfReader(BytesIO(pdf))
    glyphs = page_text("\f".join(page.extract_text() for page in reader.pages))  # pypdf: no ActualText
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(re.sub(r"^[A-Z]{6}\+", "", str(font.get_object()["/BaseFont"])).lstrip("/"))
    for old in out.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(out / name)], check=True)
    lines = [ln.strip() for ln in flowing.splitlines() if ln.strip()]
    wraps = [f"{a[-8:]}|{b[:8]}" for a, b in zip(lines, lines[1:])
             if re.search("[\u0e00-\u0e7f]$", a) and re.match("[\u0e01-\u0e2e]", b)]
    return {"engine": name, "found": len(paragraphs) - len(missed), "of": len(paragraphs), "missed": missed,
            "glyphs": sum(found_exactly(paragraph, glyphs) for _where, paragraph in paragraphs),
            "phrases": sum(p in text for p in PHRASES), "pages": len(reader.pages),
            "tagged": "/StructTreeRoot" in reader.trailer["/Root"], "fonts": ", ".join(sorted(fonts)),
            "seconds": seconds, "wraps": wraps, "size": len(pdf)}


def dist_size(names: list[str]) -> tuple[int, list[str]]:
    """Bytes installed by the distributions `names` and everything they require (installed here)."""
    seen, todo, total = set(), list(names), 0
    while todo:
        name = re.split(r"[ ;<>=!~\[(]", todo.pop())[0].lower().replace("_", "-")
        if not name or name in seen:
            continue
        seen.add(name)
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        total += sum((f.size or 0) for f in (dist.files or ()))
        todo += [r for r in (dist.requires or ()) if "extra ==" not in r]
    return total, sorted(seen)


def apt_size(packages: list[str]) -> int | None:
    """Installed-Size of the Debian packages (their own files, not their dependencies), in bytes."""
    if not shutil.which("dpkg-query"):
        return None
    done = subprocess.run(["dpkg-query", "-W", "-f", "${Installed-Size}\n", *packages], capture_output=True, text=True)
    sizes = [int(s) for s in done.stdout.split() if s.isdigit()]
    return sum(sizes) * 1024 if sizes else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "kpi-pdf-engines")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    paragraphs = report_paragraphs(SEED)
    html = seed_html()
    from kpi_cli.render.pdf import pdf_bytes  # kpi's engine

    results = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        laksaman = subprocess.run(["fc-list", "Laksaman", "family"], capture_output=True, text=True).stdout
        if laksaman.strip():
            old = html.replace("Sarabun, sans-serif", "Laksaman, sans-serif")
            results.append(measure("weasyprint-laksaman", *timed(lambda: weasyprint_plain(old), args.runs),
                                   args.out, paragraphs))
        sarabun = with_faces(html)
        results.append(measure("weasyprint-sarabun", *timed(lambda: weasyprint_plain(sarabun), args.runs),
                               args.out, paragraphs))
        results.append(measure("kpi", *timed(lambda: pdf_bytes(html, base_url=str(REPO)), args.runs),
                               args.out, paragraphs))
        if CHROMIUM:
            results.append(measure("chromium-sarabun", *timed(lambda: chromium(sarabun, scratch), args.runs),
                                   args.out, paragraphs))
        _data, command = timed(lambda: kpi_command(scratch), args.runs)

    print(f"Seed report, {len(paragraphs)} Thai paragraphs; median of {args.runs} runs; pages as PNG in {args.out}\n")
    print("| engine | paragraphs exact (pdftotext) | the issue's 3 phrases | paragraphs exact (pypdf) | pages | tagged "
          "| fonts | time | PDF size |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['engine']} | {r['found']} / {r['of']} | {r['phrases']} / 3 | {r['glyphs']} / {r['of']} | "
              f"{r['pages']} | "
              f"{'yes' if r['tagged'] else 'no'} | {r['fonts']} | {r['seconds']:.2f} s | {r['size'] // 1024} KB |")
    print(f"\n`kpi render 0406-0772 -f pdf -o FILE`, the whole command: {command:.2f} s\n")
    for r in results:
        if r["missed"]:
            print(f"{r['engine']} misses: {', '.join(r['missed'])}")
    same_font = [r for r in results if r["engine"] in ("kpi", "chromium-sarabun")]  # Sarabun, text exact
    if len(same_font) > 1:
        print("\nLine ends between two Thai letters (Sarabun), where the engines differ (judge them by eye):")
        for r in same_font:
            others = set().union(*(set(o["wraps"]) for o in same_font if o is not r))
            print(f"- {r['engine']}: {len(r['wraps'])} in all; only here: "
                  + (", ".join(w for w in r["wraps"] if w not in others) or "none"))
    print("\nInstall cost, as installed here:")
    pip_bytes, pip_names = dist_size(["weasyprint"])
    font_bytes, _names = dist_size(["fontpkg-sarabun"])
    print(f"- pip weasyprint with its requirements ({len(pip_names)} distributions): {pip_bytes / 2**20:.1f} MB; "
          f"fontpkg-sarabun with fontpkg: {font_bytes / 2**20:.1f} MB")
    for label, packages in (("apt Pango, HarfBuzz subset (WeasyPrint)", ["libpango-1.0-0", "libpangoft2-1.0-0",
                                                                       "libharfbuzz-subset0"]),
                            ("apt fonts-tlwg-laksaman", ["fonts-tlwg-laksaman"]),
                            ("apt chromium, chromium-common (not counting their libraries)",
                             ["chromium", "chromium-common"])):
        size = apt_size(packages)
        print(f"- {label}: " + (f"{size / 2**20:.1f} MB" if size else "not installed"))


if __name__ == "__main__":
    main()
