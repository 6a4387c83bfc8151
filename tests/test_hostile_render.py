"""Hostile and odd input for what kpi writes, as a red team throws it: templates that would make
ten gigabytes or loop for ever, `-o` paths that would overwrite the indicators, and file texts
made to drive a terminal or break Markdown. Tables of inputs × commands, each run as
`python -m kpi_cli` in a process of its own, with a timeout and 1.5 GB of address space: exit 1
or 2 with a message, never a traceback, in bounded time, and no file changed that the user did
not ask to change."""

from __future__ import annotations

import os
import re
import resource
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CODE = "0406-0772"
MEMORY = 1536 * 1024 * 1024
SECONDS = 30  # the slowest attack here ends in a few seconds on one core


def _bounded() -> None:  # in the child, before kpi starts
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def kpi(cwd: Path, *args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    """kpi in a process of its own, bounded in memory; (its result, the seconds it took)."""
    env = {**os.environ, "KPI_LANG": "en", "KPI_NO_CACHE": "1", "PYTHONPATH": str(REPO)}
    env.pop("FORCE_COLOR", None)
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "kpi_cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL, preexec_fn=_bounded)
    return done, time.monotonic() - start


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def refused(done: subprocess.CompletedProcess, *codes: int) -> None:
    assert done.returncode in (codes or (1, 2)), (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-3000:]
    assert "error:" in done.stderr, done.stderr


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(REPO / "indicators", tmp_path / "indicators")
    return tmp_path


# --- 1. templates under limits ---------------------------------------------------------------

LONG = "(report.method ~ '\\n') * 2000"  # 2,000 lines of the seed's text

# name: (indicator.txt, the message, other templates); the attack is on line 3 of indicator.txt
TEMPLATES = {
    "repeat-text": ("{{ 'x' * 10**10 }}", "a text of 10,000,000,000 characters", {}),
    "repeat-list": ("{{ [0] * 10**9 }}", "a list of 1,000,000,000 items", {}),
    "center-filter": ("{{ 'x'|center(10**10) }}", "width 10,000,000,000", {}),
    "ljust-method": ("{{ 'x'.ljust(10**9) }}", "width 1,000,000,000", {}),
    "expandtabs": ("{{ ('\\t' * 5000).expandtabs(10000) }}", "a text of", {}),
    "pad-filter": ("{{ 'x'|pad(10**10) }}", "width 10,000,000,000", {}),
    "bar-filter": ("{{ 0.5|bar(0.5, 10**9) }}", "width", {}),
    "str-format-width": ("{{ '{:99999999999}'.format(1) }}", "format width", {}),
    "str-format-nested": ("{{ '{:{w}}'.format(1, w=10**9) }}", "format width", {}),
    "str-format-precision": ("{{ '{:.999999999f}'.format(1.5) }}", "format width", {}),
    "percent-filter": ("{{ '%0999999999d'|format(1) }}", "format width", {}),
    "percent-operator": ("{{ '%.999999999f' % 1.5 }}", "format width", {}),
    "percent-star": ("{{ '%*d' % (10**9, 1) }}", "'*'", {}),
    "indent-long-text": (f"{{{{ ({LONG})|indent(10000) }}}}", "a text of", {}),
    "indent-huge": ("{{ report.method|indent(100000) }}", "indentation 100,000", {}),
    "wordwrap-joint": ("{{ ('x ' * 100000)|wordwrap(1, wrapstring='y' * 1000) }}", "a text of", {}),
    "replace-grows": ("{{ ('x' * 10000)|replace('x', 'y' * 10000) }}", "a text of", {}),
    "join-grows": ("{{ range(10000)|join('x' * 10000) }}", "a text of", {}),
    "join-method": ("{{ ('y' * 10000).join(['x'] * 10000) }}", "a text of", {}),
    "batch-fill": ("{{ [1]|batch(10**9, 0)|list|length }}", "a list of", {}),
    "slice-many": ("{{ [1]|slice(10**9)|list|length }}", "a range of", {}),
    "tojson-indent": ("{{ range(10)|list|tojson(indent=10**9) }}", "JSON indentation", {}),
    "lipsum": ("{{ lipsum(10**6) }}", "lipsum()", {}),
    "range-huge": ("{% for i in range(10**12) %}{% endfor %}", "a range of", {}),
    "nested-ranges": ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                      "a range of 100,000 items", {}),
    "nested-loops": ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
                     "loop iterations", {}),
    "filtered-loops": ("{% for i in range(10000) %}{% for j in range(10000) if j < 0 %}{% endfor %}{% endfor %}",
                       "loop iterations", {}),
    "includes-in-loops": ("{% for i in range(10000) %}{% for j in range(10000) %}{% include 'b.j2' %}{% endfor %}"
                          "{% endfor %}", "loop iterations", {"b.j2": "x"}),
    "calls-in-loops": ("{% set c = cycler(1, 2) %}{% for i in range(10000) %}{% for j in range(10000) %}"
                       "{{ c.next() }}{% endfor %}{% endfor %}", "loop iterations", {}),
    "loops-write": ("{% for i in range(10000) %}{{ 'x' * 10000 }}{% endfor %}", "characters", {}),
    "block-set": ("{% set t %}{% for i in range(10000) %}{% for j in range(500) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                  "{% endfor %}{% endfor %}{% endset %}", "report", {}),
    "concat-doubles": ("{% set ns = namespace(s='xx') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
                       "{% endfor %}", "a text of", {}),
    "list-doubles": ("{% set ns = namespace(s=[1]) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}"
                     "{% endfor %}", "a list of", {}),
    "concat-quadratic": ("{% set ns = namespace(s='') %}{% for i in range(10000) %}{% for j in range(100) %}"
                         "{% set ns.s = ns.s ~ 'xxxxxxxxxx' %}{% endfor %}{% endfor %}", "characters made", {}),
    "sum-lists": ("{{ ([[1] * 100] * 50000)|sum(start=[])|length }}", "characters made", {}),
    "sum-texts-quadratic": ("{{ (['x' * 1000] * 10000)|sum(start='') }}", "characters made", {}),
    "shared-lists": ("{% set ns = namespace(l=['x']) %}{% for i in range(40) %}{% set ns.l = [ns.l, ns.l] %}"
                     "{% endfor %}{{ ns.l }}", "holds more than", {}),
    "shared-dicts": ("{% set ns = namespace(d={}) %}{% for i in range(40) %}{% set ns.d = dict(a=ns.d, b=ns.d) %}"
                     "{% endfor %}{{ ns.d|tojson }}", "holds more than", {}),
    "macro-recursion": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "more than 50 deep", {}),
    "macro-mutual": ("{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}",
                     "more than 50 deep", {}),
    "macro-exponential": ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
                          "{{ f(40) }}", "calls", {}),
    "caller-recursion": ("{% macro a() %}{{ caller() }}{% endmacro %}{% macro b() %}{% call a() %}{{ b() }}"
                         "{% endcall %}{% endmacro %}{{ b() }}", "more than 50 deep", {}),
    "loop-recursion": ("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}", "more than 50 deep", {}),
    "block-recursion": ("{% block a %}{{ self.a() }}{% endblock %}", "more than 50 deep", {}),
    "include-self": ("{% include 'indicator.txt' %}", "more than 50 deep", {}),
    "include-cycle": ("{% include 'b.j2' %}", "more than 50 deep", {"b.j2": "{% include 'indicator.txt' %}"}),
    "extends-self": ("{% extends 'indicator.txt' %}", "more than 50 deep", {}),
    "import-self": ("{% import 'indicator.txt' as me with context %}", "more than 50 deep", {}),
    "method-not-allowed": ("{{ (1).to_bytes(10**9, 'big') }}", "unsafe", {}),
    "translate-not-allowed": ("{{ 'x'.translate({120: 'y' * 10**7}) }}", "unsafe", {}),
}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_a_template_is_bounded(repo, name):
    source, message, others = TEMPLATES[name]
    folder = repo / "templates"  # the repository's own templates
    folder.mkdir()
    (folder / "indicator.txt").write_text("{# red team #}\n{{ report.code }}\n" + source + "\n", encoding="utf-8")
    for other, text in others.items():
        (folder / other).write_text(text, encoding="utf-8")
    before = snapshot(repo)
    done, seconds = kpi(repo, "render", CODE, "-f", "txt", timeout=SECONDS * 2)
    refused(done, 1)
    assert message in done.stderr, done.stderr
    assert re.search(r"templates/(indicator\.txt:3|b\.j2:1)\b", done.stderr), done.stderr  # the template and line
    assert seconds < SECONDS, f"{seconds:.1f} s"
    assert snapshot(repo) == before


