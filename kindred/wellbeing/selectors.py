"""Reads of goals, reviews and crisis plans, and who may see them. Every query starts from an
organisation, so another organisation's record is simply not found."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from kindred.accounts.models import Organisation, Role
from kindred.people.models import Person
from kindred.relationships import selectors as relationships
from kindred.relationships.models import Relationship, Status
from kindred.wellbeing.models import (
    CrisisPlan,
    CrisisPlanSharing,
    CrisisPlanVersion,
    Goal,
    GoalProgress,
    GoalStatus,
    ProgressReview,
)

#: Relationships in which a progress review can be held.
REVIEWABLE = (Status.ACTIVE.value, Status.PAUSED.value)


def roles_of(*, organisation: Organisation, user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    roles: frozenset[str] = user.roles_in(organisation)
    return roles


def holds_record(*, organisation: Organisation, user: Any) -> bool:
    """Coordinators hold the person's record, so they always see their goals and plan."""
    return Role.COORDINATOR in roles_of(organisation=organisation, user=user)


def may_work_with(*, organisation: Organisation, user: Any, person: Person) -> bool:
    """Goals and reviews: coordinators, and the volunteers who currently support the person."""
    if person.organisation_id != organisation.pk:
        return False
    return holds_record(organisation=organisation, user=user) or relationships.supports_person(
        user=user, person=person
    )


# Goals and reviews


def goals_of(*, organisation: Organisation, person: Person) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(organisation=organisation, person=person)
        .select_related("relationship")
        .order_by("set_on", "created_at")
    )


def goal_of(*, organisation: Organisation, goal_id: uuid.UUID) -> Goal:
    """The goal, if it belongs to this organisation; Goal.DoesNotExist otherwise."""
    return Goal.objects.select_related("person", "relationship").get(
        pk=goal_id, organisation=organisation
    )


def goals_for_review(*, relationship: Relationship) -> QuerySet[Goal]:
    """The goals talked about at a review of this relationship: the person's current goals that
    belong to it or to no relationship in particular."""
    return Goal.objects.filter(
        organisation_id=relationship.organisation_id,
        person_id=relationship.person_id,
        status=GoalStatus.WORKING_ON,
    ).filter(Q(relationship=relationship) | Q(relationship__isnull=True))


def reviews_of(*, organisation: Organisation, person: Person) -> QuerySet[ProgressReview]:
    """The person's progress reviews, with those recorded on records merged into theirs (reviews
    are append-only and stay where they were recorded, ADR-090)."""
    return (
        ProgressReview.objects.filter(organisation=organisation)
        .filter(Q(person=person) | Q(person__merged_into=person))
        .select_related("relationship")
        .prefetch_related(
            Prefetch("progress", queryset=GoalProgress.objects.select_related("goal"))
        )
        .order_by("-held_on", "-recorded_at")
    )


def relationships_of(
    *, organisation: Organisation, person: Person, user: Any
) -> list[Relationship]:
    """The person's relationships this user may see goals for: all of them for a coordinator,
    only those they support for a volunteer. Newest first."""
    every = relationships.relationships_of_person(organisation=organisation, person=person)
    if holds_record(organisation=organisation, user=user):
        return list(every)
    if not getattr(user, "is_authenticated", False):
        return []
    mine = relationships.supported_by(organisation=organisation, user=user).filter(person=person)
    return list(mine.distinct())


def reviewable(relationships_seen: list[Relationship]) -> list[Relationship]:
    return [r for r in relationships_seen if r.status in REVIEWABLE]


# Crisis plans


def crisis_plan_of(*, organisation: Organisation, person: Person) -> CrisisPlan | None:
    return CrisisPlan.objects.filter(organisation=organisation, person=person).first()


def merged_crisis_plans(*, organisation: Organisation, person: Person) -> list[CrisisPlan]:
    """Written plans of records merged into this person's, kept there because their record
    had a plan of its own (ADR-090), oldest merge first."""
    return list(
        CrisisPlan.objects.filter(
            organisation=organisation, person__merged_into=person, version_count__gt=0
        )
        .select_related("person")
        .order_by("person__merged_at")
    )


def current_version(plan: CrisisPlan | None) -> CrisisPlanVersion | None:
    if plan is None or plan.version_count == 0:
        return None
    version: CrisisPlanVersion = plan.versions.get(number=plan.version_count)
    return version


def version_numbered(plan: CrisisPlan, number: int) -> CrisisPlanVersion | None:
    version: CrisisPlanVersion | None = plan.versions.filter(number=number).first()
    return version


def versions_of(plan: CrisisPlan | None) -> list[CrisisPlanVersion]:
    """Every version, newest first."""
    if plan is None:
        return []
    return list(plan.versions.order_by("-number"))


def sharing_in_force(plan: CrisisPlan | None) -> CrisisPlanSharing | None:
    if plan is None or plan.sharing_count == 0:
        return None
    return plan.sharing_history.get(number=plan.sharing_count)


def sharing_history_of(plan: CrisisPlan | None) -> list[CrisisPlanSharing]:
    if plan is None:
        return []
    return list(plan.sharing_history.order_by("-number"))


@dataclass(frozen=True)
class PlanAccess:
    """What a user may do with a person's plan, and why (for the page and the audit log)."""

    see: bool
    change: bool
    because: str

    @property
    def coordinator(self) -> bool:
        return self.because == "coordinator"


NO_ACCESS = PlanAccess(see=False, change=False, because="not shared with them")


def crisis_plan_access(
    *,
    organisation: Organisation,
    user: Any,
    person: Person,
    plan: CrisisPlan | None,
    sharing: CrisisPlanSharing | None,
) -> PlanAccess:
    """Coordinators always see and change the plan: they hold the record, and they write its
    first version, which records who the person says may see it (ADR-098: a supporter never
    decides that). The person's supporters see and change it if the person lets them; group
    facilitators only see it, if the person lets them (ADR-045)."""
    if person.organisation_id != organisation.pk:
        return NO_ACCESS
    roles = roles_of(organisation=organisation, user=user)
    if Role.COORDINATOR in roles:
        return PlanAccess(see=True, change=True, because="coordinator")
    written = plan is not None and plan.version_count > 0
    let_supporters = written and sharing is not None and sharing.supporters
    if (
        Role.VOLUNTEER in roles
        and let_supporters
        and relationships.supports_person(user=user, person=person)
    ):
        return PlanAccess(see=True, change=True, because="supporter")
    if Role.FACILITATOR in roles and written and sharing is not None and sharing.facilitators:
        return PlanAccess(see=True, change=False, because="facilitator")
    return NO_ACCESS
