"""The people app's part of the home page and header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kindred.accounts.models import Role
from kindred.core.pages import home_panel, nav_item, record_home_page_reads
from kindred.core.services import Acting
from kindred.people import selectors, services

nav_item("People", "people:list", permission="people.view_person", order=10)


def _home_page_read(request: HttpRequest, people: list[Any]) -> None:
    """The home page's panels showed these people: one audit entry naming them all."""
    services.people_viewed(by=Acting.from_request(request), people=people, page="home")


record_home_page_reads(_home_page_read)


@home_panel(
    "people-summary",
    heading="People you support",
    template="people/home/summary.jinja",
    roles={Role.COORDINATOR, Role.SAFEGUARDING_LEAD},
    order=50,
    people=lambda context: context["people_added"],
)
def people_summary(request: HttpRequest) -> dict[str, Any]:
    organisation = request.organisation  # type: ignore[attr-defined]
    return {
        "people_count": selectors.people_of(organisation=organisation).count(),
        "people_added": list(selectors.people_added_recently(organisation=organisation)[:10]),
    }
