"""Placeholder: commands of this group are registered here."""
from ..cli import app  # noqa: F401
