#!/usr/bin/env python3
"""Mutation testing: which small changes to the code does no test notice?

    python tools/mutate.py kpi_cli/core/stages.py kpi_cli/check/rules/dates.py [--tests tests/] [--jobs 2]
                           [--report out.json] [--fail-under 90]

For each module given (default: DEFAULT_MODULES below) the script makes *mutants*, copies of the
module with one small change each, and runs the tests that execute the changed line against each.
A mutant that makes a test fail (or hang) is *killed*; one that every test passes *survived*: no
test tells that code apart from a broken version of it. The report lists every survivor as
`path:line: what was changed`, for a person to write the test that kills it.

Mutation operators (one change per mutant, found with the `ast` module):

- comparison flipped: < <=, > >=, == !=, is / is not, in / not in (each into its partner)
- numeric constant off by one: n -> n + 1
- `and` / `or` swapped
- `not` removed
- return value emptied: `return x` -> `return None` (or the empty list, dict, tuple, set or string
  when x is one of those)
- statement deleted: a simple statement replaced by `pass` (a `yield` statement by
  `yield from ()`, so that a generator stays a generator)
- boolean constant flipped: True <-> False

Left alone, because the mutants would be noise (equivalent, or testing only the wording): string
constants (messages, logging), docstrings, type annotations, `if TYPE_CHECKING:` blocks,
`if __name__ == "__main__":` blocks, f-string internals, calls of the translation and logging
functions, the options of `@dataclass(...)` decorators, imports, dataclass field declarations,
`return` of a constant that is already empty, and any line marked `# pragma: no mutate`.

How it runs:

1. The tests run once with a line tracer (sys.settrace, no third-party package; also in forked
   multiprocessing workers that end normally) that records, for each test, the lines of the
   mutated modules it executes, and how long it takes. Tests that fail already are left out of
   every run (a warning says so). --coverage-cache keeps this between runs.
2. Each mutant is written over the module file *in place*; the original bytes go to
   `<file>.mutate-orig` first and are always put back afterwards (try/finally). A run that was
   killed outright leaves the backup behind: the next run restores it before anything else.
3. Only the tests that execute the mutated lines run, in pytest's own order (a reordered suite
   can fail for reasons of its own), in a separate process:
   `pytest -x -q -p no:cacheprovider -m "not browser and not pdf"`, with a timeout (a hang counts as
   killed). A mutant of module-level code (constants, defaults, class bodies) runs every test that
   executes any line of the module. Each run is a child forked from a server process that has
   imported pytest and the libraries the tests use (never the project's own modules) once;
   --no-fork-server starts a new interpreter instead. Hypothesis runs with deadline=None, no
   example database and derandomize=True, so that a result does not depend on the machine's load
   or on earlier runs.
4. With --jobs N > 1, workers 2..N each mutate their own scratch copy of the project (made in a
   temporary folder, deleted afterwards): two mutants never share a tree.

Exit status: 0 (it is a report), or 1 with --fail-under N when a module scores below N %.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import hashlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

# The modules mutated when none are given on the command line (paths relative to the project root).
# Edit this list, not the code, when modules move.
DEFAULT_MODULES = [  # the core modules issue #12 names, in their places since the reshaping
    "kpi_cli/core/stages.py",
    "kpi_cli/check/rules/dates.py",
    "kpi_cli/core/thai.py",
    "kpi_cli/scoring/compute.py",
    "kpi_cli/check/guard.py",
    "kpi_cli/check/rules/quarters.py",
    # since: the official record (#13), the loader's own tag resolution and the rules' shortcuts
    # (#18), and the columns the rules across files read (#18)
    "kpi_cli/core/assessment.py",
    "kpi_cli/core/figures.py",
    "kpi_cli/io/loader.py",
    "kpi_cli/check/rules/registry.py",
    "kpi_cli/check/rules/codes.py",
    "kpi_cli/core/facts.py",
]
DEFAULT_TESTS = ["tests"]
DEFAULT_MARKER = "not browser and not pdf"

BACKUP_SUFFIX = ".mutate-orig"
PRAGMA = "pragma: no mutate"
MESSAGE_CALLS = {"_", "N_", "gettext", "ngettext", "pgettext", "npgettext"}
LOG_OBJECTS = {"log", "logger", "logging", "LOG", "LOGGER", "_log", "_logger", "warnings"}
DATACLASS_DECORATORS = {"dataclass", "dataclasses.dataclass", "field", "dataclasses.field"}
COPY_IGNORE = (".git", "__pycache__", ".hypothesis", ".pytest_cache", ".mypy_cache", ".ruff_cache",
               ".tox", ".venv", "venv", "*.egg-info", "*" + BACKUP_SUFFIX)

FLIP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
        ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
OP_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
           ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
# the operator's token in the text between two operands (which may also hold brackets and comments)
OP_RE = {ast.Lt: r"(?<![<>=!])<(?![<=])", ast.LtE: r"<=", ast.Gt: r"(?<![<>=!-])>(?![>=])", ast.GtE: r">=",
         ast.Eq: r"==", ast.NotEq: r"!=", ast.Is: r"\bis\b(?!\s+not\b)", ast.IsNot: r"\bis\s+not\b",
         ast.In: r"(?<!\bnot )(?<!\bnot)\bin\b", ast.NotIn: r"\bnot\s+in\b"}


# --- mutants --------------------------------------------------------------------------------

@dataclass
class Mutant:
    path: str  # relative to the project root, as given
    line: int
    end_line: int
    start: int  # byte offsets of the replaced text in the original file
    end: int
    replacement: str
    kind: str
    description: str
    module_level: bool  # executed when the module is imported (constants, defaults, class bodies)
    status: str = "pending"  # killed, timeout, survived, uncovered, error
    tests: int = 0
    seconds: float = 0.0
    detail: str = ""

    @property
    def ident(self) -> str:
        return f"{self.path}:{self.line}:{self.start}:{self.kind}"


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _is_docstring(stmt: ast.stmt, body: list) -> bool:
    return (bool(body) and stmt is body[0] and isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str))


def _is_message_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = _call_name(node)
    head = name.split(".")[0]
    return name in MESSAGE_CALLS or (("." in name) and head in LOG_OBJECTS)


def _is_type_checking(test: ast.expr) -> bool:
    return _call_name(test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def _is_main_guard(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


class MutantFinder:
    """Walks a module's AST and lists one Mutant per applicable operator and node."""

    def __init__(self, path: str, source: bytes):
        self.path = path
        self.source = source
        self.tree = ast.parse(source, filename=path)
        self.line_starts = [0]
        for line in source.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.lines = source.decode("utf-8").splitlines()
        self.mutants: list[Mutant] = []

    # positions ---------------------------------------------------------------------------
    def offset(self, line: int, col: int) -> int:
        return self.line_starts[line - 1] + col

    def span(self, node: ast.AST) -> tuple[int, int]:
        return self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset)

    def text(self, start: int, end: int) -> str:
        return self.source[start:end].decode("utf-8")

    def segment(self, node: ast.AST) -> str:
        return self.text(*self.span(node))

    def add(self, node: ast.AST, replacement: str, kind: str, description: str, module_level: bool) -> None:
        if PRAGMA in self.lines[node.lineno - 1]:
            return
        start, end = self.span(node)
        self.mutants.append(Mutant(self.path, node.lineno, node.end_lineno, start, end, replacement, kind,
                                   description, module_level))

    # the walk ------------------------------------------------------------------------------
    def find(self) -> list[Mutant]:
        self.body(self.tree.body, in_function=False, func=None, in_class=False)
        return self.mutants

    def body(self, stmts: list, *, in_function: bool, func, in_class: bool) -> None:
        for stmt in stmts:
            if _is_docstring(stmt, stmts):
                continue
            self.statement(stmt, in_function=in_function, func=func, in_class=in_class)

    def statement(self, stmt: ast.stmt, *, in_function: bool, func, in_class: bool) -> None:
        ml = not in_function
        if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.Pass)):
            return
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in stmt.decorator_list:
                self.expr(dec, ml)
            self.arguments(stmt.args, ml)
            self.body(stmt.body, in_function=True, func=stmt, in_class=False)
            return
        if isinstance(stmt, ast.ClassDef):
            for dec in stmt.decorator_list:
                if _call_name(dec) not in DATACLASS_DECORATORS:
                    self.expr(dec, ml)
            for base in stmt.bases:
                self.expr(base, ml)
            self.body(stmt.body, in_function=in_function, func=None, in_class=True)
            return
        if isinstance(stmt, ast.If):
            if _is_type_checking(stmt.test) or _is_main_guard(stmt.test):
                return
            self.expr(stmt.test, ml)
            self.body(stmt.body, in_function=in_function, func=func, in_class=in_class)
            self.body(stmt.orelse, in_function=in_function, func=func, in_class=in_class)
            return
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.expr(stmt.iter, ml)
            self.body(stmt.body, in_function=in_function, func=func, in_class=in_class)
            self.body(stmt.orelse, in_function=in_function, func=func, in_class=in_class)
            return
        if isinstance(stmt, ast.While):
            self.expr(stmt.test, ml)
            self.body(stmt.body, in_function=in_function, func=func, in_class=in_class)
            self.body(stmt.orelse, in_function=in_function, func=func, in_class=in_class)
            return
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.expr(item.context_expr, ml)
            self.body(stmt.body, in_function=in_function, func=func, in_class=in_class)
            return
        if isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            self.body(stmt.body, in_function=in_function, func=func, in_class=in_class)
            for handler in stmt.handlers:
                self.body(handler.body, in_function=in_function, func=func, in_class=in_class)
            self.body(stmt.orelse, in_function=in_function, func=func, in_class=in_class)
            self.body(stmt.finalbody, in_function=in_function, func=func, in_class=in_class)
            return
        if isinstance(stmt, ast.Match):
            self.expr(stmt.subject, ml)
            for case in stmt.cases:
                if case.guard is not None:
                    self.expr(case.guard, ml)
                self.body(case.body, in_function=in_function, func=func, in_class=in_class)
            return

        # simple statements: the expressions in them, then the statement itself
        if isinstance(stmt, ast.Return):
            if stmt.value is not None:
                self.expr(stmt.value, ml)
                self.return_value(stmt, func, ml)
            else:
                self.delete(stmt, func, ml)
            return
        if isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self.expr(stmt.value, ml)
                if not in_class:
                    self.delete(stmt, func, ml)
            return  # the annotation is never mutated
        if isinstance(stmt, ast.Expr):
            if _is_message_call(stmt.value):
                return  # a log line: deleting it is noise
            if isinstance(stmt.value, ast.Constant):
                return  # a bare string or `...`
            self.expr(stmt.value, ml)
            self.delete(stmt, func, ml)
            return
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.expr):
                self.expr(child, ml)
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.Raise, ast.Assert, ast.Delete, ast.Continue,
                             ast.Break)):
            self.delete(stmt, func, ml)

    def arguments(self, args: ast.arguments, ml: bool) -> None:
        for default in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.expr(default, ml)  # annotations are skipped

    # statement operators -------------------------------------------------------------------
    def delete(self, stmt: ast.stmt, func, ml: bool) -> None:
        is_yield = isinstance(stmt, ast.Expr) and isinstance(stmt.value, (ast.Yield, ast.YieldFrom))
        replacement = "yield from ()" if is_yield and not isinstance(func, ast.AsyncFunctionDef) else "pass"
        self.add(stmt, replacement, "delete", f"statement deleted: `{_short(self.segment(stmt))}`", ml)

    def return_value(self, stmt: ast.Return, func, ml: bool) -> None:
        value = stmt.value
        if isinstance(value, ast.Constant) and not value.value and not isinstance(value.value, float):
            return  # `return None / False / 0 / ""`: emptying it changes nothing worth a mutant
        if func is not None and any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in ast.walk(func)):
            return  # `return x` in a generator
        empty = "None"
        if isinstance(value, (ast.List, ast.ListComp)):
            empty = "[]"
        elif isinstance(value, (ast.Dict, ast.DictComp)):
            empty = "{}"
        elif isinstance(value, ast.Tuple):
            empty = "()"
        elif isinstance(value, (ast.Set, ast.SetComp)):
            empty = "set()"
        elif isinstance(value, ast.JoinedStr) or (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            empty = '""'
        if empty == "[]" and isinstance(value, ast.List) and not value.elts:
            return
        if empty == "()" and isinstance(value, ast.Tuple) and not value.elts:
            return
        if empty == "{}" and isinstance(value, ast.Dict) and not value.keys:
            return
        self.add(value, empty, "return", f"return value emptied: `return {_short(self.segment(value), 50)}` "
                                         f"→ `return {empty}`", ml)

    # expression operators ------------------------------------------------------------------
    def expr(self, node: ast.expr, ml: bool) -> None:
        if node is None:
            return
        if isinstance(node, ast.JoinedStr):
            return  # f-string internals belong to messages
        if _is_message_call(node):
            return
        if isinstance(node, ast.Lambda):
            self.arguments(node.args, ml)
            self.expr(node.body, False)
            return
        if isinstance(node, ast.Compare):
            self.compare(node, ml)
        elif isinstance(node, ast.BoolOp):
            self.boolop(node, ml)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            operand = self.segment(node.operand)
            self.add(node, f"({operand})", "not", f"`not` removed: `{_short(self.segment(node))}` → "
                                                  f"`{_short(operand)}`", ml)
        elif isinstance(node, ast.Constant):
            self.constant(node, ml)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child, ml)
            elif isinstance(child, ast.comprehension):
                self.expr(child.iter, ml)
                for cond in child.ifs:
                    self.expr(cond, ml)
            elif isinstance(child, ast.keyword):
                self.expr(child.value, ml)

    def constant(self, node: ast.Constant, ml: bool) -> None:
        value = node.value
        if isinstance(value, bool):
            self.add(node, repr(not value), "bool", f"`{value}` → `{not value}`", ml)
        elif isinstance(value, (int, float)):
            new = value + 1
            self.add(node, repr(new), "number", f"`{self.segment(node)}` → `{new!r}`", ml)

    def _operands(self, node: ast.AST, values: list) -> tuple[list[str], list[str]] | None:
        """The source of each operand and of each gap between two (operators, brackets, comments)."""
        spans = [self.span(v) for v in values]
        start, end = self.span(node)
        if spans[0][0] < start or spans[-1][1] > end:
            return None
        texts = [self.text(a, b) for a, b in spans]
        gaps = [self.text(spans[i][1], spans[i + 1][0]) for i in range(len(spans) - 1)]
        head, tail = self.text(start, spans[0][0]), self.text(spans[-1][1], end)
        if head.strip("( \t\r\n\\") or tail.strip(") \t\r\n\\"):
            return None
        texts[0] = head + texts[0]
        texts[-1] = texts[-1] + tail
        return texts, gaps

    def compare(self, node: ast.Compare, ml: bool) -> None:
        split = self._operands(node, [node.left, *node.comparators])
        if split is None:
            return
        texts, gaps = split
        for i, op in enumerate(node.ops):
            new_op = FLIP[type(op)]
            found = list(re.finditer(OP_RE[type(op)], gaps[i]))
            if len(found) != 1:
                continue
            m = found[0]
            gap = gaps[i][:m.start()] + OP_TEXT[new_op] + gaps[i][m.end():]
            new = "".join(t + (gap if j == i else gaps[j]) if j < len(gaps) else t for j, t in enumerate(texts))
            old_pair = f"{_short(texts[i], 30)} {OP_TEXT[type(op)]} {_short(texts[i + 1], 30)}"
            new_pair = f"{_short(texts[i], 30)} {OP_TEXT[new_op]} {_short(texts[i + 1], 30)}"
            self.add(node, f"({new})", "compare", f"`{old_pair}` → `{new_pair}`", ml)

    def boolop(self, node: ast.BoolOp, ml: bool) -> None:
        split = self._operands(node, node.values)
        if split is None:
            return
        texts, gaps = split
        old, new_word = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        new_gaps = []
        for gap in gaps:
            found = list(re.finditer(rf"\b{old}\b", gap))
            if len(found) != 1:
                return
            new_gaps.append(gap[:found[0].start()] + new_word + gap[found[0].end():])
        new = "".join(t + (new_gaps[j] if j < len(new_gaps) else "") for j, t in enumerate(texts))
        self.add(node, f"({new})", "boolop", f"`{old}` → `{new_word}` in `{_short(self.segment(node), 60)}`", ml)


