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

from kindred.accounts.models import Role
from kindred.accounts.selectors import contacts_with_role
from kindred.core.services import Acting, audit_appended_at_end, audit_record
from kindred.core.transitions import ChangedSinceYouLooked, DomainError, machine
from kindred.notifications.services import notification_send
from kindred.people.merging import moving_between
from kindred.people.models import ConsentKind, Person
from kindred.people.selectors import consents_in_force, consents_of
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
from kindred.referrals import audit_actions, selectors, signals
from kindred.referrals.models import (
    URGENT_PRIORITIES,
    Channel,
    DeclineCategory,
    GpConcern,
    Outcome,
    PersonLink,
    Priority,
    Referral,
    ReferralEvent,
    Source,
    Status,
    Urgency,
    Wants,
)
from kindred.referrals.workdays import add_working_days

#: The moves a referral may make (ADR-083): triage, then support, then closing.
REFERRAL_MOVES = machine(
    "referral",
    {
        # A repeat of an open referral may be joined to it instead (referral_join).
        Status.RECEIVED: {Status.ACCEPTED, Status.DECLINED, Status.JOINED},
        Status.ACCEPTED: {Status.WAITING, Status.STARTED, Status.CLOSED},
        Status.WAITING: {Status.STARTED, Status.CLOSED},
        Status.STARTED: {Status.CLOSED},
        Status.DECLINED: set(),
        Status.CLOSED: set(),
        Status.JOINED: set(),
    },
    label=lambda status: str(Status(status).label),
)


#: The audit action of each move.
MOVED: dict[str, str] = {
    Status.ACCEPTED: audit_actions.REFERRAL_ACCEPTED,
    Status.DECLINED: audit_actions.REFERRAL_DECLINED,
    Status.WAITING: audit_actions.REFERRAL_WAIT_LISTED,
    Status.STARTED: audit_actions.REFERRAL_STARTED,
    Status.CLOSED: audit_actions.REFERRAL_CLOSED,
    Status.JOINED: audit_actions.REFERRAL_JOINED,
}


class ReferralError(DomainError):
    """A referral change that cannot be made; the message says why, in plain English. A move
    the workflow does not allow, or one made on a referral someone else has just moved, raises
    core's IllegalTransition or ChangedSinceYouLooked instead (DomainErrors too)."""


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
    #: How urgent the referrer says it is (FHIR ServiceRequest.priority's codes, ADR-096).
    priority: str = Priority.ROUTINE
    #: When the sender wrote it (FHIR authoredOn), exactly as sent; "" if not said.
    authored_on: str = ""


def first_contact_due(received: dt.datetime, priority: str = Priority.ROUTINE) -> dt.date:
    """The working day by which someone should be in touch: KINDRED_FIRST_CONTACT_WORKING_DAYS
    (5) after it arrived, or KINDRED_URGENT_FIRST_CONTACT_WORKING_DAYS (1) for an urgent one."""
    if priority in URGENT_PRIORITIES:
        days: int = getattr(settings, "KINDRED_URGENT_FIRST_CONTACT_WORKING_DAYS", 1)
    else:
        days = getattr(settings, "KINDRED_FIRST_CONTACT_WORKING_DAYS", 5)
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


