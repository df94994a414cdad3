"""Display formatting of accounts' records, for every page (registered as a Jinja filter)."""

from __future__ import annotations

from kindred.accounts.models import Role


def role_label(value: str) -> str:
    """A role as people read it ("Peer supporter or befriender"); an unknown value as it is."""
    try:
        return str(Role(value).label)
    except ValueError:
        return value
