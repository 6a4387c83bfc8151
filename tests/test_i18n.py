"""Thai messages: the catalog covers every message of the code, the code marks every message,
and `--lang th`, `KPI_LANG=th` or a Thai locale switch the whole tool to Thai (rule IDs unchanged).

A new message fails here until it has its Thai translation: see docs/thai.md.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kpi_cli.core import i18n
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from i18n_catalog import MO_FILE, PACKAGE, PO_FILE, extract, placeholders, read_po
from kpi_cli.check.rules import REGISTRY, load_all
from kpi_cli.check.pipeline import validate

HERE = Path(__file__).parent
INVALID = HERE / "fixtures" / "invalid"
THAI = re.compile(r"[\u0E00-\u0E7F]")

# Modules still to convert (their owners' second pass): remove a module from here once its messages
# are marked; the test below fails when a listed module needs nothing any more.
PENDING: set[str] = set()  # every module marks its messages

ENTRIES = [e for e in read_po() if e.msgid]
CODE = extract()


@pytest.fixture
def thai():
    i18n.set_language("th")
    yield
    i18n.set_language(None)


# --- (a) the catalog and the code stay in step ---------------------------------------------

def test_every_message_has_a_thai_translation():
    translated = {e.key for e in ENTRIES if not e.fuzzy and not e.obsolete and all(s.strip() for s in e.msgstr)}
    missing = [f"{m.where[0]}: {m.msgid!r}" for key, m in CODE.items() if key not in translated]
    assert not missing, "no Thai translation (see docs/thai.md):\n" + "\n".join(missing)


def test_the_catalog_has_no_entry_the_code_no_longer_uses():
    unused = [e.msgid for e in ENTRIES if e.key not in CODE or e.obsolete]
    assert not unused, "obsolete entries in kpi.po (msgattrib --no-obsolete; see docs/thai.md):\n" + \
        "\n".join(map(repr, unused))


def test_each_message_is_in_the_catalog_once():
    keys = [e.key for e in ENTRIES]
    assert len(keys) == len(set(keys))


def test_every_rule_summary_is_in_the_catalog():
    load_all()
    summaries = {r.summary for r in REGISTRY.values()}
    with_thai = {i18n.translations("th").gettext(s) for s in summaries}
    assert not summaries & with_thai, "rule summaries without Thai: " + ", ".join(sorted(summaries & with_thai))


def test_the_committed_mo_is_compiled_from_the_po():
    """msgfmt -o kpi.mo kpi.po after every edit of the .po (docs/thai.md)."""
    with MO_FILE.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog
    expected = {}
    for e in ENTRIES:
        if e.fuzzy or e.obsolete:
            continue
        if e.plural is None:
            expected[e.msgid] = e.msgstr[0]
        else:
            expected.update({(e.msgid, i): s for i, s in enumerate(e.msgstr)})
    compiled.pop("", None)
    assert compiled == expected, "kpi.mo is out of date: msgfmt -o kpi.mo kpi.po"


def test_the_catalog_says_it_is_thai_with_one_plural_form():
    header = next(e for e in read_po() if not e.msgid).msgstr[0]
    assert "Language: th" in header and "charset=UTF-8" in header and "nplurals=1; plural=0;" in header


# --- (d) placeholders ------------------------------------------------------------------------

@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.msgid[:50])
def test_translation_keeps_the_placeholders(entry):
    """A wrong or missing {name} would make `.format` fail or lose a value, in Thai only."""
    wanted = placeholders(entry.msgid)
    for s in entry.msgstr:
        if wanted is not None:  # a template (the others are never formatted)
            assert placeholders(s) == wanted, f"{entry.msgid!r}: {s!r}"
        assert s.count("\n") == entry.msgid.count("\n") or "\n\n" in entry.msgid, "line structure differs"


# --- (b) the code marks its messages -----------------------------------------------------------

def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _error_classes(trees) -> set[str]:
    """KpiError and its subclasses, by name, across the package."""
    names = {"KpiError"}
    classes = [n for _path, tree in trees for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    grew = True
    while grew:
        grew = False
        for c in classes:
            bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", None) for b in c.bases}
            if c.name not in names and bases & names:
                names.add(c.name)
                grew = True
    return names


def _is_marked(node) -> bool:
    """`_("…")`, `_("…").format(…)`, `ngettext(…)…`: a translated text."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        node = node.func.value
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext")


def _words(text: str) -> bool:
    """English words in a text (the program's name aside)."""
    return bool(re.search(r"[A-Za-z]{2}", re.sub(r"\bkpi\b", "", text)))


