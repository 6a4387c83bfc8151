"""`kpi import`: the refusals. A page that is refused writes nothing; each refusal says why and
how to fix it."""

from __future__ import annotations

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import KpiError


class ImportRefused(KpiError):
    """The page was not imported; nothing was written."""

    def __init__(self, message: str, fix: str | None = None):
        self.fix = fix
        super().__init__(message)


class NotAPage(ImportRefused):
    pass


class TableUnreadable(ImportRefused):
    """The quarterly table is on the page but its rows cannot be read: the official figures would be lost."""

    def __init__(self, line: int | None, quarter: int, cells: str):
        super().__init__(
            _("line {line}: the quarterly table (ผลงานเทียบกับเป้าหมายรายไตรมาส) cannot be read from quarter {quarter} on: "
              "'{cells}'; nothing was written").format(line=line if line is not None else "?", quarter=quarter,
                                                      cells=cells[:120]),
            _("each quarter's row, in order, is the quarter (1-4), ผลงาน, ผลประเมินตัวชี้วัด and the 2.1 / 2.2 pair: one "
              "cell a line, or a row a line with its cells between tabs; save the page again from the browser, or "
              "correct the rows"))


class NoFiscalYear(ImportRefused):
    exit_code = 2  # the page is fine; the command needs --year


class UnknownAgency(ImportRefused):
    """--strict: the agency is not in agencies.yaml (without --strict it is added as a stub)."""

    def __init__(self, entry: dict, code: str):
        self.entry = entry
        lines = "\n".join([f'    - code: "{entry["code"]}"', f"      name: {entry['name']}", f"      abbr: {entry['abbr']}",
                           f"      kind: {entry['kind']}   # department | district | permanent-secretary-unit | "
                           "council-secretariat | governor-secretariat"])
        super().__init__(
            _("agency '{agency}' (from the code {code}) is not in agencies.yaml; with --strict it is not added as a "
              "stub").format(agency=entry["code"], code=code),
            _("add it to indicators/agencies.yaml, then import again (or import without --strict to add it as a "
              "stub):\n{entry}").format(entry=lines))


class MissingStrategies(ImportRefused):
    def __init__(self, missing: list[dict], catalogue: str):
        self.missing = missing
        lines = "".join(f'\n    - code: "{s["code"]}"\n      label: {s["label"]}'
                        + ("\n      truncated: true" if s.get("truncated") else "") for s in missing)
        super().__init__(
            _("the page supports strategies that are not in {catalogue}: {codes}").format(
                catalogue=catalogue, codes=", ".join(s["code"] for s in missing)),
            _("run again with --add-strategies to add them from the page, or add them by hand:{entries}").format(
                entries=lines))