# name: (the bytes of indicator.txt, the message): what fails before the template runs
UNREADABLE_TEMPLATES = {
    "deep-brackets": (b"{{ " + b"(" * 5000 + b"1" + b")" * 5000 + b" }}", "nests too deep"),
    "deep-blocks": (b"{% if 1 %}" * 3000 + b"{% endif %}" * 3000, "nests too deep"),
    "too-large": (b"x" * (2 * 1024 * 1024), "the limit is 1,048,576"),
    "not-utf8": (b"\xff\xfe{{ report.code }}", "not UTF-8"),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE_TEMPLATES))
def test_a_template_that_cannot_be_compiled_is_a_message(repo, name):
    source, message = UNREADABLE_TEMPLATES[name]
    (repo / "templates").mkdir()
    (repo / "templates" / "indicator.txt").write_bytes(source)
    done, seconds = kpi(repo, "render", CODE, timeout=SECONDS * 2)
    refused(done, 1)
    assert message in done.stderr and "indicator.txt" in done.stderr, done.stderr
    assert seconds < SECONDS


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_the_shipped_templates_stay_far_within_the_limits(fmt):
    """The index of 10,000 indicators (ten times the BMA's in a year) uses a third of a rendering's
    steps and work at most."""
    from dataclasses import replace

    from kpi_cli.check.checked import open_indicator
    from kpi_cli.render import limits
    from kpi_cli.render.context import indicator_line, indicator_report, site_index
    from kpi_cli.render.report import Renderer

    opened = open_indicator(REPO / "indicators" / "2564" / f"{CODE}.yaml")
    renderer = Renderer(fmt)
    line = indicator_line(indicator_report(opened.model, opened.catalogues, output=renderer.output()))
    lines = [replace(line, code=f"0406-{n}", sequence=n) for n in range(10000)]
    text = renderer.render("index", renderer.output(), index=site_index(lines, [line.agency]))
    used = [renderer.env.spent.steps, renderer.env.spent.work]
    assert "0406-9999" in text
    assert used[0] < limits.MAX_STEPS / 3 and used[1] < limits.MAX_WORK / 3, used