def find_mutants(root: Path, rel: str) -> tuple[bytes, list[Mutant]]:
    source = (root / rel).read_bytes()
    finder = MutantFinder(rel, source)
    original = ast.dump(finder.tree)
    good = []
    seen = set()
    for m in finder.find():
        mutated = apply(source, m)
        try:
            tree = ast.parse(mutated, filename=rel)
        except SyntaxError:
            continue  # a replacement that does not fit its place: skipped, not counted
        dump = ast.dump(tree)
        if dump == original or dump in seen:
            continue  # changes nothing, or the same as another mutant
        seen.add(dump)
        good.append(m)
    return source, good


def apply(source: bytes, m: Mutant) -> bytes:
    return source[:m.start] + m.replacement.encode("utf-8") + source[m.end:]


# --- writing a mutant in place, and always putting the original back -------------------------

def _atomic_write(path: Path, data: bytes, mode: int, ns: tuple[int, int] | None) -> None:
    tmp = path.with_name(f".{path.name}.mutate-tmp{os.getpid()}-{threading.get_ident()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, mode)
    if ns is not None:
        os.utime(tmp, ns=ns)
    os.replace(tmp, path)


class Mutated:
    """`with Mutated(file, original, mutant_bytes):` the mutant is in the file, the original in
    `<file>.mutate-orig`; on leaving (normally or not) the original bytes, mode and times are back.

    The mutant gets a modification time derived from its content: Python's bytecode cache checks
    (mtime, size), and a mutant of the same size written in the same second as another must not
    be served the other's cached bytecode."""

    def __init__(self, path: Path, original: bytes, mutated: bytes):
        self.path, self.original, self.mutated = path, original, mutated
        self.backup = path.with_name(path.name + BACKUP_SUFFIX)

    def __enter__(self):
        st = self.path.stat()
        self.mode, self.times = st.st_mode & 0o7777, (st.st_atime_ns, st.st_mtime_ns)
        _atomic_write(self.backup, self.original, self.mode, self.times)
        fake = (1_000_000_000 + zlib.crc32(self.mutated) % 100_000_000) * 1_000_000_000
        _atomic_write(self.path, self.mutated, self.mode, (fake, fake))
        return self

    def __exit__(self, *exc):
        _atomic_write(self.path, self.original, self.mode, self.times)
        self.backup.unlink(missing_ok=True)
        return False


def restore_leftovers(root: Path) -> list[Path]:
    """Put back any file a killed run left mutated (its `<file>.mutate-orig` backup is still there)."""
    restored = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", "__pycache__", ".venv", "node_modules")]
        for name in filenames:
            if name.endswith(BACKUP_SUFFIX):
                backup = Path(dirpath) / name
                target = backup.with_name(name[:-len(BACKUP_SUFFIX)])
                os.replace(backup, target)  # the backup kept the original's bytes, mode and times
                restored.append(target)
            elif ".mutate-tmp" in name:
                (Path(dirpath) / name).unlink(missing_ok=True)
    return restored


# --- the pytest plugin (written to a temporary folder and loaded with -p) --------------------

PLUGIN = r'''
"""Loaded by tools/mutate.py into its pytest runs (MUTATE_MODE=collect or select)."""
import json
import os
import sys
import threading
import time

import pytest

try:  # results must not depend on the machine's load or on earlier runs
    from hypothesis import settings as _hsettings

    _hsettings.register_profile("mutate", deadline=None, database=None, derandomize=True)
    _hsettings.load_profile("mutate")
except ImportError:
    pass

MODE = os.environ.get("MUTATE_MODE")

if MODE == "collect":
    _targets = {os.path.realpath(p): rel for rel, p in json.loads(os.environ["MUTATE_TARGETS"]).items()}
    _files = {}
    _current = [""]  # "" while modules are imported and tests collected
    _hits = {}
    _tests = {}

    def _global(frame, event, arg):
        filename = frame.f_code.co_filename
        rel = _files.get(filename, 0)
        if rel == 0:
            rel = _files[filename] = _targets.get(os.path.realpath(filename))
        if rel is None:
            return None
        key = (_current[0], rel)
        lines = _hits.get(key)
        if lines is None:
            lines = _hits[key] = set()
        add = lines.add
        add(frame.f_lineno)

        def _local(frame, event, arg):
            if event == "line":
                add(frame.f_lineno)
            return _local

        return _local

    sys.settrace(_global)
    threading.settrace(_global)

    def _dump_child():
        """A multiprocessing worker writes what it executed next to the main output when it leaves
        normally (pool.close() and join()); one stopped by pool.terminate() says nothing. No signal
        handler is installed for that: the workers must behave exactly as they do without this plugin."""
        with open(f"{os.environ['MUTATE_OUT']}.{os.getpid()}", "w", encoding="utf-8") as fh:
            json.dump([[test, rel, sorted(lines)] for (test, rel), lines in _hits.items()], fh)

    class _Anchor:
        """Keeps the after-fork registration of multiprocessing alive."""

    _anchor = _Anchor()

    def _worker_started(_anchor):
        _hits.clear()  # the parent reports its own lines
        _mp_util.Finalize(None, _dump_child, exitpriority=100)  # run as the worker leaves (by os._exit)

    try:
        from multiprocessing import util as _mp_util

        _mp_util.register_after_fork(_anchor, _worker_started)
    except ImportError:
        pass

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        _current[0] = item.nodeid
        _tests.setdefault(item.nodeid, {"seconds": 0.0, "outcome": "passed"})
        start = time.perf_counter()
        yield
        _tests[item.nodeid]["seconds"] += time.perf_counter() - start
        _current[0] = ""

    def pytest_runtest_logreport(report):
        entry = _tests.setdefault(report.nodeid, {"seconds": 0.0, "outcome": "passed"})
        if report.failed:
            entry["outcome"] = "failed"
        elif report.skipped and entry["outcome"] == "passed":
            entry["outcome"] = "skipped"

    def pytest_sessionfinish(session, exitstatus):
        sys.settrace(None)
        threading.settrace(None)
        hits = {}
        for (test, rel), lines in _hits.items():
            hits.setdefault(rel, {})[test] = sorted(lines)
        import glob

        for name in glob.glob(glob.escape(os.environ["MUTATE_OUT"]) + ".*"):  # forked workers' lines
            try:
                with open(name, encoding="utf-8") as fh:
                    for test, rel, lines in json.load(fh):
                        merged = set(hits.setdefault(rel, {}).get(test, [])) | set(lines)
                        hits[rel][test] = sorted(merged)
            except (OSError, ValueError):
                pass
        with open(os.environ["MUTATE_OUT"], "w", encoding="utf-8") as fh:
            json.dump({"tests": _tests, "hits": hits}, fh)

elif MODE == "probe":
    def pytest_sessionfinish(session, exitstatus):
        root = os.path.realpath(os.environ["MUTATE_ROOT"]) + os.sep
        here = os.path.dirname(os.path.realpath(__file__)) + os.sep
        names = []
        for name, module in list(sys.modules.items()):
            path = getattr(module, "__file__", None)
            if not path or name.startswith("_mutate") or name in ("__main__", "__mp_main__"):
                continue
            path = os.path.realpath(path)
            if not path.startswith(root) and not path.startswith(here):
                names.append(name)
        with open(os.environ["MUTATE_OUT"], "w", encoding="utf-8") as fh:
            json.dump(sorted(names), fh)

elif MODE == "select":
    with open(os.environ["MUTATE_SELECT"], encoding="utf-8") as _fh:
        _order = json.load(_fh)
    _rank = {nodeid: i for i, nodeid in enumerate(_order)}

    def pytest_collection_modifyitems(session, config, items):
        # the order stays pytest's own: a reordered suite may fail for reasons of its own (state that
        # one test leaves behind for another), and that would pass for a killed mutant
        keep = [it for it in items if it.nodeid in _rank]
        drop = [it for it in items if it.nodeid not in _rank]
        if drop:
            config.hook.pytest_deselected(items=drop)
        items[:] = keep
'''
PLUGIN_NAME = "_mutate_plugin"


SERVER = r'''
"""Started by tools/mutate.py in a project root: imports the libraries the tests use (never the
project's own modules) once, then forks one child per pytest run, so that a run does not pay
for Python's and pytest's start-up again. Protocol: JSON lines; a job {"args", "env", "log"} on
stdin gets {"pid"} when the child starts and {"rc"} when it ends."""
import importlib
import json
import os
import sys

with open(sys.argv[1], encoding="utf-8") as fh:
    for name in json.load(fh):
        try:
            importlib.import_module(name)
        except BaseException:  # a module that cannot be imported on its own: the child imports it
            pass
import pytest

protocol = sys.stdout


def reply(**message):
    protocol.write(json.dumps(message) + "\n")
    protocol.flush()


reply(ready=True)
for line in sys.stdin:
    job = json.loads(line)
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.setsid()
            null = os.open(os.devnull, os.O_RDONLY)
            log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(null, 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.environ.update(job["env"])
            code = int(pytest.main(job["args"]))
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    reply(pid=pid)
    _pid, status = os.waitpid(pid, 0)
    reply(rc=os.waitstatus_to_exitcode(status))
'''
SERVER_NAME = "_mutate_server"


class ForkServer:
    """One fork server (see SERVER) working in one project root."""

    def __init__(self, runner: "Runner", root: Path, preload: Path):
        self.runner, self.root = runner, root
        self.proc = subprocess.Popen([sys.executable, str(runner.plugin_dir / f"{SERVER_NAME}.py"), str(preload)],
                                     cwd=root, env=runner.env(root), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     start_new_session=True)
        self.messages: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        first = self._next(300)
        if not first or not first.get("ready"):
            raise SystemExit(f"mutate: the fork server in {root} did not start")

    def _read(self) -> None:
        for line in self.proc.stdout:
            try:
                self.messages.put(json.loads(line))
            except ValueError:
                pass  # something printed by an imported library: not a message
        self.messages.put(None)

    def _next(self, timeout: float | None) -> dict | None:
        return self.messages.get(timeout=timeout)

    def run(self, args: list[str], env: dict, log: Path, timeout: float | None) -> int | None:
        """pytest's exit status, or None when the run was stopped at `timeout` seconds."""
        self.proc.stdin.write(json.dumps({"args": args, "env": env, "log": str(log)}) + "\n")
        self.proc.stdin.flush()
        started = self._next(120)
        if not started or "pid" not in started:
            raise RuntimeError("the fork server stopped")
        pid = started["pid"]
        with self.runner.lock:
            self.runner.pids.add(pid)
        try:
            try:
                done = self._next(timeout)
            except queue.Empty:
                Runner.kill_group(pid)
                self._next(120)
                return None
        finally:
            with self.runner.lock:
                self.runner.pids.discard(pid)
        if done is None:
            raise RuntimeError("the fork server stopped")
        return done["rc"]

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


class Runner:
    """Runs pytest in a project root: in a child of the root's fork server, or (--no-fork-server,
    and for the probe of the libraries to preload) in a new interpreter."""

    def __init__(self, args, plugin_dir: Path):
        self.args = args
        self.plugin_dir = plugin_dir
        self.children: set[subprocess.Popen] = set()
        self.pids: set[int] = set()
        self.servers: dict[Path, ForkServer] = {}
        self.lock = threading.Lock()
        self.stopping = False

    def env(self, root: Path, **extra: str) -> dict:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(root), str(self.plugin_dir)])  # the tree under test, not an install
        env.update(extra)
        return env

    def start_server(self, root: Path, preload: Path) -> None:
        self.preload = preload
        self.servers[root] = ForkServer(self, root, preload)

    def pytest(self, root: Path, paths: list[str], extra_env: dict, timeout: float | None, basetemp: Path,
               stop_first: bool = True, extra_args: tuple = (), fresh: bool = False) -> tuple[int | None, float, str]:
        """(exit status, or None on timeout or when stopping; seconds; the output's tail)."""
        args = ["-q", "-p", "no:cacheprovider", "-p", PLUGIN_NAME, "-m", self.args.marker, f"--basetemp={basetemp}",
                "--no-header", "-o", "console_output_style=classic", *extra_args]
        if stop_first:
            args.append("-x")
        args += paths
        start = time.perf_counter()
        if self.stopping:
            return None, 0.0, ""
        server = None if fresh else self.servers.get(root)
        fd, log_name = tempfile.mkstemp(prefix="pytest-", suffix=".log", dir=basetemp.parent)
        os.close(fd)
        log = Path(log_name)
        try:
            if server is not None:
                try:
                    rc = server.run(args, extra_env, log, timeout)
                except (RuntimeError, OSError, queue.Empty):
                    if self.stopping:
                        return None, 0.0, ""
                    server.close()  # it died: a new one for the next run; this run is an error
                    self.start_server(root, self.preload)
                    return -999, time.perf_counter() - start, "the fork server stopped during the run"
            else:
                rc = self._fresh(root, args, extra_env, log, timeout)
            tail = log.read_bytes()[-4000:].decode("utf-8", errors="replace")
        finally:
            log.unlink(missing_ok=True)
        return rc, time.perf_counter() - start, tail

    def _fresh(self, root: Path, args: list[str], extra_env: dict, log: Path, timeout: float | None) -> int | None:
        with open(log, "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "pytest", *args], cwd=root, env=self.env(root, **extra_env),
                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
            with self.lock:
                self.children.add(proc)
            try:
                return proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill_group(proc.pid)
                proc.wait()
                return None
            finally:
                with self.lock:
                    self.children.discard(proc)

    @staticmethod
    def kill_group(pid: int) -> None:
        try:
            os.killpg(pid, signal.SIGKILL)  # the group of a child started here (it called setsid), and its children
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self) -> None:
        self.stopping = True
        with self.lock:
            pids = list(self.pids) + [p.pid for p in self.children]
        for pid in pids:
            self.kill_group(pid)

    def close(self) -> None:
        for server in self.servers.values():
            server.close()
        self.servers.clear()


