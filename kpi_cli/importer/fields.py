"""`kpi import`: the fields read against the catalogues and the whole text: the header line (code,
sequence, agency, title), the strategies the indicator supports, and the fiscal year."""

from __future__ import annotations

import re
from types import SimpleNamespace

from kpi_cli.core.i18n import N_, _
from kpi_cli.core.thai import fiscal_position, to_arabic_digits
from kpi_cli.importer.agencies import kind_of, printed_abbreviation, stub
from kpi_cli.importer.phrases import dates_in
from kpi_cli.importer.refusals import NoFiscalYear
from kpi_cli.importer.result import Reason
from kpi_cli.importer.sections import EMPTY, HEADER_RE


def read_header(line: str, catalogues, notes: list[str], inferred: dict, text: str = "") -> dict:
    """The header line 'N/ABBR.<title> : AAAA-NNNN': code, sequence, agency and title."""
    m = HEADER_RE.match(line)
    code = re.sub(r"\s", "", to_arabic_digits(m["code"]))
    return header_fields(code, m["seq"], m["rest"], catalogues, notes, text)


def header_fields(code: str, seq: str | None, rest: str, catalogues, notes: list[str], text: str = "") -> dict:
    """code, sequence, agency and title from the parts of a header line (`seq` and `rest` None and
    "" where the page has none); `agency_entry` the catalogue's agency, or with `stub` the entry to
    add to agencies.yaml when the catalogue lacks it (kpi_cli.importer.agencies)."""
    agency_code, number = code.split("-")
    agency = (catalogues.agencies if catalogues else {}).get(agency_code)
    rest = rest.strip()
    out: dict = {"code": code}
    if seq:
        out["sequence"] = int(to_arabic_digits(seq))
    if agency is None:
        abbr = printed_abbreviation(rest, kind_of(agency_code)) if seq else None
        entry, named = stub(agency_code, abbr, text)
        out["stub"] = entry
        out["agency_entry"] = SimpleNamespace(**entry)
        if abbr:
            rest = rest[len(abbr):].strip()
    else:
        out["agency_entry"] = agency
        if seq:
            if rest.startswith(agency.abbr):
                rest = rest[len(agency.abbr):].strip()
            else:
                printed = re.match(r"^([\u0E01-\u0E2E]{2,6}\.)", rest)
                if printed:
                    rest = rest[printed.end():].strip()
                    notes.append(_("header: the page writes the agency as '{printed}'; agencies.yaml has '{abbr}' "
                                   "for {agency}").format(printed=printed.group(1), abbr=agency.abbr,
                                                          agency=agency_code))
    out["agency"] = agency_code
    out["title"] = rest
    if len(number) == 3:
        notes.append(_("code {code}: a 3-digit indicator number, kept as printed").format(code=code))
    return out


_STRATEGY_RE = re.compile(r"^:?\s*(?:ด้านที่\s*)?(?P<code>[0-9๐-๙]+(?:\.[0-9๐-๙]+)*)\s*(?:[–\-:]\s*)?(?P<label>.*)$")


def read_strategies(lines: list[str], catalogues, notes: list[str]) -> tuple[list[str], list[dict]]:
    """Leaf codes (canonical Arabic digits) and the strategies that are not in the catalogue."""
    known = catalogues.strategies if catalogues else {}
    listed: list[dict] = []
    for line in lines:
        if not line or line.strip(": ") in EMPTY:
            continue
        m = _STRATEGY_RE.match(line)
        if not m:
            notes.append(_("strategies: '{line}' has no strategy code; left out").format(line=line))
            continue
        label = m["label"].strip()
        truncated = label.endswith("%")
        listed.append({"code": to_arabic_digits(m["code"]), "label": label.rstrip("%").strip(),
                       **({"truncated": True} if truncated else {})})
    codes = [s["code"] for s in listed]
    leaves = [c for c in codes if not any(o.startswith(c + ".") for o in codes)]
    missing = []
    for s in listed:
        have = known.get(s["code"])
        if have is None:
            missing.append(s)
        elif not (have.label.startswith(s["label"]) or s["label"].startswith(have.label)):
            notes.append(_("strategy {code}: the page's label '{label}' differs from strategies.yaml ('{known}'); "
                           "the catalogue's is kept").format(code=s["code"], label=s["label"], known=have.label))
    for code in leaves:  # parents the page does not list
        parts = code.split(".")
        for n in range(1, len(parts)):
            parent = ".".join(parts[:n])
            if parent not in known and parent not in codes:
                notes.append(_("strategy {code}: its parent {parent} is neither on the page nor in "
                               "strategies.yaml").format(code=code, parent=parent))
    return leaves, missing


