"""Checking: the rules (rules/), the check of one text (check), the cache in front of it (cache,
checked), the catalogues, the tree pipeline (pipeline), and the comparisons with a git revision
(guard, diff)."""
