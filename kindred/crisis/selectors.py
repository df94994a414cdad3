"""Reads of the crisis line, each starting from the organisation (the rota's and the support
requests'). `on_call` is what routing asks: who is on call at a moment."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db.models import Prefetch

from kindred.accounts.models import Organisation, User
from kindred.crisis.models.rota import RotaSettings, Shift, ShiftAssignment
from kindred.volunteers import selectors as volunteer_selectors
from kindred.volunteers.models import Volunteer


@dataclass(frozen=True)
class OnCall:
    """Who is on call at a moment: the supporters on the shifts covering it, the duty professional
    behind them, and the backup step (standby supporters, else the coordinators)."""

    supporters: list[Volunteer] = field(default_factory=list)
    professional: User | None = None
    backup: list[User] = field(default_factory=list)
    shifts: list[Shift] = field(default_factory=list)


def shifts_covering(*, organisation: Organisation, at: dt.datetime) -> list[Shift]:
    """Shifts with starts_at <= at < ends_at, each with its supporters (two queries)."""
    return list(
        Shift.objects.filter(organisation=organisation, starts_at__lte=at, ends_at__gt=at)
        .select_related("professional")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ShiftAssignment.objects.select_related("volunteer").order_by(
                    "volunteer__family_name", "volunteer__given_name"
                ),
            )
        )
        .order_by("starts_at", "id")
    )


def backup_of(*, organisation: Organisation) -> list[User]:
    """The backup step: the organisation's standby supporters if it names any, else its
    coordinators."""
    settings_row = RotaSettings.objects.filter(organisation=organisation).first()
    if settings_row is not None:
        standby = list(settings_row.standby.filter(is_active=True).order_by("email"))
        if standby:
            return standby
    return list(volunteer_selectors.coordinators_of(organisation=organisation).order_by("email"))


def on_call(organisation: Organisation, at: dt.datetime) -> OnCall:
    """Who is on call for `organisation` at the aware moment `at`."""
    if at.tzinfo is None:
        raise ValueError("on_call needs an aware datetime")
    shifts = shifts_covering(organisation=organisation, at=at)
    supporters: list[Volunteer] = []
    seen: set[uuid.UUID] = set()
    professional: User | None = None
    for shift in shifts:
        for assignment in shift.assignments.all():
            if assignment.volunteer_id not in seen:
                seen.add(assignment.volunteer_id)
                supporters.append(assignment.volunteer)
        if professional is None and shift.professional is not None:
            professional = shift.professional
    return OnCall(
        supporters=supporters,
        professional=professional,
        backup=backup_of(organisation=organisation),
        shifts=shifts,
    )


# Support requests (kindred/crisis/requests_selectors.py).
from kindred.crisis.requests_selectors import (  # noqa: E402
    support_request_for as support_request_for,
)
