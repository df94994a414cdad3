"""The outcomes app's home page panels: the network's figures for commissioners and network
admins (each figure defined once, with its definition beside it: issue 19), and the
questionnaires due for coordinators."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kindred.accounts import selectors as accounts_selectors
from kindred.accounts.models import Role
from kindred.core.http import OrganisationRequest
from kindred.core.pages import home_panel
from kindred.outcomes import selectors
from kindred.outcomes.report import (
    PEOPLE_SUPPORTED,
    Quarter,
    supported_counts,
)
from kindred.outcomes.report import suppression_count as publish_count
from kindred.volunteers import selectors as volunteers_selectors


@home_panel(
    "network-figures",
    heading="Across the network",
    template="outcomes/home/network.jinja",
    roles={Role.COMMISSIONER, Role.NETWORK_ADMIN},
    order=70,
)
def network(request: OrganisationRequest) -> dict[str, Any]:
    """Counts only, suppressed: people supported this quarter so far and active volunteers,
    by the same definitions as the quarterly report and the recruitment board."""
    organisations = accounts_selectors.network_scope(organisation=request.organisation)
    ids = [o.pk for o in organisations]
    today = timezone.localdate()
    quarter = Quarter.of(today)
    supported = supported_counts(ids, quarter.start, today)
    active = volunteers_selectors.active_volunteer_counts(organisation_ids=ids)
    teams = accounts_selectors.team_sizes(organisations=organisations)
    rows = [
        {
            "organisation": o,
            "people": publish_count(supported[o.pk]),
            "volunteers": publish_count(active.get(o.pk, 0)),
            "members": publish_count(teams[o.pk].members),
        }
        for o in organisations
    ]
    return {
        "rows": rows,
        "quarter": quarter,
        "people_definition": PEOPLE_SUPPORTED,
        "volunteers_definition": volunteers_selectors.ACTIVE_VOLUNTEERS,
    }


@home_panel(
    "questionnaires-due",
    heading="Questionnaires due",
    template="outcomes/home/due.jinja",
    roles={Role.COORDINATOR},
    order=48,
)
def questionnaires_due(request: OrganisationRequest) -> dict[str, Any]:
    """How many questionnaires are due: a count, so the panel shows nobody's name."""
    return {
        "due": selectors.collections_due_count(
            organisation=request.organisation, on=timezone.localdate()
        )
    }
