"""What the volunteers services share (private to the package)."""

from __future__ import annotations

import datetime as dt

from kindred.accounts.models import Organisation
from kindred.core.services import Acting
from kindred.volunteers.errors import VolunteerError
from kindred.volunteers.models import JourneyEvent, JourneyStep, Volunteer


def organisation_of(by: Acting) -> Organisation:
    """The organisation someone acts for; a volunteer record always belongs to one."""
    if by.organisation is None:
        raise VolunteerError("Choose an organisation first.")
    return by.organisation


def journey_step_once(
    *, by: Acting, volunteer: Volunteer, step: JourneyStep, occurred_on: dt.date, note: str = ""
) -> None:
    """Add `step` to the volunteer's peer journey, unless it is there already (the first time
    they were trained, became a supporter, were linked to the support they received)."""
    if volunteer.journey.filter(step=step).exists():
        return
    JourneyEvent.objects.create(
        organisation=volunteer.organisation,
        volunteer=volunteer,
        step=step,
        occurred_on=occurred_on,
        recorded_by=by.user,
        note=note,
    )
