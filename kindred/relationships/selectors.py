"""Reads of relationships. Every query starts from an organisation, so another organisation's
relationship is simply not found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import Coalesce

from kindred.accounts.models import Organisation, User
from kindred.relationships.models import OPEN, EndReason, Relationship, Status, Supporter


def for_organisation(*, organisation: Organisation) -> QuerySet[Relationship]:
    return (
        Relationship.objects.filter(organisation=organisation)
        .select_related("person")
        .prefetch_related("supporter_links__volunteer")
    )


def supported_by(*, organisation: Organisation, user: User) -> QuerySet[Relationship]:
    """The open relationships the signed-in volunteer supports in this organisation, and only
    those: a volunteer sees nobody else."""
    return for_organisation(organisation=organisation).filter(
        status__in=OPEN,
        supporter_links__volunteer__user=user,
        supporter_links__volunteer__organisation=organisation,
        supporter_links__left_on__isnull=True,
    )


def supports(*, user: Any, relationship: Relationship) -> bool:
    """Whether this user is one of the relationship's current supporters."""
    return (
        getattr(user, "is_authenticated", False)
        and relationship.is_open
        and relationship.supporter_links.filter(
            volunteer__user=user,
            volunteer__organisation_id=relationship.organisation_id,
            left_on__isnull=True,
        ).exists()
    )


def supporter_load(volunteer_ids: Iterable[Any]) -> dict[Any, int]:
    """How many open relationships each volunteer holds: the places taken from their capacity."""
    rows = (
        Supporter.objects.filter(
            volunteer_id__in=list(volunteer_ids),
            left_on__isnull=True,
            relationship__status__in=OPEN,
        )
        .values("volunteer_id")
        .annotate(n=Count("id"))
    )
    return {row["volunteer_id"]: row["n"] for row in rows}


def previous_pairs(person_ids: Iterable[Any]) -> set[tuple[Any, Any]]:
    """(person, volunteer) pairs who supported each other before and did not end badly: the
    continuity a new match can keep."""
    rows = Supporter.objects.filter(relationship__person_id__in=list(person_ids)).exclude(
        relationship__end_reason=EndReason.NOT_RIGHT
    )
    return set(rows.values_list("relationship__person_id", "volunteer_id"))


def _quiet_since() -> Coalesce:
    return Coalesce("last_contact_on", "started_on", "introduced_on", output_field=DateField())


def gone_quiet(*, organisation: Organisation, today: dt.date) -> QuerySet[Relationship]:
    """Introduced or active relationships with no contact for their rhythm plus the grace period
    (defaults 14 + 7 days), quietest first. Each is annotated with `quiet_since`: the last
    contact that happened, or else the start or introduction."""
    open_ = (
        for_organisation(organisation=organisation)
        .filter(status__in=[Status.INTRODUCED, Status.ACTIVE])
        .annotate(quiet_since=_quiet_since(), allowed=F("rhythm_days") + F("grace_days"))
    )
    # Date arithmetic with a column differs between databases; the allowed gaps are few, so
    # each gets its own plain date comparison.
    allowed = set(open_.values_list("allowed", flat=True).distinct())
    if not allowed:
        return open_.none()
    quiet = Q()
    for days in allowed:
        quiet |= Q(allowed=days, quiet_since__lt=today - dt.timedelta(days=days))
    return open_.filter(quiet).order_by("quiet_since")


def reviews_overdue(*, organisation: Organisation, today: dt.date) -> QuerySet[Relationship]:
    """Active or paused relationships whose planned review date has passed unrecorded."""
    return (
        for_organisation(organisation=organisation)
        .filter(status__in=[Status.ACTIVE, Status.PAUSED], next_review_on__lt=today)
        .order_by("next_review_on")
    )
