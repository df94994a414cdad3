"""The matching app's part of the home page and header, the person page and the record of a
relationship that ended offering another supporter."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.http import OrganisationRequest
from kindred.core.pages import home_panel, nav_item
from kindred.matching import selectors
from kindred.people.models import Person
from kindred.people.sections import person_section
from kindred.referrals.models import Referral, Status
from kindred.referrals.waiting_pages import WaitingPage, waiting_page
from kindred.relationships.links import ANOTHER_SUPPORTER, Link, relationship_link
from kindred.relationships.models import Relationship

nav_item("Matching", "matching:waiting", permission="matching.view_matching", order=40)


@home_panel(
    "matching-waiting",
    heading="People waiting for a match",
    template="matching/home/waiting.jinja",
    roles={Role.COORDINATOR},
    order=45,
    people=lambda context: [r.person for r in context["longest"]],
)
def people_waiting(request: OrganisationRequest) -> dict[str, Any]:
    organisation = request.organisation
    waiting = selectors.people_waiting(organisation=organisation)
    return {"count": waiting.count(), "longest": list(waiting[:5])}


@person_section(
    "matching",
    heading="Matching with a supporter",
    template="matching/person_section.jinja",
    permission="matching.view_matching",
    order=20,
)
def person_matching(request: OrganisationRequest, person: Person) -> dict[str, Any]:
    # The person page is behind @permission, so this is an OrganisationRequest (the people
    # app's SectionContext does not say so yet).
    organisation = request.organisation
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
def network_matching(request: OrganisationRequest) -> dict[str, Any]:
    organisation = request.organisation
    roles = request.roles
    sharing = selectors.shares_with_network(organisation=organisation)
    return {
        "in_network": organisation.network_id is not None,
        "shares": bool(sharing and sharing.shares),
        "sharing": selectors.sharing_organisations(organisation=organisation),
        "network_admin": Role.NETWORK_ADMIN in roles,
        "organisation_admin": Role.ORGANISATION_ADMIN in roles,
    }


@relationship_link(ANOTHER_SUPPORTER, "matching-suggest", order=10)
def suggest_another(request: OrganisationRequest, relationship: Relationship) -> Link | None:
    """When support ended offering another supporter and the person's referral waits for a
    match: suggestions for them, for those who may match."""
    if not request.user.has_perm("matching.view_matching", request.organisation):
        return None
    waiting = selectors.waiting_referral_of(
        organisation=request.organisation, person_id=relationship.person_id
    )
    if waiting is None:
        return None
    return Link(
        href=f"{reverse('matching:suggest')}?referral={waiting.pk}",
        text=f"Suggest a supporter for {relationship.person.given_name}",
    )


@waiting_page
def matching_page(request: OrganisationRequest, referral: Referral) -> WaitingPage | None:
    """Where a referral accepted for one-to-one support or befriending went (ADR-097): the
    person's matching page, for those who keep matching profiles."""
    if referral.status != Status.WAITING or not request.user.has_perm(
        "matching.edit_profile", request.organisation
    ):
        return None
    return WaitingPage(
        href=reverse("matching:waiting_profile", args=[referral.pk]),
        text=f"{referral.person.given_name}'s matching page",
    )
