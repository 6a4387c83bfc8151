"""The Thai paragraphs a report prints, and whether a PDF's text layer gives each back exactly.

Used by tests/test_render_pdf.py and by bench/pdf_engines.py (which compares PDF engines on the
same measure). A paragraph is every text of the indicator file that the indicator report prints
(PRINTED), with the agency's name and the strategy labels from the catalogues; every Thai text
of the file is either PRINTED or NOT_PRINTED, so a new field of the seed needs a decision here.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

THAI = re.compile("[\u0e00-\u0e7f]")

# The indicator report's fields (templates/indicator.html), as paths of the file: [] any item.
PRINTED = [
    "title", "target.unit", "quarters[].report", "quarters[].difference_reason", "summary", "definition.text",
    "method", "data_collection", "projects[]",
    "innovation.proposal.title", "innovation.proposal.objective", "innovation.proposal.target",
    "innovation.proposal.submitted_to", "innovation.decision.by",
    "innovation.stages[].note", "innovation.stages[].evidence[]",
    "amendments[].letter", "amendments[].urgency", "amendments[].grounds", "amendments[].request",
    "amendments[].decision_letters[]", "amendments[].conditions[]", "amendments[].criteria_before",
    "amendments[].criteria_after",
    "timeline[].event", "timeline[].refs[]",
]
# Kept in the file for kpi's checks and scores, not printed in the report.
NOT_PRINTED = [
    "definition.terms[].term", "definition.terms[].meaning", "innovation.ideas[].title",
    "innovation.activities[].title", "innovation.activities[].note", "innovation.activities[].evidence[]",
    "innovation.evidence_sent[].to", "innovation.survey.letter", "innovation.survey.approved_by",
    "amendments[].note",
    # the reasons of `inferred:` are the file author's notes (often English): the report names what
    # is inferred, in Thai, where it shows it, and leaves the reasons to the file
    "inferred.*",
]


def _pattern(path: str) -> re.Pattern:
    return re.compile(re.escape(path).replace(r"\[\]", r"\[\d+\]").replace(r"\*", ".+") + "$")


def _texts(value, path: str = ""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def report_paragraphs(indicator: Path) -> list[tuple[str, str]]:
    """(where, text) of every Thai paragraph the indicator report prints: the file's texts and
    the catalogues' lines (the agency's name, the strategy labels)."""
    data = yaml.safe_load(indicator.read_text(encoding="utf-8"))
    printed, not_printed = [_pattern(p) for p in PRINTED], [_pattern(p) for p in NOT_PRINTED]
    out, unknown = [], []
    for path, text in _texts(data):
        if not THAI.search(text):
            continue
        if any(p.match(path) for p in printed):
            out.append((path, text))
        elif not any(p.match(path) for p in not_printed):
            unknown.append(path)
    if unknown:
        raise ValueError(f"Thai texts neither PRINTED nor NOT_PRINTED (tests/pdf_text.py): {unknown}")
    catalogues = indicator.parent.parent
    agencies = yaml.safe_load((catalogues / "agencies.yaml").read_text(encoding="utf-8"))
    out += [(f"agencies.yaml {a['code']}", a["name"]) for a in agencies["agencies"] if a["code"] == data["agency"]]
    wanted = {".".join(code.split(".")[:i]) for code in data.get("strategies") or []
              for i in range(1, code.count(".") + 2)}
    strategies = yaml.safe_load((catalogues / "strategies.yaml").read_text(encoding="utf-8"))
    out += [(f"strategies.yaml {s['code']}", s["label"]) for s in strategies["strategies"] if s["code"] in wanted]
    return out


def page_text(pdftotext_output: str) -> str:
    """pdftotext's text with the page furniture out: the form feeds and each page's number
    ("2 / 11", the margin box), so that a paragraph that runs onto the next page reads on."""
    pages = pdftotext_output.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    out = []
    for number, page in enumerate(pages, 1):
        lines = page.splitlines()
        furniture = {f"{number} / {len(pages)}", f"- {number} -"}  # the page number, at the foot or the top
        for i in range(len(lines) - 1, -1, -1):
            if lines[i].strip() in furniture:
                del lines[i]
                break
        out += lines
    return "\n".join(out)


def collapse(text: str) -> str:
    return " ".join(text.split())


def found_exactly(paragraph: str, text: str) -> bool:
    """Whether `paragraph`, whitespace collapsed, is in the extracted `text` character for
    character, where the PDF's line ends may stand for a space of the paragraph or fall between
    two characters (Thai lines break between words without a space), never inside a cluster;
    spaces elsewhere must match."""
    flowing = re.sub(r"[ \t]*\n[ \t\n]*", "\n", re.sub(r"[ \t]+", " ", text))
    pattern = []
    for ch in collapse(paragraph):
        if ch == " ":
            pattern.append("[ \n]")
        else:  # a line never breaks before a mark or a following vowel: ตัวชี\n้วัด is wrong
            pattern.append(("" if not pattern or _clings(ch) else "\n?") + re.escape(ch))
    return re.search("".join(pattern), flowing) is not None


def _clings(ch: str) -> bool:
    """A character that belongs to the one before it: a combining mark, or ะ า ำ ๅ."""
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch in "\u0e30\u0e32\u0e33\u0e45"
