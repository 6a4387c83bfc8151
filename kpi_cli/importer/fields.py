"""`kpi import`: the fields read against the catalogues and the whole text: the header line (code,
sequence, agency, title), the strategies the indicator supports, and the fiscal year."""

from __future__ import annotations

import re

from kpi_cli.core.i18n import N_, _
from kpi_cli.core.thai import fiscal_position, to_arabic_digits
from kpi_cli.importer.phrases import dates_in
from kpi_cli.importer.refusals import NoFiscalYear, UnknownAgency
from kpi_cli.importer.result import Reason
from kpi_cli.importer.sections import EMPTY, HEADER_RE


def read_header(line: str, catalogues, notes: list[str], inferred: dict) -> dict:
    """The header line 'N/ABBR.<title> : AAAA-NNNN': code, sequence, agency and title."""
    m = HEADER_RE.match(line)
    code = re.sub(r"\s", "", to_arabic_digits(m["code"]))
    agency_code, number = code.split("-")
    agency = (catalogues.agencies if catalogues else {}).get(agency_code)
    if agency is None:
        kind = "district" if agency_code.startswith("50") else (
            "department" if agency_code.endswith("00") else "permanent-secretary-unit")
        guess = re.match(r"^([\u0E01-\u0E2E]{2,6}\.)", m["rest"]) if m["seq"] else None
        entry = "\n".join([f'    - code: "{agency_code}"', "      name: <ชื่อหน่วยงาน>",
                           f"      abbr: {guess.group(1) if guess else '<อักษรย่อ>'}",
                           f"      kind: {kind}   # department | district | permanent-secretary-unit | "
                           "council-secretariat | governor-secretariat"])
        raise UnknownAgency(
            _("agency '{agency}' (from the code {code}) is not in agencies.yaml").format(agency=agency_code,
                                                                                          code=code),
            _("add it to indicators/agencies.yaml, then import again:\n{entry}").format(entry=entry))
    rest = m["rest"].strip()
    out: dict = {"code": code}
    if m["seq"]:
        out["sequence"] = int(to_arabic_digits(m["seq"]))
        if rest.startswith(agency.abbr):
            rest = rest[len(agency.abbr):].strip()
        else:
            printed = re.match(r"^([\u0E01-\u0E2E]{2,6}\.)", rest)
            if printed:
                rest = rest[printed.end():].strip()
                notes.append(_("header: the page writes the agency as '{printed}'; agencies.yaml has '{abbr}' "
                               "for {agency}").format(printed=printed.group(1), abbr=agency.abbr, agency=agency_code))
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


def read_fiscal_year(text: str, year: int | None, inferred: dict) -> int:
    """The fiscal year: `year` (--year), else the ปีงบประมาณ the text names, else where most of its
    dates fall; NoFiscalYear when none of these tells."""
    if year is not None:
        inferred["fiscal_year"] = Reason(N_("given with --year {year}; the page does not print the fiscal year as a "
                                            "field"), year=year)
        return year
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