def _bare(node, assigned) -> list[ast.AST]:
    """The parts of a message expression that are text nobody translates."""
    if node is None or _is_marked(node):
        return []
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) and _words(node.value) else []
    if isinstance(node, ast.JoinedStr):  # f"{a}: {b}" joins values; f"no rule {x}" is an untranslated sentence
        return [node] if any(_words(v.value) for v in node.values if isinstance(v, ast.Constant)) else []
    if isinstance(node, ast.IfExp):
        return _bare(node.body, assigned) + _bare(node.orelse, assigned)
    if isinstance(node, ast.BinOp):
        return _bare(node.left, assigned) + _bare(node.right, assigned)
    if isinstance(node, ast.Name):
        return [b for value in assigned.get(node.id, []) for b in _bare(value, {})]
    return []


def _assignments(func) -> dict[str, list[ast.AST]]:
    out: dict[str, list[ast.AST]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out.setdefault(target.id, []).append(node.value)
    return out


def _messages_given(call: ast.Call, errors: set[str], in_error_class: bool):
    """The message and fix arguments of a call that reports to the user."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    fix = [k.value for k in call.keywords if k.arg == "fix"]
    if name == "Finding":
        return call.args[1:2] + fix
    if name in ("fail", "StageRefused", "BadDate", "GitError") or (name in errors and name != "KpiError"):
        return call.args[:2] + fix
    if name == "__init__" and in_error_class:  # super().__init__(message)
        return call.args[:1]
    if isinstance(func, ast.Attribute) and name in ("fail", "echo") and call.args:  # ctx.fail(…), typer.echo(…)
        return call.args[:1] if name == "fail" or isinstance(call.args[0], (ast.Constant, ast.JoinedStr)) else []
    return []


def _untranslated(path: str, tree, errors: set[str]) -> list[str]:
    found = []
    scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    error_methods = {id(f) for c in ast.walk(tree) if isinstance(c, ast.ClassDef) and c.name in errors
                     for f in c.body if isinstance(f, ast.FunctionDef)}
    for func in scopes:
        assigned = _assignments(func)
        for node in ast.walk(func):
            if isinstance(node, ast.Call):
                for arg in _messages_given(node, errors, id(func) in error_methods):
                    found += [f"{path}:{b.lineno}" for b in _bare(arg, assigned)]
            if id(func) in error_methods and isinstance(node, ast.Assign):  # self.fix = "…"
                if any(isinstance(t, ast.Attribute) and t.attr == "fix" for t in node.targets):
                    found += [f"{path}:{b.lineno}" for b in _bare(node.value, assigned)]
    for c in ast.walk(tree):  # class-level `fix = "…"` is English forever
        if isinstance(c, ast.ClassDef) and c.name in errors:
            for stmt in c.body:
                if isinstance(stmt, ast.Assign) and any(getattr(t, "id", None) == "fix" for t in stmt.targets):
                    found += [f"{path}:{b.lineno}" for b in _bare(stmt.value, {})]
    return sorted(set(found), key=lambda s: (s.split(":")[0], int(s.split(":")[1])))


MODULES = list(_modules())
ERRORS = _error_classes(MODULES)


def test_messages_to_the_user_are_marked_for_translation():
    """Finding messages and fixes, fail(…) and KpiError messages: `_()` calls, never bare text or f-strings."""
    bare = [where for path, tree in MODULES if path not in PENDING for where in _untranslated(path, tree, ERRORS)]
    assert not bare, "untranslated messages (wrap them in _(); see docs/thai.md):\n" + "\n".join(bare)


def test_the_pending_list_is_up_to_date():
    done = [path for path, tree in MODULES if path in PENDING and not _untranslated(path, tree, ERRORS)]
    assert not done, f"{done} mark their messages now: take them off PENDING in this test"


def test_a_module_that_translates_never_rebinds_the_underscore():
    """`x, _ = …` in a module that imports `_` from kpi_cli.i18n breaks every `_()` in that function."""
    for path, tree in MODULES:
        imports_it = any(isinstance(n, ast.ImportFrom) and (n.module or "").endswith("i18n")
                         and any(a.name == "_" for a in n.names) for n in ast.walk(tree))
        if imports_it:
            rebound = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "_"
                       and isinstance(n.ctx, ast.Store) or isinstance(n, ast.arg) and n.arg == "_"]
            assert not rebound, f"{path}: `_` assigned on line(s) {rebound}"


def test_help_texts_are_translatable():
    """typer help=, epilog= and the command docstrings' place: `help=_()` everywhere."""
    untranslated = []
    for path, tree in MODULES:
        if path in PENDING:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg in ("help", "epilog") and not _is_marked(node.value) \
                    and not isinstance(node.value, ast.Name) and getattr(node.value.func, "id", None) != "examples":
                untranslated.append(f"{path}:{node.value.lineno}")
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and getattr(d.func, "attr", None) == "command"
                    and not any(k.arg == "help" for k in d.keywords) for d in node.decorator_list):
                untranslated.append(f"{path}:{node.lineno} (a command without help=_())")
    assert not untranslated, "\n".join(untranslated)