# --- 2. where `kpi render -o` writes ----------------------------------------------------------

def _link_to_indicator(root: Path) -> None:
    (root / "link.txt").symlink_to(root / "indicators" / "2564" / f"{CODE}.yaml")


def _link_to_year_folder(root: Path) -> None:
    (root / "out").symlink_to(root / "indicators" / "2564")


# (arguments, what is made first, the message)
REFUSED_OUTPUTS = {
    "over-the-indicator": (["-f", "txt", "-o", f"indicators/2564/{CODE}.yaml"], None, "never writes over a YAML"),
    "over-a-catalogue": (["-o", "indicators/agencies.yaml"], None, "never writes over a YAML"),
    "a-yml-file": (["-o", "notes.yml"], None, "never writes over a YAML"),
    "inside-indicators": (["-o", "indicators/2564/report.txt"], None, "in the indicators folder"),
    "the-indicators-folder": (["-o", "indicators/"], None, "in the indicators folder"),
    "through-a-link": (["-o", "link.txt"], _link_to_indicator, "YAML"),
    "through-a-linked-folder": (["-o", "out/report.txt"], _link_to_year_folder, "in the indicators folder"),
    "unknown-extension": (["-o", "report.docx"], None, "no report format has the extension .docx"),
    "extension-of-another-format": (["-f", "txt", "-o", "report.html"], None, ".html is not the extension of a txt"),
    "md-as-html": (["-f", "html", "-o", "report.md"], None, "end the name in .html or .htm"),
    "site-inside-indicators": (["--all", "-o", "indicators/site"], None, "in the indicators folder"),
    "site-is-indicators": (["--all", "-o", "indicators"], None, "in the indicators folder"),
    "agency-into-indicators": (["--agency", "0406", "-o", "indicators/2564/"], None, "in the indicators folder"),
}


