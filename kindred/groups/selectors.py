"""Reads for groups. Every query starts from the organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from kindred.accounts.models import Organisation, Role, User
from kindred.groups.models import (
    LISTED,
    CrisisCall,
    Group,
    GroupMember,
    GroupRegular,
    MissingPrompt,
    NamedAttendance,
    PromptStatus,
    RegularAttendance,
    Session,
    SessionStatus,
    Venue,
    WaitingPlace,
)


def runs_every_group(*, organisation: Organisation, user: User) -> bool:
    """Coordinators see every group of their organisation; facilitators only the groups they
    facilitate (least privilege, ADR-113)."""
    return Role.COORDINATOR in user.roles_in(organisation)


def visible_groups(*, organisation: Organisation, user: User) -> QuerySet[Group]:
    groups = organisation.peer_groups.all()
    if runs_every_group(organisation=organisation, user=user):
        return groups
    return groups.filter(facilitators__user=user)


def groups_of(*, organisation: Organisation, user: User | None = None) -> QuerySet[Group]:
    """The organisation's groups (those `user` may see) with their venue and how many members
    each has."""
    groups = (
        visible_groups(organisation=organisation, user=user)
        if user is not None
        else organisation.peer_groups.all()
    )
    return (
        groups.select_related("venue")
        .annotate(
            member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True)
        )
        .order_by("name", "pk")
    )


def group_of(*, organisation: Organisation, group_id: uuid.UUID, user: User | None = None) -> Group:
    groups = (
        visible_groups(organisation=organisation, user=user)
        if user is not None
        else organisation.peer_groups.all()
    )
    return groups.select_related("venue", "duty_professional").get(pk=group_id)


def venues_of(*, organisation: Organisation) -> QuerySet[Venue]:
    return organisation.venues.annotate(group_count=Count("groups")).order_by("name", "pk")


def venue_of(*, organisation: Organisation, venue_id: uuid.UUID) -> Venue:
    return organisation.venues.get(pk=venue_id)


def session_of(
    *, organisation: Organisation, session_id: uuid.UUID, user: User | None = None
) -> Session:
    sessions = organisation.group_sessions.all()
    if user is not None and not runs_every_group(organisation=organisation, user=user):
        sessions = sessions.filter(group__facilitators__user=user)
    return sessions.select_related("group", "venue").get(pk=session_id)


def next_sessions(*, organisation: Organisation, groups: list[Group]) -> dict[uuid.UUID, Session]:
    """Each group's next session that is not cancelled, in one query."""
    sessions = organisation.group_sessions.filter(
        group__in=groups, starts_at__gte=timezone.now(), status=SessionStatus.SCHEDULED
    ).order_by("group_id", "starts_at")
    found: dict[uuid.UUID, Session] = {}
    for session in sessions:
        found.setdefault(session.group_id, session)
    return found


def upcoming_sessions(*, group: Group, limit: int = 8) -> list[Session]:
    since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        group.sessions.filter(starts_at__gte=since)
        .select_related("venue")
        .order_by("starts_at")[:limit]
    )


def members_of(*, group: Group) -> QuerySet[GroupMember]:
    """Members who have not left."""
    return (
        group.members.filter(left_on__isnull=True)
        .select_related("person")
        .order_by("person__given_name", "person__family_name", "pk")
    )


def regulars_of(*, group: Group) -> QuerySet[GroupRegular]:
    return group.regulars.order_by("nickname")


@dataclass(frozen=True)
class TrendRow:
    session: Session
    named: int
    regulars: int
    headcount: int

    @property
    def total(self) -> int:
        return self.named + self.regulars + self.headcount


def attendance_trend(*, group: Group, limit: int = 12) -> list[TrendRow]:
    """The latest held sessions, oldest first, with each way of counting (one query)."""
    held = (
        group.sessions.filter(status=SessionStatus.HELD)
        .annotate(
            named_count=Count("named", distinct=True),
            regular_count=Count("regulars_present", distinct=True),
        )
        .order_by("-starts_at")[:limit]
    )
    rows = [TrendRow(s, s.named_count, s.regular_count, s.headcount) for s in held]
    return rows[::-1]


def attendance_of(*, session: Session) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """The member and regular ids recorded as present at a session."""
    return (
        set(session.named.values_list("member_id", flat=True)),
        set(session.regulars_present.values_list("regular_id", flat=True)),
    )


def facilitators_of(*, group: Group) -> list[tuple[str, str]]:
    return [
        (f.user.full_name or f.user.email, f.get_kind_display())
        for f in group.facilitators.select_related("user").order_by("kind", "user__email")
    ]


def possible_facilitators(*, organisation: Organisation) -> QuerySet[User]:
    """Users of the organisation who may run a group: facilitators, volunteers, coordinators."""
    return (
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__role__in=[Role.FACILITATOR, Role.VOLUNTEER, Role.COORDINATOR],
        )
        .distinct()
        .order_by("email")
    )


