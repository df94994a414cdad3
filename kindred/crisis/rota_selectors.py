"""Reads of the crisis line rota, each starting from the organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from kindred.accounts.models import Organisation, Role, User
from kindred.crisis.models.rota import (
    Rota,
    RotaSettings,
    Shift,
    ShiftAssignment,
    ShiftPattern,
    ShiftSwap,
)
from kindred.volunteers.models import Volunteer


def settings_of(*, organisation: Organisation) -> RotaSettings:
    """The saved settings, or the defaults (unsaved) when the organisation has none yet."""
    found = (
        RotaSettings.objects.select_related("professional")
        .filter(organisation=organisation)
        .first()
    )
    return found or RotaSettings(organisation=organisation)


def patterns_of(*, organisation: Organisation) -> QuerySet[ShiftPattern]:
    return ShiftPattern.objects.filter(organisation=organisation).order_by("weekday", "starts_at")


def rotas_of(*, organisation: Organisation) -> QuerySet[Rota]:
    return Rota.objects.filter(organisation=organisation).order_by("-starts_on")


def rota_of(*, organisation: Organisation, rota_id: uuid.UUID) -> Rota:
    return Rota.objects.get(organisation=organisation, pk=rota_id)


def current_rota(*, organisation: Organisation, on: dt.date | None = None) -> Rota | None:
    on = on or timezone.localdate()
    return Rota.objects.filter(
        organisation=organisation, starts_on__lte=on, ends_on__gte=on
    ).first()


def shift_of(*, organisation: Organisation, shift_id: uuid.UUID) -> Shift:
    return Shift.objects.select_related("rota", "professional", "organisation").get(
        organisation=organisation, pk=shift_id
    )


def _with_supporters(shifts: QuerySet[Shift]) -> QuerySet[Shift]:
    return shifts.select_related("professional").prefetch_related(
        Prefetch(
            "assignments",
            queryset=ShiftAssignment.objects.select_related("volunteer").order_by(
                "volunteer__family_name", "volunteer__given_name"
            ),
        )
    )


def shifts_of_rota(*, rota: Rota) -> list[Shift]:
    """The rota's shifts with their supporters and professional: three queries at any size."""
    return list(_with_supporters(rota.shifts.order_by("starts_at")))


@dataclass(frozen=True)
class Gap:
    shift: Shift
    filled: int

    @property
    def missing(self) -> int:
        return max(0, self.shift.supporters_wanted - self.filled)

    @property
    def no_professional(self) -> bool:
        return self.shift.professional_id is None


def gap_of(shift: Shift, filled: int) -> Gap | None:
    if filled < shift.supporters_wanted or shift.professional_id is None:
        return Gap(shift, filled)
    return None


def shifts_ahead(
    *, organisation: Organisation, days: int = 28, now: dt.datetime | None = None
) -> QuerySet[Shift]:
    """Shifts not yet ended that start in the next `days` days, each with `filled` (how many
    supporters are on it), soonest first."""
    now = now or timezone.now()
    return (
        Shift.objects.filter(
            organisation=organisation, ends_at__gt=now, starts_at__lt=now + dt.timedelta(days=days)
        )
        .select_related("professional")
        .annotate(filled=Count("assignments"))
        .order_by("starts_at")
    )


def gaps_in(shifts: QuerySet[Shift] | list[Shift], limit: int = 200) -> list[Gap]:
    gaps = []
    for shift in shifts:
        gap = gap_of(shift, shift.filled)  # type: ignore[attr-defined]
        if gap is not None:
            gaps.append(gap)
            if len(gaps) >= limit:
                break
    return gaps


def gaps_ahead(
    *, organisation: Organisation, days: int = 28, now: dt.datetime | None = None, limit: int = 200
) -> list[Gap]:
    """Shifts not yet ended in the next `days` days with fewer supporters than wanted or no
    professional, soonest first. One query."""
    return gaps_in(shifts_ahead(organisation=organisation, days=days, now=now), limit)


def duty_professionals_of(*, organisation: Organisation) -> QuerySet[User]:
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


def shifts_of_volunteer(*, volunteer: Volunteer, now: dt.datetime | None = None) -> list[Shift]:
    """The volunteer's shifts not yet ended, soonest first, each with its open swap offers."""
    now = now or timezone.now()
    return list(
        Shift.objects.filter(
            organisation_id=volunteer.organisation_id,
            assignments__volunteer=volunteer,
            ends_at__gt=now,
        )
        .prefetch_related(
            Prefetch(
                "swaps",
                queryset=ShiftSwap.objects.filter(
                    offered_by=volunteer, status=ShiftSwap.Status.OFFERED
                ),
                to_attr="my_offers",
            )
        )
        .order_by("starts_at")
    )


def swaps_open_to(*, volunteer: Volunteer, now: dt.datetime | None = None) -> list[ShiftSwap]:
    """Shifts other supporters have offered that the volunteer is not already on."""
    now = now or timezone.now()
    return list(
        ShiftSwap.objects.filter(
            organisation_id=volunteer.organisation_id,
            status=ShiftSwap.Status.OFFERED,
            shift__starts_at__gt=now,
        )
        .exclude(offered_by=volunteer)
        .exclude(shift__assignments__volunteer=volunteer)
        .select_related("shift", "offered_by")
        .order_by("shift__starts_at")
    )


def volunteer_pattern_ids(*, volunteer: Volunteer) -> set[uuid.UUID]:
    return set(volunteer.shift_availability.values_list("pattern_id", flat=True))
