"""The volunteers app's part of the home page and header."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.http import OrganisationRequest
from kindred.core.pages import home_panel, nav_item
from kindred.volunteers import selectors

nav_item("Volunteers", "volunteers:board", permission="volunteers.view_volunteer", order=30)
nav_item("My volunteering", "volunteers:me", permission="volunteers.self_service", order=30)


@home_panel(
    "volunteers-new-enquiries",
    heading="New volunteer enquiries",
    template="volunteers/home/enquiries.jinja",
    roles={Role.COORDINATOR},
    order=25,
)
def new_enquiries(request: OrganisationRequest) -> dict[str, Any]:
    """Enquiries from people who want to volunteer, shown as soon as they arrive (ADR-096)."""
    shown = list(selectors.new_enquiries_counted(organisation=request.organisation)[:10])
    return {
        "count": getattr(shown[0], "enquiry_total", len(shown)) if shown else 0,
        "volunteers": shown,
    }


@home_panel(
    "volunteers-overdue-supervision",
    heading="Volunteers due supervision",
    template="volunteers/home/supervision.jinja",
    roles={Role.COORDINATOR},
    order=30,
)
def overdue_supervision(request: OrganisationRequest) -> dict[str, Any]:
    organisation = request.organisation
    return {
        "overdue": selectors.overdue_supervision(organisation=organisation, limit=10),
        "requests": list(selectors.open_support_requests(organisation=organisation)[:10]),
        "struggling": list(selectors.struggling_this_month(organisation=organisation)[:10]),
    }


@home_panel(
    "volunteers-due",
    heading="Volunteer training and checks running out",
    template="volunteers/home/due.jinja",
    roles={Role.COORDINATOR},
    order=31,
)
def due(request: OrganisationRequest) -> dict[str, Any]:
    organisation = request.organisation
    today = timezone.localdate()
    due = selectors.due_soon_shown(organisation=organisation, on=today, limit=15)
    return {"items": due.items, "total": due.total, "today": today}


@home_panel(
    "volunteers-mine",
    heading="Your volunteering",
    template="volunteers/home/mine.jinja",
    roles={Role.VOLUNTEER, Role.FACILITATOR},
    order=20,
)
def mine(request: OrganisationRequest) -> dict[str, Any]:
    volunteer = selectors.volunteer_for_user(organisation=request.organisation, user=request.user)
    if volunteer is None:
        return {"volunteer": None}
    today = timezone.localdate()
    return {
        "volunteer": volunteer,
        "due": selectors.due_for(volunteer=volunteer, on=today, days=selectors.REMINDER_DAYS),
        "checked_in": selectors.check_in_this_month(volunteer=volunteer, on=today),
        "today": today,
    }
