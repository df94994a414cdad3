"""The referrals app's part of the home page, the header and the person page."""

from __future__ import annotations

from typing import Any

from kindred.accounts.models import Role
from kindred.core.http import OrganisationRequest
from kindred.core.pages import home_panel, nav_item
from kindred.people.models import Person
from kindred.people.sections import person_section
from kindred.people.subject_access import subject_access_part
from kindred.referrals import selectors

nav_item("Referrals", "referrals:inbox", permission="referrals.view_referral", order=20)
nav_item("Your referrals", "referrals:mine", permission="referrals.refer", order=21)
nav_item(
    "Network referrals",
    "referrals:network_inbox",
    permission="referrals.view_network_referral",
    order=22,
)


@home_panel(
    "referrals-new",
    heading="New referrals",
    template="referrals/home/new.jinja",
    roles={Role.COORDINATOR},
    order=5,
    people=lambda context: [r.person for r in context["referrals"]],
)
def new(request: OrganisationRequest) -> dict[str, Any]:
    """Referrals waiting for first contact, shown as soon as they arrive: urgent ones first."""
    waiting = selectors.new_referrals(organisation=request.organisation)
    shown = list(waiting[:10])
    return {"count": waiting.count(), "referrals": shown}


@home_panel(
    "referrals-overdue",
    heading="Referrals past their first-contact date",
    template="referrals/home/overdue.jinja",
    roles={Role.COORDINATOR},
    order=10,
    people=lambda context: [r.person for r in context["referrals"]],
)
def overdue(request: OrganisationRequest) -> dict[str, Any]:
    overdue = selectors.overdue_referrals(organisation=request.organisation)
    shown = list(overdue[:10])
    return {"count": overdue.count(), "referrals": shown}


@home_panel(
    "referrals-referrer",
    heading="Your referrals",
    template="referrals/home/referrer.jinja",
    roles={Role.REFERRER},
    order=10,
)
def referrer(request: OrganisationRequest) -> dict[str, Any]:
    made = selectors.referrals_made_by(organisation=request.organisation, user=request.user)
    return {"referrals": list(made[:5])}


@person_section(
    "referrals",
    heading="Referrals and concerns for the GP",
    template="referrals/person_section.jinja",
    permission="referrals.view_referral",
    order=10,
)
def person_referrals(request: OrganisationRequest, person: Person) -> dict[str, Any]:
    # The person page is behind @permission, so its request acts for an organisation; the cast
    # goes once people.sections hands its sections an OrganisationRequest.
    organisation = request.organisation
    return {
        "referrals": list(selectors.referrals_of_person(organisation=organisation, person=person)),
        "concerns": list(selectors.concerns_about(organisation=organisation, person=person)),
    }


@subject_access_part("referrals", title="Referrals and concerns shared with your GP")
def referrals_held(person: Person) -> list[dict[str, Any]]:
    held: list[dict[str, Any]] = []
    for referral in person.referrals.prefetch_related("history").order_by("received_at"):
        held.append(
            {
                "received": referral.received_at.isoformat(),
                "referred_by": referral.get_source_display(),
                "referrer": referral.referrer_name,
                "reason": referral.reason,
                "wanted": referral.get_wants_display(),
                "status": referral.get_status_display(),
                "declined_because": referral.decline_reason,
                "suggested_instead": referral.signposted_to,
                "outcome": referral.get_outcome_display() if referral.outcome else "",
                "history": [
                    {
                        "when": event.occurred_at.isoformat(),
                        "status": event.to_label,
                        "note": event.note,
                    }
                    for event in referral.history.all()
                ],
            }
        )
    for concern in person.gp_concerns.order_by("created_at"):
        held.append(
            {
                "concern_for_your_gp": concern.noticed,
                "raised": concern.created_at.isoformat(),
                "practice": concern.practice_ods,
            }
        )
    return held