def referral_lock(*, referral: Referral) -> Referral:
    """Lock a referral the caller has already found through the organisation it acts for, and
    return it as it is now, with its person and organisation. For another app's service that must
    hold the referral still while it decides (matching accepting a match: nobody declines, closes
    or matches it meanwhile). Call it inside the caller's transaction; the lock ends with it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("referral_lock needs the caller's transaction")
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("person", "organisation")
        .get(pk=referral.pk)
    )


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
    if details.priority not in Priority.values:
        raise ReferralError("Choose how urgent the referral is: routine, urgent, asap or stat")
    if len(details.authored_on) > 40:
        raise ReferralError("When the referral was written is too long to be a date and time")
    now = timezone.now()
    if received_at is not None:
        if received_at > now:
            raise ReferralError("A referral cannot be received in the future")
        now = received_at
    # Its audit entries are appended together at the end, so the transaction holds the chain's
    # lock for that append and its commit only (ADR-107).
    with audit_appended_at_end():
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
            priority=details.priority,
            authored_on=details.authored_on.strip(),
            conditions=details.conditions.strip(),
            lived_experience=details.lived_experience.strip(),
            status=Status.RECEIVED,
            received_at=now,
            first_contact_due=first_contact_due(now, details.priority),
            external_system=details.external_system,
            external_id=details.external_id,
            api_token_id=api_token_id,
        )
        ReferralEvent.record(
            by=by,
            subject=referral,
            from_state="",
            to_state=Status.RECEIVED,
            note=f"Received through the {Channel(channel).label.lower()}",
            at=now,
        )
        audit_record(
            by=by,
            action=audit_actions.REFERRAL_RECEIVED,
            target=referral,
            detail={
                "channel": str(channel),
                "person_link": referral.person_link,
                "priority": referral.priority,
            },
        )
        if referral.is_urgent:
            _tell_coordinators_urgent(by=by, referral=referral)
    return referral


def _tell_coordinators_urgent(*, by: Acting, referral: Referral) -> None:
    """An urgent referral: each of the organisation's coordinators is told at once, in the same
    transaction (the notice is queued with the referral, or neither is). It names nobody: they
    see who on the referral's page, once signed in."""
    organisation = referral.organisation
    for membership in contacts_with_role(organisation=organisation, roles=[Role.COORDINATOR]):
        user = membership.user
        if not user.is_active or not user.email:
            continue
        notification_send(
            by=by,
            to=user.email,
            template="referrals/messages/urgent.jinja",
            context={
                "organisation": organisation.name,
                "priority": referral.get_priority_display().lower(),
                "due": referral.first_contact_due,
            },
            kind="referral.urgent",
            about=referral,
        )


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
    ReferralEvent.record(
        by=by, subject=referral, from_state=referral.status, to_state=referral.status, note=note
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
        action=audit_actions.REFERRAL_PERSON_CONFIRMED,
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
        action=audit_actions.REFERRAL_PERSON_SEPARATED,
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
    tell: bool = True,
    **changes: object,
) -> Referral:
    """Lock the row, check the move, change it, write history and audit, close the loop (unless
    `tell` is False: a further move in the same transaction tells the referrer once, at its end)."""
    if by.organisation is None:
        raise NotActingForAnOrganisation("Choose an organisation first.")
    referral = by.organisation.referrals.select_for_update().get(pk=referral_id)
    REFERRAL_MOVES.check(current=referral.status, expected=expected, to=to)
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
    ReferralEvent.record(
        by=by, subject=referral, from_state=expected, to_state=to, note=note, at=now
    )
    detail = {"from": str(expected)}
    if to == Status.DECLINED:
        detail["category"] = str(referral.decline_category)
    audit_record(by=by, action=MOVED[to], target=referral, detail=detail)
    if to == Status.WAITING:
        signals.referral_waiting.send(sender=Referral, by=by, referral=referral)
    if tell:
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
        consents_of(person=referral.person)
        .filter(kind=ConsentKind.SHARE_WITH_REFERRER, recorded_at__gt=referral.received_at)
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
    declined = referral.status == Status.DECLINED
    notification_send(
        by=by,
        to=address,
        template="referrals/messages/status.jinja",
        context={
            "organisation": referral.organisation.name,
            "status": referral.get_status_display().lower(),
            "received": timezone.localdate(referral.received_at),
            "why": (
                str(DeclineCategory(referral.decline_category).label).lower()
                if declined and referral.decline_category
                else ""
            ),
            "signposted_to": referral.signposted_to if declined else "",
        },
        kind="referral.status",
        about=referral,
    )


#: The support a supporter is matched to give: accepting a referral for it puts the person in
#: matching's queue at once (ADR-097). Groups, crisis support and "not sure" are arranged by hand.
MATCHED_SUPPORT = frozenset({Wants.ONE_TO_ONE, Wants.BEFRIENDING})


@transaction.atomic
def referral_accept(
    *, by: Acting, referral_id: uuid.UUID, expected: str, note: str = ""
) -> Referral:
    """Accept a referral. One for one-to-one support or befriending then waits for a match in
    the same transaction (accepted, then waiting: two lines in its history, two audit entries),
    so the person is in matching's queue (which is the referrals waiting) in one step; the
    referrer is told once, of where it ended. Other referrals stay accepted (ADR-097)."""
    accepted = _move(
        by=by,
        referral_id=referral_id,
        expected=expected,
        to=Status.ACCEPTED,
        note=note,
        tell=False,
    )
    if accepted.wants not in MATCHED_SUPPORT:
        _tell_the_referrer(by=by, referral=accepted)
        return accepted
    return _move(
        by=by,
        referral_id=referral_id,
        expected=Status.ACCEPTED,
        to=Status.WAITING,
        note=f"Accepted for {Wants(accepted.wants).label.lower()}: waiting for a match",
    )


