"""Scores: the scoring methods and what `kpi score` computes with them.

* registry.py: the list of methods (and of the kinds `kpi new` writes); ask it, never compare names;
* method.py: what a method is made of (the base of its rule model, Method, Scaffold);
* stage_points.py, percent.py, levels.py, composite.py: one module per method;
* formulas.py: the formulas the methods share;
* compute.py: a quarter's and an indicator's scores, and an agency's weighted result.

This package's __init__ imports nothing, so that `kpi --help` can read the registry's KINDS
without loading the methods; import from the modules (kpi_cli.scoring.compute.score_indicator).
"""
