"""`kpi render`: golden reports of the seed, the seed page's sections and figures, Thai digits,
escaping, the static site's links, template overrides and the sandbox, and a light `kpi validate`.

Golden files: tests/golden/0406-0772.{txt,md,html}. They were compared line by line with the
BMA page once, by eye; now they are pinned. After an intended change of the reports, rewrite
them with `KPI_UPDATE_GOLDEN=1 pytest tests/test_render.py` and review the diff.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from typer.testing import CliRunner

from kpi_cli.cli import app

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
SEED = REPO / "indicators" / "2564" / "0406-0772.yaml"
runner = CliRunner()

# The BMA page's sections, in the page's order, as the report must head them.
PAGE_SECTIONS = [
    "รายละเอียดตัวชี้วัด",
    # the page's "8/สปท." stands apart from the title (the title as printed, the abbreviation in its place)
    "8/สปท. ความสำเร็จในการเสนอนวัตกรรมเพื่อเพิ่มประสิทธิภาพการปฏิบัติงานของหน่วยงาน : 0406-0772",
    "ค่าเป้าหมาย คะแนน :",
    "ผลงานที่ทำได้ คะแนน :",
    "ประเภทตัวชี้วัด :",
    "*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 100",
    "ผลงานเทียบกับเป้าหมายรายไตรมาส",
    "รายงานผลฯ ไตรมาสที่ 1",
    "รายงานผลฯ ไตรมาสที่ 2",
    "รายงานผลฯ ไตรมาสที่ 3",
    "รายงานผลฯ ไตรมาสที่ 4",
    "สรุปผลการดำเนินงาน",
    "นิยาม หรือความหมายของตัวชี้วัด",
    "วิธีการคำนวณ หรือ เกณฑ์การประเมิน",
    "วิธีการการเก็บข้อมูล/แหล่งข้อมูล",
    "สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ",
    ":ด้านที่ ๗ – การบริหารจัดการเมืองมหานคร : Management Strategy",
    ":๗.๕ - เทคโนโลยีสารสนเทศ",
    ":๗.๕.๑ กรุงเทพมหานครให้บริการประชาชนด้วยความสะดวก รวดเร็ว ถูกต้องและโปร่งใส โดยประยุกต์…",
    ":๗.๕.๑.๑ มีระบบบริการอิเล็กทรอนิกส์สำหรับให้บริการประชาชน และ/หรือ มีการเชื่อม…",
    "โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด",
]
# The quarterly table as the page prints it: quarter, performance, assessed, 2.1 / 2.2.
PAGE_ROWS = [("1", "30.00", "100", "100 / 100"), ("2", "50.00", "0", "0 / 0"),
             ("3", "80.00", "100", "100 / 100"), ("4", "100.00", "100", "100 / 100")]
PAGE_FACTS = [
    "ตัวชี้วัดงานประจำ", "(ตัวชี้วัดระดับผลลัพธ์ (outcome))", "กท 0406/191 ลงวันที่ 15 เมษายน 2564",
    "มีผู้ใช้บริการทั้งสิ้น 132 คน", "ฝบ. 634/2564 ลงวันที่ 30 สิงหาคม 2564", "คะแนนรวม = ส่วนที่ 1 + ส่วนที่ 2 + ส่วนที่ 3",
    "จำนวนไม่น้อยกว่า 10 ชุด", "นวัตกรรมการบริการ (Service Innovation)",
]


def render(*args: str, cwd: Path = REPO) -> str:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(app, ["render", *args])
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def run(*args: str, cwd: Path = REPO):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, list(args))
    finally:
        os.chdir(old)


def visible_text(html: str) -> str:
    """The text a reader sees: no style, tags or entities; one line per block."""
    html = re.sub(r"(?s)<(style|title|desc)\b.*?</\1>", "", html)
    html = re.sub(r"<br\s*/?>|</(p|h\d|li|dt|dd|tr|div|th|td|small|figcaption)>", "\n", html)
    html = re.sub(r"</?(span|wbr|b|strong|em|s|del|a|abbr)\b[^>]*>", "", html)  # inline: no space
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", " ", html))


# --- golden files -------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_golden(fmt):
    out = render("0406-0772", "--format", fmt)
    golden = GOLDEN / f"0406-0772.{fmt}"
    if os.environ.get("KPI_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    for n, (got, want) in enumerate(zip(out.splitlines(), expected.splitlines()), 1):
        assert got == want, f"{golden.name}:{n} differs (KPI_UPDATE_GOLDEN=1 rewrites the golden files)"
    assert len(out.splitlines()) == len(expected.splitlines())


# --- the seed page, section by section ----------------------------------------------

@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_every_section_of_the_page_in_its_order(fmt):
    out = render("0406-0772", "--format", fmt)
    text = visible_text(out) if fmt == "html" else out.replace("\\", "")
    at = 0
    for section in PAGE_SECTIONS:
        found = text.find(section, at)
        assert found >= 0, f"{fmt}: '{section}' missing or out of the page's order"
        at = found + len(section)


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_quarterly_table_and_facts_as_on_the_page(fmt):
    out = render("0406-0772", "--format", fmt)
    text = visible_text(out) if fmt == "html" else out.replace("\\", "")
    for q, perf, assessed, subs in PAGE_ROWS:
        # a quarter without an official score says so after its printed figure (HTML: on a line below)
        state = r"(?: \([^)|]*\)|\s+ไม่มีผลประเมินทางการ)?"
        row = re.compile(rf"(^|\n|\|)\s*{q}\b[^\n]*?{re.escape(perf)}\s*(\|\s*)?{assessed}{state}\s*(\|\s*)?"
                         rf"{re.escape(subs)}")
        if fmt == "html":
            row = re.compile(rf"\n\s*{q}\s.*?{re.escape(perf)}\s+{assessed}{state}\s+{re.escape(subs)}", re.S)
        assert row.search(text), f"{fmt}: quarter {q} row not as on the page"
    for fact in PAGE_FACTS:
        assert fact in text, f"{fmt}: '{fact}' missing"
    for q in range(1, 5):
        assert f"รายงานผลฯ ไตรมาสที่ {q}" in text
    for rng in ("1 ตุลาคม – 31 ธันวาคม 2563", "1 กรกฎาคม – 30 กันยายน 2564"):  # a range in one year names it once
        assert rng in text, f"{fmt}: quarter date range {rng} missing"


def test_markdown_is_escaped_for_markdown_not_for_html():
    md = render("0406-0772", "-f", "md")
    assert "&#39;" not in md and "&amp;" not in md
    assert "&#39;" not in md.split("ค่าที่อนุมาน")[-1]
    assert "\n\\-\n" in md  # an empty section's "-" is not an empty list item


def test_narratives_come_out_verbatim():
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    out = render("0406-0772")
    for q in data["quarters"]:
        assert q["report"] in out
    assert data["definition"]["text"] in out
    assert data["method"] in out


def test_computed_scores_beside_the_official_ones():
    out = render("0406-0772")
    assert "คะแนนที่คำนวณ" in out
    # quarter 2 prints 0 and 0 / 0 before scored quarters: kpi says what it makes of it, as an inference
    assert "0 (ไม่มีผลประเมินทางการ)" in out
    assert "ไตรมาสที่ 2: หน้ารายละเอียดตัวชี้วัดแสดง 0 และ 0 / 0 ขณะที่ไตรมาสถัดไปมีผลประเมินทางการ" in out
    assert "ข้อมูลประมาณการ" in out


def test_report_without_the_scoring_module(monkeypatch):
    import kpi_cli.scoring.compute

    monkeypatch.delattr(kpi_cli.scoring.compute, "score_indicator")  # the import fails: official figures only
    out = render("0406-0772")
    assert "คะแนนที่คำนวณ" not in out
    assert "100 / 100" in out


# --- Thai conventions ---------------------------------------------------------------

def _before_inferred(text: str) -> str:
    """The report up to the list of inferred fields, whose paths (quarters[1].target) stay as written."""
    return text.split("ค่าที่อนุมาน")[0]


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_thai_digits_throughout_text(fmt):
    out = _before_inferred(render("0406-0772", "-f", fmt, "--thai-digits"))
    stray = re.search(r".{0,20}[0-9].{0,20}", out)
    assert stray is None, stray.group()
    assert "๓๐.๐๐" in out and "๑๕ เมษายน ๒๕๖๔" in out and "ปีงบประมาณ พ.ศ. ๒๕๖๔" in out


def test_thai_digits_in_html_leave_markup_alone():
    out = render("0406-0772", "--format", "html", "--thai-digits")
    stray = re.search(r".{0,20}[0-9].{0,20}", _before_inferred(visible_text(out)))
    assert stray is None, stray.group()
    assert 'viewBox="0 0 360 210"' in out  # the SVG's geometry keeps its digits
    assert "max-width: 52rem" in out      # and so does the stylesheet
    assert "๑๐๐.๐๐</text>" in out          # the chart's figures are Thai
    assert not re.search(r"&#?[^;\s]*[๐-๙]", out)  # no entity was touched


def test_dates_fiscal_year_and_numbers():
    out = render("0406-0772")
    assert "ปีงบประมาณ พ.ศ. 2564" in out
    assert "8 กุมภาพันธ์ 2564" in out
    assert "  30.00" in out and "100.00" in out


def test_filters_and_strategy_lines():
    from kpi_cli.render.chart import nice_ceiling
    from kpi_cli.render.context import StrategyLine
    from kpi_cli.render.filters import md_escape, text_table

    assert StrategyLine("7", 1, "x", False).text == ":ด้านที่ ๗ – x"
    assert StrategyLine("7.5", 2, "y", False).text == ":๗.๕ - y"
    assert StrategyLine("7.5.1", 3, "z", True).text == ":๗.๕.๑ z…"
    assert StrategyLine("9.1", 2, "", False).text == ":๙.๑"
    assert md_escape("1. a *b* <i>") == "1\\. a \\*b\\* \\<i\\>"
    assert [nice_ceiling(v) for v in (0, 87, 100, 2700, 0.45)] == [1, 100, 100, 3000, 0.5]
    table = text_table([["ก", "ข\nค", None], ["1", "2", "3"]], "lrr")
    assert table.splitlines()[0].startswith("ก")


# --- safety -------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the shipped indicators/ tree, to damage."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "indicators", root / "indicators")
    return root


def _poison(root: Path) -> None:
    """<script> in every text field of the seed and in the catalogues' names and labels."""
    path = root / "indicators" / "2564" / "0406-0772.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["title"] += SCRIPT
    data["summary"] = SCRIPT
    data["method"] += SCRIPT
    data["data_collection"] += SCRIPT
    data["definition"]["text"] += SCRIPT
    data["projects"] = [SCRIPT]
    data["target"]["unit"] += SCRIPT
    for q in data["quarters"]:
        q["report"] += SCRIPT
        q["difference_reason"] = SCRIPT
    data["timeline"][1]["event"] += SCRIPT
    data["amendments"][0]["conditions"].append(SCRIPT)
    data["innovation"]["proposal"]["title"] += SCRIPT
    data["innovation"]["stages"][0]["note"] = SCRIPT
    data["inferred"]["weight"] = SCRIPT
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for name, key in (("agencies.yaml", "agencies"), ("strategies.yaml", "strategies")):
        cat_path = root / "indicators" / name
        cat = yaml.safe_load(cat_path.read_text(encoding="utf-8"))
        for item in cat[key]:
            item["name" if key == "agencies" else "label"] += SCRIPT
        cat_path.write_text(yaml.safe_dump(cat, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_script_in_text_fields_comes_out_escaped(tree):
    _poison(tree)
    out = render("0406-0772", "--format", "html", cwd=tree)
    assert "<script" not in out.lower()
    assert out.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 15
    md = render("0406-0772", "--format", "md", cwd=tree)
    assert not re.search(r"(?<!\\)<", md), "raw HTML in the Markdown"
    assert "\\<script\\>alert(1)\\</script\\>" in md
    site = tree / "site"
    render("--all", "-o", str(site), cwd=tree)
    for page in site.rglob("*.html"):
        assert "<script" not in page.read_text(encoding="utf-8").lower(), page


@pytest.fixture
def user_templates(tmp_path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    return folder


def test_templates_folder_overrides_a_shipped_template(user_templates):
    (user_templates / "indicator.txt").write_text(
        "{{ report.code }} {{ report.fiscal_year | fiscal_year }} {{ report.quarters[0].performance | number }}\n",
        encoding="utf-8")
    assert render("0406-0772", "--templates", str(user_templates)) == "0406-0772 ปีงบประมาณ พ.ศ. 2564 30.00\n"
    # a partial too: the shipped indicator.html with the user's stylesheet
    (user_templates / "_style.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    html = render("0406-0772", "-f", "html", "--templates", str(user_templates))
    assert "rebeccapurple" in html and "รายงานผลฯ ไตรมาสที่ 4" in html


def test_repository_templates_folder_overrides_too(tree):
    (tree / "templates").mkdir()
    (tree / "templates" / "indicator.txt").write_text("ของหน่วยงาน {{ report.code }}\n", encoding="utf-8")
    assert render("0406-0772", cwd=tree) == "ของหน่วยงาน 0406-0772\n"


@pytest.mark.parametrize("source,message", [
    ("{{ report.__class__.__mro__ }}", "unsafe"),
    ("{{ report.code.__class__.__subclasses__() }}", "unsafe"),
    ("{{ report.no_such_field }}", "no_such_field"),
    ("{% include '../../../../etc/passwd' %}", "no template"),
    ("{% if %}", "syntax"),
    ("{{ report.title | number }}", "indicator.txt:1"),
])
def test_user_templates_are_sandboxed_and_strict(user_templates, source, message):
    (user_templates / "indicator.txt").write_text(source, encoding="utf-8")
    result = run("render", "0406-0772", "--templates", str(user_templates))
    assert result.exit_code == 1, result.output
    assert message in result.stderr.lower() or message in result.stderr
    assert "Traceback" not in result.stderr


def test_template_links_cannot_leave_their_folder(user_templates, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (user_templates / "indicator.txt").symlink_to(secret)
    out = render("0406-0772", "--templates", str(user_templates))
    assert "secret" not in out and "รายละเอียดตัวชี้วัด" in out  # the link is ignored: the shipped one wins


def test_missing_templates_folder_is_a_usage_error(tmp_path):
    result = run("render", "0406-0772", "--templates", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "no such folder" in result.stderr


# --- the site -----------------------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        for key in ("src", "srcset", "data"):
            if key in attrs:
                self.assets.append(attrs[key])
        if tag in ("script", "link", "iframe", "img"):
            self.assets.append(f"<{tag}>")


def test_site_links_all_resolve(tmp_path):
    site = tmp_path / "site"
    result = run("render", "--all", "-o", str(site))
    assert result.exit_code == 0, result.stderr
    pages = sorted(site.rglob("*.html"))
    codes = {p.stem for p in (REPO / "indicators").glob("*/*.yaml") if re.match(r"^\d{4}-\d{3,4}$", p.stem)}
    assert {p.stem for p in pages if p.parent.name.isdigit()} == codes
    assert (site / "index.html").is_file() and (site / "agency" / "0406.html").is_file()
    reached = {site / "index.html"}
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        assert not parser.assets, f"{page}: external assets {parser.assets}"
        for href in parser.links:
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc, f"{page}: non-relative link {href}"
            assert not href.startswith("/"), f"{page}: absolute link {href}"
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page}: broken link {href}"
            assert target.is_relative_to(site.resolve())
            reached.add(target)
    assert {p.resolve() for p in pages} <= {r.resolve() for r in reached}, "pages no link reaches"


def test_markdown_site_links_resolve(tmp_path):
    site = tmp_path / "md"
    run("render", "--all", "-f", "md", "-o", str(site))
    for page in site.rglob("*.md"):
        for href in re.findall(r"\]\(([^)]+)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / href).resolve().is_file(), f"{page}: broken link {href}"


def test_site_leaves_out_invalid_files_and_fails(tree):
    bad = tree / "indicators" / "2564" / "0406-0772.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("fiscal_year: 2564", "fiscal_year: nope"),
                   encoding="utf-8")
    result = run("render", "--all", "-o", str(tree / "site"), cwd=tree)
    assert result.exit_code == 1
    assert "0406-0772.yaml" in result.stderr and "left out" in result.stderr
    assert (tree / "site" / "index.html").is_file()


def test_agency_and_index_reports():
    out = render("--agency", "0406")
    assert "สำนักงานปกครองและทะเบียน (สปท.)" in out and "0406-0772" in out
    assert "คะแนนเฉลี่ยถ่วงน้ำหนัก" in out  # the glossary's term
    index = render("--index", "-f", "md")
    assert "# ตัวชี้วัดทั้งหมด" in index and "0406-0772" in index


# --- the command line ---------------------------------------------------------------

@pytest.mark.parametrize("args", [[], ["0406-0772", "--all"], ["--all"], ["--all", "-o", "x", "-f", "pdf"]])
def test_usage_errors(args, tmp_path):
    result = run("render", *[str(tmp_path / a) if a == "x" else a for a in args])
    assert result.exit_code == 2, result.output


def test_unknown_indicator_and_agency():
    result = run("render", "0406-0777")
    assert result.exit_code == 1 and "0406-0772" in result.stderr  # the close match
    result = run("render", "--agency", "0407")
    assert result.exit_code == 1 and "0406" in result.stderr


def test_output_file_and_format_from_suffix(tmp_path):
    out = tmp_path / "deep" / "r.md"
    result = run("render", "0406-0772", "-o", str(out))
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# รายละเอียดตัวชี้วัด")


def test_help_has_examples():
    result = run("render", "--help")
    assert result.exit_code == 0
    assert "kpi render --all -o site/" in result.stdout and "--thai-digits" in result.stdout


def test_pdf_without_weasyprint_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    result = run("render", "0406-0772", "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 1
    assert "pip install 'kpi-cli[pdf]'" in result.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_pdf_without_the_thai_font_says_what_to_install(monkeypatch, tmp_path):
    pytest.importorskip("weasyprint")
    monkeypatch.setitem(sys.modules, "fontpkg_sarabun", None)  # the font's package is not installed
    result = run("render", "0406-0772", "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 1
    assert "Sarabun" in result.stderr and "pip install fontpkg-sarabun" in result.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_the_stylesheet_names_only_sarabun():
    """Only a font that kpi ships: fontconfig would stand a shrunken look-alike in for any other
    (TH Sarabun…, Laksaman), with overlapping glyphs."""
    import re

    for path in (REPO / "templates").iterdir():
        text = path.read_text(encoding="utf-8")
        assert "th sarabun" not in text.lower() and "laksaman" not in text.lower(), path
        for family in re.findall(r"font-family:\s*([^;}]+)", text):
            assert family.strip() == "Sarabun, sans-serif", (path, family)
    assert "font-family: Sarabun, sans-serif" in (REPO / "templates" / "_style.css").read_text(encoding="utf-8")
    assert 'font-family="Sarabun, sans-serif"' in render("0406-0772", "-f", "html")  # the chart


def test_validate_does_not_import_jinja2_or_weasyprint():
    code = (
        "import sys\n"
        "from kpi_cli.cli import app\n"
        "try:\n"
        "    app(['validate', 'indicators'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "heavy = [m for m in ('jinja2', 'weasyprint', 'kpi_cli.render.environment') if m in sys.modules]\n"
        "print('heavy:', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "heavy: []" in done.stdout, done.stdout


def test_templates_ship_with_the_package():
    from kpi_cli.render.environment import SHIPPED_TEMPLATES

    names = {p.name for p in SHIPPED_TEMPLATES.iterdir()}
    for kind in ("indicator", "agency", "index"):
        assert {f"{kind}.html", f"{kind}.md", f"{kind}.txt"} <= names
    assert (REPO / "kpi_cli" / "templates").resolve() == (REPO / "templates").resolve()


# --- writing files: inside the site, messages not tracebacks, devices kept, permissions -----------

BAD_AGENCY = '  - code: "../../../pwned"\n    name: pwned\n    abbr: pw.\n    kind: district\n'


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_a_bad_agency_code_never_writes_outside_the_site(tree):
    with (tree / "indicators" / "agencies.yaml").open("a", encoding="utf-8") as fh:
        fh.write(BAD_AGENCY)
    work = tree / "x" / "y"
    work.mkdir(parents=True)
    before = _files(tree.parent)
    result = run("render", "--all", "-o", "site/a", cwd=work)
    assert result.exit_code == 1  # the catalogue's error is reported
    assert "'../../../pwned' is not 4 digits" in result.stderr
    site = work / "site" / "a"
    new = _files(tree.parent) - before
    assert new and all(p.is_relative_to(site) for p in new), sorted(new)
    assert not list(tree.parent.rglob("pwned*"))
    assert {p.name for p in (site / "agency").iterdir()} == {"0100.html", "0303.html", "0406.html", "0700.html",
                                                              "5001.html"}
    assert "pwned" not in (site / "index.html").read_text(encoding="utf-8")


def test_a_page_path_outside_the_site_is_refused_whatever_its_cause(tree, monkeypatch):
    import kpi_cli.render.tree as render_mod

    with (tree / "indicators" / "agencies.yaml").open("a", encoding="utf-8") as fh:
        fh.write(BAD_AGENCY)
    monkeypatch.setattr(render_mod, "AGENCY_CODE", re.compile(r".*"))  # as if the code check let it through
    work = tree / "x" / "y"
    work.mkdir(parents=True)
    result = run("render", "--all", "-o", "site/a", cwd=work)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "would be written outside the site folder site/a" in result.stderr
    assert "fix:" in result.stderr
    assert not list(tree.parent.rglob("pwned*"))


def test_site_file_stays_inside_the_folder(tmp_path):
    from kpi_cli.render.errors import OutsideSite
    from kpi_cli.render.paths import site_file

    site = tmp_path / "site"
    (site / "agency").mkdir(parents=True)
    assert site_file(site, "agency/0406.html") == site / "agency" / "0406.html"
    for page in ("../x.html", "agency/../../x.html", str(tmp_path / "x.html")):
        with pytest.raises(OutsideSite):
            site_file(site, page)
    (site / "2564").symlink_to(tmp_path)  # a link inside the site that points elsewhere
    with pytest.raises(OutsideSite):
        site_file(site, "2564/0406-0772.html")


@pytest.mark.skipif(sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="worker processes: Linux, 2 cores")
def test_worker_processes_refuse_a_page_outside_the_site_with_the_message(tree, monkeypatch):
    import kpi_cli.render.site as render_mod

    monkeypatch.setattr(render_mod, "PARALLEL_MIN", 1)  # the pages are written by forked workers
    monkeypatch.setattr(render_mod, "indicator_path", lambda year, code, ext: f"../{code}.{ext}")
    result = run("render", "--all", "-o", str(tree / "site"), cwd=tree)
    assert result.exit_code == 1, result.stderr
    assert "outside the site folder" in result.stderr and "fix: codes are digits only" in result.stderr
    assert not list(tree.glob("*.html"))


def test_errors_raised_in_workers_keep_their_fix():
    import pickle

    from kpi_cli.io.atomic import CannotWrite
    from kpi_cli.render.errors import OutsideSite

    for exc in (CannotWrite("cannot write x", "do y"), OutsideSite("outside", fix="do z")):
        back = pickle.loads(pickle.dumps(exc))
        assert (type(back), str(back), back.fix) == (type(exc), str(exc), exc.fix)


@pytest.mark.parametrize("args, path, fix", [
    # -o a folder writes CODE.txt inside it: here that name is a folder too
    (["0406-0772", "-o", "{tmp}/somedir"], "{tmp}/somedir/0406-0772.txt", "{tmp}/somedir/0406-0772.txt is a folder"),
    (["0406-0772", "-o", "{tmp}/file.txt/sub.html"], "{tmp}/file.txt/sub.html", "{tmp}/file.txt is a file"),
    (["--all", "-o", "{tmp}/file.txt/site"], "{tmp}/file.txt/site", "{tmp}/file.txt is a file"),
    (["--all", "-f", "md", "-o", "{tmp}/file.txt/site"], "{tmp}/file.txt/site", "{tmp}/file.txt is a file"),
])
def test_write_errors_are_messages_with_the_path_and_a_fix(tmp_path, args, path, fix):
    (tmp_path / "somedir" / "0406-0772.txt").mkdir(parents=True)
    (tmp_path / "file.txt").write_text("hello\n", encoding="utf-8")
    result = run("render", *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a message, not a traceback
    assert f"error: cannot write {path.format(tmp=tmp_path)}: " in result.stderr
    assert "fix: " + fix.format(tmp=tmp_path) in result.stderr
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "hello\n"
    assert [p.name for p in (tmp_path / "somedir").iterdir()] == ["0406-0772.txt"]
    assert list((tmp_path / "somedir" / "0406-0772.txt").iterdir()) == []


def test_a_fifo_is_written_in_place_never_replaced(tmp_path):
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("render", "0406-0772", "-f", "md", "-o", str(fifo))
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a file"
    assert result.exit_code == 0, result.stderr
    assert got and got[0].decode("utf-8").startswith("# รายละเอียดตัวชี้วัด")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary file left


def test_a_character_device_is_never_replaced(tmp_path):
    """A twin of /dev/full made under tmp_path (never the real one): written in place, so the
    write fails with 'No space left on device' and the device stays a device."""
    import stat

    full = tmp_path / "full"
    try:
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    except (PermissionError, OSError):
        pytest.skip("cannot make a device node here (needs root and CAP_MKNOD)")
    result = run("render", "0406-0772", "-o", str(full))
    assert stat.S_ISCHR(os.lstat(full).st_mode), "the device node was replaced by a file"
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"cannot write {full}: No space left on device" in result.stderr and "fix:" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_a_link_to_a_file_is_kept_and_the_file_replaced(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert run("render", "0406-0772", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("# รายละเอียดตัวชี้วัด")


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield 0o640
    finally:
        os.umask(old)


def test_reports_and_sites_get_the_mode_of_a_plain_open(tmp_path, umask_027):
    report = tmp_path / "r.html"
    assert run("render", "0406-0772", "-o", str(report)).exit_code == 0
    assert report.stat().st_mode & 0o777 == umask_027
    report.chmod(0o604)  # an existing file keeps its mode
    assert run("render", "0406-0772", "-o", str(report)).exit_code == 0
    assert report.stat().st_mode & 0o777 == 0o604
    site = tmp_path / "site"
    assert run("render", "--all", "-o", str(site)).exit_code == 0
    modes = {p.relative_to(site).as_posix(): p.stat().st_mode & 0o777 for p in _files(site)}
    assert set(modes.values()) == {umask_027}, modes


def test_new_file_mode_follows_the_umask():
    from kpi_cli.io.atomic import new_file_mode

    old = os.umask(0o077)
    try:
        assert new_file_mode() == 0o600
        os.umask(0o002)
        assert new_file_mode() == 0o664
        assert os.umask(0o002) == 0o002  # the umask is left as it was
    finally:
        os.umask(old)
