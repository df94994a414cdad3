"""Safeguarding's part of the home page, the header and the person's page."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.http import OrganisationRequest
from kindred.core.pages import home_panel, nav_item
from kindred.people.models import Person
from kindred.people.sections import person_section
from kindred.safeguarding import selectors

nav_item("Safeguarding", "safeguarding:list", permission="safeguarding.view_concerns", order=60)

PANEL_ROWS = 10


@home_panel(
    "safeguarding-no-lead",
    heading="Safeguarding lead",
    template="safeguarding/home/no_lead.jinja",
    roles={Role.COORDINATOR},
    order=1,
)
def no_lead(request: OrganisationRequest) -> dict[str, Any]:
    """Shown to every coordinator until the organisation names a lead (the template shows
    nothing once it has one)."""
    arrangements = selectors.arrangements_of(organisation=request.organisation)
    lead = selectors.lead_of(arrangements)
    return {
        "lead": lead,
        "deputy": selectors.deputy_of(arrangements),
        "away": lead is not None and selectors.lead_is_away(arrangements, timezone.localdate()),
        "arrangements": arrangements,
    }


@home_panel(
    "safeguarding-awaiting",
    heading="Safeguarding concerns waiting to be acknowledged",
    template="safeguarding/home/awaiting.jinja",
    roles={Role.SAFEGUARDING_LEAD},
    order=2,
    people=lambda context: [c.person for c in context["concerns"] if c.person is not None],
)
def awaiting(request: OrganisationRequest) -> dict[str, Any]:
    waiting = selectors.awaiting_acknowledgement(organisation=request.organisation)
    return {"concerns": list(waiting[:PANEL_ROWS]), "count": waiting.count()}


@home_panel(
    "safeguarding-duty",
    heading="Concerns raised to you as duty professional",
    template="safeguarding/home/duty.jinja",
    roles={Role.DUTY_PROFESSIONAL},
    order=1,
    people=lambda context: [c.person for c in context["concerns"] if c.person is not None],
)
def duty(request: OrganisationRequest) -> dict[str, Any]:
    raised = selectors.raised_to(organisation=request.organisation, user=request.user)
    return {"concerns": list(raised[:PANEL_ROWS]), "count": raised.count()}


@person_section(
    "safeguarding",
    heading="Safeguarding concerns",
    template="safeguarding/person_section.jinja",
    permission="safeguarding.see_person_concerns",
    order=5,
)
def person_concerns(request: OrganisationRequest, person: Person) -> dict[str, Any]:
    arrangements = selectors.arrangements_of(organisation=request.organisation)
    visible = selectors.visible_concerns(user=request.user, arrangements=arrangements)
    return {"concerns": list(visible.filter(person=person).order_by("-raised_at"))}
