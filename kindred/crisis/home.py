"""The crisis line's panels on the home page."""

from __future__ import annotations

from typing import Any

from kindred.accounts.models import Role
from kindred.core.http import OrganisationRequest
from kindred.core.pages import home_panel
from kindred.crisis import rota_selectors

GAP_DAYS = 28
SHOWN = 5


@home_panel(
    "crisis-rota-gaps",
    heading="Crisis line rota gaps",
    template="crisis/rota/home/gaps.jinja",
    roles={Role.COORDINATOR},
    order=47,
)
def rota_gaps(request: OrganisationRequest) -> dict[str, Any]:
    """Shifts in the next four weeks short of supporters or without a professional. One query."""
    shifts = list(rota_selectors.shifts_ahead(organisation=request.organisation, days=GAP_DAYS))
    gaps = rota_selectors.gaps_in(shifts)
    return {"has_rota": bool(shifts), "gaps": gaps[:SHOWN], "count": len(gaps), "days": GAP_DAYS}
