"""Small records that pass between the checks and the commands: what the catalogues say, and
what the rules across files need of each file.

Light on purpose (no YAML, no pydantic, no rules): a file that the cache of checked files knows
is described by these alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


@dataclass
class Catalogues:
    """What the rules need from agencies.yaml and strategies.yaml."""

    agencies: dict[str, object] = field(default_factory=dict)  # code -> model.Agency
    minimum_ideas: dict[str, int] = field(default_factory=dict)  # agency kind -> minimum
    kind_names: dict[str, str] = field(default_factory=dict)
    strategies: dict[str, object] = field(default_factory=dict)  # code -> model.Strategy
    folder: Path | None = None
    key: str = ""  # the cache's name for the catalogues' content (kpi_cli.checked)
    models: dict[str, object] = field(default_factory=dict)  # file name -> its model, when it is valid

    def use(self, model) -> None:
        """Take the entries of a valid catalogue model (AgencyCatalogue or StrategyCatalogue)."""
        if hasattr(model, "agencies"):
            self.models["agencies.yaml"] = model
            self.agencies = {a.code: a for a in model.agencies}
            self.minimum_ideas = {k.kind.value: k.minimum_ideas for k in model.kinds}
            self.kind_names = {k.kind.value: k.name for k in model.kinds}
        else:
            self.models["strategies.yaml"] = model
            self.strategies = {s.code: s for s in model.strategies}


class Summary(NamedTuple):
    """What a tree rule needs of one file. A tuple: made, read and sent between processes at the
    cost of a tuple (a run over 30,000 files makes one per file several times: from a worker, and
    each time a rule reads SummaryTable's columns)."""

    display: str
    code: str | None
    fiscal_year: int | None
    agency: str | None
    line: int = 1
    column: int = 1
    by_name: bool = False  # known by its file name only (not checked this run)
    weight: float | None = None  # `weight: {percent: …}`, where the file gives a number


class Texts:
    """A list of strings kept as UTF-8 bytes in one buffer: about 20 bytes a file path where a
    `str` costs 80 and its list slot 8 more. For the lists that grow with the tree (the files of a
    run, the paths of its summaries): 30,000 of them cost well under a megabyte, and nothing in
    them is an object the collector has to walk. Any string comes back exactly as it went in
    (`surrogatepass` keeps what `os.walk` made of a name that is not UTF-8).
    A text shares its folder (all before its last "/") with the text before it when they match:
    a tree's files come folder by folder."""

    __slots__ = ("_data", "_ends", "_folders", "_folder_of", "_folder")

    def __init__(self, texts=()):
        from array import array

        self._data = bytearray()
        self._ends = array("I")  # where each text's own part ends in _data (wider past 4 GiB)
        self._folders: list[str] = []  # distinct folders, in order of first use
        self._folder_of: dict[str, int] = {}
        self._folder = array("I")  # each text's folder, an index into _folders
        for text in texts:
            self.append(text)

    def append(self, text: str) -> None:
        cut = text.rfind("/") + 1
        folder = text[:cut]
        index = self._folder_of.get(folder)
        if index is None:
            index = self._folder_of[folder] = len(self._folders)
            self._folders.append(folder)
        self._folder.append(index)
        self._data += text[cut:].encode("utf-8", "surrogatepass")
        try:
            self._ends.append(len(self._data))
        except OverflowError:
            from array import array

            self._ends = array("Q", self._ends)
            self._ends.append(len(self._data))

    def extend(self, texts) -> None:
        for text in texts:
            self.append(text)

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> str:
        if i < 0:
            i += len(self._ends)
        start = self._ends[i - 1] if i else 0  # IndexError past the end, from the array
        return self._folders[self._folder[i]] + self._data[start:self._ends[i]].decode("utf-8", "surrogatepass")

    def __iter__(self):
        folders, data, start = self._folders, self._data, 0
        for index, end in zip(self._folder, self._ends):
            yield folders[index] + data[start:end].decode("utf-8", "surrogatepass")
            start = end


_NO_YEAR = -(2 ** 63)  # a fiscal year of None in SummaryTable's column
_NO_WEIGHT = -1.0  # a weight of None (a weight is never negative there: see `_plain`)


class SummaryTable:
    """The summaries of a run's files, as columns: what the rules across files read, at about 40
    bytes a file where a Summary, its path and its code cost 250 (and the allocator's share
    more). A summary is built again, equal to the one appended, each time it is read; one
    whose values do not fit the columns (a year that is not a plain int, a negative weight, an
    odd line or column) is kept whole. A sequence: `len`, indexing and iteration, as often as
    wanted."""

    __slots__ = ("_display", "_code", "_has_code", "_year", "_agency", "_agencies", "_agency_index",
                 "_weight", "_by_name", "_whole")

    def __init__(self, summaries=()):
        from array import array

        self._display = Texts()
        self._code = Texts()
        self._has_code = bytearray()
        self._year = array("q")
        self._agencies: list[str | None] = [None]  # an agency's index; 0 is None
        self._agency_index: dict[str | None, int] = {None: 0}
        self._agency = array("I")
        self._weight = array("d")
        self._by_name = bytearray()
        self._whole: dict[int, Summary] = {}  # row -> a summary that does not fit the columns
        for s in summaries:
            self.append(s)

    def append(self, s: Summary) -> None:
        if not _plain(s):  # kept whole; its row in the columns holds nothing
            self._whole[len(self)] = s
            s = Summary("", None, None, None)
        self._display.append(s.display)
        self._code.append(s.code or "")
        self._has_code.append(s.code is not None)
        self._year.append(_NO_YEAR if s.fiscal_year is None else s.fiscal_year)
        index = self._agency_index.get(s.agency)
        if index is None:
            index = self._agency_index[s.agency] = len(self._agencies)
            self._agencies.append(s.agency)
        self._agency.append(index)
        self._weight.append(_NO_WEIGHT if s.weight is None else s.weight)
        self._by_name.append(s.by_name)

    def extend(self, summaries) -> None:
        for s in summaries:
            self.append(s)

    def __len__(self) -> int:
        return len(self._has_code)

    def __getitem__(self, row: int) -> Summary:
        if row < 0:
            row += len(self)
        whole = self._whole.get(row)
        if whole is not None:
            return whole
        return self._summary(self._display[row], self._code[row], self._has_code[row], self._year[row],
                             self._agency[row], self._weight[row], self._by_name[row])

    def __iter__(self):
        whole, summary = self._whole, self._summary
        rows = zip(self._display, self._code, self._has_code, self._year, self._agency, self._weight, self._by_name)
        for row, columns in enumerate(rows):
            yield whole[row] if whole and row in whole else summary(*columns)

    def _summary(self, display, code, has_code, year, agency, weight, by_name) -> Summary:
        """The summary of one row's columns (a tuple made as a tuple: no call of Summary's own)."""
        return tuple.__new__(Summary, (display, code if has_code else None, None if year == _NO_YEAR else year,
                                       self._agencies[agency], 1, 1, by_name == 1,
                                       None if weight == _NO_WEIGHT else weight))


def _plain(s: Summary) -> bool:
    """Whether the columns give `s` back equal: a year that is an int of 64 bits (not a bool), a
    weight that is a float of its own type and not negative, the default line and column."""
    year, weight = s.fiscal_year, s.weight
    return ((year is None or (type(year) is int and _NO_YEAR < year < 2 ** 63))
            and (weight is None or (type(weight) is float and weight >= 0))
            and s.line == 1 and s.column == 1 and type(s.by_name) is bool
            and (s.code is None or type(s.code) is str) and (s.agency is None or type(s.agency) is str)
            and type(s.display) is str)
