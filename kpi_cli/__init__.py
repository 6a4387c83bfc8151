"""kpi: Bangkok's performance indicators (ตัวชี้วัด) as YAML in git."""

# The one place kpi's version is written: pyproject.toml reads it (dynamic version), `kpi --version`
# prints it, the cache keys on it, and `kpi init` pins it in kpi.toml. CHANGELOG.md says what changed.
__version__ = "0.4.0"
