"""The bounds of kpi's template sandbox (:class:`BoundedSandbox`): a template, the shipped ones
or a repository's own, renders in bounded time and memory or fails with :class:`TemplateLimit`
at its line.

Jinja's sandbox keeps templates away from Python's internals but not from making a ten-gigabyte
string (``'x' * 10**10``), padding to a width of ten billion, looping a hundred million times or
recursing until Python gives up. Here every way a template makes something big is bounded:

* **one operation**: ``range`` gives at most :data:`MAX_RANGE` items; repetition (``*``), ``+``,
  ``~`` and ``**`` give at most :data:`MAX_TEXT` characters, :data:`MAX_ITEMS` items or
  :data:`MAX_INT_BITS` bits, checked before the result is made; widths of padding, centring,
  indentation and formats (``str.format``, ``%``, the ``format`` filter) are at most
  :data:`MAX_WIDTH`; filters that multiply their input (``join``, ``replace``, ``indent``,
  ``wordwrap``, ``batch``, ``slice``, ``sum``, ``tojson``, ``urlize``) are checked before
  they run; methods of built-in values are limited to a list that makes nothing big; a list,
  tuple or dict holds at most :data:`MAX_TEXT` characters in all, an item counted as often as it
  appears (``[x, x]`` forty times over holds 2**40 copies of ``x``);
* **nesting**: macro calls (and ``caller()``, recursive loops) :data:`MAX_DEPTH` deep, and as
  many nested ``include``/``import``/``extends``;
* **one rendering** (:class:`Budget`): :data:`MAX_STEPS` loop iterations, calls and filters;
  :data:`MAX_WORK` characters and items made along the way (what a loop writes included);
  :data:`MAX_TEXT` characters of output; :data:`TIME_LIMIT` seconds.

Loops are counted by a step the environment adds to every ``for`` when it compiles a template
(:class:`_Instrument`, which also checks every ``~`` and every list written in a template); a
Python loop inside one operation is bounded by the sizes above.
"""

from __future__ import annotations

import functools
import re
import sys
import time
import types
from string import Formatter

import jinja2
from jinja2 import nodes
from jinja2.filters import make_attrgetter
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import pass_context, pass_environment, pass_eval_context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from kpi_cli.core.i18n import _

MAX_RANGE = 10_000          # items of one range()
MAX_TEXT = 20_000_000       # characters of one value, and of a report
MAX_ITEMS = 1_000_000       # items of one list, tuple or dict
MAX_INT_BITS = 100_000      # bits of one integer (30,000 digits)
MAX_WIDTH = 10_000          # a width: padding, centring, indentation, str.format and % widths and precisions
MAX_DEPTH = 50              # nested macro calls; nested include, import and extends
MAX_STEPS = 2_000_000       # loop iterations, calls and filters in one rendering
MACRO_STEPS = 20            # what a call of a macro (or of a recursive loop) or an include counts
CALL_STEPS = 5              # what a call of a function or a method counts
MAX_WORK = 100_000_000      # characters made in one rendering (four items of a list count as one)
TIME_LIMIT = 60.0           # seconds of one rendering
MAX_JSON_INDENT = 16


class TemplateLimit(jinja2.TemplateRuntimeError):
    """A template went past one of the bounds of the sandbox."""


class Budget:
    """What one rendering may still spend: steps, work, nesting, time."""

    __slots__ = ("steps", "work", "depth", "deadline", "clock_at")

    def __init__(self):
        self.steps = 0
        self.work = 0
        self.depth = 0
        self.deadline = time.monotonic() + TIME_LIMIT
        self.clock_at = 1024  # the clock is read every thousand steps or so

    def step(self, steps: int = 1, work: int = 0) -> None:
        """A loop's iteration or a filter (a call counts CALL_STEPS, a macro's call or an include
        MACRO_STEPS: about what they cost), and the characters of template text it writes."""
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise TemplateLimit(_("more than {limit:,} loop iterations, calls and filters in one report").format(
                limit=MAX_STEPS))
        if work:
            self.charge(work)
        if self.steps >= self.clock_at:
            self.clock_at = self.steps + 1024
            if time.monotonic() > self.deadline:
                raise TemplateLimit(_("the report took longer than {seconds:g} seconds").format(seconds=TIME_LIMIT))

    def charge(self, work: int) -> None:
        """Characters made (and list items, four as one character)."""
        self.work += work
        if self.work > MAX_WORK:
            raise TemplateLimit(_("more than {limit:,} characters made in one report").format(limit=MAX_WORK))