# --- (c) choosing the language --------------------------------------------------------------

def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("KPI_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([sys.executable, "-m", "kpi_cli", *args], capture_output=True, text=True,
                          env={**clean, "COLUMNS": "200", **env}, cwd=HERE.parent, timeout=60)


BE_YEAR = str(INVALID / "date-be-year.yaml")


def test_kpi_lang_th_prints_thai_with_the_same_rule_id():
    english, thai = _run("validate", BE_YEAR), _run("validate", BE_YEAR, KPI_LANG="th")
    assert english.returncode == thai.returncode == 1
    assert "[date-be-year]" in english.stdout and "[date-be-year]" in thai.stdout
    assert ": error [date-be-year]" in english.stdout and "has a Buddhist-Era year" in english.stdout
    line = next(ln for ln in thai.stdout.splitlines() if "[date-be-year]" in ln)
    assert "ปีพุทธศักราช" in line and "Buddhist-Era" not in line
    assert "ตรวจ 1 ไฟล์" in thai.stdout


def test_json_keeps_english_keys_and_levels_with_thai_messages():
    import json

    doc = json.loads(_run("validate", "--format", "json", BE_YEAR, KPI_LANG="th").stdout)
    problem = doc["problems"][0]
    assert problem["rule"] == "date-be-year" and problem["level"] == "error" and THAI.search(problem["message"])


def test_lang_option_prints_thai_help():
    result = _run("--lang", "th", "--help")
    assert result.returncode == 0
    assert "ตัวชี้วัด" in result.stdout and "ตรวจไฟล์ตัวชี้วัด" in result.stdout  # the validate command's summary
    assert "Keep Bangkok's performance indicators" not in result.stdout
    assert "ตัวเลือก" in result.stdout  # typer's own "Options" panel


def test_lang_option_wins_over_the_environment():
    assert "Check indicator files" in _run("--lang", "en", "--help", KPI_LANG="th").stdout
    assert "ตรวจไฟล์ตัวชี้วัด" in _run("--lang=th", "--help", LANG="en_US.UTF-8").stdout


def test_a_thai_locale_selects_thai():
    assert "ตรวจไฟล์ตัวชี้วัด" in _run("--help", LANG="th_TH.UTF-8").stdout
    assert "ตรวจไฟล์ตัวชี้วัด" in _run("--help", LC_ALL="th_TH.UTF-8", LANG="en_US.UTF-8").stdout


def test_english_is_the_default_and_kpi_lang_overrides_the_locale():
    assert "Check indicator files" in _run("--help").stdout
    assert "Check indicator files" in _run("--help", LANG="en_US.UTF-8").stdout
    assert "Check indicator files" in _run("--help", KPI_LANG="en", LANG="th_TH.UTF-8").stdout


def test_an_unknown_language_is_a_usage_error():
    result = _run("--lang", "fr", "validate", BE_YEAR)
    assert result.returncode == 2 and "--lang" in result.stderr


@pytest.mark.parametrize("environ, expected", [
    ({}, "en"), ({"KPI_LANG": "th"}, "th"), ({"KPI_LANG": "TH_th"}, "th"), ({"KPI_LANG": "en", "LANG": "th_TH"}, "en"),
    ({"KPI_LANG": "fr"}, "en"), ({"LANG": "th_TH.UTF-8"}, "th"), ({"LC_ALL": "C", "LANG": "th_TH.UTF-8"}, "en"),
    ({"LC_MESSAGES": "th_TH.UTF-8", "LANG": "C.UTF-8"}, "th"), ({"LANG": "en_US.UTF-8"}, "en"),
])
def test_detect_language(environ, expected):
    assert i18n.detect_language(environ) == expected


@pytest.mark.parametrize("argv, expected", [
    (["--lang", "th", "validate"], "th"), (["--lang=th"], "th"), (["--version", "--lang", "TH"], "th"),
    (["validate", "--lang", "th"], None), (["--lang", "xx"], None), ([], None),
])
def test_language_from_argv(argv, expected):
    assert i18n.language_from_argv(argv) == expected


# --- every message works in Thai ---------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(INVALID.iterdir()), ids=lambda p: p.name)
def test_each_invalid_fixture_gives_the_same_problems_in_thai(case, thai):
    i18n.set_language("en")
    english = validate([case]).problems
    i18n.set_language("th")
    thai_problems = validate([case]).problems
    assert [(p.rule, p.line, p.column, p.level) for p in thai_problems] == \
        [(p.rule, p.line, p.column, p.level) for p in english]
    for en, th in zip(english, thai_problems):
        assert en.message != th.message and THAI.search(th.message), en.message
        assert (en.fix is None) == (th.fix is None)