# --- coverage: which tests execute which lines --------------------------------------------------

def test_files(root: Path, tests: list[str]) -> list[str]:
    out = []
    for t in tests:
        p = root / t
        if p.is_dir():
            out += sorted(str(f.relative_to(root)) for f in p.rglob("*.py")
                          if (f.name.startswith("test_") or f.name.endswith("_test.py"))
                          and "__pycache__" not in f.parts)
        else:
            out.append(t)
    return out


def fingerprint(root: Path, modules: list[str], tests: list[str], marker: str) -> str:
    """A hash of every Python file of the project and of the options: when it changes, coverage is collected again."""
    h = hashlib.sha256(json.dumps([modules, tests, marker, sys.version]).encode())
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in (".git", "__pycache__", ".venv", ".hypothesis",
                                                               ".pytest_cache", "node_modules"))
        for name in sorted(filenames):
            if name.endswith((".py", ".toml", ".cfg", ".ini")):
                p = Path(dirpath) / name
                h.update(str(p.relative_to(root)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()


def probe_libraries(runner: Runner, root: Path, tests: list[str], workdir: Path) -> list[str]:
    """The modules outside the project that collecting the tests imports: what a fork server preloads."""
    out = workdir / "probe.json"
    rc, _seconds, tail = runner.pytest(root, tests, {"MUTATE_MODE": "probe", "MUTATE_OUT": str(out),
                                                     "MUTATE_ROOT": str(root)},
                                       None, workdir / "tmp-probe", stop_first=False, extra_args=("--collect-only",),
                                       fresh=True)
    if not out.exists():
        raise SystemExit(f"mutate: pytest could not collect the tests (exit status {rc}):\n{tail}")
    return json.loads(out.read_text(encoding="utf-8"))


def collect_coverage(runner: Runner, roots: list[Path], modules: list[str], tests: list[str],
                     workdir: Path) -> dict:
    """Run every test once, the test files split over the roots (each a copy of the project)."""
    files = test_files(roots[0], tests)
    n = min(len(roots), max(1, len(files)))
    groups = [files[i::n] for i in range(n)]

    def run(i: int, group: list[str]):
        out = workdir / f"coverage-{i}.json"
        targets = json.dumps({rel: str(roots[i] / rel) for rel in modules})
        extra = {"MUTATE_MODE": "collect", "MUTATE_TARGETS": targets, "MUTATE_OUT": str(out)}
        rc, _seconds, tail = runner.pytest(roots[i], group, extra, runner.args.coverage_timeout,
                                           workdir / f"tmp-cov-{i}", stop_first=False)
        if rc is None and not runner.stopping:
            raise SystemExit(f"mutate: the tests did not finish in {runner.args.coverage_timeout:g} s "
                             f"(--coverage-timeout):\n{tail}")
        if not out.exists():
            raise SystemExit(f"mutate: the tests did not run (exit status {rc}):\n{tail}")
        return json.loads(out.read_text(encoding="utf-8"))

    pool = concurrent.futures.ThreadPoolExecutor(n)
    try:
        results = list(pool.map(run, range(n), groups))
    except BaseException:
        runner.stop()  # Ctrl-C: stop the runs rather than wait for them
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    merged = {"tests": {}, "hits": {}}
    for r in results:
        merged["tests"].update(r["tests"])
        for rel, per_test in r["hits"].items():
            for test, lines in per_test.items():
                have = merged["hits"].setdefault(rel, {}).setdefault(test, [])
                merged["hits"][rel][test] = sorted(set(have) | set(lines))
    return merged


class Selection:
    """The tests to run for a mutant, from the collected coverage."""

    def __init__(self, coverage: dict):
        self.tests = coverage["tests"]
        self.usable = {t for t, info in self.tests.items() if info["outcome"] == "passed"}
        self.by_line: dict[str, dict[int, set[str]]] = {}
        self.by_file: dict[str, set[str]] = {}
        for rel, per_test in coverage["hits"].items():
            lines = self.by_line.setdefault(rel, {})
            for test, hit in per_test.items():
                if test not in self.usable:
                    continue  # "" (imports, collection) or a test that fails or skips already
                self.by_file.setdefault(rel, set()).add(test)
                for line in hit:
                    lines.setdefault(line, set()).add(test)

    def for_mutant(self, m: Mutant) -> list[str]:
        if m.module_level:
            chosen = self.by_file.get(m.path, set())
        else:
            lines = self.by_line.get(m.path, {})
            chosen = set().union(*(lines.get(n, set()) for n in range(m.line, m.end_line + 1)))
        return sorted(chosen)

    def seconds(self, tests: list[str]) -> float:
        return sum(self.tests[t]["seconds"] for t in tests)


# --- running the mutants -------------------------------------------------------------------------

def make_copy(root: Path, dest: Path) -> Path:
    shutil.copytree(root, dest, symlinks=True, ignore=shutil.ignore_patterns(*COPY_IGNORE))
    return dest


def run_mutant(runner: Runner, selection: Selection, root: Path, original: bytes, m: Mutant, startup: float,
               workdir: Path, worker: str) -> None:
    tests = selection.for_mutant(m)
    m.tests = len(tests)
    if not tests:
        m.status = "uncovered"
        return
    order = workdir / f"select-{worker}.json"
    order.write_text(json.dumps(tests), encoding="utf-8")
    paths = sorted({t.split("::")[0] for t in tests})
    timeout = max(runner.args.timeout_min, 2 * startup + runner.args.timeout_factor * selection.seconds(tests))
    extra = {"MUTATE_MODE": "select", "MUTATE_SELECT": str(order)}
    with Mutated(root / m.path, original, apply(original, m)):
        rc, seconds, tail = runner.pytest(root, paths, extra, timeout, workdir / f"tmp-{worker}")
    m.seconds = round(seconds, 2)
    if runner.stopping:
        m.status = "pending"
    elif rc is None:
        m.status, m.detail = "timeout", f"stopped after {timeout:.0f} s"
    elif rc == 0:
        m.status = "survived"
    elif rc == -999:
        m.status, m.detail = "error", tail
    elif rc in (1, 2, 3) or rc < 0:
        m.status = "killed"  # failed, interrupted (an import error), internal error, or a signal
        killers = re.findall(r"^(?:FAILED|ERROR) (\S+)", tail, re.M)
        m.detail = f"killed by {killers[0]}" if killers else f"pytest exit status {rc}"
    else:
        m.status, m.detail = "error", f"pytest exit status {rc}: {tail[-600:]}"


def summarise(mutants: list[Mutant], modules: list[str]) -> dict:
    out = {}
    for rel in modules:
        ms = [m for m in mutants if m.path == rel]
        counted = [m for m in ms if m.status in ("killed", "timeout", "survived", "uncovered")]
        killed = sum(m.status in ("killed", "timeout") for m in counted)
        out[rel] = {"mutants": len(counted), "killed": killed, "survived": len(counted) - killed,
                    "timeouts": sum(m.status == "timeout" for m in counted),
                    "uncovered": sum(m.status == "uncovered" for m in counted),
                    "errors": sum(m.status == "error" for m in ms),
                    "score": round(100.0 * killed / len(counted), 1) if counted else 100.0}
    return out


def print_report(summary: dict, mutants: list[Mutant], elapsed: float) -> None:
    width = max([len("module")] + [len(r) for r in summary])
    print(f"\n{'module':<{width}}  mutants  killed  survived  score")
    total = killed = 0
    for rel, s in summary.items():
        print(f"{rel:<{width}}  {s['mutants']:7d}  {s['killed']:6d}  {s['survived']:8d}  {s['score']:5.1f}%")
        total += s["mutants"]
        killed += s["killed"]
    if total:
        print(f"{'total':<{width}}  {total:7d}  {killed:6d}  {total - killed:8d}  {100.0 * killed / total:5.1f}%")
    survivors = sorted((m for m in mutants if m.status in ("survived", "uncovered")), key=lambda m: (m.path, m.line))
    if survivors:
        print("\nsurvivors (no test fails when the code is changed like this):")
        for m in survivors:
            note = "  [no test executes this line]" if m.status == "uncovered" else ""
            print(f"{m.path}:{m.line}: {m.description}{note}")
    errors = [m for m in mutants if m.status == "error"]
    if errors:
        print("\nerrors (not counted; the run of these mutants went wrong):")
        for m in errors:
            print(f"{m.path}:{m.line}: {m.description}: {m.detail.splitlines()[0] if m.detail else ''}")
    print(f"\n{len(mutants)} mutants in {elapsed / 60:.1f} min")


def parse_module_arg(text: str) -> tuple[str, tuple[int, int] | None]:
    """'path.py' or 'path.py:10-40' (only the mutants that start on lines 10 to 40)."""
    m = re.fullmatch(r"(.+\.py):(\d+)(?:-(\d+))?", text)
    if m:
        return m.group(1), (int(m.group(2)), int(m.group(3) or m.group(2)))
    return text, None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Modules may carry a line range: kpi_cli/guard.py:120-140.")
    ap.add_argument("modules", nargs="*", help=f"Python files to mutate (default: {' '.join(DEFAULT_MODULES)})")
    ap.add_argument("--tests", action="append", metavar="PATH",
                    help="a test file or folder; repeat for more (default: tests)")
    ap.add_argument("--root", default=".", help="the project root: modules and tests are relative to it (default: .)")
    ap.add_argument("--jobs", type=int, default=1, help="mutants run at once (workers 2..N use scratch copies)")
    ap.add_argument("--report", help="write every mutant and the scores as JSON to this file")
    ap.add_argument("--fail-under", type=float, help="exit 1 when a module's score is below this percentage")
    ap.add_argument("--marker", default=DEFAULT_MARKER, help=f'pytest -m expression (default: "{DEFAULT_MARKER}")')
    ap.add_argument("--timeout-min", type=float, default=30.0, help="a mutant's least timeout in seconds (default 30)")
    ap.add_argument("--timeout-factor", type=float, default=3.0,
                    help="timeout: this many times the selected tests' time, plus twice pytest's start (default 3)")
    ap.add_argument("--coverage-timeout", type=float, default=3600.0,
                    help="stop if the first run of the tests (with the line tracer) takes longer (default 3600 s)")
    ap.add_argument("--coverage-cache", help="keep the collected coverage in this JSON file and reuse it while "
                                             "no Python file of the project changes")
    ap.add_argument("--no-fork-server", dest="fork_server", action="store_false",
                    help="start a new interpreter for every pytest run (slower; the default forks each run from a "
                         "process that has imported pytest and the libraries once)")
    ap.add_argument("--list", action="store_true", help="list the mutants and stop")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per mutant as it finishes")
    args = ap.parse_args(argv)
    args.tests = args.tests or DEFAULT_TESTS

    root = Path(args.root).resolve()
    for path in restore_leftovers(root):
        print(f"mutate: restored {path.relative_to(root)} from the backup a killed run left behind", file=sys.stderr)

    wanted = [parse_module_arg(m) for m in (args.modules or DEFAULT_MODULES)]
    modules = []
    for rel, _lines in wanted:
        rel = os.path.relpath((root / rel).resolve(), root)
        if not (root / rel).is_file():
            ap.error(f"{rel}: no such file under {root}")
        if rel not in modules:
            modules.append(rel)
    sources, mutants = {}, []
    for (_given, lines), rel in zip(wanted, modules):
        sources[rel], found = find_mutants(root, rel)
        if lines:
            found = [m for m in found if lines[0] <= m.line <= lines[1]]
        mutants += found
    if args.list:
        for m in mutants:
            print(f"{m.path}:{m.line}: [{m.kind}] {m.description}")
        print(f"{len(mutants)} mutants")
        return 0

    started = time.perf_counter()
    jobs = max(1, args.jobs)
    workdir = Path(tempfile.mkdtemp(prefix="kpi-mutate-"))
    plugin_dir = workdir / "plugin"
    plugin_dir.mkdir()
    (plugin_dir / f"{PLUGIN_NAME}.py").write_text(PLUGIN, encoding="utf-8")
    (plugin_dir / f"{SERVER_NAME}.py").write_text(SERVER, encoding="utf-8")
    runner = Runner(args, plugin_dir)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    pool = None
    try:
        roots = [root] + [make_copy(root, workdir / f"copy-{i}") for i in range(1, jobs)]
        key = fingerprint(root, modules, args.tests, args.marker)
        cache = Path(args.coverage_cache) if args.coverage_cache else None
        coverage = None
        if cache and cache.is_file():
            stored = json.loads(cache.read_text(encoding="utf-8"))
            if stored.get("fingerprint") == key and stored.get("fork_server") == args.fork_server:
                coverage = stored
                print(f"mutate: reusing the coverage in {cache}", file=sys.stderr)
        preload = workdir / "preload.json"
        if args.fork_server:
            libraries = coverage["preload"] if coverage else probe_libraries(runner, root, args.tests, workdir)
            preload.write_text(json.dumps(libraries), encoding="utf-8")
            for r in roots:
                runner.start_server(r, preload)
        if coverage is None:
            print(f"mutate: running the tests once to see which lines each executes ({len(mutants)} mutants "
                  f"to try)…", file=sys.stderr)
            coverage = collect_coverage(runner, roots, modules, args.tests, workdir)
            coverage.update(fingerprint=key, fork_server=args.fork_server,
                            preload=json.loads(preload.read_text(encoding="utf-8")) if args.fork_server else [])
            if cache:
                cache.write_text(json.dumps(coverage), encoding="utf-8")
        selection = Selection(coverage)
        failing = sorted(t for t, info in coverage["tests"].items() if info["outcome"] == "failed")
        if failing:
            print(f"mutate: warning: {len(failing)} test(s) fail without any mutant and are left out: "
                  + ", ".join(failing[:5]) + (" …" if len(failing) > 5 else ""), file=sys.stderr)

        # pytest's start-up, and a check that each tree passes its fastest test unmutated
        startup = 0.0
        fastest = min(selection.usable, key=lambda t: selection.tests[t]["seconds"], default=None)
        if fastest is None:
            raise SystemExit("mutate: no test passes; nothing to measure mutants with")
        order = workdir / "select-check.json"
        order.write_text(json.dumps([fastest]), encoding="utf-8")
        for i, r in enumerate(roots):
            rc, seconds, tail = runner.pytest(r, [fastest.split("::")[0]],
                                              {"MUTATE_MODE": "select", "MUTATE_SELECT": str(order)},
                                              None, workdir / f"tmp-check-{i}")
            if rc != 0:
                raise SystemExit(f"mutate: {fastest} fails unmutated in {r} (exit status {rc}):\n{tail}")
            startup = max(startup, seconds)

        free: queue.Queue = queue.Queue()
        for i, r in enumerate(roots):
            free.put((str(i), r))
        done = [0]
        done_lock = threading.Lock()

        def work(m: Mutant) -> None:
            if runner.stopping:
                return
            worker, r = free.get()
            try:
                run_mutant(runner, selection, r, sources[m.path], m, startup, workdir, worker)
            finally:
                free.put((worker, r))
            with done_lock:
                done[0] += 1
                n = done[0]
            if args.verbose:
                print(f"[{n}/{len(mutants)}] {m.status:9s} {m.path}:{m.line}: {m.description} "
                      f"({m.tests} tests, {m.seconds:.1f} s{'; ' + m.detail if m.detail else ''})", file=sys.stderr)
            elif n % 25 == 0 or n == len(mutants):
                print(f"mutate: {n}/{len(mutants)} mutants tried", file=sys.stderr)

        pool = concurrent.futures.ThreadPoolExecutor(jobs)
        for future in [pool.submit(work, m) for m in mutants]:
            future.result()
        pool.shutdown(wait=True)
        pool = None
    except KeyboardInterrupt:
        print("\nmutate: interrupted; putting the original files back", file=sys.stderr)
        runner.stop()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)  # each worker restores its file on the way out
        runner.close()
        restore_leftovers(root)
        shutil.rmtree(workdir, ignore_errors=True)
        return 130
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        runner.close()
        shutil.rmtree(workdir, ignore_errors=True)  # the scratch copies, the plugin, the logs

    elapsed = time.perf_counter() - started
    summary = summarise(mutants, modules)
    print_report(summary, mutants, elapsed)
    if args.report:
        Path(args.report).write_text(json.dumps({
            "modules": summary, "seconds": round(elapsed, 1),
            "mutants": [{**asdict(m), "id": m.ident} for m in mutants]}, indent=1, ensure_ascii=False),
            encoding="utf-8")
    if args.fail_under is not None:
        low = [rel for rel, s in summary.items() if s["score"] < args.fail_under]
        if low:
            print(f"mutate: below {args.fail_under:g} %: {', '.join(low)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
