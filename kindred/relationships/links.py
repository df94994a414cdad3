"""Links shown with a relationship that lead to the pages of apps above relationships (their
goals and crisis plan in the wellbeing app, a new match in the matching app), without the
relationships app importing them or naming their pages (ADR-086).

An app registers a link in its AppConfig.ready(); the function gets the request and the
relationship and returns the link, or None when this user may not follow it (a link is shown
only when it works):

    @relationship_link(PERSON, "wellbeing-goals", order=10)
    def goals(request, relationship):
        if not request.user.has_perm("wellbeing.view_goals", request.organisation):
            return None
        return Link(reverse("wellbeing:goals", args=[relationship.person_id]), "...")

The relationships pages then ask `links_for(PERSON, request, relationship)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kindred.core.http import OrganisationRequest
from kindred.relationships.models import Relationship

#: About the person supported: on the relationship's record and beside them on "My people".
PERSON = "person"
#: Ways to find the person another supporter, once support has ended offering one.
ANOTHER_SUPPORTER = "another_supporter"
PLACES = frozenset({PERSON, ANOTHER_SUPPORTER})


@dataclass(frozen=True)
class Link:
    href: str
    text: str


LinkMaker = Callable[[OrganisationRequest, Relationship], Link | None]


@dataclass(frozen=True)
class RegisteredLink:
    place: str
    key: str
    order: int
    make: LinkMaker


_links: dict[str, RegisteredLink] = {}


def relationship_link(
    place: str, key: str, *, order: int = 100
) -> Callable[[LinkMaker], LinkMaker]:
    """Register a link shown in `place` (PERSON or ANOTHER_SUPPORTER); `key` names it once."""
    if place not in PLACES:
        raise ValueError(f"No place {place!r} for links with a relationship")

    def register(make: LinkMaker) -> LinkMaker:
        _links[key] = RegisteredLink(place, key, order, make)
        return make

    return register


def links_for(place: str, request: OrganisationRequest, relationship: Relationship) -> list[Link]:
    """The links in `place` this user may follow for this relationship, in order."""
    registered = sorted(
        (link for link in _links.values() if link.place == place),
        key=lambda entry: (entry.order, entry.key),
    )
    made = (link.make(request, relationship) for link in registered)
    return [link for link in made if link is not None]
