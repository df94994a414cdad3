"""Parts of a person's page that other apps add (their referrals, matches, groups...), so the
person page shows everything about someone that the user may see without the people app knowing
about every other app.

    @person_section("referrals", heading="Referrals", template="referrals/person_section.jinja",
                    permission="referrals.view_referral", order=10)
    def referrals(request: OrganisationRequest, person): return {"referrals": ...}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kindred.core.http import OrganisationRequest
from kindred.people.models import Person

SectionContext = Callable[[OrganisationRequest, Person], dict[str, Any]]


@dataclass(frozen=True)
class PersonSection:
    key: str
    heading: str
    template: str
    permission: str
    context: SectionContext
    order: int


_sections: dict[str, PersonSection] = {}


def person_section(
    key: str, *, heading: str, template: str, permission: str, order: int = 100
) -> Callable[[SectionContext], SectionContext]:
    def register(context: SectionContext) -> SectionContext:
        _sections[key] = PersonSection(key, heading, template, permission, context, order)
        return context

    return register


def person_sections(
    request: OrganisationRequest, person: Person
) -> list[tuple[PersonSection, dict[str, Any]]]:
    """The sections this user may see on this person's page, each with its context."""
    shown = sorted(_sections.values(), key=lambda s: (s.order, s.key))
    return [
        (section, section.context(request, person))
        for section in shown
        if request.user.has_perm(section.permission, request.organisation)
    ]
