"""Thai reports of the indicators (`kpi render`), and the text tables of every command.

context (the values templates see, built from the model), chart, filters, environment (the one
Jinja environment), report (one report), tree (the indicators of a tree), site (`--all`), pdf,
paths, errors; textgrid draws text tables for the terminal with the standard library only.

Nothing is imported here: `kpi score` imports textgrid alone, and jinja2 is loaded by `kpi render` only.
"""
