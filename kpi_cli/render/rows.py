"""The rows of a `kpi render --all` site (one per rendered indicator), kept on disk rather than in
memory: the agency pages and the index are made from them once every page is rendered, and a
site of 30,000 indicators would otherwise hold 30,000 rows (and the index as one string).

Rows go into a private temporary SQLite database (deleted when it is closed), each as the JSON of
its :class:`IndicatorLine` (exact: floats keep their digits, ints stay ints) and a small JSON of
what its order and its year's totals need; they are read back one agency at a time (an agency
page) or one row at a time in the index's order (the index, written as it is rendered). The
values the templates see are the same as :func:`context.agency_summary` and
:func:`context.site_index` give, built from the same lines in the same order, so the pages are
the same byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, replace
from typing import Iterable, Iterator

from kpi_cli.render.context import (AgencyInfo, AgencySummary, Href, IndicatorLine, Output, _covered, _weighted,
                                    agency_summary)
from kpi_cli.render.paths import indicator_path


def _text(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def line_json(line: IndicatorLine) -> str:
    return json.dumps(asdict(line), ensure_ascii=True, separators=(",", ":"))


def line_from_json(data: dict) -> IndicatorLine:
    agency = dict(data["agency"])
    agency["href"] = None if agency["href"] is None else Href(agency["href"])
    return IndicatorLine(**{**data, "agency": AgencyInfo(**agency),
                            "href": None if data["href"] is None else Href(data["href"])})


def rebase(line: IndicatorLine, output: Output) -> IndicatorLine:
    """The same row with links as seen from `output`'s page."""
    return replace(line, href=output.href(indicator_path(line.fiscal_year, line.code, output.ext)),
                   agency=replace(line.agency, href=output.href(f"agency/{line.agency.code}.{output.ext}")))


class _Light:
    """What a year's totals need of a row (context._weighted and _covered read these)."""

    __slots__ = ("weight", "latest_assessed", "computed_score")

    def __init__(self, weight, latest_assessed, computed_score):
        self.weight, self.latest_assessed, self.computed_score = weight, latest_assessed, computed_score


class Rows:
    """The rows of one site, on disk. `add` them as pages are rendered (`seq`: the file's place
    in the order of the files), `settle` once they are all in, then read them back."""

    def __init__(self):
        self.db = sqlite3.connect("", isolation_level=None)  # "": private, on disk, deleted on close
        self.db.execute("pragma journal_mode=off")
        self.db.execute("pragma synchronous=off")
        self.db.execute("create table row (seq integer primary key, page blob not null, fy integer not null, "
                        "agency blob not null, shown integer not null default 1, small text not null, "
                        "line text not null)")
        self.db.execute("begin")
        self._open = True

    def close(self) -> None:
        if self._open:
            self._open = False
            self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def add(self, seq: int, page: str, fiscal_year: int, line: IndicatorLine) -> None:
        small = json.dumps([line.sequence, line.code, line.weight, line.latest_assessed, line.computed_score],
                           ensure_ascii=True, separators=(",", ":"))
        self.db.execute("insert into row (seq, page, fy, agency, small, line) values (?, ?, ?, ?, ?, ?)",
                        (seq, _text(page), fiscal_year, _text(line.agency.code), small, line_json(line)))

    def claims(self) -> Iterator[tuple[int, str, list[int]]]:
        """(seq, page, the seqs of every row giving that page) of the rows whose page another
        row gives too, in the order of the files."""
        self.db.execute("create index row_page on row (page)")
        shared = self.db.execute("select seq, page from row where page in "
                                 "(select page from row group by page having count(*) > 1) order by seq").fetchall()
        for seq, page in shared:
            others = [s for (s,) in self.db.execute("select seq from row where page = ? order by seq", (page,))]
            yield seq, bytes(page).decode("utf-8", "surrogatepass"), others

    def settle(self, fiscal_year: int | None) -> None:
        """Every row is in: those whose page is claimed twice, and those of other years than
        `fiscal_year` (when given), are left out of the summaries."""
        self.db.execute("update row set shown = 0 where page in "
                        "(select page from row group by page having count(*) > 1)")
        if fiscal_year is not None:
            self.db.execute("update row set shown = 0 where fy != ?", (fiscal_year,))
        self.db.execute("create index row_order on row (shown, fy, agency, seq)")
        self.db.execute("create index row_agency on row (shown, agency, seq)")
        self.db.execute("commit")

    def pages(self) -> Iterator[tuple[int, str]]:
        """(seq, page) of the shown rows, in the order of the files."""
        for seq, page in self.db.execute("select seq, page from row where shown order by seq"):
            yield seq, bytes(page).decode("utf-8", "surrogatepass")

    def count(self) -> int:
        return self.db.execute("select count(*) from row where shown").fetchone()[0]

    def agency_codes(self) -> set[str]:
        return {bytes(a).decode("utf-8", "surrogatepass")
                for (a,) in self.db.execute("select distinct agency from row where shown")}

    def lines_of(self, agency: str) -> list[IndicatorLine]:
        """The lines of one agency, in the order of the files (an agency page: a few dozen)."""
        return [line_from_json(json.loads(text)) for (text,) in self.db.execute(
            "select line from row where shown and agency = ? order by seq", (_text(agency),))]

    def count_of(self, agency: str) -> int:
        return self.db.execute("select count(*) from row where shown and agency = ?", (_text(agency),)).fetchone()[0]

    def years(self) -> list[int]:
        return [fy for (fy,) in self.db.execute("select distinct fy from row where shown order by fy desc")]

    def ordered(self, fiscal_year: int, what: str = "small") -> Iterator[tuple[list, str]]:
        """(small, `what`) of the rows of one year in the order of context.year_groups: by agency,
        then sequence (none last), then code, then the order of the files (a stable sort). Sorted
        here one agency at a time, as Python sorts, so that no database collation decides."""
        agencies = sorted(bytes(a).decode("utf-8", "surrogatepass") for (a,) in self.db.execute(
            "select distinct agency from row where shown and fy = ?", (fiscal_year,)))
        for agency in agencies:
            rows = [(json.loads(small), extra) for small, extra in self.db.execute(
                f"select small, {'line' if what == 'line' else 'small'} from row "
                "where shown and fy = ? and agency = ? order by seq", (fiscal_year, _text(agency)))]
            rows.sort(key=lambda r: (r[0][0] is None, r[0][0] or 0, r[0][1]))
            yield from rows

    def digest(self, output: Output, agencies: Iterable[AgencyInfo]) -> bytes:
        """A hash of everything the index shows (its rows in order, its agencies and counts): the
        key of the cached index."""
        h = hashlib.sha256(repr(output).encode("utf-8", "surrogatepass"))
        for fy in self.years():
            h.update(f"\0year {fy}\0".encode())
            for _small, text in self.ordered(fy, "line"):
                h.update(text.encode("ascii"))
                h.update(b"\n")
        for agency in agencies:
            h.update(repr((agency, self.count_of(agency.code))).encode("utf-8", "surrogatepass"))
        return h.digest()