def sessions_today(*, organisation: Organisation, user: User | None = None) -> list[Session]:
    """The organisation's sessions (of the groups `user` runs) on today's date in Europe/London,
    earliest first."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    sessions = organisation.group_sessions.all()
    if user is not None and not runs_every_group(organisation=organisation, user=user):
        sessions = sessions.filter(group__facilitators__user=user)
    return list(
        sessions.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
        .select_related("group", "venue")
        .order_by("starts_at", "pk")[:20]
    )


def sessions_between(
    *, organisation: Organisation, start: dt.datetime, end: dt.datetime
) -> list[Session]:
    """The organisation's scheduled (not cancelled) sessions starting in [start, end)."""
    return list(
        organisation.group_sessions.filter(
            starts_at__gte=start, starts_at__lt=end, status=SessionStatus.SCHEDULED
        )
        .select_related("group", "organisation")
        .order_by("starts_at", "pk")
    )


def member_of(*, group: Group, member_id: uuid.UUID) -> GroupMember:
    return group.members.select_related("person").get(pk=member_id, left_on__isnull=True)


def regular_of(*, group: Group, regular_id: uuid.UUID) -> GroupRegular:
    return group.regulars.get(pk=regular_id)


def waiting_list_of(*, group: Group) -> list[WaitingPlace]:
    """Who is waiting, in order, and who holds an offer (first)."""
    return list(
        group.waiting.filter(status__in=LISTED)
        .select_related("person")
        .order_by("-status", "added_at", "pk")  # "waiting" sorts after "offered"
    )


def place_of(*, group: Group, place_id: uuid.UUID) -> WaitingPlace:
    return group.waiting.select_related("person").get(pk=place_id)


def open_prompts(*, organisation: Organisation, user: User, limit: int = 10) -> list[MissingPrompt]:
    """Open missing-regular prompts of the groups `user` runs, oldest first (the home panel)."""
    groups = visible_groups(organisation=organisation, user=user)
    return list(
        organisation.missing_prompts.filter(status=PromptStatus.OPEN, group__in=groups)
        .select_related("group", "member__person", "regular")
        .order_by("raised_at", "pk")[:limit]
    )


def prompts_of(*, group: Group) -> list[MissingPrompt]:
    return list(
        group.missing_prompts.filter(status=PromptStatus.OPEN)
        .select_related("member__person", "regular")
        .order_by("raised_at", "pk")
    )


def prompt_of(*, group: Group, prompt_id: uuid.UUID) -> MissingPrompt:
    return group.missing_prompts.select_related("member__person", "regular").get(pk=prompt_id)


def crisis_calls_of(*, group: Group, limit: int = 10) -> list[CrisisCall]:
    return list(
        CrisisCall.objects.filter(session__group=group)
        .select_related("session", "member__person", "regular", "professional")
        .order_by("-recorded_at")[:limit]
    )


def duty_professionals(*, organisation: Organisation) -> QuerySet[User]:
    return (
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__role=Role.DUTY_PROFESSIONAL,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )


# Figures for reports (issue 19): each defined once, here, with its definition beside it. -----

SUPPORTED_AT_GROUPS = (
    "People named in the attendance of a group session held during the period (regulars known "
    "only by a nickname and the headcount are not people with a record, so are counted apart)."
)
GROUP_ATTENDANCE = (
    "Attendances at group sessions held in the period: named members, regulars known by a "
    "nickname, and the headcount of everyone else. One person at two sessions counts twice."
)


def _held_between(
    organisation_ids: Iterable[uuid.UUID], start: dt.date, end: dt.date
) -> QuerySet[Session]:
    return Session.objects.filter(
        organisation__in=list(organisation_ids),
        status=SessionStatus.HELD,
        starts_at__date__range=(start, end),
    )


def supported_person_ids(
    *, organisation_ids: Iterable[uuid.UUID], start: dt.date, end: dt.date
) -> Iterable[Mapping[str, Any]]:
    """(organisation, group model, person) of everyone SUPPORTED_AT_GROUPS, distinct (unordered,
    so that no ordering column joins what is distinct)."""
    return (
        NamedAttendance.objects.filter(session__in=_held_between(organisation_ids, start, end))
        .order_by()
        .values(
            organisation_id=F("session__organisation_id"),
            model=F("session__group__model"),
            person_id=F("member__person_id"),
        )
        .distinct()
    )


def attendance_counts(
    *, organisation_ids: Iterable[uuid.UUID], start: dt.date, end: dt.date
) -> dict[uuid.UUID, dict[str, int]]:
    """Per organisation: sessions held, named attendances, regulars' attendances and the
    headcount (GROUP_ATTENDANCE). Three grouped queries."""
    ids = list(organisation_ids)
    figures = {i: {"sessions": 0, "named": 0, "regulars": 0, "headcount": 0} for i in ids}
    held = _held_between(ids, start, end)
    for organisation_id, sessions, headcount in (
        held.values_list("organisation")
        .annotate(n=Count("id"), h=Sum("headcount"))
        .values_list("organisation", "n", "h")
    ):
        figures[organisation_id]["sessions"] = sessions
        figures[organisation_id]["headcount"] = headcount or 0
    for model, name in ((NamedAttendance, "named"), (RegularAttendance, "regulars")):
        for organisation_id, n in (
            model.objects.filter(session__in=held)
            .values_list("session__organisation")
            .annotate(n=Count("id"))
            .values_list("session__organisation", "n")
        ):
            figures[organisation_id][name] = n
    return figures