@transaction.atomic
def referral_decline(
    *,
    by: Acting,
    referral_id: uuid.UUID,
    expected: str,
    category: str,
    reason: str,
    signposted_to: str = "",
) -> Referral:
    """Decline a referral: `category` is why, in words the referrer may be told (where the
    person agreed); `reason` is the coordinator's own note, kept inside the organisation."""
    if category not in DeclineCategory.values:
        raise ReferralError("Choose why the referral is declined")
    if not reason.strip():
        raise ReferralError("Say why the referral is declined")
    return _move(
        by=by,
        referral_id=referral_id,
        expected=expected,
        to=Status.DECLINED,
        note=reason,
        decline_category=category,
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


def _day(moment: dt.datetime) -> str:
    day = timezone.localdate(moment)
    return f"{day.day} {day:%B %Y}"


@transaction.atomic
def referral_join(
    *, by: Acting, referral_id: uuid.UUID, into_id: uuid.UUID, expected: str
) -> Referral:
    """A coordinator joins a repeat referral to the open referral of the same person it repeats
    (selectors.repeat_of): the repeat moves to JOINED, naming the open one, with a line in both
    referrals' histories, and its referrer is told as for any move. `into_id` is the open
    referral the page showed and `expected` the repeat's status: if either changed since (the
    open one closed, another came first), nothing is joined. Nothing is ever joined without a
    coordinator: the person who referred themselves was told what they are always told."""
    if by.organisation is None:
        raise NotActingForAnOrganisation("Choose an organisation first.")
    locked = {
        referral.pk: referral
        for referral in by.organisation.referrals.select_for_update()
        .filter(pk__in=[referral_id, into_id])
        .order_by("pk")
    }
    if referral_id == into_id or len(locked) != 2:
        raise ReferralError("A referral can only be joined to another referral of yours.")
    referral, into = locked[referral_id], locked[into_id]
    REFERRAL_MOVES.check(current=referral.status, expected=expected, to=Status.JOINED)
    repeated = selectors.repeat_of(referral=referral)
    if repeated is None or repeated.pk != into.pk:
        raise ChangedSinceYouLooked(
            "The referral this one repeated has changed since you looked (it may have closed): "
            "check this referral again."
        )
    referral.status = Status.JOINED
    referral.joined_to = into
    referral.save(update_fields=["status", "joined_to", "updated_at"])
    ReferralEvent.record(
        by=by,
        subject=referral,
        from_state=expected,
        to_state=Status.JOINED,
        note=f"A repeat of the referral received on {_day(into.received_at)}: joined to it",
    )
    ReferralEvent.record(
        by=by,
        subject=into,
        from_state=into.status,
        to_state=into.status,
        note=f"A repeat referral received on {_day(referral.received_at)} "
        f"({Channel(referral.channel).label.lower()}) was joined to this one",
    )
    audit_record(
        by=by,
        action=audit_actions.REFERRAL_JOINED,
        target=referral,
        detail={"from": str(expected), "into": str(into.pk)},
    )
    _tell_the_referrer(by=by, referral=referral)
    return referral


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
    audit_record(
        by=by, action=audit_actions.GP_CONCERN_RAISED, target=concern, detail={"urgency": urgency}
    )
    return concern


def gp_concern_refused(*, by: Acting, person: Person) -> None:
    """Someone who does not support this person tried to raise a concern for their GP."""
    audit_record(by=by, action=audit_actions.GP_CONCERN_RAISE_REFUSED, target=person)


# Merging two records of one person (people.merging, ADR-090)


def person_referrals_held(*, person: Person) -> int:
    """How many referrals and concerns for the GP the record holds (what a merge moves)."""
    return person.referrals.count() + person.gp_concerns.count()


@transaction.atomic
def person_referrals_move(*, by: Acting, merged: Person, survivor: Person) -> int:
    """Two records of one person are being merged: the merged record's referrals (with their
    matching profiles and matches, which hang on them) and concerns for the GP move to the
    survivor, each referral with a line in its history. A referral no longer flags as a possible
    duplicate the record it is now linked to. Called by people.merging.person_merge only, inside
    its transaction. Returns how many records moved."""
    organisation = moving_between(by=by, merged=merged, survivor=survivor)
    referrals = list(
        organisation.referrals.select_for_update().filter(person=merged).order_by("received_at")
    )
    for referral in referrals:
        referral.person = survivor
        referral.save(update_fields=["person", "updated_at"])
        _note_link(
            by,
            referral,
            "The record this referral is linked to was merged into another record of the same "
            "person; the referral moved with it",
        )
    organisation.referrals.filter(
        person=survivor, possible_duplicate__in=[merged, survivor]
    ).update(possible_duplicate=None)
    organisation.referrals.filter(possible_duplicate=merged).update(possible_duplicate=survivor)
    concerns = organisation.gp_concerns.filter(person=merged).update(person=survivor)
    return len(referrals) + concerns
