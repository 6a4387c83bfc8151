"""kpi: Bangkok's performance indicators (ตัวชี้วัด) as YAML in git."""

__version__ = "0.1.0"
