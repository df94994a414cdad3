"""The volunteers app's part of the home page and header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.pages import home_panel, nav_item
from kindred.volunteers import selectors

nav_item("Volunteers", "volunteers:board", permission="volunteers.view_volunteer", order=30)
nav_item("My volunteering", "volunteers:me", permission="volunteers.self_service", order=30)


@home_panel(
    "volunteers-overdue-supervision",
    heading="Volunteers due supervision",
    template="volunteers/home/supervision.jinja",
    roles={Role.COORDINATOR},
    order=30,
)
def overdue_supervision(request: HttpRequest) -> dict[str, Any]:
    organisation = request.organisation  # type: ignore[attr-defined]
    return {
        "overdue": selectors.overdue_supervision(organisation=organisation)[:10],
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
def due(request: HttpRequest) -> dict[str, Any]:
    organisation = request.organisation  # type: ignore[attr-defined]
    today = timezone.localdate()
    return {"items": selectors.due_soon(organisation=organisation, on=today)[:15], "today": today}


@home_panel(
    "volunteers-mine",
    heading="Your volunteering",
    template="volunteers/home/mine.jinja",
    roles={Role.VOLUNTEER, Role.FACILITATOR},
    order=20,
)
def mine(request: HttpRequest) -> dict[str, Any]:
    volunteer = selectors.volunteer_for_user(
        organisation=request.organisation,  # type: ignore[attr-defined]
        user=request.user,  # type: ignore[arg-type]
    )
    if volunteer is None:
        return {"volunteer": None}
    today = timezone.localdate()
    return {
        "volunteer": volunteer,
        "due": selectors.due_for(volunteer=volunteer, on=today, days=selectors.REMINDER_DAYS),
        "checked_in": selectors.check_in_this_month(volunteer=volunteer, on=today),
        "today": today,
    }
