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
from kindred.people.selectors import consents_in_force
from kindred.people.services import (
    UPDATABLE_DETAILS,
    MatchedBy,
    PersonDetails,
    PersonDetailsRefused,
    consent_record,
    person_create_from_details,
    person_details_update,
    person_for_referral,
)
from kindred.referrals.models import (
    Channel,
    GpConcern,
    Outcome,
    PersonLink,
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


class PersonLinkError(ReferralError):
    """The referral's link to a person record cannot be changed that way."""


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


def _as_sent(details: PersonDetails) -> dict[str, object]:
    """What the referral said about the person, as JSON (consents are kept in their own fields)."""
    sent: dict[str, object] = {
        name: str(getattr(details, name) or "").strip() for name in UPDATABLE_DETAILS
    }
    sent["date_of_birth"] = details.date_of_birth.isoformat() if details.date_of_birth else None
    for name in ("language", "preferred_contact", "gender", "gender_described"):
        sent[name] = str(getattr(details, name) or "").strip()
    return sent


LINK_FOR_MATCH: dict[str, str] = {
    MatchedBy.NHS_NUMBER: PersonLink.SAME_NHS_NUMBER,
    MatchedBy.NAME_BIRTH_POSTCODE: PersonLink.PROBABLE,
}


@transaction.atomic
def referral_receive(
    *,
    by: Acting,
    person: PersonDetails,
    details: ReferralDetails,
    channel: str,
    api_token_id: uuid.UUID | None = None,
    received_at: dt.datetime | None = None,
) -> Referral:
    """A new referral for the organisation `by` acts for. `received_at`: when it arrived, if
    that was earlier than now (a paper referral typed in later, or demo data); never later. The person is linked to the record
    already held (same NHS number, or same name, date of birth and postcode where no NHS number
    differs) or added. A record already held is never changed by a referral: what the referral
    said about the person, and what its sender said they agreed to, are kept on the referral,
    for a coordinator to confirm (referral_person_confirm). See ADR-075."""
    if by.organisation is None:
        raise NotActingForAnOrganisation("Choose an organisation first.")
    Source(details.source)
    Channel(channel)
    Wants(details.wants)
    Urgency(details.urgency)
    now = timezone.now()
    if received_at is not None:
        if received_at > now:
            raise ReferralError("A referral cannot be received in the future")
        now = received_at
    linked = person_for_referral(by=by, details=person)
    referral = Referral.objects.create(
        organisation=by.organisation,
        person=linked.person,
        person_as_sent=_as_sent(person),
        consent_contact=person.consents.get(ConsentKind.CONTACT.value),
        consent_share_with_referrer=person.consents.get(ConsentKind.SHARE_WITH_REFERRER.value),
        consent_evaluation=person.consents.get(ConsentKind.EVALUATION.value),
        person_link=PersonLink.NEW if linked.added else LINK_FOR_MATCH[linked.matched_by],
        possible_duplicate=linked.possible_duplicate,
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
        by=by,
        action="referral.received",
        target=referral,
        detail={"channel": str(channel), "person_link": referral.person_link},
    )
    return referral


@dataclass(frozen=True)
class Difference:
    """One thing the referral says differently from the person's record."""

    name: str
    label: str
    on_record: str
    as_sent: str


DETAIL_LABELS = {
    "given_name": "First name",
    "family_name": "Last name",
    "preferred_name": "What they like to be called",
    "date_of_birth": "Date of birth",
    "nhs_number": "NHS number",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone number",
    "email": "Email address",
    "gp_practice_ods": "GP practice ODS code",
}


def _sent_value(referral: Referral, name: str) -> object:
    value = (referral.person_as_sent or {}).get(name)
    if name == "date_of_birth":
        return dt.date.fromisoformat(str(value)) if value else None
    return value or ""


def detail_differences(*, referral: Referral) -> list[Difference]:
    """The details the referral gave that are not what the person's record says (blank answers
    are not differences: leaving a box empty says nothing)."""
    person = referral.person
    found = []
    for name, label in DETAIL_LABELS.items():
        sent = _sent_value(referral, name)
        held = getattr(person, name)
        if sent in ("", None) or str(sent).strip().lower() == str(held or "").strip().lower():
            continue
        found.append(Difference(name, label, str(held or "Not recorded"), str(sent)))
    return found


def consent_differences(*, referral: Referral) -> list[Difference]:
    """The consent answers the referral records that are not the ones in force for the person."""
    in_force = consents_in_force(person=referral.person)
    found = []
    for kind in ConsentKind:
        said = getattr(referral, f"consent_{kind.value}")
        if said is not True:
            continue  # a box left unticked withdraws nothing (ADR-022)
        current = in_force.get(kind.value)
        if current is not None and current.given is said:
            continue
        held = "Not asked" if current is None else ("Yes" if current.given else "No")
        found.append(Difference(kind.value, str(kind.label), held, "Yes" if said else "No"))
    return found


def _locked_for_link(by: Acting, referral_id: uuid.UUID) -> Referral:
    if by.organisation is None:
        raise NotActingForAnOrganisation("Choose an organisation first.")
    if by.user is None:
        raise PersonLinkError("Only a signed-in coordinator can confirm who a referral is about.")
    referral: Referral = (
        by.organisation.referrals.select_for_update().select_related("person").get(pk=referral_id)
    )
    if referral.person_link not in PersonLink.unconfirmed():
        raise PersonLinkError(
            "Who this referral is about has already been settled: check the page again."
        )
    return referral


def _note_link(by: Acting, referral: Referral, note: str) -> None:
    ReferralEvent.objects.create(
        referral=referral,
        from_status=referral.status,
        to_status=referral.status,
        occurred_at=timezone.now(),
        by_user=by.user,
        by_label=by.actor_label,
        note=note,
    )


@transaction.atomic
def referral_person_confirm(
    *,
    by: Acting,
    referral_id: uuid.UUID,
    copy_details: list[str] | None = None,
    record_consents: list[str] | None = None,
) -> Referral:
    """A coordinator confirms that a referral linked to a record already held is about that
    person, and chooses which of the referral's differing details to copy onto the record and
    which of its consent answers to record. Nothing else about the person changes. Audited; a
    line in the referral's history says what was done."""
    referral = _locked_for_link(by, referral_id)
    person = referral.person
    details = {d.name for d in detail_differences(referral=referral)}
    consents = {d.name for d in consent_differences(referral=referral)}
    chosen_details = [name for name in copy_details or [] if name in details]
    chosen_consents = [kind for kind in record_consents or [] if kind in consents]
    if len(chosen_details) != len(copy_details or []) or len(chosen_consents) != len(
        record_consents or []
    ):
        raise PersonLinkError(
            "Something on this referral changed while you were looking at it: check it again."
        )
    try:
        changed = person_details_update(
            by=by,
            person=person,
            changes={name: _sent_value(referral, name) for name in chosen_details},
            reason=f"confirmed referral {referral.pk}",
        )
    except PersonDetailsRefused as refused:
        raise PersonLinkError(str(refused)) from refused
    for kind in chosen_consents:
        consent_record(
            by=by, person=person, kind=kind, given=bool(getattr(referral, f"consent_{kind}"))
        )
    referral.person_link = PersonLink.CONFIRMED
    referral.person_confirmed_at = timezone.now()
    referral.person_confirmed_by = by.user
    referral.save(
        update_fields=["person_link", "person_confirmed_at", "person_confirmed_by", "updated_at"]
    )
    copied = ", ".join(DETAIL_LABELS[name].lower() for name in changed) or "no details"
    recorded = ", ".join(str(ConsentKind(k).label).lower() for k in chosen_consents)
    _note_link(
        by,
        referral,
        f"Confirmed the record this referral is linked to; copied {copied}"
        + (f"; recorded consent: {recorded}" if recorded else ""),
    )
    audit_record(
        by=by,
        action="referral.person_confirmed",
        target=referral,
        detail={
            "person": str(person.pk),
            "details_copied": changed,
            "consents_recorded": chosen_consents,
        },
    )
    return referral


@transaction.atomic
def referral_person_separate(*, by: Acting, referral_id: uuid.UUID) -> Referral:
    """A coordinator says a referral linked by name, date of birth and postcode is about someone
    else: a new record is made from what the referral sent (with its consent answers, which the
    coordinator is recording), and the referral moves to it. The first record is not changed.
    A referral linked by the same NHS number cannot be separated (one record per NHS number):
    the number is checked with the referrer instead."""
    referral = _locked_for_link(by, referral_id)
    if referral.person_link == PersonLink.SAME_NHS_NUMBER:
        raise PersonLinkError(
            "This referral has the same NHS number as the record, so it cannot be a different "
            "person's. Check the NHS number with the referrer."
        )

    sent = referral.person_as_sent or {}
    if not sent.get("given_name") or not sent.get("family_name"):
        raise PersonLinkError(
            "This referral came before Kindred kept the details referrals send, so a new record "
            "cannot be made from it. Add the person from the people page instead."
        )
    earlier = referral.person
    details = PersonDetails(
        given_name=str(sent["given_name"]),
        family_name=str(sent["family_name"]),
        date_of_birth=_sent_value(referral, "date_of_birth"),  # type: ignore[arg-type]
        **{
            name: str(sent.get(name) or "")
            for name in (*UPDATABLE_DETAILS, "language", "preferred_contact", "gender")
            if name not in ("given_name", "family_name", "date_of_birth")
        },
        consents={
            kind.value: bool(getattr(referral, f"consent_{kind.value}"))
            for kind in ConsentKind
            if getattr(referral, f"consent_{kind.value}") is not None
        },
    )
    try:
        person = person_create_from_details(by=by, details=details)
    except PersonDetailsRefused as refused:
        raise PersonLinkError(str(refused)) from refused
    referral.person = person
    referral.person_link = PersonLink.CONFIRMED
    referral.person_confirmed_at = timezone.now()
    referral.person_confirmed_by = by.user
    referral.save(
        update_fields=[
            "person",
            "person_link",
            "person_confirmed_at",
            "person_confirmed_by",
            "updated_at",
        ]
    )
    # No names here: the history is part of each person's subject access export.
    _note_link(by, referral, "Not the person first linked: a new record was made from the referral")
    audit_record(
        by=by,
        action="referral.person_separated",
        target=referral,
        detail={"from": str(earlier.pk), "to": str(person.pk)},
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


def referrer_may_be_told(*, referral: Referral) -> bool:
    """Whether the referrer may be sent updates about this referral. A decision about sharing
    with the referrer recorded on the person's record after this referral arrived (by a
    coordinator, or a withdrawal) is the one in force; until there is one, it is the referral's
    own record of what its sender said the person agreed to, never another referral's answer
    nor an older answer on the record (ADR-075). Self-referrals have no referrer to tell."""
    if referral.source == Source.SELF:
        return False
    later = (
        referral.person.consents.filter(
            kind=ConsentKind.SHARE_WITH_REFERRER, recorded_at__gt=referral.received_at
        )
        .order_by("-recorded_at")
        .first()
    )
    if later is not None:
        return bool(later.given)
    return bool(referral.consent_share_with_referrer)


def _tell_the_referrer(*, by: Acting, referral: Referral) -> None:
    """Where the referral says the person agreed to updates going to their referrer, send one
    (see referrer_may_be_told). The FHIR Task is worked out from the referral and its history
    whenever it is read, so it always follows."""
    address = referral.referrer_email or (
        referral.referrer_user.email if referral.referrer_user else ""
    )
    if not address or not referrer_may_be_told(referral=referral):
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