@pytest.mark.parametrize("name", sorted(REFUSED_OUTPUTS))
def test_render_refuses_an_output_path(repo, name):
    args, prepare, message = REFUSED_OUTPUTS[name]
    if prepare:
        prepare(repo)
    before = snapshot(repo)
    done, seconds = kpi(repo, "render", *(args if args[0].startswith("--a") else [CODE, *args]))
    refused(done, 2)
    assert message in done.stderr, done.stderr
    assert snapshot(repo) == before
    assert seconds < SECONDS


# (arguments, the file written)
WRITTEN_OUTPUTS = {
    "a-folder-by-its-slash": ([CODE, "-o", "out/dir/"], f"out/dir/{CODE}.txt"),
    "an-existing-folder": ([CODE, "-f", "md", "-o", "exists"], f"exists/{CODE}.md"),
    "format-from-extension": ([CODE, "-o", "r.markdown"], "r.markdown"),
    "no-extension": ([CODE, "-o", "README"], "README"),
    "an-agency-into-a-folder": (["--agency", "0406", "-o", "reports/"], "reports/0406.txt"),
    "the-index-into-a-folder": (["--index", "-f", "html", "-o", "reports/"], "reports/index.html"),
}


@pytest.mark.parametrize("name", sorted(WRITTEN_OUTPUTS))
def test_render_writes_where_output_says(repo, name):
    args, written = WRITTEN_OUTPUTS[name]
    (repo / "exists").mkdir()
    indicators = snapshot(repo / "indicators")
    done, _seconds = kpi(repo, "render", *args)
    assert done.returncode == 0, done.stderr
    assert (repo / written).is_file() and f"written: {written}" in done.stderr
    assert "รายละเอียดตัวชี้วัด" in (repo / written).read_text(encoding="utf-8") or "index" in written \
        or "0406" in written
    assert snapshot(repo / "indicators") == indicators


@pytest.mark.parametrize("page", ["index.html", f"2564/{CODE}.html", "agency/0406.html"])
def test_a_fifo_in_the_site_does_not_hang_it(repo, page):
    fifo = repo / "site" / page
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    done, seconds = kpi(repo, "render", "--all", "-o", "site", timeout=SECONDS)
    refused(done, 1)
    assert "not a regular file" in done.stderr and page in done.stderr, done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # left as it was
    assert seconds < SECONDS


# --- 3. every text escaped for where it goes ----------------------------------------------------

TITLE = ("\\e[31mRED\\e]0;owned\\a \\u202eevil\\u2066 <script>alert(1)</script> [l](javascript:x) ~~~ "
         "`code` | pipe \\r# after a carriage return")
SUMMARY = "~~~\\n```\\n# heading\\n> quote\\n- item\\n1. one\\n    indented code\\n| a | b |\\n<b>bold</b> \\e[2J"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _poison(root: Path) -> None:
    path = root / "indicators" / "2564" / f"{CODE}.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", lambda _m: f'title: "{TITLE}"', text, count=1)
    text = re.sub(r'(?m)^summary: "".*$', lambda _m: f'summary: "{SUMMARY}"', text, count=1)
    text = re.sub(r"(?m)^(      note: )วันที่ 6 เมษายน 2564.*$", lambda m: m.group(1) + '"\\e[31mnote\\u202e"', text,
                  count=1)
    path.write_text(text, encoding="utf-8")


TERMINAL = {
    "status": ["status", CODE],
    "score": ["score", CODE],
    "score-agency": ["score", "--agency", "0406"],
    "render-txt": ["render", CODE, "-f", "txt"],
    "render-index-txt": ["render", "--index", "-f", "txt"],
    "render-agency-txt": ["render", "--agency", "0406", "-f", "txt"],
}


