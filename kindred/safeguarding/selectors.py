"""Reads for safeguarding. Every read starts from the organisation; who sees how much of a
concern is decided here (`sight_of`), once, for views, panels and the person's page."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import IntEnum

from django.db.models import Q, QuerySet
from django.utils import timezone

from kindred.accounts.models import Organisation, Role, User
from kindred.people.models import Person
from kindred.safeguarding.models import OPEN, Arrangements, Concern, Status
from kindred.safeguarding.targets import Targets


class Sight(IntEnum):
    """How much of a concern someone sees."""

    NONE = 0
    RAISER = 1  # what they raised, and that it is being looked at
    SUMMARY = 2  # who it is about, level, state, dates: not what was said or done
    FULL = 3


def arrangements_of(*, organisation: Organisation) -> Arrangements:
    """The organisation's arrangements (unsaved defaults when it has set none)."""
    try:
        return Arrangements.objects.select_related("lead", "deputy", "duty_professional").get(
            organisation=organisation
        )
    except Arrangements.DoesNotExist:
        return Arrangements(organisation=organisation)


def targets_of(arrangements: Arrangements) -> Targets:
    return Targets(
        immediate_minutes=arrangements.immediate_minutes,
        high_minutes=arrangements.high_minutes,
        medium_working_days=arrangements.medium_working_days,
        low_working_days=arrangements.low_working_days,
    )


def _holds(user: User | None, organisation: Organisation, role: Role) -> bool:
    return user is not None and user.is_active and role in user.roles_in(organisation)


def leads_of(arrangements: Arrangements) -> tuple[User, ...]:
    """The organisation's safeguarding lead: the one it named, if they still hold the role; with
    none named, whoever holds the safeguarding lead role (but the named deputy)."""
    organisation = arrangements.organisation
    lead = arrangements.lead
    if lead is not None:
        return (lead,) if _holds(lead, organisation, Role.SAFEGUARDING_LEAD) else ()
    return tuple(
        user
        for user in holders_of(organisation=organisation, role=Role.SAFEGUARDING_LEAD)
        if user.pk != arrangements.deputy_id
    )


def lead_of(arrangements: Arrangements) -> User | None:
    leads = leads_of(arrangements)
    return leads[0] if leads else None


def deputy_of(arrangements: Arrangements) -> User | None:
    deputy = arrangements.deputy
    return deputy if _holds(deputy, arrangements.organisation, Role.SAFEGUARDING_LEAD) else None


def lead_is_away(arrangements: Arrangements, today: dt.date) -> bool:
    start, end = arrangements.lead_away_from, arrangements.lead_away_until
    return start is not None and end is not None and start <= today <= end


def duty_professional_of(arrangements: Arrangements) -> User | None:
    duty = arrangements.duty_professional
    return duty if _holds(duty, arrangements.organisation, Role.DUTY_PROFESSIONAL) else None


def holders_of(*, organisation: Organisation, role: Role) -> QuerySet[User]:
    return (
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__role=role,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )


@dataclass(frozen=True)
class Rung:
    """One step of who a concern reaches: its name for messages, and the people on it."""

    name: str  # "safeguarding lead", "deputy safeguarding lead", "coordinators"
    people: tuple[User, ...]


def ladder(*, arrangements: Arrangements, today: dt.date) -> list[Rung]:
    """Who a concern reaches, in order: the lead (unless away), the deputy, the coordinators;
    an empty rung is skipped. With none of them, the organisation admins, so that a concern
    always reaches a person if the organisation has one to reach."""
    organisation = arrangements.organisation
    rungs: list[Rung] = []
    seen: set[uuid.UUID] = set()
    leads = leads_of(arrangements)
    if leads and not (arrangements.lead_id is not None and lead_is_away(arrangements, today)):
        rungs.append(Rung("safeguarding lead", leads))
        seen |= {lead.pk for lead in leads}
    deputy = deputy_of(arrangements)
    if deputy is not None and deputy.pk not in seen:
        rungs.append(Rung("deputy safeguarding lead", (deputy,)))
        seen.add(deputy.pk)
    coordinators = tuple(
        u for u in holders_of(organisation=organisation, role=Role.COORDINATOR) if u.pk not in seen
    )
    if coordinators:
        rungs.append(Rung("coordinators", coordinators))
    if not rungs:
        admins = tuple(holders_of(organisation=organisation, role=Role.ORGANISATION_ADMIN))
        if admins:
            rungs.append(Rung("organisation admins", admins))
    return rungs


