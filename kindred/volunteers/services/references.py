"""References: asked for from someone who knows the volunteer, then recorded as received with
their outcome. Enough satisfactory ones let a volunteer move past the references stage
(ADR-095); `recruitment.volunteer_move` asks `satisfactory_count` and `references_needed`."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from kindred.core.presenters import local_date
from kindred.core.services import Acting, audit_record
from kindred.volunteers import selectors
from kindred.volunteers.audit_actions import (
    VOLUNTEER_REFERENCE_RECEIVED,
    VOLUNTEER_REFERENCE_REQUESTED,
)
from kindred.volunteers.errors import VolunteerError
from kindred.volunteers.models import Reference, ReferenceOutcome, Volunteer
from kindred.volunteers.services._common import organisation_of


def _required(value: str, message: str, *, longest: int) -> str:
    value = " ".join(value.split())
    if not value:
        raise VolunteerError(message)
    if len(value) > longest:
        raise VolunteerError(f"{message} in {longest} characters or fewer")
    return value


@transaction.atomic
def reference_request(
    *,
    by: Acting,
    volunteer: Volunteer,
    referee_name: str,
    relationship: str,
    contact: str,
    requested_on: dt.date,
) -> Reference:
    """Record that a reference was asked for: from whom, how they know the volunteer, how to
    reach them and when it was asked for."""
    organisation = organisation_of(by)
    if volunteer.organisation_id != organisation.pk:
        raise VolunteerError("That volunteer is not one of this organisation's.")
    if requested_on > timezone.localdate():
        raise VolunteerError("The date you asked for it must be today or in the past")
    reference = Reference.objects.create(
        organisation=organisation,
        volunteer=volunteer,
        referee_name=_required(referee_name, "Enter the referee's name", longest=200),
        relationship=_required(
            relationship, "Enter how the referee knows the volunteer", longest=200
        ),
        contact=_required(contact, "Enter how to contact the referee", longest=254),
        requested_on=requested_on,
        recorded_by=by.user,
    )
    audit_record(
        by=by,
        action=VOLUNTEER_REFERENCE_REQUESTED,
        target=volunteer,
        detail={"reference": str(reference.pk)},
    )
    return reference


@transaction.atomic
def reference_receive(
    *,
    by: Acting,
    volunteer: Volunteer,
    reference_id: uuid.UUID,
    received_on: dt.date,
    outcome: str,
    notes: str = "",
) -> Reference:
    """Record that a reference came back and what it said. Anything but a plain "satisfactory"
    needs a note saying why. Recorded once: a reference already received is not changed (if
    someone else recorded it first, they are told by whom and nothing changes)."""
    organisation = organisation_of(by)
    if volunteer.organisation_id != organisation.pk:
        raise VolunteerError("That volunteer is not one of this organisation's.")
    try:
        reference = volunteer.references.select_for_update().get(pk=reference_id)
    except Reference.DoesNotExist as missing:
        raise VolunteerError("That reference is not one of this volunteer's.") from missing
    if reference.received_on is not None:
        who = reference.outcome_recorded_by
        raise VolunteerError(
            f"The reference from {reference.referee_name} was already recorded as received on "
            f"{local_date(reference.received_on)}"
            + (f" by {who.full_name or who.email}" if who is not None else "")
            + ". Nothing has been changed."
        )
    if outcome not in ReferenceOutcome.values:
        raise VolunteerError("Choose whether the reference is satisfactory")
    if received_on > timezone.localdate():
        raise VolunteerError("The date it was received must be today or in the past")
    if received_on < reference.requested_on:
        raise VolunteerError(
            f"The date it was received must be on or after the date it was asked for, "
            f"{local_date(reference.requested_on)}"
        )
    notes = " ".join(notes.split())
    if outcome != ReferenceOutcome.SATISFACTORY and not notes:
        raise VolunteerError("Enter notes on what the reference said")
    if len(notes) > 1000:
        raise VolunteerError("Enter notes in 1,000 characters or fewer")
    reference.received_on = received_on
    reference.outcome = outcome
    reference.notes = notes
    reference.outcome_recorded_by = by.user
    reference.outcome_recorded_at = timezone.now()
    reference.save(
        update_fields=[
            "received_on",
            "outcome",
            "notes",
            "outcome_recorded_by",
            "outcome_recorded_at",
            "updated_at",
        ]
    )
    audit_record(
        by=by,
        action=VOLUNTEER_REFERENCE_RECEIVED,
        target=volunteer,
        detail={"reference": str(reference.pk), "outcome": outcome},
    )
    return reference


def references_missing(volunteer: Volunteer) -> str | None:
    """Why `volunteer` may not move past the references stage yet, naming what is missing; None
    when enough satisfactory references have been received."""
    needed = selectors.references_needed(organisation=volunteer.organisation)
    received = selectors.satisfactory_references(volunteer=volunteer)
    if received >= needed:
        return None
    so_far = (
        "None has been recorded as received yet"
        if received == 0
        else f"{received} {'has' if received == 1 else 'have'} been recorded as received, so "
        f"{needed - received} more {'is' if needed - received == 1 else 'are'} needed"
    )
    return (
        f"{volunteer.display_name} needs {needed} satisfactory "
        f"reference{'' if needed == 1 else 's'} before moving on to the DBS check. {so_far}."
    )