def _size(value) -> int:
    """The characters, items or bits of a value, checked against the bounds."""
    if isinstance(value, str):
        _text_at_most(len(value))
        return len(value)
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        _items_at_most(len(value))
        return len(value)
    if isinstance(value, int):
        _bits_at_most(value.bit_length())
    return 0


def _items_at_most(n: int) -> None:
    if n > MAX_ITEMS:
        raise TemplateLimit(_("a list of {n:,} items (at most {limit:,})").format(n=n, limit=MAX_ITEMS))


# --- lists, tuples and dicts a template makes: what they hold in all ----------------------------
#
# `[ns.l, ns.l]` forty times over is a list of two items that holds 2**40 copies of what it
# started with: writing it out (repr, JSON, a join) would never end. Every list, tuple and dict
# a template makes is kept as one of these, which knows how many characters it holds in all,
# every item counted as often as it appears.

class _List(list):
    __slots__ = ("kpi_held",)

    def __add__(self, other):  # one copy, not two: rows are added one by one to long tables
        if not isinstance(other, list):
            return NotImplemented
        result = _List(self)
        result.extend(other)
        return result


class _Tuple(tuple):
    pass  # a tuple's subclass cannot have slots: kpi_held is in its __dict__


class _Dict(dict):
    __slots__ = ("kpi_held",)


_KEEP_AS = {list: _List, tuple: _Tuple, dict: _Dict}
_KEPT = frozenset(_KEEP_AS.values())


def _held(value, memo: dict) -> int:
    """The characters `value` holds in all (an item that is not text counts one), each item as
    often as it appears; MAX_TEXT + 1 as soon as it is more."""
    if type(value) in _KEPT:
        return value.kpi_held
    if isinstance(value, str):
        return len(value)
    if not isinstance(value, (list, tuple, dict, set, frozenset)):
        return 1
    key = id(value)
    if key not in memo:
        memo[key] = MAX_TEXT + 1  # a list that holds itself never ends
        total = len(value)
        for item in (value.items() if isinstance(value, dict) else value):
            total += _held(item, memo)
            if total > MAX_TEXT:
                break
        memo[key] = total
    return memo[key]


def _kept(value, held: int | None = None):
    """`value`, a list, tuple or dict a template made, bounded (its items; what it holds in all)
    and kept as one that knows what it holds."""
    _items_at_most(len(value))
    held = _held(value, {}) if held is None else held
    _held_at_most(held)
    kept = _KEEP_AS[type(value)](value)
    kept.kpi_held = held
    return kept


def _held_at_most(held: int) -> None:
    if held > MAX_TEXT:
        raise TemplateLimit(_("a list that holds more than {limit:,} characters in all").format(limit=MAX_TEXT))


def _text_at_most(n: int) -> None:
    if n > MAX_TEXT:
        raise TemplateLimit(_("a text of {n:,} characters (at most {limit:,})").format(n=n, limit=MAX_TEXT))


def check_width(value, what: str | None = None) -> int:
    """A width given to a template operation: an integer up to MAX_WIDTH (a text counts its length)."""
    n = len(value) if isinstance(value, str) else value
    if isinstance(n, int) and abs(n) > MAX_WIDTH:
        raise TemplateLimit(_("{what} {n:,} is more than {limit:,}").format(what=what or _("width"), n=n,
                                                                       limit=MAX_WIDTH))
    return n if isinstance(n, int) else 0


# --- operators ------------------------------------------------------------------------------

def _check_repeat(left, right) -> None:
    """`left * right` before it is made."""
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
            total = len(seq) * max(times, 0)
            if isinstance(seq, str):
                _text_at_most(total)
            else:
                _items_at_most(total)
            return
    if isinstance(left, int) and isinstance(right, int):
        _bits_at_most(left.bit_length() + right.bit_length())


