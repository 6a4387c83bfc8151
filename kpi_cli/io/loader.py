"""Reading YAML files safely: bytes -> (data | None, [Finding]).

Always the libyaml C loader, always safe loading. The fast path builds plain Python objects
(libyaml composes the nodes; the loader constructs plain documents itself, leaving anything
unusual to PyYAML's safe constructor) and no node positions; positions are computed only for
files that have problems
(:func:`locate`), by composing the nodes once more. Damage of every kind (bad encoding, binary
data, syntax errors, tags, duplicate keys, alias bombs, deep nesting, invalid dates) comes back
as findings, never as an exception.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from kpi_cli.core.figures import printed_form
from kpi_cli.core.i18n import N_, _
from kpi_cli.core.problems import Finding, Problem
from kpi_cli.io.paths import printable
from kpi_cli.io.source import MAX_BYTES, Loaded, _decode, decode, read  # noqa: F401  (kpi_cli.loader.X)

_LINE_SEPARATOR = re.compile("[\u2028\u2029\x85]")
MAX_NODES = 200_000  # after alias expansion; a billion-laughs file is refused at this bound
MAX_DEPTH = 64

if not getattr(yaml, "__with_libyaml__", False):  # pragma: no cover - wheels ship libyaml
    raise ImportError("PyYAML was built without libyaml; reinstall it: pip install --force-reinstall PyYAML")


class InvalidDate(str):
    """A scalar that YAML resolves as a timestamp but is not a real date (2021-02-30)."""

    reason: str = ""


class _NotPlain(Exception):
    """A node that _Loader's plain construction leaves to PyYAML."""


