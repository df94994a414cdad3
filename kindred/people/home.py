"""The people app's part of the home page and header."""

from __future__ import annotations

from typing import Any

from kindred.accounts.models import Role
from kindred.core.http import OrganisationRequest
from kindred.core.pages import home_panel, nav_item, record_home_page_reads
from kindred.core.services import Acting
from kindred.people import selectors, services
from kindred.people.models import Person
from kindred.people.sections import person_section

nav_item("People", "people:list", permission="people.view_person", order=10)


def _home_page_read(request: OrganisationRequest, people: list[Any]) -> None:
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
def people_summary(request: OrganisationRequest) -> dict[str, Any]:
    organisation = request.organisation
    return {
        "people_count": selectors.people_of(organisation=organisation).count(),
        "people_added": list(selectors.people_added_recently(organisation=organisation)[:10]),
    }


@person_section(
    "merged-records",
    heading="Other records of this person",
    template="people/merge/person_section.jinja",
    permission="people.view_person",
    order=90,
)
def merged_records(request: OrganisationRequest, person: Person) -> dict[str, Any]:
    """The records merged into this one (ADR-090), and for coordinators the way to merge."""
    return {"merged": selectors.merged_into_this(person=person)}
