"""Reading and writing: paths and repository lookups, bytes -> document with positions (source,
loader), the one atomic writer and its folder lock (atomic), round-trip YAML edits (yamledit), git."""
