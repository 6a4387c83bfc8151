"""The message catalog, for maintainers and tests (never imported by `kpi` itself).

`python tools/i18n_catalog.py pot > kpi.pot` extracts every message of the code: the literals
of ``_()``, ``N_()`` and ``ngettext()``, and the docstrings of the validation rules that
`kpi rules` shows: the one-line summary and each later paragraph (the Bad:/Good: examples). The rest is standard gettext (docs/thai.md)::

    msgmerge --update --backup=none kpi_cli/locale/th/LC_MESSAGES/kpi.po kpi.pot
    msgattrib --no-obsolete -o kpi_cli/locale/th/LC_MESSAGES/kpi.po kpi_cli/locale/th/LC_MESSAGES/kpi.po
    msgfmt --check -o kpi_cli/locale/th/LC_MESSAGES/kpi.mo kpi_cli/locale/th/LC_MESSAGES/kpi.po

:func:`read_po` reads a catalog back for the tests that keep code and catalog in step.
"""

from __future__ import annotations

import ast
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kpi_cli"
PO_FILE = PACKAGE / "locale" / "th" / "LC_MESSAGES" / "kpi.po"
MO_FILE = PO_FILE.with_suffix(".mo")
MARKERS = ("_", "N_")


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    where: list[str] = field(default_factory=list)  # the files that use it: "kpi_cli/loader.py"

    @property
    def key(self) -> str | tuple[str, str]:
        return self.msgid if self.plural is None else (self.msgid, self.plural)


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _call_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else None


def rule_summary(doc: str) -> str | None:
    """What `Rule.summary` shows of a rule's docstring."""
    from kpi_cli.check.rules.registry import summary_of

    return summary_of(doc) or None


def rule_details(doc: str) -> list[str]:
    """What `Rule.details` shows of a rule's docstring: the paragraphs after the summary."""
    from kpi_cli.check.rules.registry import details_of

    return details_of(doc)


def messages_of(tree: ast.AST) -> list[tuple[int, str, str | None]]:
    """(line, msgid, plural) of every message of one module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in MARKERS and node.args and _literal(node.args[0]) is not None:
                found.append((node.lineno, _literal(node.args[0]), None))
            elif name == "ngettext" and len(node.args) >= 2 and None not in map(_literal, node.args[:2]):
                found.append((node.lineno, _literal(node.args[0]), _literal(node.args[1])))
            elif name == "describe" and len(node.args) >= 3 and _literal(node.args[2]):
                summary = rule_summary(_literal(node.args[2]))  # rules.describe(id, level, doc)
                if summary:
                    found.append((node.lineno, summary, None))
                found += [(node.lineno, p, None) for p in rule_details(_literal(node.args[2]))]
        elif isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and _call_name(d) == "rule" for d in node.decorator_list):
            summary = rule_summary(ast.get_docstring(node, clean=False) or "")
            if summary:
                found.append((node.lineno, summary, None))
            found += [(node.lineno, p, None) for p in rule_details(ast.get_docstring(node, clean=False) or "")]
    return sorted(found, key=lambda m: m[0])


def extract(package: Path = PACKAGE) -> dict:
    """Every message of the package, by msgid (or (msgid, plural)), in order of first use."""
    out: dict = {}
    root = package.parent
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for _line, msgid, plural in messages_of(tree):
            msg = out.setdefault(msgid if plural is None else (msgid, plural), Message(msgid, plural))
            where = path.relative_to(root).as_posix()  # no line numbers: they would change the .po at every edit
            if where not in msg.where:
                msg.where.append(where)
    return out


def placeholders(text: str) -> set[str] | None:
    """The replacement fields of a str.format template: 'quarter {quarter} of {year:d}' -> {'quarter', 'year'};
    None for a text that is no template ("did not find expected ',' or '}'")."""
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


# --- .po files ------------------------------------------------------------------------

def _quote(text: str) -> str:
    """A PO string, split after each newline as xgettext does."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    lines = escaped.split("\n")
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if len(parts) <= 1:
        return f'"{parts[0] if parts else ""}"'
    return '""\n' + "\n".join(f'"{p}"' for p in parts)


def po_entry(msg: Message, translation: str | list[str] = "") -> str:
    lines = [f"#: {' '.join(msg.where)}"] if msg.where else []
    if "{" in msg.msgid:
        lines.append("#, python-brace-format")
    lines.append(f"msgid {_quote(msg.msgid)}")
    if msg.plural is None:
        lines.append(f"msgstr {_quote(translation if isinstance(translation, str) else translation[0])}")
    else:
        lines.append(f"msgid_plural {_quote(msg.plural)}")
        forms = [translation] if isinstance(translation, str) else translation
        lines += [f"msgstr[{i}] {_quote(t)}" for i, t in enumerate(forms)]
    return "\n".join(lines) + "\n"


HEADER = """msgid ""
msgstr ""
"Project-Id-Version: kpi\\n"
"Language: {language}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural_forms}\\n"
"""


def pot(found: dict) -> str:
    head = "# kpi's messages. Generated by `python tools/i18n_catalog.py pot`; see docs/thai.md.\n"
    header = HEADER.format(language="", plural_forms="nplurals=INTEGER; plural=EXPRESSION;")
    return "\n".join([head + header] + [po_entry(m) for m in found.values()])


@dataclass
class PoEntry:
    msgid: str
    plural: str | None
    msgstr: list[str]
    fuzzy: bool
    obsolete: bool

    @property
    def key(self) -> str | tuple[str, str]:
        return self.msgid if self.plural is None else (self.msgid, self.plural)


def read_po(path: Path = PO_FILE) -> list[PoEntry]:
    """The entries of a .po file (the header included, as msgid "")."""
    entries: list[PoEntry] = []
    cur: dict | None = None
    field_name = None

    def close():
        if cur is not None and "msgid" in cur:
            strs = [cur[k] for k in sorted(k for k in cur if k.startswith("msgstr"))]
            entries.append(PoEntry(cur["msgid"], cur.get("msgid_plural"), strs, cur["fuzzy"], cur["obsolete"]))

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        obsolete = raw.startswith("#~")
        line = raw[2:].strip() if obsolete else raw.strip()
        if not line or (line.startswith("#") and not obsolete):
            if line.startswith("#,") and "fuzzy" in line:
                close()
                cur, field_name = {"fuzzy": True, "obsolete": False}, None
            elif not line and cur is not None and "msgid" in cur:
                close()
                cur, field_name = None, None
            continue
        if line.startswith("msg"):
            name, _space, value = line.partition(" ")
            if name == "msgid" and (cur is None or "msgid" in cur):
                close()
                cur = {"fuzzy": False, "obsolete": obsolete}
            elif cur is None:
                cur = {"fuzzy": False, "obsolete": obsolete}
            cur["obsolete"] = cur["obsolete"] or obsolete
            field_name = name.replace("msgstr[", "msgstr_").rstrip("]") if name.startswith("msgstr[") else name
            if field_name == "msgstr":
                field_name = "msgstr_0"
            cur[field_name] = ast.literal_eval(value)
        elif line.startswith('"') and cur is not None and field_name:
            cur[field_name] += ast.literal_eval(line)
    close()
    return entries


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    if sys.argv[1:] != ["pot"]:
        sys.exit("usage: python tools/i18n_catalog.py pot > kpi.pot")
    sys.stdout.write(pot(extract()))