def _check_power(base, exponent) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        _bits_at_most(base.bit_length() * exponent)


def _bits_at_most(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise TemplateLimit(_("a number of more than {limit:,} bits").format(limit=MAX_INT_BITS))


# a conversion of printf-style formatting: %(name)-08.3f
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.S)


def check_percent(fmt) -> None:
    """`fmt % values` before it is made: widths and precisions within MAX_WIDTH, none given as '*'."""
    if not isinstance(fmt, str):
        return
    for match in _PERCENT.finditer(fmt):
        for number in match.group(1, 2):
            if number == "*":
                raise TemplateLimit(_("a width given as '*' in a % format: write the number"))
            if number:
                _format_width(number)


def _check_format_spec(spec: str) -> None:
    """A str.format spec ('>30', '.2f', '{w}' filled in) before it is applied."""
    for number in re.findall(r"\d+", spec):
        _format_width(number)


def _format_width(digits: str) -> None:
    """A width or precision written in a format, within MAX_WIDTH (its digits are not made a
    number when there are too many)."""
    if len(digits) > 6 or int(digits) > MAX_WIDTH:
        raise TemplateLimit(_("{what} {n} is more than {limit:,}").format(what=_("format width"), n=digits,
                                                                     limit=MAX_WIDTH))


_BINOP_CHECKS = {"*": _check_repeat, "**": _check_power, "%": lambda fmt, _values: check_percent(fmt)}


# --- str.format ----------------------------------------------------------------------------

class _BoundedFields:
    def format_field(self, value, format_spec):
        _check_format_spec(format_spec)
        return super().format_field(value, format_spec)


class _Formatter(_BoundedFields, SandboxedFormatter):
    pass


class _EscapeFormatter(_BoundedFields, SandboxedEscapeFormatter):
    pass


# --- methods of built-in values ---------------------------------------------------------------

_STR = frozenset("""capitalize casefold center count endswith expandtabs find format format_map index isalnum
    isalpha isascii isdecimal isdigit isidentifier islower isnumeric isprintable isspace istitle isupper join
    ljust lower lstrip partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip
    split splitlines startswith strip swapcase title upper zfill""".split())
_MARKUP = _STR | {"striptags", "unescape", "escape"}
_NUMBER = frozenset("real imag numerator denominator is_integer conjugate bit_length bit_count".split())
_SEQUENCE = frozenset({"index", "count"})
_MAPPING = frozenset({"keys", "values", "items", "get"})
_RANGE = frozenset({"start", "stop", "step", "index", "count"})
_SET = frozenset("union intersection difference symmetric_difference issubset issuperset isdisjoint".split())
_BUILTIN_ATTRIBUTES = ((Markup, _MARKUP), (str, _STR), ((bool, int, float, complex), _NUMBER),
                       ((list, tuple), _SEQUENCE), (dict, _MAPPING), (range, _RANGE), ((set, frozenset), _SET),
                       ((bytes, bytearray, memoryview), frozenset()))


def _str_call(method, args: tuple, kwargs: dict) -> tuple:
    """A method of a text, checked before it runs (its arguments, a join's items made a list)."""
    text, name = method.__self__, method.__name__
    arg = (lambda i, key, default=None: args[i] if len(args) > i else kwargs.get(key, default))
    if name in ("center", "ljust", "rjust", "zfill"):
        check_width(arg(0, "width", 0))
    elif name == "expandtabs":
        size = check_width(arg(0, "tabsize", 8), _("tab size"))
        _text_at_most(len(text) + text.count("\t") * max(size, 0))
    elif name == "replace":
        old, new, count = arg(0, "old", ""), arg(1, "new", ""), arg(2, "count", -1)
        _check_replace(text, old, new, count)
    elif name == "join" and args:
        items = list(args[0])
        _size(items)
        _text_at_most(sum(len(x) if isinstance(x, str) else 0 for x in items) + len(text) * max(len(items) - 1, 0))
        args = (items, *args[1:])
    return args


