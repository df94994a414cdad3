"""Writes to referrals: receiving one (from any of the ways in) and moving it through triage.

Each transition is one service function that locks the referral row, checks the move is allowed
from the status the user saw, writes an append-only history row and an audit entry, then closes
the loop with the referrer (the FHIR Task follows the status; the referrer is told where the person
agreed)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kindred.core.services import Acting, audit_record
from kindred.people.models import ConsentKind, Person
from kindred.people.selectors import has_consented
from kindred.people.services import PersonDetails, person_find_or_create
from kindred.referrals.models import (
    Channel,
    GpConcern,
    Outcome,
    Referral,
    ReferralEvent,
    Source,
    Status,
    Urgency,
    Wants,
)
from kindred.referrals.workdays import add_working_days

ALLOWED: dict[str, set[str]] = {
    Status.RECEIVED: {Status.ACCEPTED, Status.DECLINED},
    Status.ACCEPTED: {Status.WAITING, Status.STARTED, Status.CLOSED},
    Status.WAITING: {Status.STARTED, Status.CLOSED},
    Status.STARTED: {Status.CLOSED},
    Status.DECLINED: set(),
    Status.CLOSED: set(),
}


class ReferralError(Exception):
    """A referral change that cannot be made; the message says why, in plain English."""


class IllegalTransition(ReferralError):
    pass


class ReferralChanged(ReferralError):
    """Someone else changed the referral after this user loaded it."""


class NotActingForAnOrganisation(ReferralError):
    pass


@dataclass
class ReferralDetails:
    source: str
    reason: str
    wants: str = Wants.NOT_SURE
    urgency: str = Urgency.ROUTINE
    conditions: str = ""
    lived_experience: str = ""
    referrer_name: str = ""
    referrer_role: str = ""
    referrer_organisation: str = ""
    referrer_ods_code: str = ""
    referrer_email: str = ""
    referrer_phone: str = ""
    external_system: str = ""
    external_id: str = ""


def first_contact_due(received: dt.datetime) -> dt.date:
    days: int = getattr(settings, "KINDRED_FIRST_CONTACT_WORKING_DAYS", 5)
    return add_working_days(timezone.localdate(received), days)


@transaction.atomic
def referral_receive(
    *,
    by: Acting,
    person: PersonDetails,
    details: ReferralDetails,
    channel: str,
    api_token_id: uuid.UUID | None = None,
) -> Referral:
    """A new referral for the organisation `by` acts for. The person is linked to the record
    already held (same NHS number, or same name, date of birth and postcode) or added."""
    if by.organisation is None:
        raise NotActingForAnOrganisation("Choose an organisation first.")
    Source(details.source)
    Channel(channel)
    Wants(details.wants)
    Urgency(details.urgency)
    found, _added = person_find_or_create(by=by, details=person)
    now = timezone.now()
    referral = Referral.objects.create(
        organisation=by.organisation,
        person=found,
        source=details.source,
        channel=channel,
        referrer_name=details.referrer_name.strip(),
        referrer_role=details.referrer_role.strip(),
        referrer_organisation=details.referrer_organisation.strip(),
        referrer_ods_code=details.referrer_ods_code.strip().upper(),
        referrer_email=details.referrer_email.strip().lower(),
        referrer_phone=details.referrer_phone.strip(),
        referrer_user=by.user if channel == Channel.REFERRER_FORM else None,
        reason=details.reason.strip(),
        wants=details.wants,
        urgency=details.urgency,
        conditions=details.conditions.strip(),
        lived_experience=details.lived_experience.strip(),
        status=Status.RECEIVED,
        received_at=now,
        first_contact_due=first_contact_due(now),
        external_system=details.external_system,
        external_id=details.external_id,
        api_token_id=api_token_id,
    )
    ReferralEvent.objects.create(
        referral=referral,
        from_status="",
        to_status=Status.RECEIVED,
        occurred_at=now,
        by_user=by.user,
        by_label=by.actor_label,
        note=f"Received through the {Channel(channel).label.lower()}",
    )
    audit_record(
        by=by, action="referral.received", target=referral, detail={"channel": str(channel)}
    )
    return referral


def _move(
    *,
    by: Acting,
    referral_id: uuid.UUID,
    expected: str,
    to: str,
    note: str = "",
    **changes: object,
) -> Referral:
    """Lock the row, check the move, change it, write history and audit, close the loop."""
    if by.organisation is None:
        raise NotActingForAnOrganisation("Choose an organisation first.")
    referral = by.organisation.referrals.select_for_update().get(pk=referral_id)
    if referral.status != expected:
        raise ReferralChanged(
            "Someone else changed this referral while you were looking at it: it is now "
            f"'{referral.get_status_display()}'. Check the history below before doing anything else."
        )
    if to not in ALLOWED[referral.status]:
        raise IllegalTransition(
            f"A referral that is '{referral.get_status_display()}' cannot be moved to "
            f"'{Status(to).label}'."
        )
    now = timezone.now()
    fields = ["status", "updated_at"]
    referral.status = to
    if referral.first_contact_at is None and expected == Status.RECEIVED:
        referral.first_contact_at = now
        fields.append("first_contact_at")
    for name, value in changes.items():
        setattr(referral, name, value)
        fields.append(name)
    referral.save(update_fields=fields)
    ReferralEvent.objects.create(
        referral=referral,
        from_status=expected,
        to_status=to,
        occurred_at=now,
        by_user=by.user,
        by_label=by.actor_label,
        note=note.strip(),
    )
    audit_record(by=by, action=f"referral.{to}", target=referral, detail={"from": str(expected)})
    _tell_the_referrer(by=by, referral=referral)
    return referral


def _tell_the_referrer(*, by: Acting, referral: Referral) -> None:
    """Where the person agreed to updates going to their referrer, send one. (The FHIR Task is
    worked out from the referral and its history whenever it is read, so it always follows.)"""
    address = referral.referrer_email or (
        referral.referrer_user.email if referral.referrer_user else ""
    )
    if not address or referral.source == Source.SELF:
        return
    if not has_consented(person=referral.person, kind=ConsentKind.SHARE_WITH_REFERRER):
        return
    from kindred.notifications.services import notification_send

    organisation_name = referral.organisation.name
    status = referral.get_status_display().lower()
    body = (
        f"The referral you made to {organisation_name} on "
        f"{timezone.localdate(referral.received_at):%d %B %Y} is now: {status}."
    )
    if referral.status == Status.DECLINED and referral.signposted_to:
        body += f" We have suggested another service: {referral.signposted_to}."
    body += " Sign in to Kindred to see more."
    notification_send(
        by=by,
        to=address,
        subject=f"Your referral to {organisation_name}: {status}",
        body=body,
        kind="referral.status",
        target=referral,
    )


@transaction.atomic
def referral_accept(
    *, by: Acting, referral_id: uuid.UUID, expected: str, note: str = ""
) -> Referral:
    return _move(by=by, referral_id=referral_id, expected=expected, to=Status.ACCEPTED, note=note)


@transaction.atomic
def referral_decline(
    *, by: Acting, referral_id: uuid.UUID, expected: str, reason: str, signposted_to: str = ""
) -> Referral:
    if not reason.strip():
        raise ReferralError("Say why the referral is declined")
    return _move(
        by=by,
        referral_id=referral_id,
        expected=expected,
        to=Status.DECLINED,
        note=reason,
        decline_reason=reason.strip(),
        signposted_to=signposted_to.strip(),
    )


@transaction.atomic
def referral_wait(*, by: Acting, referral_id: uuid.UUID, expected: str, note: str = "") -> Referral:
    return _move(by=by, referral_id=referral_id, expected=expected, to=Status.WAITING, note=note)


@transaction.atomic
def referral_start(
    *, by: Acting, referral_id: uuid.UUID, expected: str, note: str = ""
) -> Referral:
    return _move(by=by, referral_id=referral_id, expected=expected, to=Status.STARTED, note=note)


@transaction.atomic
def referral_close(
    *, by: Acting, referral_id: uuid.UUID, expected: str, outcome: str, note: str = ""
) -> Referral:
    if outcome not in Outcome.values:
        raise ReferralError("Choose the outcome")
    return _move(
        by=by,
        referral_id=referral_id,
        expected=expected,
        to=Status.CLOSED,
        note=note,
        outcome=outcome,
        outcome_note=note.strip(),
    )


@transaction.atomic
def gp_concern_raise(
    *, by: Acting, person: Person, noticed: str, urgency: str, referral: Referral | None = None
) -> GpConcern:
    """Tell the person's GP practice something they should know. Shared with the practice's
    system as a FHIR Communication, and shown to the referrer."""
    if by.organisation is None or person.organisation_id != by.organisation.pk:
        raise NotActingForAnOrganisation("This person is not supported by your organisation.")
    practice = person.gp_practice_ods or (referral.referrer_ods_code if referral else "")
    if not practice:
        raise ReferralError("Add their GP practice's ODS code to their record first")
    if not noticed.strip():
        raise ReferralError("Say what you noticed")
    GpConcern.Urgency(urgency)
    concern = GpConcern.objects.create(
        organisation=by.organisation,
        person=person,
        referral=referral,
        practice_ods=practice,
        noticed=noticed.strip(),
        urgency=urgency,
        raised_by=by.user,
        raised_by_label=by.actor_label,
    )
    audit_record(by=by, action="gp_concern.raised", target=concern, detail={"urgency": urgency})
    return concern


def gp_concern_refused(*, by: Acting, person: Person) -> None:
    """Someone who does not support this person tried to raise a concern for their GP."""
    audit_record(by=by, action="gp_concern.refused", target=person)
