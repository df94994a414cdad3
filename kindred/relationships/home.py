"""The relationships app's part of the home page, the header, the person page and a person's copy
of their data."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.http import OrganisationRequest
from kindred.core.pages import home_panel, nav_item
from kindred.people.models import Person
from kindred.people.sections import person_section
from kindred.people.subject_access import subject_access_part
from kindred.relationships import selectors
from kindred.relationships.models import Supporter

nav_item("Caseload", "relationships:caseload", permission="relationships.view_caseload", order=50)
nav_item("My people", "relationships:mine", permission="relationships.support", order=10)

PANEL_ROWS = 10


@home_panel(
    "relationships-worries",
    heading="Worries and concerns from supporters",
    template="relationships/home/worries.jinja",
    roles={Role.COORDINATOR},
    order=5,
    people=lambda context: [
        *(c.relationship.person for c in context["concerns"]),
        *(c.relationship.person for c in context["worried"]),
    ],
)
def worries(request: OrganisationRequest) -> dict[str, Any]:
    organisation = request.organisation
    today = timezone.localdate()
    concerns = selectors.open_concerns(organisation=organisation)
    worried = selectors.worried_contacts(organisation=organisation, today=today)
    return {
        "concerns": list(concerns[:PANEL_ROWS]),
        "concern_count": concerns.count(),
        "worried": list(worried[:PANEL_ROWS]),
        "worried_count": worried.count(),
        "days": selectors.WORRIED_DAYS,
    }


@home_panel(
    "relationships-quiet",
    heading="Relationships gone quiet",
    template="relationships/home/quiet.jinja",
    roles={Role.COORDINATOR},
    order=12,
    people=lambda context: [r.person for r in context["relationships"]],
)
def gone_quiet(request: OrganisationRequest) -> dict[str, Any]:
    organisation = request.organisation
    today = timezone.localdate()
    quiet = selectors.gone_quiet(organisation=organisation, today=today)
    # The supporters named beside each, with their volunteer records in the same query.
    supporters = Prefetch("supporter_links", Supporter.objects.select_related("volunteer"))
    shown = quiet.prefetch_related(None).prefetch_related(supporters)[:PANEL_ROWS]
    return {"relationships": list(shown), "count": quiet.count(), "today": today}


@home_panel(
    "relationships-reviews",
    heading="Reviews overdue",
    template="relationships/home/reviews.jinja",
    roles={Role.COORDINATOR},
    order=13,
    people=lambda context: [r.person for r in context["relationships"]],
)
def reviews(request: OrganisationRequest) -> dict[str, Any]:
    organisation = request.organisation
    overdue = selectors.reviews_overdue(organisation=organisation, today=timezone.localdate())
    # The panel names the person, not the supporters: their prefetch is left out.
    return {
        "relationships": list(overdue.prefetch_related(None)[:PANEL_ROWS]),
        "count": overdue.count(),
    }


@home_panel(
    "relationships-mine",
    heading="Your next contacts",
    template="relationships/home/mine.jinja",
    roles={Role.VOLUNTEER, Role.FACILITATOR},
    order=10,
    people=lambda context: [row["person"] for row in context["rows"]],
)
def next_contacts(request: OrganisationRequest) -> dict[str, Any]:
    today = timezone.localdate()
    people = selectors.my_people(organisation=request.organisation, user=request.user, today=today)
    return {
        "rows": [
            {"relationship": r, "person": r.person, "next_due": selectors.next_contact_due(r)}
            for r in people
        ],
        "today": today,
    }


@person_section(
    "relationships",
    heading="Support from befrienders and peer supporters",
    template="relationships/person_section.jinja",
    permission="relationships.view_caseload",
    order=30,
)
def person_relationships(request: OrganisationRequest, person: Person) -> dict[str, Any]:
    # The person page is behind @permission, so this is an OrganisationRequest (the people
    # app's SectionContext does not say so yet).
    organisation = request.organisation
    return {
        "relationships": list(
            selectors.relationships_of_person(organisation=organisation, person=person)
        )
    }


@subject_access_part("relationships", title="Support from befrienders and peer supporters")
def relationships_held(person: Person) -> list[dict[str, Any]]:
    """Each relationship with its supporters, dates, how it ended and every contact. Concerns
    are listed by kind and date: their words are reviewed before release, as exemptions can
    apply (for example where telling could put someone at risk)."""
    held: list[dict[str, Any]] = []
    relationships = person.relationships.prefetch_related(
        "supporter_links__volunteer", "contacts", "concern_links__concern", "history"
    ).order_by("introduced_on", "created_at")
    for relationship in relationships:
        held.append(
            {
                "kind": relationship.get_kind_display(),
                "status": relationship.get_status_display(),
                "supporters": [
                    link.volunteer.display_name for link in relationship.supporter_links.all()
                ],
                "planned_rhythm_days": relationship.rhythm_days,
                "usual_way_of_meeting": relationship.get_usual_mode_display(),
                "introduced": relationship.introduced_on.isoformat(),
                "started": _day(relationship.started_on),
                "ended": _day(relationship.ended_on),
                "why_it_ended": relationship.get_end_reason_display()
                if relationship.end_reason
                else "",
                "how_you_were_when_it_ended": relationship.get_outcome_display()
                if relationship.outcome
                else "",
                "next_step_offered": relationship.get_next_step_display()
                if relationship.next_step
                else "",
                "history": [
                    {
                        "when": change.occurred_at.isoformat(),
                        "status": change.to_state_label(),
                        "note": change.note,
                    }
                    for change in relationship.history.all()
                ],
                "contacts": [
                    {
                        "date": contact.happened_on.isoformat(),
                        "how": contact.get_mode_display(),
                        "did_it_happen": contact.get_outcome_display(),
                        "minutes": contact.duration_minutes,
                        "note": contact.note,
                        "how_it_went": contact.get_feeling_display() if contact.feeling else "",
                    }
                    for contact in sorted(
                        relationship.contacts.all(), key=lambda c: (c.happened_on, c.created_at)
                    )
                ],
                "concerns_raised": [
                    {
                        "raised": concern.raised_at.isoformat(),
                        "kind": concern.get_kind_display(),
                        "acknowledged": _day(concern.acknowledged_at),
                        "closed": _day(concern.closed_at),
                    }
                    for concern in sorted(
                        (link.concern for link in relationship.concern_links.all()),
                        key=lambda c: c.raised_at,
                    )
                ],
            }
        )
    return held


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
