"""The wellbeing app's parts of the person page, of a relationship's pages (links to the
person's goals and plan) and of the person's own copy of their data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from kindred.core.http import OrganisationRequest
from kindred.people.models import Person
from kindred.people.sections import person_section
from kindred.people.subject_access import subject_access_part
from kindred.relationships.links import PERSON, Link, relationship_link
from kindred.relationships.models import Relationship
from kindred.wellbeing import selectors
from kindred.wellbeing.models import PLAN_FIELDS, GoalStatus, Progress


@person_section(
    "wellbeing-goals",
    heading="Goals and progress reviews",
    template="wellbeing/person_goals.jinja",
    permission="wellbeing.hold_record",
    order=40,
)
def person_goals(request: OrganisationRequest, person: Person) -> dict[str, Any]:
    # The person page is behind @permission, so this is an OrganisationRequest (the people
    # app's SectionContext does not say so yet).
    organisation = request.organisation
    goals = list(selectors.goals_of(organisation=organisation, person=person))
    seen = selectors.relationships_of(organisation=organisation, person=person, user=request.user)
    return {
        "current": [g for g in goals if g.status == GoalStatus.WORKING_ON],
        "achieved": sum(g.status == GoalStatus.ACHIEVED for g in goals),
        "latest": selectors.reviews_of(organisation=organisation, person=person).first(),
        "due": sorted(
            (r for r in selectors.reviewable(seen) if r.next_review_on),
            key=lambda r: r.next_review_on or dt.date.max,
        )[:1],
    }


@person_section(
    "wellbeing-crisis-plan",
    heading="Crisis and wellbeing plan",
    template="wellbeing/person_crisis_plan.jinja",
    permission="wellbeing.hold_record",
    order=41,
)
def person_crisis_plan(request: OrganisationRequest, person: Person) -> dict[str, Any]:
    """When it was last saved and who may see it; never the plan itself, which is only shown
    on its own page, where each look is audited."""
    organisation = request.organisation
    plan = selectors.crisis_plan_of(organisation=organisation, person=person)
    return {
        "current": selectors.current_version(plan),
        "sharing": selectors.sharing_in_force(plan),
    }


@relationship_link(PERSON, "wellbeing-goals", order=10)
def goals_link(request: OrganisationRequest, relationship: Relationship) -> Link | None:
    if not request.user.has_perm("wellbeing.view_goals", request.organisation):
        return None
    return Link(
        href=reverse("wellbeing:goals", kwargs={"person_id": relationship.person_id}),
        text=f"{relationship.person.given_name}'s goals and progress reviews",
    )


@relationship_link(PERSON, "wellbeing-crisis-plan", order=20)
def crisis_plan_link(request: OrganisationRequest, relationship: Relationship) -> Link | None:
    """Only for those the person lets open their plan (ADR-045), so the link always works."""
    organisation = request.organisation
    if not request.user.has_perm("wellbeing.view_crisis_plan", organisation):
        return None
    person = relationship.person
    plan = selectors.crisis_plan_of(organisation=organisation, person=person)
    access = selectors.crisis_plan_access(
        organisation=organisation,
        user=request.user,
        person=person,
        plan=plan,
        sharing=selectors.sharing_in_force(plan),
    )
    if not access.see:
        return None
    return Link(
        href=reverse("wellbeing:crisis_plan", kwargs={"person_id": relationship.person_id}),
        text=f"{person.given_name}'s crisis and wellbeing plan",
    )


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@subject_access_part("wellbeing_goals", title="Your goals and progress reviews")
def goals_held(person: Person) -> dict[str, Any]:
    goals = person.goals.prefetch_related("history").order_by("set_on", "created_at")
    reviews = person.progress_reviews.prefetch_related("progress__goal").order_by("held_on")
    return {
        "goals": [
            {
                "goal": goal.text,
                "set_on": _when(goal.set_on),
                "status": goal.get_status_display(),
                "history": [
                    {
                        "when": _when(change.occurred_at),
                        "from": change.from_state_label(),
                        "to": change.to_state_label(),
                        "by": change.by_label,
                        "note": change.note,
                    }
                    for change in goal.history.all()
                ],
            }
            for goal in goals
        ],
        "reviews": [
            {
                "held_on": _when(review.held_on),
                "recorded_by": review.recorded_by_label,
                "recorded_at": _when(review.recorded_at),
                "progress": [
                    {
                        "goal": p.goal.text,
                        "progress": Progress(p.rating).label,
                        "in_your_words": p.in_their_words,
                    }
                    for p in review.progress.all()
                ],
                "what_next": review.what_next,
            }
            for review in reviews
        ],
    }


@subject_access_part("wellbeing_crisis_plan", title="Your crisis and wellbeing plan, every version")
def crisis_plan_held(person: Person) -> dict[str, Any]:
    plan = getattr(person, "crisis_plan", None)
    if plan is None:
        return {"versions": [], "who_may_see_it": []}
    labels = {name: label for name, label, _hint in PLAN_FIELDS}
    return {
        "versions": [
            {
                "version": version.number,
                "saved_at": _when(version.saved_at),
                "saved_by": version.saved_by_label,
                **{labels[name]: value for name, value in version.content().items()},
            }
            for version in plan.versions.order_by("number")
        ],
        "who_may_see_it": [
            {
                "recorded_at": _when(choice.recorded_at),
                "recorded_by": choice.recorded_by_label,
                "coordinators": True,
                "your_supporters": choice.supporters,
                "the_crisis_line": choice.crisis_line,
                "group_facilitators": choice.facilitators,
                "your_gp": choice.gp,
            }
            for choice in plan.sharing_history.order_by("number")
        ],
    }
