"""Support for volunteers: supervision sessions, the monthly "how are you finding it?" check-in,
and requests for support, which their coordinators hear about straight away."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kindred.core.services import Acting, audit_record
from kindred.notifications.services import notification_send
from kindred.volunteers import selectors
from kindred.volunteers.audit_actions import (
    VOLUNTEER_CHECKED_IN,
    VOLUNTEER_SUPERVISED,
    VOLUNTEER_SUPPORT_ANSWERED,
    VOLUNTEER_SUPPORT_REQUESTED,
)
from kindred.volunteers.errors import VolunteerError
from kindred.volunteers.models import (
    SupervisionSession,
    SupportRequest,
    Volunteer,
    WellbeingCheckIn,
    first_of_month,
)
from kindred.volunteers.services._common import organisation_of


@transaction.atomic
def supervision_record(
    *,
    by: Acting,
    volunteers: list[Volunteer],
    kind: str,
    held_on: dt.date,
    notes: str = "",
) -> SupervisionSession:
    organisation = organisation_of(by)
    if not volunteers:
        raise VolunteerError("Choose who was supervised")
    if kind == SupervisionSession.Kind.ONE_TO_ONE and len(volunteers) != 1:
        raise VolunteerError("A one-to-one session is with one volunteer: choose one, or group")
    if any(v.organisation_id != organisation.pk for v in volunteers):
        raise VolunteerError("Choose volunteers from your organisation")
    if held_on > timezone.localdate():
        raise VolunteerError("The date must be today or in the past")
    session = SupervisionSession.objects.create(
        organisation=organisation,
        kind=kind,
        held_on=held_on,
        supervisor=by.user,
        notes=notes.strip()[:1000],
    )
    session.volunteers.set(volunteers)
    audit_record(by=by, action=VOLUNTEER_SUPERVISED, target=session)
    return session


@transaction.atomic
def support_request(*, by: Acting, volunteer: Volunteer, message: str) -> SupportRequest:
    """A volunteer asks for support. Their coordinators hear straight away."""
    if not message.strip():
        raise VolunteerError("Tell us a little about what would help")
    request = SupportRequest.objects.create(
        organisation=volunteer.organisation, volunteer=volunteer, message=message.strip()[:1000]
    )
    audit_record(by=by, action=VOLUNTEER_SUPPORT_REQUESTED, target=volunteer)
    for coordinator in selectors.coordinators_of(organisation=volunteer.organisation):
        notification_send(
            by=Acting.system("volunteer support", organisation=volunteer.organisation),
            to=coordinator.email,
            template="volunteers/messages/support_requested.jinja",
            context={"volunteer": volunteer.display_name},
            kind="volunteer.support_requested",
            about=request,
        )
    return request


@transaction.atomic
def support_request_answer(*, by: Acting, request: SupportRequest) -> SupportRequest:
    """A coordinator has answered a request for support. Answering twice changes nothing."""
    if request.answered_at is None:
        request.answered_at = timezone.now()
        request.answered_by = by.user
        request.save(update_fields=["answered_at", "answered_by", "updated_at"])
        audit_record(by=by, action=VOLUNTEER_SUPPORT_ANSWERED, target=request.volunteer)
    return request


@transaction.atomic
def wellbeing_check_in(
    *, by: Acting, volunteer: Volunteer, feeling: int, comment: str = "", on: dt.date | None = None
) -> WellbeingCheckIn:
    """This month's "how are you finding it?"; answering again this month replaces the answer."""
    if feeling not in WellbeingCheckIn.Feeling.values:
        raise VolunteerError("Choose how you are finding it")
    month = first_of_month(on or timezone.localdate())
    check_in, _ = WellbeingCheckIn.objects.update_or_create(
        volunteer=volunteer,
        month=month,
        defaults={"feeling": feeling, "comment": comment.strip()[:1000]},
    )
    audit_record(by=by, action=VOLUNTEER_CHECKED_IN, target=volunteer)
    return check_in
