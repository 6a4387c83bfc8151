"""Validation rules: one module per family (codes, dates, quarters, stages, scoring, text, letters,
inferred, parsing, schema), each registering its rules in :mod:`kpi_cli.check.rules.registry`.

Each rule has a stable kebab-case ID, a default level, and a docstring with a bad and a good
example (`kpi rules` lists them). Rules return findings; they never print.
"""

from kpi_cli.check.rules.registry import (REGISTRY, FileContext, Rule, fmt_loc, get, is_date, leaves,  # noqa: F401
                                          run_file_rules, summary_of, tree_rules)


def load_all() -> None:
    """Import the rule modules so that they register."""
    from kpi_cli.check.rules import (codes, dates, inferred, letters, parsing, quarters, record,  # noqa: F401
                                     schema, scoring, stages, text)
