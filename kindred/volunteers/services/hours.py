"""Hours: the one ledger of volunteering time, each source counted once (ADR-032), and what an
hour is worth to the organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kindred.core.services import Acting, audit_record
from kindred.volunteers import selectors
from kindred.volunteers.audit_actions import (
    VOLUNTEER_HOURS_LOGGED,
    VOLUNTEER_HOURS_REMOVED,
    VOLUNTEER_HOURS_UPDATED,
    VOLUNTEER_PROGRAMME_UPDATED,
)
from kindred.volunteers.errors import VolunteerError
from kindred.volunteers.models import HoursSource, Programme, Volunteer, VolunteerHours
from kindred.volunteers.services._common import organisation_of


@transaction.atomic
def hours_record(
    *,
    by: Acting,
    volunteer: Volunteer,
    source: str,
    source_ref: str,
    worked_on: dt.date,
    minutes: int,
    description: str = "",
) -> VolunteerHours:
    """Add volunteering time to the ledger, or update it if this source is already counted.

    Contacts, group sessions and shifts call this with their own record's id as source_ref, so
    saving the same contact twice never counts its time twice."""
    if source not in HoursSource.values:
        raise VolunteerError("Unknown source of hours")
    if not 1 <= minutes <= 24 * 60:
        raise VolunteerError("Enter between 1 minute and 24 hours")
    if worked_on > timezone.localdate():
        raise VolunteerError("The date must be today or in the past")
    entry, created = VolunteerHours.objects.update_or_create(
        volunteer=volunteer,
        source=source,
        source_ref=source_ref,
        defaults={
            "organisation": volunteer.organisation,
            "worked_on": worked_on,
            "minutes": minutes,
            "description": description.strip()[:200],
        },
    )
    audit_record(
        by=by,
        action=VOLUNTEER_HOURS_LOGGED if created else VOLUNTEER_HOURS_UPDATED,
        target=volunteer,
        detail={"source": source, "minutes": minutes},
    )
    return entry


def hours_log(
    *, by: Acting, volunteer: Volunteer, worked_on: dt.date, minutes: int, description: str = ""
) -> VolunteerHours:
    """A volunteer logs time themselves: each entry is its own source."""
    return hours_record(
        by=by,
        volunteer=volunteer,
        source=HoursSource.SELF_LOGGED,
        source_ref=str(uuid.uuid4()),
        worked_on=worked_on,
        minutes=minutes,
        description=description,
    )


@transaction.atomic
def hours_remove_own(*, by: Acting, volunteer: Volunteer, entry_id: uuid.UUID) -> None:
    """A volunteer takes back an entry they logged by mistake. Only their own self-logged
    entries; time from contacts, sessions and shifts is corrected where it was recorded."""
    deleted, _ = VolunteerHours.objects.filter(
        pk=entry_id, volunteer=volunteer, source=HoursSource.SELF_LOGGED
    ).delete()
    if not deleted:
        raise VolunteerError("That entry cannot be removed here")
    audit_record(by=by, action=VOLUNTEER_HOURS_REMOVED, target=volunteer)


@transaction.atomic
def programme_update(
    *,
    by: Acting,
    hourly_value: Decimal,
    supervision_every_days: int,
    references_needed: int | None = None,
) -> Programme:
    """The organisation's volunteering settings: what an hour is worth, how often supervision,
    and how many satisfactory references a volunteer needs before their DBS check (ADR-095;
    None keeps what it is)."""
    organisation = organisation_of(by)
    if not Decimal("0") < hourly_value <= Decimal("1000"):
        raise VolunteerError("Enter an hourly value between £0.01 and £1,000")
    if not 7 <= supervision_every_days <= 365:
        raise VolunteerError("Enter between 7 and 365 days")
    if references_needed is not None and not 1 <= references_needed <= 5:
        raise VolunteerError("Enter between 1 and 5 references")
    programme = selectors.programme_of(organisation=organisation)
    programme.hourly_value = hourly_value
    programme.supervision_every_days = supervision_every_days
    if references_needed is not None:
        programme.references_needed = references_needed
    programme.save(
        update_fields=[
            "hourly_value",
            "supervision_every_days",
            "references_needed",
            "updated_at",
        ]
    )
    audit_record(by=by, action=VOLUNTEER_PROGRAMME_UPDATED, target=programme)
    return programme