def _check_replace(text, old, new, count) -> None:
    if not isinstance(text, str) or not isinstance(old, str) or not isinstance(new, str):
        return
    found = (len(text) + 1) if old == "" else text.count(old)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    _text_at_most(len(text) + found * max(len(new) - len(old), 0))


# --- filters --------------------------------------------------------------------------------

def _guard(original, check):
    """The filter `original`, with `check` run on its arguments first (without the context,
    environment or evaluation context Jinja passes some filters first)."""
    skip = 1 if hasattr(original, "jinja_pass_arg") else 0

    @functools.wraps(original)
    def run(*args, **kwargs):
        check(*args[skip:], **kwargs)
        return original(*args, **kwargs)
    return run


def _lines(text) -> int:
    return str(text).count("\n") + 1


def _check_center(value, width=80):
    check_width(width)


def _check_indent(s, width=4, first=False, blank=False):
    _text_at_most(len(str(s)) + _lines(s) * check_width(width, _("indentation")))


def _check_wordwrap(s, width=79, break_long_words=True, wrapstring=None, break_on_hyphens=True):
    joint = len(wrapstring) if isinstance(wrapstring, str) else 1
    _text_at_most(len(str(s)) * (1 + joint))


def _check_batch(value, linecount, fill_with=None):
    if isinstance(linecount, int):
        _items_at_most(linecount)


def _check_slice(value, slices, fill_with=None):
    if isinstance(slices, int) and slices > MAX_RANGE:
        raise TemplateLimit(_("a range of {n:,} items (at most {limit:,})").format(n=slices, limit=MAX_RANGE))


def _check_tojson(value, indent=None):
    if indent is not None and (len(indent) if isinstance(indent, str) else indent) > MAX_JSON_INDENT:
        raise TemplateLimit(_("{what} {n} is more than {limit:,}").format(what=_("JSON indentation"), n=indent,
                                                                     limit=MAX_JSON_INDENT))


