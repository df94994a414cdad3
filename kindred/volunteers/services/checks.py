"""Checks: DBS certificates (stored encrypted, ADR-030) and completed training, for one volunteer
or for everyone who attended one course together."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from kindred.core.presenters import local_date
from kindred.core.services import Acting, audit_record, audit_record_many
from kindred.volunteers import eligibility
from kindred.volunteers.audit_actions import VOLUNTEER_DBS_RECORDED, VOLUNTEER_TRAINING_RECORDED
from kindred.volunteers.errors import VolunteerError
from kindred.volunteers.models import (
    DbsCheck,
    JourneyEvent,
    JourneyStep,
    Stage,
    TrainingCourse,
    TrainingRecord,
    Volunteer,
)
from kindred.volunteers.services._common import journey_step_once, organisation_of

CERTIFICATE_NUMBER = re.compile(r"^\d{12}$")


def validate_certificate_number(value: str) -> str:
    """A DBS certificate number is 12 digits; spaces people type are ignored."""
    digits = re.sub(r"\s+", "", value)
    if not CERTIFICATE_NUMBER.match(digits):
        raise VolunteerError("Enter the 12-digit certificate number, for example 001234567890")
    return digits


@transaction.atomic
def dbs_check_record(
    *,
    by: Acting,
    volunteer: Volunteer,
    level: str,
    certificate_number: str,
    issued_on: dt.date,
    update_service: bool = False,
) -> DbsCheck:
    """Record a DBS certificate. The number is stored encrypted; only its last 4 digits show."""
    digits = validate_certificate_number(certificate_number)
    if level not in eligibility.DBS_LEVELS:
        raise VolunteerError("Choose the level of the DBS check")
    if issued_on > timezone.localdate():
        raise VolunteerError("The issue date must be today or in the past")
    check = DbsCheck.objects.create(
        organisation=volunteer.organisation,
        volunteer=volunteer,
        level=level,
        certificate_number=digits,
        certificate_last_digits=digits[-4:],
        issued_on=issued_on,
        update_service=update_service,
        recorded_by=by.user,
    )
    audit_record(by=by, action=VOLUNTEER_DBS_RECORDED, target=volunteer, detail={"level": level})
    return check


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the last day of that month if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@transaction.atomic
def training_record(
    *,
    by: Acting,
    volunteer: Volunteer,
    course: TrainingCourse,
    completed_on: dt.date,
    expires_on: dt.date | None = None,
) -> TrainingRecord:
    """Record a completed course. Without an expiry date, the course's own refresh period is used."""
    if course.organisation_id != volunteer.organisation_id:
        raise VolunteerError("Choose one of your organisation's courses")
    if completed_on > timezone.localdate():
        raise VolunteerError("The date they completed it must be today or in the past")
    if expires_on is None and course.valid_for_months:
        expires_on = add_months(completed_on, course.valid_for_months)
    if expires_on is not None and expires_on <= completed_on:
        raise VolunteerError("The expiry date must be after the date they completed it")
    record = TrainingRecord.objects.create(
        organisation=volunteer.organisation,
        volunteer=volunteer,
        course=course,
        completed_on=completed_on,
        expires_on=expires_on,
        recorded_by=by.user,
    )
    journey_step_once(
        by=by, volunteer=volunteer, step=JourneyStep.TRAINED, occurred_on=completed_on
    )
    audit_record(
        by=by,
        action=VOLUNTEER_TRAINING_RECORDED,
        target=volunteer,
        detail={"course": course.kind},
    )
    return record


def _names(volunteers: Sequence[Volunteer]) -> str:
    names = [v.display_name for v in volunteers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@transaction.atomic
def training_record_many(
    *,
    by: Acting,
    course: TrainingCourse,
    completed_on: dt.date,
    volunteers: Sequence[Volunteer],
) -> list[TrainingRecord]:
    """Record one course, completed on one day, for everyone who attended: all of them or none.
    Each gets a training record (expiring after the course's refresh period), "trained" on their
    journey the first time, and an audit entry. Refused, with nothing saved, if anyone is not a
    current volunteer here or already has this course recorded on that day (a form sent twice)."""
    organisation = organisation_of(by)
    if course.organisation_id != organisation.pk:
        raise VolunteerError("Choose one of your organisation's courses")
    if not volunteers:
        raise VolunteerError("Choose who attended")
    if completed_on > timezone.localdate():
        raise VolunteerError("The date of the course must be today or in the past")
    wanted = {v.pk for v in volunteers}
    # Locked in one order, so two coordinators recording for overlapping groups queue, and the
    # second sees the first's records below.
    locked = list(organisation.volunteers.select_for_update().filter(pk__in=wanted).order_by("pk"))
    if len(locked) != len(wanted):
        raise VolunteerError("Choose volunteers from your organisation")
    left = [v for v in locked if v.stage == Stage.LEFT]
    if left:
        raise VolunteerError(f"{_names(left)} {'has' if len(left) == 1 else 'have'} left")
    already = set(
        TrainingRecord.objects.filter(
            volunteer__in=locked, course=course, completed_on=completed_on
        ).values_list("volunteer_id", flat=True)
    )
    if already:
        twice = sorted((v for v in locked if v.pk in already), key=lambda v: v.display_name)
        raise VolunteerError(
            f"{course.name} on {local_date(completed_on)} is already recorded for {_names(twice)}. "
            "Untick them, or check the date."
        )
    expires_on = (
        add_months(completed_on, course.valid_for_months) if course.valid_for_months else None
    )
    attended = sorted(locked, key=lambda v: (v.family_name, v.given_name, str(v.pk)))
    records = TrainingRecord.objects.bulk_create(
        TrainingRecord(
            organisation=organisation,
            volunteer=volunteer,
            course=course,
            completed_on=completed_on,
            expires_on=expires_on,
            recorded_by=by.user,
        )
        for volunteer in attended
    )
    trained_before = set(
        JourneyEvent.objects.filter(volunteer__in=attended, step=JourneyStep.TRAINED).values_list(
            "volunteer_id", flat=True
        )
    )
    JourneyEvent.objects.bulk_create(
        JourneyEvent(
            organisation=organisation,
            volunteer=volunteer,
            step=JourneyStep.TRAINED,
            occurred_on=completed_on,
            recorded_by=by.user,
        )
        for volunteer in attended
        if volunteer.pk not in trained_before
    )
    audit_record_many(
        by=by,
        action=VOLUNTEER_TRAINING_RECORDED,
        targets=attended,
        detail={"course": course.kind, "attended": len(attended)},
    )
    return records
