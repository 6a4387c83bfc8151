"""The audited record's rule, checked by `kpi validate --against BASE` (kpi_cli/check/guard.py).

Documented here, with the file rules, so that `kpi rules` lists it in every process: the guard
itself loads the model and git, which the rules' list does not need."""

from kpi_cli.check.rules.registry import describe

RULE = "audited-change"

describe(RULE, "error", """An audited or assessed quarter (สยป. ตรวจประเมินแล้ว) keeps its figures, and what its computed
score is made of, unless this change adds an accepted amendment that names the quarter and is
dated after the quarter's end. An indicator with such a quarter cannot be deleted, moved to
another code or year, or replaced by a link; recorded amendments cannot be edited or removed.
Checked by `kpi validate --against BASE`.

What the quarter's record is: its figures as printed (95.0000 stays 95.0000), its audit line and
assessment, every row that claims the quarter, which of its figures are marked `inferred:`, the
stages done by its end and their dates, the weight, target and agency, ผลงานที่ทำได้ while the
quarter is the latest reported, and the indicator's `example:` and `partial:` flags.

Bad:  quarter 1 `assessed: 100` becomes `assessed: 95` in a pull request, with no new amendment
Good: the same change, with a new amendment `{kind: amendment, letter: …, date: 2021-02-15, outcome: accepted, quarters: [1]}`""",
         scope="git")
