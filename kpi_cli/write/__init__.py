"""Writing indicator files: a change to one file as a transaction (transaction), and new files
from `kpi new` and `kpi import` (scaffold)."""
