"""Who may use the accounts app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import MembershipFactory, UserFactory
from kindred.core.access import PASSWORD_CHECKED, PUBLIC, SIGNED_IN

ROUTES = {
    "accounts:sign_in": PUBLIC,
    "accounts:sign_out": PUBLIC,
    "accounts:choose_organisation": SIGNED_IN,
    "accounts:members": {Role.ORGANISATION_ADMIN, Role.NETWORK_ADMIN},
    "accounts:member_add": {Role.ORGANISATION_ADMIN},
    "accounts:membership_end": {Role.ORGANISATION_ADMIN},
    "accounts:two_factor": PASSWORD_CHECKED,
    "accounts:two_factor_reset": {Role.ORGANISATION_ADMIN},
    "accounts:forgotten_password": PUBLIC,
    "accounts:set_password": PUBLIC,
}
POST_ONLY = {"accounts:sign_out", "accounts:membership_end", "accounts:two_factor_reset"}
SECRET = "Bartholomew Quince"


def url_kwargs(organisation):
    membership = MembershipFactory(
        organisation=organisation, role=Role.VOLUNTEER, user=UserFactory(full_name=SECRET)
    )
    return {"membership_id": membership.pk, "uid": "MTIz", "token": "not-a-real-token"}
