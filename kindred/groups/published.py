"""What organisations chose to publish about their groups, for the public directory (ADR-111).

The only way `kindred.directory` reads groups. Every selector starts from published groups, so an
unpublished group, its venue and its sessions are never found, and nothing here reaches a
person: facilitators, members, regulars and attendance are never selected. Lists are built in a
fixed number of queries whatever their length (no N+1).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from kindred.groups import schedule
from kindred.groups.models import Group, GroupModel, Joining, Session, SessionStatus

# What the directory may name: the records (read only through the selectors below), the kinds of
# group, how to join, a session's status, and the plain-English schedule.
__all__ = [
    "ACCESS_FLAGS", "LONDON", "Group", "GroupModel", "Joining", "Session", "SessionStatus",
    "describe",
    "models_in_use", "next_sessions", "published_group", "published_groups", "search",
    "upcoming_sessions",
]  # fmt: skip

LONDON = schedule.LONDON

#: The accessibility flags a venue may have, by the name the directory filters on.
ACCESS_FLAGS = ("step_free", "hearing_loop", "accessible_toilet", "parking")


def published_groups() -> QuerySet[Group]:
    """Every published group with its venue and organisation (one query when evaluated)."""
    return Group.objects.filter(published=True, organisation__is_active=True).select_related(
        "venue", "organisation"
    )


def published_group(*, group_id: uuid.UUID) -> Group:
    """One published group; `Group.DoesNotExist` for any other id (unpublished included)."""
    return published_groups().get(pk=group_id)


def search(
    *,
    model: str = "",
    weekday: int | None = None,
    access: Iterable[str] = (),
    near: tuple[int, int] | None = None,
    within_metres: float | None = None,
    text: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Group]:
    """Published groups matching the choices, nearest first when `near` (easting, northing) is
    given (annotated `distance_squared`, square metres; groups whose venue has no grid
    reference cannot be placed and are left out), otherwise by name.

    `weekday` is 0 for Monday to 6 for Sunday: groups with an upcoming session, not cancelled,
    on that day (UK time)."""
    groups = published_groups()
    if model:
        groups = groups.filter(model=model)
    for flag in access:
        if flag not in ACCESS_FLAGS:
            raise ValueError(f"not an accessibility flag: {flag}")
        groups = groups.filter(**{f"venue__{flag}": True})
    if text:
        groups = groups.filter(name__icontains=text)
    if weekday is not None:
        on_that_day = Session.objects.filter(
            group=OuterRef("pk"),
            starts_at__gte=now or timezone.now(),
            starts_at__week_day=(weekday + 1) % 7 + 1,  # Django: 1 is Sunday, 7 is Saturday
        ).exclude(status=SessionStatus.CANCELLED)
        groups = groups.filter(Exists(on_that_day))
    if near is None:
        return groups.order_by("name", "pk")
    easting, northing = near
    east = Cast(F("venue__easting"), FloatField()) - float(easting)
    north = Cast(F("venue__northing"), FloatField()) - float(northing)
    groups = groups.filter(venue__easting__isnull=False, venue__northing__isnull=False).annotate(
        distance_squared=east * east + north * north
    )
    if within_metres is not None:
        groups = groups.filter(distance_squared__lte=float(within_metres) ** 2)
    return groups.order_by("distance_squared", "name", "pk")


def upcoming_sessions(
    *, groups: Iterable[Group], since: dt.datetime | None = None, until: dt.datetime | None = None
) -> dict[uuid.UUID, list[Session]]:
    """Each group's sessions from `since` (default: the start of today, UK time) to `until`,
    cancelled ones included (they say so), in one query."""
    ids = [group.pk for group in groups]
    found: dict[uuid.UUID, list[Session]] = defaultdict(list)
    if not ids:
        return found
    start = since or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    sessions = Session.objects.filter(
        group_id__in=ids, group__published=True, starts_at__gte=start
    ).order_by("group_id", "starts_at", "pk")
    if until is not None:
        sessions = sessions.filter(starts_at__lt=until)
    # Each move or cancellation is a revision of the session (the calendar feed's SEQUENCE).
    revised = Q(history__to_state__in=[SessionStatus.SCHEDULED, SessionStatus.CANCELLED])
    sessions = sessions.annotate(revisions=Count("history", filter=revised))
    for session in sessions.select_related("venue"):
        found[session.group_id].append(session)
    return found


def next_sessions(*, groups: Iterable[Group]) -> dict[uuid.UUID, Session]:
    """Each group's next session that is going ahead (not cancelled), in one query."""
    found: dict[uuid.UUID, Session] = {}
    for group_id, sessions in upcoming_sessions(groups=groups, since=timezone.now()).items():
        going_ahead = [s for s in sessions if s.status != SessionStatus.CANCELLED]
        if going_ahead:
            found[group_id] = going_ahead[0]
    return found


def describe(group: Group) -> str:
    """The group's schedule in plain English, e.g. "2nd and 4th Thursday of the month"."""
    return schedule.describe(group.rule, group.first_on)


def models_in_use() -> list[tuple[str, str]]:
    """The kinds of group (the directory's activity categories), value and label."""
    return list(GroupModel.choices)
