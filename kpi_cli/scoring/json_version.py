"""The version of `kpi score --format json` (docs/scoring.md): keys are only added within a version.
A module of its own, so that a command printing rows kept in the cache need not load the scoring."""

JSON_VERSION = 1
