"""Who may use the accounts app's routes (read by kindred/core/tests/test_routes.py)."""

import datetime as dt

from django.utils import timezone

from kindred.accounts.models import Invitation, Role
from kindred.accounts.tests.factories import MembershipFactory, UserFactory
from kindred.core.access import PASSWORD_CHECKED, PUBLIC, SIGNED_IN

ADMINS = {Role.ORGANISATION_ADMIN, Role.NETWORK_ADMIN}
ROUTES = {
    "accounts:sign_in": PUBLIC,
    "accounts:sign_out": PUBLIC,
    "accounts:choose_organisation": SIGNED_IN,
    "accounts:members": ADMINS,
    # Organisation admins give organisation roles, network admins network roles (ADR-070); which
    # role each may give is tested in test_roles.py.
    "accounts:member_add": ADMINS,
    "accounts:membership_end": ADMINS,
    "accounts:invitation_withdraw": ADMINS,
    "accounts:invitations": SIGNED_IN,  # the signed-in user's own invitations only
    "accounts:invitation_answer": SIGNED_IN,
    "accounts:two_factor": PASSWORD_CHECKED,
    "accounts:two_factor_reset": {Role.ORGANISATION_ADMIN},
    "accounts:forgotten_password": PUBLIC,
    "accounts:set_password": PUBLIC,
    "accounts:audit_log": {Role.ORGANISATION_ADMIN},
    # A network admin's pages of their network (ADR-091); every organisation role is refused.
    "accounts:network": {Role.NETWORK_ADMIN},
    "accounts:network_admin_invite": {Role.NETWORK_ADMIN},
    "accounts:network_invitation_withdraw": {Role.NETWORK_ADMIN},
    "accounts:network_roles": {Role.NETWORK_ADMIN},
}
POST_ONLY = {
    "accounts:sign_out",
    "accounts:membership_end",
    "accounts:two_factor_reset",
    "accounts:invitation_withdraw",
    "accounts:invitation_answer",
    "accounts:network_invitation_withdraw",
}
SECRET = "Bartholomew Quince"


def url_kwargs(organisation):
    membership = MembershipFactory(
        organisation=organisation, role=Role.VOLUNTEER, user=UserFactory(full_name=SECRET)
    )
    invitation = Invitation.objects.create(
        organisation=organisation,
        user=UserFactory(full_name=SECRET),
        full_name="Typed Name",
        email="invited@example.com",
        role=Role.COORDINATOR,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    return {
        "membership_id": membership.pk,
        "organisation_id": organisation.pk,
        "invitation_id": invitation.pk,
        "uid": "MTIz",
        "token": "not-a-real-token",
    }
