"""Who may use the accounts app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.core.access import PUBLIC, SIGNED_IN

ROUTES = {
    "accounts:sign_in": PUBLIC,
    "accounts:sign_out": PUBLIC,
    "accounts:choose_organisation": SIGNED_IN,
    "accounts:members": {Role.ORGANISATION_ADMIN, Role.NETWORK_ADMIN},
}


def url_kwargs(organisation):
    return {}
