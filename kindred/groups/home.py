"""The groups app's panel on the home page: today's sessions, to take attendance in one tap."""

from __future__ import annotations

from typing import Any

from kindred.accounts.models import Role
from kindred.core.http import OrganisationRequest
from kindred.core.pages import home_panel
from kindred.groups import selectors


@home_panel(
    "groups-today",
    heading="Group sessions today",
    template="groups/home/today.jinja",
    roles={Role.COORDINATOR, Role.FACILITATOR},
    order=45,
)
def sessions_today(request: OrganisationRequest) -> dict[str, Any]:
    return {
        "sessions": selectors.sessions_today(organisation=request.organisation, user=request.user)
    }


@home_panel(
    "groups-missing",
    heading="Check in with someone who stopped coming",
    template="groups/home/missing.jinja",
    roles={Role.COORDINATOR, Role.FACILITATOR},
    order=44,
    people=lambda context: [p.member.person for p in context["prompts"] if p.member is not None],
)
def missing_regulars(request: OrganisationRequest) -> dict[str, Any]:
    """The safety net's gentle prompts (ADR-113), for the groups this user runs."""
    return {"prompts": selectors.open_prompts(organisation=request.organisation, user=request.user)}
