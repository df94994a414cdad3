"""The accounts app's parts of the home page and header."""

from __future__ import annotations

from typing import Any

from kindred.accounts import selectors
from kindred.accounts.models import Role
from kindred.core.http import OrganisationRequest
from kindred.core.pages import home_panel, nav_item

nav_item("Team", "accounts:members", permission="accounts.view_members", order=80)
nav_item("Audit log", "accounts:audit_log", permission="accounts.search_audit_log", order=90)
nav_item("Network", "accounts:network", permission="accounts.view_network", order=85)


@home_panel(
    "who-to-talk-to",
    heading="Who to talk to",
    template="accounts/home/contacts.jinja",
    roles={Role.VOLUNTEER, Role.FACILITATOR, Role.REFERRER},
    order=90,
)
def contacts(request: OrganisationRequest) -> dict[str, Any]:
    organisation = request.organisation
    roles = [Role.COORDINATOR, Role.SAFEGUARDING_LEAD]
    return {"contacts": list(selectors.contacts_with_role(organisation=organisation, roles=roles))}


@home_panel(
    "team",
    heading="Your team",
    template="accounts/home/team.jinja",
    roles={Role.ORGANISATION_ADMIN},
    order=60,
)
def team(request: OrganisationRequest) -> dict[str, Any]:
    organisation = request.organisation
    return {
        "role_counts": selectors.role_counts(organisation=organisation),
        "never_signed_in": list(selectors.members_never_signed_in(organisation=organisation)[:20]),
    }


@home_panel(
    "network",
    heading="Your network",
    template="accounts/home/network.jinja",
    roles={Role.NETWORK_ADMIN},
    order=65,
)
def network(request: OrganisationRequest) -> dict[str, Any]:
    """For a network admin: the network's organisations, and how many still need an admin."""
    network = request.organisation.network
    if network is None:  # never: a network admin's role is held in the organisation's network
        return {"network": None}
    organisations, without_admin = selectors.network_summary(network=network)
    return {"network": network, "organisations": organisations, "without_admin": without_admin}