_CODE_AT_END = re.compile(r":\s*([0-9]{4})\s*-\s*([0-9]{3,4})\s*$", re.M)
_CODE_ANYWHERE = re.compile(r"(?<![\d/.\-])([0-9]{4})\s?-\s?([0-9]{3,4})(?![\d/.\-])")


def code_of_copy(text: str, source: str) -> tuple[str | None, str]:
    """The indicator code of a copy without its header line: a line ending ': AAAA-NNNN', else the
    one code-shaped word of the text (years such as 2563-2564 are not codes), else the file name;
    and where it was found ("text" or "file name"). (None, "") when none tells."""
    plain = to_arabic_digits(text)
    found = {f"{a}-{n}" for a, n in _CODE_AT_END.findall(plain)}
    if len(found) != 1:
        found = {f"{a}-{n}" for a, n in _CODE_ANYWHERE.findall(plain) if not 2400 <= int(a) <= 2700}
    if len(found) == 1:
        return found.pop(), "text"
    named = {f"{a}-{n}" for a, n in re.findall(r"(?<!\d)(\d{4})-(\d{3,4})(?!\d)", to_arabic_digits(source))
             if not 2400 <= int(a) <= 2700}
    if len(named) == 1:
        return named.pop(), "file name"
    return None, ""


_TITLE_YEAR = re.compile(r"^\s*(?:ตัวชี้วัด\S*\s*)?ปี(?:งบประมาณ)?\s*(?:พ\.ศ\.\s*)?([0-9]{4})(?![0-9])")


def read_fiscal_year(text: str, year: int | None, inferred: dict, title: str = "") -> int:
    """The fiscal year: `year` (--year), else the year the title starts with ('ปี 2564 ๑๓. …',
    'ปีงบประมาณ 2565 …'), else the ปีงบประมาณ the text names, else where most of its dates fall;
    NoFiscalYear when none of these tells."""
    if year is not None:
        inferred["fiscal_year"] = Reason(N_("given with --year {year}; the page does not print the fiscal year as a "
                                            "field"), year=year)
        return year
    m = _TITLE_YEAR.match(to_arabic_digits(title))
    if m and 2400 <= int(m.group(1)) <= 2700:
        inferred["fiscal_year"] = Reason(N_("the page does not print it as a field; the title starts with '{printed}'"),
                                         printed=title[:m.end()].strip())  # one digit for one: offsets agree
        return int(m.group(1))
    plain = to_arabic_digits(text)
    named = re.findall(r"ปีงบประมาณ\s*(?:พ\.ศ\.\s*)?(\d{4})", plain)
    if named:
        fy = max(set(named), key=named.count)
        inferred["fiscal_year"] = Reason(N_("the page does not print it as a field; the text names ปีงบประมาณ "
                                            "พ.ศ. {year}"), year=fy)
        return int(fy)
    counts: dict[int, int] = {}
    for d in dates_in(text):
        fy = fiscal_position(d.date)[0]
        counts[fy] = counts.get(fy, 0) + 1
    if counts:
        best = max(counts.values())
        top = sorted(fy for fy, n in counts.items() if n == best)
        if len(top) == 1:
            inferred["fiscal_year"] = Reason(N_("the page does not print it; {n} of the {total} dates in the text "
                                                "fall in fiscal year {year}"), n=best, total=sum(counts.values()),
                                             year=top[0])
            return top[0]
        raise NoFiscalYear(_("cannot tell the fiscal year: the dates in the text fall in {years} equally").format(
            years=_(" and ").join(map(str, top))), _("give it: --year {year}").format(year=top[-1]))
    raise NoFiscalYear(_("cannot tell the fiscal year (ปีงบประมาณ): the page prints no date and no year"),
                       _("give it: --year {year}").format(year=2564))
