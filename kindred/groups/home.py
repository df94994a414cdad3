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
    return {"sessions": selectors.sessions_today(organisation=request.organisation)}
