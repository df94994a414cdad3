"""The accounts app's parts of the home page and header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kindred.accounts import selectors
from kindred.accounts.models import Role
from kindred.core.pages import home_panel, nav_item

nav_item("Team", "accounts:members", permission="accounts.view_members", order=80)
nav_item("Audit log", "core:audit_log", permission="core.search_audit_log", order=90)


@home_panel(
    "who-to-talk-to",
    heading="Who to talk to",
    template="accounts/home/contacts.jinja",
    roles={Role.VOLUNTEER, Role.FACILITATOR, Role.REFERRER},
    order=90,
)
def contacts(request: HttpRequest) -> dict[str, Any]:
    organisation = request.organisation  # type: ignore[attr-defined]
    roles = [Role.COORDINATOR, Role.SAFEGUARDING_LEAD]
    return {"contacts": list(selectors.contacts_with_role(organisation=organisation, roles=roles))}


@home_panel(
    "team",
    heading="Your team",
    template="accounts/home/team.jinja",
    roles={Role.ORGANISATION_ADMIN},
    order=60,
)
def team(request: HttpRequest) -> dict[str, Any]:
    organisation = request.organisation  # type: ignore[attr-defined]
    return {
        "role_counts": selectors.role_counts(organisation=organisation),
        "never_signed_in": list(selectors.members_never_signed_in(organisation=organisation)[:20]),
    }


@home_panel(
    "network-figures",
    heading="Across the network",
    template="accounts/home/network.jinja",
    roles={Role.COMMISSIONER, Role.NETWORK_ADMIN},
    order=70,
)
def network(request: HttpRequest) -> dict[str, Any]:
    organisation = request.organisation  # type: ignore[attr-defined]
    return {"figures": selectors.network_figures(organisation=organisation)}
