"""Who may use the core app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.core.access import PUBLIC

ROUTES = {
    "core:root": PUBLIC,
    "core:health": PUBLIC,
    "core:home": frozenset(Role),
}


def url_kwargs(organisation):
    return {}