def _check_urlize(value, trim_url_limit=None, nofollow=False, target=None, rel=None, extra_schemes=None):
    extra = sum(len(x) for x in (target, rel) if isinstance(x, str)) + 64
    text = len(str(value))
    _text_at_most(3 * text + (text // 4 + 1) * extra)


def _check_replace_filter(s, old, new, count=None):
    _check_replace(str(s), str(old), str(new), -1 if count is None else count)


def _check_format_filter(value, *args, **kwargs):
    check_percent(str(value))


_FILTER_CHECKS = {"center": _check_center, "indent": _check_indent, "wordwrap": _check_wordwrap,
                  "batch": _check_batch, "slice": _check_slice, "tojson": _check_tojson, "urlize": _check_urlize,
                  "replace": _check_replace_filter, "format": _check_format_filter}


def _bounded_join(original):
    @pass_eval_context
    def join(eval_ctx, value, d="", attribute=None):
        """Jinja's join, its result bounded before it is made."""
        items = list(value)
        if attribute is not None:
            items = [make_attrgetter(eval_ctx.environment, attribute)(x) for x in items]
        _size(items)
        _text_at_most(sum(len(str(x)) for x in items) + len(str(d)) * max(len(items) - 1, 0))
        return original(eval_ctx, items, d)
    return join


def _bounded_sum(env: "BoundedSandbox"):
    @pass_environment
    def total(environment, iterable, attribute=None, start=0):
        """The sum of the items (or of their `attribute`), each addition bounded as `+` is."""
        if attribute is not None:
            iterable = map(make_attrgetter(environment, attribute), iterable)
        for item in iterable:
            start = env.call_binop(None, "+", start, item)
        return start
    return total


# --- the code of a template: a step in every loop ---------------------------------------------

_STEP, _MADE = "_kpi_step", "_kpi_made"


def _literal(body: list) -> int:
    """Characters a body writes as it stands (its template text), not counting nested loops and macros."""
    total = 0
    for node in body:
        if isinstance(node, nodes.TemplateData):
            total += len(node.data)
        elif not isinstance(node, (nodes.For, nodes.Macro, nodes.CallBlock)):
            total += _literal(list(node.iter_child_nodes()))
    return total


class _Instrument(NodeTransformer):
    """Adds a step to every iteration of a loop (and to its filter), to every macro and call block
    (with the characters of template text it writes), and a size check to every `~` and to every
    list, tuple and dict written in the template."""

    def _step(self, node, work: int) -> nodes.Filter:
        return nodes.Filter(nodes.Const(work, lineno=node.lineno), _STEP, [], [], None, None, lineno=node.lineno)

    def _with_step(self, node):
        node = self.generic_visit(node)
        node.body.insert(0, nodes.ExprStmt(self._step(node, _literal(node.body)), lineno=node.lineno))
        return node

    def visit_For(self, node):
        node = self._with_step(node)
        if node.test is not None:
            node.test = nodes.And(self._step(node, 0), node.test, lineno=node.lineno)
        return node

    visit_Macro = visit_CallBlock = _with_step

    def _made(self, node):
        node = self.generic_visit(node)
        return nodes.Filter(node, _MADE, [], [], None, None, lineno=node.lineno)

    visit_Concat = visit_List = visit_Dict = _made

    def visit_Tuple(self, node):
        return self._made(node) if node.ctx == "load" else self.generic_visit(node)


def _root_depth() -> int:
    """Templates being rendered inside each other now: the frames of their top-level code."""
    depth, frame = 0, sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "root" and "__jinja_template__" in frame.f_globals:
            depth += 1
        frame = frame.f_back
    return depth


# --- the environment ---------------------------------------------------------------------------

def _lipsum(n=5, html=True, min=20, max=100):
    from jinja2.utils import generate_lorem_ipsum

    for value in (n, min, max):
        if isinstance(value, int) and value > 100:
            raise TemplateLimit(_("lipsum() of more than 100 paragraphs or words"))
    return generate_lorem_ipsum(n, html, min, max)


def _range(*args):
    rng = range(*args)
    try:
        n = len(rng)
    except OverflowError:  # more items than Python counts
        n = MAX_RANGE + 1
    if n > MAX_RANGE:
        raise TemplateLimit(_("a range of {n:,} items (at most {limit:,})").format(n=n, limit=MAX_RANGE))
    return rng


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with the bounds of this module. `budget` is the :class:`Budget`
    of the rendering under way (None between renderings: only the bounds of one operation apply)."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args, finalize=None, **kwargs):
        super().__init__(*args, finalize=self._finalizer(finalize), **kwargs)
        self.budget: Budget | None = None
        self.spent: Budget | None = None
        self.globals.update(range=_range, lipsum=_lipsum)
        for name, original in list(self.filters.items()):
            if name in _FILTER_CHECKS:
                original = _guard(original, _FILTER_CHECKS[name])
            self.filters[name] = self._charged(original)
        self.filters["join"] = self._charged(_bounded_join(jinja2.filters.sync_do_join))
        self.filters["sum"] = self._charged(_bounded_sum(self))
        self.filters[_STEP] = pass_context(lambda _context, work: self._step(work))
        self.filters[_MADE] = pass_context(lambda _context, value: self.made(value))

    def _finalizer(self, finalize):
        """What every {{ … }} goes through: `finalize`, then the size of what it wrote, charged."""
        if finalize is None:
            return lambda value: self.made(value)
        return lambda value: self.made(finalize(value))

    def add_filters(self, filters: dict) -> None:
        """kpi's own filters, bounded as Jinja's are."""
        for name, func in filters.items():
            self.filters[name] = self._charged(func)

    def _charged(self, func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            if self.budget is not None:
                self.budget.step()
            return self.made(func(*args, **kwargs))
        return run

    def _step(self, work: int) -> bool:
        if self.budget is not None:
            self.budget.step(work=work)
        return True

    def made(self, value, held: int | None = None):
        """`value`, made by the template: checked against the bounds and charged to the rendering
        (a list, four items as one character); a list, tuple or dict is kept as one that knows
        what it holds in all (`held`, when the caller knows it)."""
        kind = type(value)
        if kind in _KEEP_AS:
            value = _kept(value, held)
            size = len(value) // 4 + 1
        elif kind in _KEPT:
            if held is None:  # made before: a filter gave back what it was given
                return value
            _items_at_most(len(value))
            _held_at_most(held)
            value.kpi_held = held
            size = len(value) // 4 + 1
        else:
            size = _size(value)
        if self.budget is not None and size:
            self.budget.charge(size)
        return value

    def render_output(self, template, context: dict) -> str:
        """The output of `template`, rendered under a fresh budget, at most MAX_TEXT characters;
        `spent` keeps that budget afterwards (what the rendering used)."""
        return "".join(self.render_chunks(template, context, size=MAX_TEXT + 1))

    def render_chunks(self, template, context: dict, size: int = 1 << 16):
        """The output of `template` a few tens of kilobytes at a time (a large page: the index of a
        site), never held whole, under a fresh budget, at most MAX_TEXT characters in all; `spent`
        keeps that budget afterwards (what the rendering used)."""
        self.budget = self.spent = Budget()
        try:
            pieces, held, total = [], 0, 0
            stream = template.generate(**context)
            for piece in stream:
                total += len(piece)
                if total > MAX_TEXT:
                    stream.throw(TemplateLimit(_("a report of more than {limit:,} characters").format(limit=MAX_TEXT)))
                pieces.append(piece)
                held += len(piece)
                if held >= size:
                    yield "".join(pieces)
                    pieces, held = [], 0
            if pieces:
                yield "".join(pieces)
        finally:
            self.budget = None

    # the hooks of Jinja's sandbox

    def _parse(self, source, name, filename):
        return _Instrument().visit(super()._parse(source, name, filename))

    def _load_template(self, name, globals):
        if self.budget is not None:  # an include, import or extends while rendering
            self.budget.step(steps=MACRO_STEPS)
            if _root_depth() >= MAX_DEPTH:
                raise TemplateLimit(_("templates included, imported or extended more than {limit} deep").format(
                    limit=MAX_DEPTH))
        return super()._load_template(name, globals)

    def is_safe_attribute(self, obj, attr, value) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        for kinds, allowed in _BUILTIN_ATTRIBUTES:
            if isinstance(obj, kinds):
                return attr in allowed
        return True

    def call_binop(self, context, operator, left, right):
        check = _BINOP_CHECKS.get(operator)
        if check is not None:
            check(left, right)
        held = None
        if operator == "+" and type(left) in _KEPT and type(right) in _KEPT:
            held = left.kpi_held + right.kpi_held
        elif operator == "*":
            seq, times = (left, right) if type(left) in _KEPT else (right, left)
            if type(seq) in _KEPT and isinstance(times, int):
                held = seq.kpi_held * max(times, 0)
                _held_at_most(held)
        return self.made(self.binop_table[operator](left, right), held)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        self, budget = __self, __self.budget
        if isinstance(__obj, (types.BuiltinMethodType, types.MethodType)) and isinstance(
                getattr(__obj, "__self__", None), str):
            args = _str_call(__obj, args, kwargs)
        if budget is not None:
            budget.step(steps=MACRO_STEPS if isinstance(__obj, (Macro, LoopContext)) else CALL_STEPS)
            budget.depth += 1
            if budget.depth > MAX_DEPTH:
                budget.depth -= 1
                raise TemplateLimit(_("macros call each other more than {limit} deep").format(limit=MAX_DEPTH))
        try:
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            if budget is not None:
                budget.depth -= 1
        return self.made(result)

    def wrap_str_format(self, value):
        """str.format and format_map, as Jinja's sandbox makes them, with bounded widths."""
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or \
                value.__name__ not in ("format", "format_map"):
            return None
        text = value.__self__
        if not isinstance(text, str):
            return None
        formatter: Formatter = (_EscapeFormatter(self, escape=text.escape) if isinstance(text, Markup)
                                else _Formatter(self))
        is_map, kind = value.__name__ == "format_map", type(text)

        def wrapper(*args, **kwargs):
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                args, kwargs = (), args[0]
            return self.made(kind(formatter.vformat(text, args, kwargs)))

        return functools.update_wrapper(wrapper, value)