class YearLines:
    """The rows of one year of the index, read from the disk each time they are gone through."""

    def __init__(self, rows: Rows, fiscal_year: int, output: Output, n: int):
        self._rows, self._fy, self._output, self._n = rows, fiscal_year, output, n

    def __iter__(self) -> Iterator[IndicatorLine]:
        for _small, text in self._rows.ordered(self._fy, "line"):
            yield rebase(line_from_json(json.loads(text)), self._output)

    def __len__(self) -> int:
        return self._n

    def __bool__(self) -> bool:
        return self._n > 0

    def __getitem__(self, i):
        return list(self)[i]


class YearGroup:
    """As context.YearGroup, its indicators read from the disk as they are written out."""

    def __init__(self, fiscal_year: int, indicators: YearLines, weight_total, weighted_assessed, weighted_computed,
                 assessed_weight, computed_weight):
        self.fiscal_year, self.indicators = fiscal_year, indicators
        self.weight_total, self.weighted_assessed, self.weighted_computed = weight_total, weighted_assessed, \
            weighted_computed
        self.assessed_weight, self.computed_weight = assessed_weight, computed_weight


class AgencyCount:
    """As context.AgencySummary in the index: the agency and its count; its years, if a template
    asks for them, read from the disk."""

    def __init__(self, rows: Rows, agency: AgencyInfo, output: Output):
        self._rows, self._output = rows, output
        self.agency = agency
        self.count = rows.count_of(agency.code)

    @property
    def years(self):
        return agency_summary(self.agency, [rebase(ln, self._output) for ln in self._rows.lines_of(self.agency.code)]
                              ).years


class SiteIndex:
    """As context.SiteIndex, read from the disk: the same values, never all in memory."""

    def __init__(self, rows: Rows, agencies: Iterable[AgencyInfo], output: Output):
        self.years = tuple(_year_group(rows, fy, output) for fy in rows.years())
        self.agencies = tuple(AgencyCount(rows, a, output) for a in agencies)

    @property
    def count(self) -> int:
        return sum(len(y.indicators) for y in self.years)


def _year_group(rows: Rows, fiscal_year: int, output: Output) -> YearGroup:
    """One year's totals, summed in the order context.year_groups sums them."""
    items = [_Light(small[2], small[3], small[4]) for small, _ in rows.ordered(fiscal_year)]
    return YearGroup(fiscal_year, YearLines(rows, fiscal_year, output, len(items)),
                     sum(ln.weight for ln in items if ln.weight is not None),
                     _weighted(items, "latest_assessed"), _weighted(items, "computed_score"),
                     _covered(items, "latest_assessed"), _covered(items, "computed_score"))


def agency_page_summary(rows: Rows, agency: AgencyInfo) -> AgencySummary:
    """context.agency_summary of one agency, from its rows."""
    return agency_summary(agency, rows.lines_of(agency.code))