_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _MAP, _SEQ, _MERGE = (
    _TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge"))


MAX_DIGITS = 30  # a figure, a count or an amount in baht; a longer number is a mistake, never a value


_NUMBERS = {  # PyYAML's own patterns, without their last, sexagesimal alternative
    _INT: re.compile(r"""^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+)$""", re.X),
    _FLOAT: re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""", re.X),
}


def _resolvers() -> dict:
    """YAML 1.1's implicit types as PyYAML resolves them, less the sexagesimal numbers: `12:30` is
    text (a time, a ratio), never the number 750."""
    return {first: [(tag, _NUMBERS.get(tag, regexp)) for tag, regexp in pairs]
            for first, pairs in yaml.resolver.Resolver.yaml_implicit_resolvers.items()}


class _Loader(yaml.CSafeLoader):
    """CSafeLoader that records duplicate keys, keeps invalid dates as values, reads no sexagesimal
    number and refuses a number too long to be a figure."""

    yaml_implicit_resolvers = _resolvers()

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[object, yaml.Mark]] = []
        self.too_long: list[tuple[str, yaml.Mark]] = []
        self.other_base: list[tuple[str, object, yaml.Mark]] = []  # 010, 0x10, 1_000: not read as they look
        self.not_text_keys: list[tuple[str, object, yaml.Mark]] = []  # `~:`, `true:`, `5:` as keys

    def resolve(self, kind, value, implicit):
        """PyYAML's resolution of a node's tag (BaseResolver.resolve) for a loader without path
        resolvers: the same answers, a tenth of a validation's time less (it runs for every node)."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                tag = _RESOLVED.get(value)  # keys and short values repeat: each is matched once a process
                if tag is None:
                    tag = _STR
                    for candidate, regexp in _IMPLICIT.get(value[:1], ()):
                        if regexp.match(value):
                            tag = candidate
                            break
                    if len(value) <= _RESOLVED_LENGTH and len(_RESOLVED) < _RESOLVED_MAX:
                        _RESOLVED[value] = tag
                return tag
            return _STR
        if kind is yaml.MappingNode:
            return _MAP
        if kind is yaml.SequenceNode:
            return _SEQ
        return super().resolve(kind, value, implicit)

    def descend_resolver(self, current_node, current_index):
        """Path resolvers are not used: nothing to track (the composer calls this for every node)."""

    def ascend_resolver(self):
        """See descend_resolver."""

    def _bounded(self, node, construct):
        if len(node.value) > MAX_DIGITS and sum(ch.isdigit() for ch in node.value) > MAX_DIGITS:
            self.too_long.append((node.value, node.start_mark))
            return None
        return construct(node)

    def construct_yaml_int(self, node):
        value = node.value
        if value.isdigit() and (value[0] != "0" or len(value) == 1) and len(value) <= MAX_DIGITS:
            return int(value)  # a plain decimal integer (the resolver matched [0-9] only): most of them
        number = self._bounded(node, super().construct_yaml_int)
        if number is not None and _misread(value, number):
            self.other_base.append((value, number, node.start_mark))
        return number

    def construct_yaml_float(self, node):
        """A decimal keeps the form it was written in (30.00, 95.0000): kpi_cli.core.figures."""
        number = self._bounded(node, self._decimal)
        if number is not None and "_" in node.value:
            self.other_base.append((node.value, number, node.start_mark))
        return number

    def _decimal(self, node):
        kept = printed_form(node.value)  # (never `or`: Printed("0.00") is falsy, being 0)
        return kept if kept is not None else super().construct_yaml_float(node)

    def construct_mapping(self, node, deep=False):
        pairs = node.value
        if len(pairs) > 1 and isinstance(node, yaml.MappingNode):
            # before merge keys (<<) are flattened: a key that overrides a merged one is no duplicate
            keys = [k.value if isinstance(k, yaml.ScalarNode) else id(k) for k, _node in pairs]
            if len(set(keys)) != len(keys):
                seen = set()
                for (key_node, _value), key in zip(pairs, keys):
                    if key in seen and key != "<<":
                        self.duplicates.append((key, key_node.start_mark))
                    seen.add(key)
        mapping = super().construct_mapping(node, deep=deep)
        if isinstance(node, yaml.MappingNode):
            for key_node, _value in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag not in (_STR, _MERGE):
                    self.not_text_keys.append((key_node.value, self.construct_object(key_node), key_node.start_mark))
        return mapping

    def construct_document(self, node):
        """PyYAML's construction without its generic dispatch, for the plain documents kpi reads
        (mappings, sequences, and str, int, float, bool, null and timestamp scalars): about a
        sixth of the parse. Anything else (merge keys, other tags, unhashable keys) is built
        by PyYAML itself, from the start, so that its results and errors stay exactly PyYAML's."""
        try:
            return self._construct_plain(node)
        except _NotPlain:  # built again from the start: what the plain construction noted is noted again
            self.duplicates, self.too_long, self.other_base, self.not_text_keys = [], [], [], []
            return super().construct_document(node)

    def _construct_plain(self, root):
        scalars = {
            _INT: self.construct_yaml_int, _FLOAT: self.construct_yaml_float, _BOOL: self.construct_yaml_bool,
            _NULL: self.construct_yaml_null, _TIMESTAMP: self.construct_yaml_timestamp,
        }
        scalar = yaml.ScalarNode
        built: dict[int, object] = {}  # collections by node: an alias is the same node, and the same object
        duplicates = self.duplicates
        not_text_keys = self.not_text_keys

        def build(node):
            kind = node.__class__
            if kind is yaml.ScalarNode:
                if node.tag == _STR:
                    return node.value
                construct = scalars.get(node.tag)
                if construct is None:
                    raise _NotPlain
                return construct(node)
            done = built.get(id(node))
            if done is not None:
                return done
            if kind is yaml.MappingNode and node.tag == _MAP:
                out = built[id(node)] = {}
                pairs = node.value
                if len(pairs) > 1:  # the duplicate check of construct_mapping, as it is there
                    keys = [k.value if isinstance(k, yaml.ScalarNode) else id(k) for k, _node in pairs]
                    if len(set(keys)) != len(keys):
                        seen = set()
                        for (key_node, _value), key in zip(pairs, keys):
                            if key in seen and key != "<<":
                                duplicates.append((key, key_node.start_mark))
                            seen.add(key)
                for key_node, value_node in pairs:  # text, the most of keys and values, is built here
                    if key_node.tag == _STR and key_node.__class__ is scalar:
                        key = key_node.value
                    elif key_node.tag == _MERGE:
                        raise _NotPlain
                    else:
                        key = build(key_node)
                        if key_node.__class__ is scalar:  # `~:`, `true:`, `5:`, `2021-01-01:`: not a name
                            not_text_keys.append((key_node.value, key, key_node.start_mark))
                    value = value_node.value if value_node.tag == _STR and value_node.__class__ is scalar \
                        else build(value_node)
                    try:
                        out[key] = value
                    except TypeError:  # an unhashable key: PyYAML says so in its own words
                        raise _NotPlain from None
                return out
            if kind is yaml.SequenceNode and node.tag == _SEQ:
                out = built[id(node)] = []
                out.extend([item.value if item.tag == _STR and item.__class__ is scalar else build(item)
                            for item in node.value])
                return out
            raise _NotPlain

        try:
            return build(root)
        finally:
            build = None  # noqa: F841  the closure refers to itself: break the cycle, or every document lives on

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            bad = InvalidDate(node.value)
            bad.reason = str(exc)
            return bad


_OTHER_BASE = re.compile(r"[-+]?0(?:[bx]|[0-7_]*[1-7_])", re.I)


def _misread(raw: str, number: int) -> bool:
    """Whether YAML 1.1 read the integer `raw` other than a person reads it: in base 2, 8 or 16
    (0b101, 010, 0x10) or with its '_' dropped (1_000). `+5`, `-3` and `007` are read as they look."""
    if "_" in raw:
        return True
    if not _OTHER_BASE.match(raw):
        return False
    digits = raw.lstrip("+-")
    return not digits.isdigit() or int(digits) != abs(number)


# plain scalars already resolved (their tag by their text): a bounded table of short texts
_RESOLVED: dict[str, str] = {}
_RESOLVED_LENGTH = 32
_RESOLVED_MAX = 16384

# the implicit resolvers by a scalar's first character ('' for the empty scalar), wildcards included
_IMPLICIT = {first: tuple(pairs + _Loader.yaml_implicit_resolvers.get(None, []))
             for first, pairs in _Loader.yaml_implicit_resolvers.items() if first is not None}
assert not _Loader.yaml_path_resolvers and None not in _Loader.yaml_implicit_resolvers

_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)


def _too_big(data: object) -> str | None:
    """Count nodes after alias expansion (memoised by identity) and the nesting depth.
    Returns a message when a bound is passed."""
    sizes: dict[int, int] = {}
    depth_of: dict[int, int] = {}

    def walk(obj, depth):
        if depth > MAX_DEPTH:
            raise OverflowError(_("nesting deeper than {limit} levels").format(limit=MAX_DEPTH))
        key = id(obj)
        if key in sizes and depth_of[key] >= depth:
            return sizes[key]
        if isinstance(obj, dict):
            n = 1 + sum(walk(k, depth + 1) + walk(v, depth + 1) for k, v in obj.items())
        elif isinstance(obj, list):
            n = 1 + sum(walk(v, depth + 1) for v in obj)
        else:
            return 1
        if n > MAX_NODES:
            raise OverflowError(_("more than {limit:,} values once aliases are expanded").format(limit=MAX_NODES))
        sizes[key] = n
        depth_of[key] = depth
        return n

    try:
        walk(data, 0)
    except OverflowError as exc:
        return str(exc)
    finally:
        walk = None  # noqa: F841  the closure refers to itself: break the cycle
    return None


# a line indented by more than MAX_DEPTH levels of block nesting: on the first line, or after a line
# break (a literal "\n" lets the regular expression engine skip to the candidates: ^ with
# re.MULTILINE would try every position)
_DEEP_FIRST = re.compile(r"[ \t\-?]{%d}" % (2 * MAX_DEPTH))
_DEEP_LINE = re.compile(r"\n[ \t\-?]{%d}" % (2 * MAX_DEPTH))


def _nesting_depth(text: str) -> tuple[int, yaml.Mark | None]:
    """The deepest nesting of collections, from libyaml's event stream (iterative, so a
    100,000-deep file cannot overflow the C stack of the composer)."""
    depth = deepest = 0
    mark = None
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > deepest:
                    deepest, mark = depth, event.start_mark
                    if deepest > MAX_DEPTH:
                        break
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in (exc.problem or ""):  # libyaml's own limit (PyYAML >= 6.0.4)
            return MAX_DEPTH + 1, exc.problem_mark or exc.context_mark or mark
        # anything else: the real parse reports it
    except yaml.YAMLError:
        pass
    return deepest, mark


def parse_text(text: str, path: Path, findings: list[Finding]) -> object:
    """Parse YAML text into Python objects; problems go to `findings`, never raise."""
    separator = _LINE_SEPARATOR.search(text) if "\u2028" in text or "\u2029" in text or "\x85" in text else None
    if separator is not None:
        before = text[:separator.start()]
        findings.append(Finding(
            "line-separator", _("an invisible line break (U+{code:04X}) is in the text; YAML reads it as the end of "
                                "a line, which breaks the file's structure").format(code=ord(separator.group())),
            line=before.count("\n") + 1, column=separator.start() - (before.rfind("\n") + 1) + 1,
            fix=_("delete it (it often comes with text pasted from a PDF or a web page)")))
        return None
    if text.count("[") + text.count("{") > MAX_DEPTH or _DEEP_FIRST.match(text) or _DEEP_LINE.search(text):
        deepest, mark = _nesting_depth(text)
        if deepest > MAX_DEPTH:
            findings.append(Finding(
                "nesting-too-deep", _("refused: values nested more than {limit} levels deep").format(limit=MAX_DEPTH),
                line=mark.line + 1 if mark else 1, column=mark.column + 1 if mark else 1,
                fix=_("an indicator file is a few levels deep; check the brackets and indentation")))
            return None
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or _("invalid YAML")
        if "could not determine a constructor for the tag" in str(exc) or "tag" in (exc.problem or ""):
            tag = re.search(r"'([^']*)'", exc.problem or "")
            findings.append(Finding(
                "yaml-tag",
                _("YAML tag {tag} is not allowed: kpi loads data only, never objects").format(
                    tag=tag.group(1) if tag else ""),
                line=line, column=column, fix=_("remove the tag (the part starting with '!')")))
        else:
            message = _("{problem} ({context})").format(problem=_(problem), context=_(exc.context)) \
                if exc.context else _(problem)
            at = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
            findings.append(Finding("yaml-syntax", message, line=line, column=column, fix=_syntax_fix(problem, at)))
        return None
    except yaml.YAMLError as exc:
        findings.append(Finding("yaml-syntax", str(exc).splitlines()[0], line=1, column=1))
        return None
    except RecursionError:
        findings.append(Finding("nesting-too-deep", _("the file nests deeper than Python can read "
                                                      "(limit {limit} levels)").format(limit=MAX_DEPTH),
                                line=1, column=1,
                                fix=_("an indicator file is a few levels deep; check the indentation")))
        return None
    finally:
        loader.dispose()
    for value, mark in loader.too_long:
        shown = value if len(value) <= 24 else f"{value[:10]}…{value[-6:]}"
        findings.append(Finding("number-too-long", _("{value} has {digits:,} digits: no figure is that long "
                                                     "(the limit is {limit})").format(
                                    value=shown, digits=sum(ch.isdigit() for ch in value), limit=MAX_DIGITS),
                                line=mark.line + 1, column=mark.column + 1,
                                fix=_("check the figure; a code or a long number that is not a figure goes in "
                                      "quotes")))
    findings += _misread_findings(loader)
    for key, mark in loader.duplicates:
        findings.append(Finding("duplicate-key", _("key '{key}' appears twice in the same mapping; "
                                                   "YAML keeps only the last one").format(key=key),
                                line=mark.line + 1, column=mark.column + 1,
                                fix=_("delete one of them or merge their values")))
    if ("&" in text or "<<" in text) and isinstance(data, (dict, list)):
        why = _too_big(data)
        if why:
            findings.append(Finding("alias-bomb", _("refused: {why}").format(why=why), line=1, column=1,
                                    fix=_("write the values out instead of repeating them through aliases (*name)")))
            return None
    return data


def _as_read(value: object) -> str:
    """What YAML made of a scalar, for a message."""
    if value is None:
        return _("nothing (empty)")
    if isinstance(value, bool):
        return _("{value} (a yes/no value)").format(value=str(value).lower())
    if isinstance(value, (int, float)):
        return _("the number {value}").format(value=value)
    if hasattr(value, "isoformat"):
        return _("the date {date}").format(date=value.isoformat())
    return str(value)


def _misread_findings(loader: _Loader) -> list[Finding]:
    """Keys that are not names (`~:`, `5:`, `0x10:`: said as keys), and numbers YAML reads other than
    they look (010 is 8)."""
    out = []
    seen = set()
    for raw, key, mark in loader.not_text_keys:
        if (mark.line, mark.column) in seen:
            continue
        seen.add((mark.line, mark.column))
        out.append(Finding("implicit-type", _("the key {raw} is read by YAML as {value}; keys are names "
                                              "(text)").format(raw=raw or "''", value=_as_read(key)),
                           line=mark.line + 1, column=mark.column + 1,
                           fix=_('correct the field name, or put it in quotes: "{raw}"').format(raw=raw)))
    for raw, number, mark in loader.other_base:
        if (mark.line, mark.column) in seen:
            continue
        seen.add((mark.line, mark.column))
        digits = raw.lstrip("+-").lower()
        if "_" in raw:
            why = _("YAML reads {raw} as {value}: it drops the '_', and other YAML readers read it as text")
            fix = _("write {plain} (no '_'), or the decimal point that was meant").format(plain=number)
        elif digits.startswith(("0x", "0b")):
            why = _("YAML reads {raw} as {value}: 0x starts a number in base 16, 0b one in base 2")
            fix = _("write the number in ordinary digits ({plain}); a code goes in quotes: \"{raw}\"").format(
                plain=number, raw=raw)
        else:
            why = _("YAML reads {raw} as {value}: a number that starts with 0 is read in base 8 (octal), "
                    "so the digits change")
            fix = _("write it without the leading zeros ({plain}); a code goes in quotes: \"{raw}\"").format(
                plain=raw[0] + digits.lstrip("0") if raw[0] in "+-" else digits.lstrip("0"), raw=raw)
        out.append(Finding("number-base", why.format(raw=raw, value=_as_read(number)),
                           line=mark.line + 1, column=mark.column + 1, fix=fix))
    return out


def drop_restated(problems: list[Problem]) -> list[Problem]:
    """Without the loader's number-base problem where the shape check says the same of the same
    value (an unquoted code in a text field: implicit-type, with its fix)."""
    typed = {(p.path, p.line, p.column) for p in problems if p.rule == "implicit-type"}
    return [p for p in problems if p.rule != "number-base" or (p.path, p.line, p.column) not in typed]


# libyaml's words for what went wrong, so that `_()` can translate them where they are shown
LIBYAML_MESSAGES = (
    N_("mapping values are not allowed in this context"),
    N_("found character that cannot start any token"),
    N_("while scanning for the next token"),
    N_("did not find expected ',' or ']'"),
    N_("while parsing a flow sequence"),
    N_("did not find expected ',' or '}'"),
    N_("while parsing a flow mapping"),
    N_("found undefined alias"),
    N_("did not find expected '-' indicator"),
    N_("while parsing a block collection"),
    N_("found unexpected end of stream"),
    N_("while scanning a quoted scalar"),
    N_("did not find expected key"),
    N_("while parsing a block mapping"),
    N_("could not find expected ':'"),
    N_("while scanning a simple key"),
    N_("but found another document"),
    N_("expected a single document in the stream"),
    N_("found unhashable key"),
    N_("while constructing a mapping"),
    N_("found invalid Unicode character escape code"),
    N_("while parsing a quoted scalar"),
)


def _syntax_fix(problem: str, at: str = "") -> str | None:
    """The fix for libyaml's `problem`, found at the character `at`."""
    if at == "\t":
        return _("indent with spaces, not tabs")
    if "found character that cannot start any token" in problem and at in ("@", "`", "%"):
        return _("a value cannot start with {char}: put the whole value in double quotes").format(char=at)
    if "another document" in problem:
        return _("an indicator file is one YAML document: delete the '---' line and what follows it, or move "
                 "that into a file of its own")
    if "unhashable key" in problem:
        return _("a key is a name: write it as text, without '?', brackets or braces")
    if "Unicode character escape" in problem:
        return _("write the character itself, not its \\u code (a \\ud800-\\udfff code is half of a pair "
                 "and is never a character)")
    if "mapping values are not allowed" in problem:
        return _("a value contains ': ' (colon and space); put the whole value in double quotes")
    if "found character '\\t'" in problem or "tab" in problem:
        return _("indent with spaces, not tabs")
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return _("check the indentation: keys of one mapping must start in the same column")
    if "found undefined alias" in problem:
        return _("define the anchor (&name) before using it (*name), or write the value out")
    return None


def load(path: Path, *, max_bytes: int = MAX_BYTES) -> Loaded:
    """Read, decode and parse one file. Never raises for bad content."""
    raw, result = read(path, max_bytes=max_bytes)
    return result if raw is None else load_bytes(result, raw)


def load_bytes(result: Loaded, raw: bytes) -> Loaded:
    """Decode and parse the bytes `read` returned into `result`."""
    findings = result.findings
    text = _decode(raw, findings)
    if text is None:
        return result
    result.text = text
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        findings.append(Finding("empty-file", _("the file is empty"), line=1, column=1,
                                fix=_("write the indicator's fields, or start from `kpi new`")))
        return result
    data = parse_text(text, result.path, findings)
    if data is None:
        return result
    if not isinstance(data, dict):
        kind = type(data).__name__
        names = {"list": _("a list"), "str": _("a single text"), "int": _("a number"), "float": _("a number")}
        findings.append(Finding("top-level-mapping",
                                _("the file holds {what}; an indicator file is a mapping of fields").format(
                                    what=names.get(kind, kind)),
                                line=1, column=1,
                                fix=_("start with 'code: \"AAAA-NNNN\"' and the other fields, one per line")))
        return result
    result.data = data
    return result


# --- positions ------------------------------------------------------------------------

def compose(text: str):
    """The node tree of `text`, for positions. Only called for files with problems."""
    try:
        return yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None


def node_at(root, loc: tuple, *, key: bool = False):
    """Walk `loc` from the root node as far as it goes: returns (node, consumed segments).
    With key=True and a mapping key as last segment, returns the key's node."""
    node = root
    consumed = 0
    for i, seg in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, yaml.MappingNode):
            hit = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(seg):
                    hit = (k, v)
            if hit is None:
                continue  # a union tag or a missing key: stay here
            node = hit[0] if (last and key) else hit[1]
            consumed = i + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(seg, int):
            if 0 <= seg < len(node.value):
                node = node.value[seg]
                consumed = i + 1
        else:
            continue
    return node, consumed


def scalar_text(root, loc: tuple) -> str | None:
    """The source text of the scalar at `loc` (e.g. '0406' before YAML read it as 262)."""
    node, consumed = node_at(root, loc)
    if consumed and isinstance(node, yaml.ScalarNode) and not node.style:
        return node.value
    return None


def locate(path: Path, text: str | None, findings: list[Finding], display: str | None = None) -> list[Problem]:
    """Turn findings into problems with line and column; compose nodes only if needed."""
    shown = display or str(path)
    root = None
    if text is not None and any(f.line is None for f in findings):
        root = compose(text)
    problems: list[Problem] = []
    for f in findings:
        line, column = f.line, f.column
        if line is None:
            if root is not None:
                node, _consumed = node_at(root, f.loc, key=f.key)
                line, column = node.start_mark.line + 1, node.start_mark.column + 1
            else:
                line, column = 1, 1
        problems.append(Problem(printable(shown), line, column or 1, f.rule, f.level, printable(f.message),
                                None if f.fix is None else printable(f.fix)))
    return drop_restated(problems)