@pytest.mark.parametrize("name", sorted(TERMINAL))
def test_text_for_the_terminal_shows_controls_as_escapes(repo, name):
    _poison(repo)
    done, _seconds = kpi(repo, *TERMINAL[name])
    assert done.returncode == 0, done.stderr
    out = done.stdout + done.stderr
    assert not RAW.search(out), repr(RAW.search(out))
    assert "\\x1b[31mRED" in out and "\\u202eevil" in out


MARKDOWN_LINE_STARTS = re.compile(r"(?m)^(~~~|# heading|> quote|- item|1\. one|\s+indented|\| a \||<b>)")


@pytest.mark.parametrize("args", [["render", CODE, "-f", "md"], ["render", "--index", "-f", "md"]],
                         ids=["indicator", "index"])
def test_markdown_reports_escape_the_texts(repo, args):
    _poison(repo)
    done, _seconds = kpi(repo, *args)
    assert done.returncode == 0, done.stderr
    md = done.stdout
    assert not RAW.search(md)
    assert "\\<script\\>" in md and "\\[l\\](javascript:x)" in md and "\\~\\~\\~" in md
    assert not re.search(r"(?<!\\)<script", md)
    if args[1] == CODE:
        assert not MARKDOWN_LINE_STARTS.search(md), MARKDOWN_LINE_STARTS.search(md)
        assert "\\~\\~\\~\n\\`\\`\\`\n\\# heading\n\\> quote\n\\- item\n1\\. one\nindented code\n\\| a" in md


def test_html_reports_escape_the_texts(repo):
    _poison(repo)
    done, _seconds = kpi(repo, "render", CODE, "-f", "html")
    assert done.returncode == 0, done.stderr
    assert "<script" not in done.stdout and "&lt;script&gt;" in done.stdout
    assert not RAW.search(done.stdout) and "\\u202eevil" in done.stdout


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.parametrize("fmt", ["md", "table"])
def test_diff_escapes_the_titles(repo, fmt):
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    _poison(repo)
    done, _seconds = kpi(repo, "diff", "main", "--format", fmt)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert not RAW.search(out)
    if fmt == "md":
        assert not re.search(r"(?<!\\)<script", out) and "\\<script\\>" in out and "\\[l\\](java" in out
        assert out.count("\n| ") == 2  # the header and one row: no cell made by a title
    else:
        assert "\\x1b[31mRED" in out


def test_a_key_with_a_newline_stays_on_its_line(repo):
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + '"bad\\nkey\\e[2J": 1\n', encoding="utf-8")
    for fmt in ("text", "github"):
        done, _seconds = kpi(repo, "validate", "--format", fmt, str(path))
        assert done.returncode == 1
        line = next(line for line in done.stdout.splitlines() if "unknown" in line)
        assert "bad\\nkey\\x1b[2J" in line, done.stdout
        assert not RAW.search(done.stdout)


def test_escaping_functions():
    from kpi_cli.core.escape import for_markdown, for_terminal, markdown_code
    from kpi_cli.render.textgrid import Printer, Table, paint

    assert for_terminal("a\x1bb\u202ec\n\td\r") == "a\\x1bb\\u202ec\n\td\\r"
    assert for_terminal("k\ney\t", keep="") == "k\\ney\\t"
    assert for_terminal("ไทย\u200bok") == "ไทย\u200bok"  # Thai and its zero-width space stay
    assert for_markdown("1. a *b* <i>") == "1\\. a \\*b\\* \\<i\\>"
    assert for_markdown("~~~\n    x\n# y") == "\\~\\~\\~\nx\n\\# y"
    assert markdown_code("a``b") == "```a``b```" and markdown_code("`x") == "`` `x ``"
    table = Table()
    table.add_column("\x1bhead")
    table.add_row("cell\x1b[2J\u202e")
    drawn = table.render(80)
    assert "\x1b" not in drawn and "\\x1b[2J\\u202e" in drawn and "\\x1bhead" in drawn

    class Out:
        text = ""

        def write(self, text):
            self.text += text

    out = Out()
    Printer(80, color=True, stream=out).line(paint("ok", "bold", True), " \x1b[31mno")
    assert out.text == "\x1b[1mok\x1b[0m \\x1b[31mno\n"