def is_lead_or_deputy(*, user: User, arrangements: Arrangements) -> bool:
    """Whether `user` may acknowledge and work a concern: the named lead or deputy (holding the
    safeguarding lead role), or anyone holding that role when the organisation names no lead."""
    organisation = arrangements.organisation
    if not _holds(user, organisation, Role.SAFEGUARDING_LEAD):
        return False
    if arrangements.lead_id is None:
        return True
    return user.pk in {arrangements.lead_id, arrangements.deputy_id}


def sight_of(*, user: User, arrangements: Arrangements, concern: Concern | None = None) -> Sight:
    """How much of `concern` (or of concerns in general, with none) `user` sees."""
    organisation = arrangements.organisation
    if is_lead_or_deputy(user=user, arrangements=arrangements):
        return Sight.FULL
    roles = user.roles_in(organisation)
    if Role.DUTY_PROFESSIONAL in roles and (
        concern is None or concern.duty_professional_id == user.pk
    ):
        return Sight.FULL
    if Role.COORDINATOR in roles:
        return Sight.FULL if arrangements.coordinators_see_detail else Sight.SUMMARY
    if concern is not None and concern.raised_by_id == user.pk:
        return Sight.RAISER
    if concern is None and roles:
        return Sight.RAISER
    return Sight.NONE


def visible_concerns(*, user: User, arrangements: Arrangements) -> QuerySet[Concern]:
    """The concerns of the organisation `user` may open: every one for leads, deputies and
    coordinators; those raised to a duty professional; those a raiser raised."""
    organisation = arrangements.organisation
    concerns = Concern.objects.filter(organisation=organisation).select_related("person")
    roles = user.roles_in(organisation)
    if is_lead_or_deputy(user=user, arrangements=arrangements) or Role.COORDINATOR in roles:
        return concerns
    if Role.DUTY_PROFESSIONAL in roles:
        return concerns.filter(Q(duty_professional=user) | Q(raised_by=user))
    return concerns.filter(raised_by=user)


def concern_of(*, organisation: Organisation, concern_id: uuid.UUID) -> Concern:
    """A concern of this organisation (Concern.DoesNotExist otherwise)."""
    return Concern.objects.select_related(
        "person", "raised_by", "acknowledged_by", "duty_professional"
    ).get(organisation=organisation, pk=concern_id)


def timeline_of(*, concern: Concern) -> QuerySet:  # type: ignore[type-arg]
    return concern.timeline.select_related("by_user", "told", "corrects").order_by(
        "occurred_at", "created_at"
    )


def filtered(
    concerns: QuerySet[Concern], *, state: str = "open", level: str = ""
) -> QuerySet[Concern]:
    """The list page's filters: open or past (closed) or all, and a level."""
    if state == "open":
        concerns = concerns.filter(status__in=OPEN)
    elif state == "closed":
        concerns = concerns.filter(status=Status.CLOSED)
    if level:
        concerns = concerns.filter(level=level)
    return concerns


def awaiting_acknowledgement(*, organisation: Organisation) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(organisation=organisation, status=Status.RAISED)
        .select_related("person")
        .order_by("acknowledge_by")
    )


def raised_to(*, organisation: Organisation, user: User) -> QuerySet[Concern]:
    """Open concerns raised to a duty professional, most urgent first."""
    return (
        Concern.objects.filter(organisation=organisation, duty_professional=user, status__in=OPEN)
        .select_related("person")
        .order_by("acknowledge_by")
    )


def concerns_about(*, organisation: Organisation, person: Person) -> QuerySet[Concern]:
    return Concern.objects.filter(organisation=organisation, person=person).order_by("-raised_at")


def overdue(*, now: dt.datetime | None = None) -> QuerySet[Concern]:
    """Concerns not yet acknowledged whose target has passed, across organisations (the sweep)."""
    return Concern.objects.filter(
        status=Status.RAISED, acknowledge_by__lte=now or timezone.now()
    ).select_related("organisation")
