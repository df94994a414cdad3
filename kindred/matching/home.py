"""The matching app's part of the home page and header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kindred.accounts.models import Role
from kindred.core.pages import home_panel, nav_item
from kindred.matching import selectors
from kindred.people.models import Person
from kindred.people.sections import person_section

nav_item("Matching", "matching:waiting", permission="matching.view_matching", order=40)


@home_panel(
    "matching-waiting",
    heading="People waiting for a match",
    template="matching/home/waiting.jinja",
    roles={Role.COORDINATOR},
    order=45,
    people=lambda context: [r.person for r in context["longest"]],
)
def people_waiting(request: HttpRequest) -> dict[str, Any]:
    organisation = request.organisation  # type: ignore[attr-defined]
    waiting = selectors.people_waiting(organisation=organisation)
    return {"count": waiting.count(), "longest": list(waiting[:5])}


@person_section(
    "matching",
    heading="Matching with a supporter",
    template="matching/person_section.jinja",
    permission="matching.view_matching",
    order=20,
)
def person_matching(request: HttpRequest, person: Person) -> dict[str, Any]:
    organisation = request.organisation  # type: ignore[attr-defined]
    return {
        "waiting": list(selectors.people_waiting(organisation=organisation).filter(person=person)),
        "matches": list(selectors.matches_of_person(organisation=organisation, person=person)),
    }


@home_panel(
    "matching-network",
    heading="Matching across the network",
    template="matching/home/network.jinja",
    roles={Role.NETWORK_ADMIN, Role.ORGANISATION_ADMIN},
    order=46,
)
def network_matching(request: HttpRequest) -> dict[str, Any]:
    organisation = request.organisation  # type: ignore[attr-defined]
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    sharing = selectors.shares_with_network(organisation=organisation)
    return {
        "in_network": organisation.network_id is not None,
        "shares": bool(sharing and sharing.shares),
        "sharing": selectors.sharing_organisations(organisation=organisation),
        "network_admin": Role.NETWORK_ADMIN in roles,
        "organisation_admin": Role.ORGANISATION_ADMIN in roles,
    }
