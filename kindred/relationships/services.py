"""Writes for relationships and their contacts. Every write locks what it changes, checks the
status the user saw, records history and an audit entry (without personal data).

Relationships sits below matching and wellbeing: it never imports them. When support begins or a
relationship ends it says so through `kindred.relationships.signals`, and the matching app keeps
its matches in step through its own services (ADR-086)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.services import Acting, audit_record, audit_view
from kindred.core.transitions import ChangedSinceYouLooked, DomainError
from kindred.people.merging import moving_between
from kindred.people.models import Person
from kindred.referrals.models import Referral
from kindred.referrals.models import Status as ReferralStatus
from kindred.referrals.services import referral_start
from kindred.relationships import audit_actions, signals
from kindred.relationships.models import (
    MACHINE,
    NOTE_FOR_SUPPORTERS_MAX,
    OPEN,
    ConcernLink,
    Contact,
    ContactMode,
    ContactOutcome,
    EndReason,
    Feeling,
    NextStep,
    NoteForSupporters,
    Outcome,
    Relationship,
    Status,
    StatusChange,
    Supporter,
)
from kindred.relationships.selectors import note_for_supporters
from kindred.safeguarding import services as safeguarding
from kindred.safeguarding.models import Kind as ConcernKind
from kindred.safeguarding.models import Level as ConcernLevel
from kindred.safeguarding.models import Source as ConcernSource
from kindred.volunteers.models import HoursSource, Volunteer
from kindred.volunteers.services import hours_record


class RelationshipError(DomainError):
    """Something about a relationship that cannot be done, said plainly. `field` names the form
    field the message belongs beside, when it is about one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _organisation(by: Acting) -> Organisation:
    if by.organisation is None:
        raise RelationshipError("Choose an organisation to act for first")
    return by.organisation


def _history(by: Acting, relationship: Relationship, from_status: str, note: str = "") -> None:
    StatusChange.record(
        by=by,
        subject=relationship,
        from_state=from_status,
        to_state=relationship.status,
        note=note,
    )


def _supporter_organisations(
    organisation: Organisation, others: Iterable[Organisation]
) -> set[object]:
    """The organisations supporters may come from: the one acted for, and those the caller
    (matching, which knows who shares across the network: ADR-013) names, if they are of the
    same network."""
    allowed: set[object] = {organisation.pk}
    if organisation.network_id is not None:
        allowed |= {o.pk for o in others if o.network_id == organisation.network_id}
    return allowed


@transaction.atomic
def relationship_introduce(
    *,
    by: Acting,
    person: Person,
    volunteers: Sequence[Volunteer],
    kind: str,
    usual_mode: str,
    rhythm_days: int = 14,
    grace_days: int = 7,
    review_every_days: int = 91,
    referral: Referral | None = None,
    introduced_on: dt.date | None = None,
    note: str = "",
    supporter_organisations: Iterable[Organisation] = (),
) -> Relationship:
    """Introduce a person to one or two supporters (from accepted matches, or a coordinator's
    own choice). Support begins when the first contact happens or a coordinator starts it.

    The relationship belongs to the person's organisation (the one acted for). Supporters come
    from it too, or from one of `supporter_organisations` of the same network: the matching app
    passes the organisations that agree to match across it (ADR-013); relationships itself does
    not decide who shares."""
    organisation = _organisation(by)
    supporters = list(dict.fromkeys(volunteers))
    if not 1 <= len(supporters) <= 2:
        raise RelationshipError("Choose one or two supporters")
    allowed = _supporter_organisations(organisation, supporter_organisations)
    if person.organisation_id != organisation.pk or any(
        v.organisation_id not in allowed for v in supporters
    ):
        raise RelationshipError("That person or supporter is not in this organisation")
    if referral is not None and referral.person_id != person.pk:
        raise RelationshipError("That referral is for someone else")
    already = Supporter.objects.filter(
        relationship__person=person,
        relationship__status__in=OPEN,
        volunteer__in=supporters,
        left_on__isnull=True,
    ).select_related("volunteer")
    if already:
        raise RelationshipError(
            f"{already[0].volunteer.display_name} already supports {person.display_name}"
        )
    today = introduced_on or timezone.localdate()
    relationship = Relationship.objects.create(
        organisation=organisation,
        person=person,
        referral=referral,
        kind=kind,
        usual_mode=usual_mode,
        rhythm_days=rhythm_days,
        grace_days=grace_days,
        review_every_days=review_every_days,
        introduced_on=today,
    )
    relationship.full_clean()
    Supporter.objects.bulk_create(
        Supporter(relationship=relationship, volunteer=volunteer, joined_on=today)
        for volunteer in supporters
    )
    _history(by, relationship, "", note or "Introduced")
    audit_record(
        by=by,
        action=audit_actions.RELATIONSHIP_INTRODUCED,
        target=relationship,
        detail={"supporters": len(supporters), "kind": kind},
    )
    return relationship


def relationship_lock(*, by: Acting, relationship_id: uuid.UUID) -> Relationship:
    """The relationship of the organisation acted for, locked until the caller's transaction
    ends (call it inside one): for another app's service that records something about a
    relationship which must not change meanwhile (wellbeing's progress reviews)."""
    organisation = _organisation(by)
    try:
        return (
            Relationship.objects.select_for_update()
            .select_related("person")
            .get(pk=relationship_id, organisation=organisation)
        )
    except Relationship.DoesNotExist as missing:
        raise RelationshipError("That relationship is not in this organisation") from missing


@transaction.atomic
def note_for_supporters_write(
    *, by: Acting, relationship_id: uuid.UUID, based_on: int, text: str
) -> NoteForSupporters:
    """A coordinator writes, changes or (with blank text) takes away the note the relationship's
    supporters see before they meet the person. Each version is kept and audited (ADR-098).
    `based_on` is the version the coordinator was looking at (0 for none): if someone wrote a
    newer one meanwhile, nothing is saved. Coordinators only: a supporter is refused, here as
    well as at the route."""
    organisation = _organisation(by)
    if by.user is not None and not by.user.has_perm(
        "relationships.write_note_for_supporters", organisation
    ):
        raise RelationshipError("Only a coordinator can change the note for supporters")
    relationship = relationship_lock(by=by, relationship_id=relationship_id)
    text = text.strip()
    if len(text) > NOTE_FOR_SUPPORTERS_MAX:
        raise RelationshipError(
            f"The note must be {NOTE_FOR_SUPPORTERS_MAX} characters or fewer", field="text"
        )
    current = note_for_supporters(relationship=relationship)
    number = current.number if current is not None else 0
    if based_on != number:
        raise ChangedSinceYouLooked(
            "Someone changed the note for supporters while you were looking at it: check it "
            "and change it again."
        )
    if text == (current.text if current is not None else ""):
        raise RelationshipError("The note is the same as before, so nothing was changed")
    note = NoteForSupporters.objects.create(
        relationship=relationship,
        number=number + 1,
        text=text,
        written_at=timezone.now(),
        written_by=by.user,
        written_by_label=by.actor_label,
    )
    # The note's words stay out of the audit trail: the versions are its record.
    audit_record(
        by=by,
        action=audit_actions.NOTE_FOR_SUPPORTERS_CHANGED,
        target=relationship,
        detail={"number": note.number, "taken_away": not text},
    )
    return note


def _begin(by: Acting, relationship: Relationship, on: dt.date, note: str) -> None:
    """Support has begun: dates set, the referral started, and the apps above told (the
    matching app marks its matches started)."""
    relationship.status = Status.ACTIVE
    relationship.started_on = on
    relationship.next_review_on = on + dt.timedelta(days=relationship.review_every_days)
    relationship.save(update_fields=["status", "started_on", "next_review_on", "updated_at"])
    referral = relationship.referral
    if referral is not None and referral.status == ReferralStatus.WAITING:
        referral_start(by=by, referral_id=referral.pk, expected=ReferralStatus.WAITING, note=note)
    signals.support_began.send(sender=Relationship, by=by, relationship=relationship)


@transaction.atomic
def relationship_move(
    *,
    by: Acting,
    relationship_id: uuid.UUID,
    expected: str,
    to: str,
    note: str = "",
    on: dt.date | None = None,
) -> Relationship:
    """Start, pause or resume a relationship (ending has its own service: it needs a reason)."""
    relationship = relationship_lock(by=by, relationship_id=relationship_id)
    if to == Status.ENDED:
        raise RelationshipError("Say why the relationship is ending")
    MACHINE.check(current=relationship.status, to=to, expected=expected)
    day = on or timezone.localdate()
    if to == Status.ACTIVE and relationship.status == Status.INTRODUCED:
        if day > timezone.localdate() or day < relationship.introduced_on:
            raise RelationshipError("Support can only start between the introduction and today")
        _begin(by, relationship, day, note or "Support started")
    else:
        relationship.status = to
        relationship.save(update_fields=["status", "updated_at"])
    _history(by, relationship, expected, note)
    audit_record(
        by=by,
        action=audit_actions.RELATIONSHIP_MOVED,
        target=relationship,
        detail={"from": expected, "to": to},
    )
    return relationship


@transaction.atomic
def relationship_end(
    *,
    by: Acting,
    relationship_id: uuid.UUID,
    expected: str,
    reason: str,
    outcome: str,
    next_step: str,
    note: str = "",
) -> Relationship:
    """End a relationship with a reason, an outcome and the next step offered to the person.
    Each supporter's place is freed, and the apps above are told (the matching app ends the
    matches that made it)."""
    if reason not in EndReason.values:
        raise RelationshipError("Choose why the relationship is ending")
    if outcome not in Outcome.values:
        raise RelationshipError("Choose how the person is now")
    if next_step not in NextStep.values:
        raise RelationshipError("Choose the next step offered")
    relationship = relationship_lock(by=by, relationship_id=relationship_id)
    MACHINE.check(current=relationship.status, to=Status.ENDED, expected=expected)
    today = timezone.localdate()
    relationship.status = Status.ENDED
    relationship.ended_on = today
    relationship.end_reason, relationship.outcome = reason, outcome
    relationship.next_step = next_step
    relationship.save(
        update_fields=["status", "ended_on", "end_reason", "outcome", "next_step", "updated_at"]
    )
    relationship.supporter_links.filter(left_on__isnull=True).update(left_on=today)
    signals.relationship_ended.send(sender=Relationship, by=by, relationship=relationship)
    _history(by, relationship, expected, note or EndReason(reason).label)
    audit_record(
        by=by,
        action=audit_actions.RELATIONSHIP_ENDED,
        target=relationship,
        detail={"reason": reason, "outcome": outcome, "next_step": next_step},
    )
    return relationship


@transaction.atomic
def contact_log(
    *,
    by: Acting,
    relationship_id: uuid.UUID,
    volunteer: Volunteer | None,
    happened_on: dt.date,
    mode: str,
    outcome: str = ContactOutcome.HAPPENED,
    duration_minutes: int | None = None,
    note: str = "",
    feeling: str = "",
    concern_kind: str = "",
    concern_detail: str = "",
    concern_level: str = ConcernLevel.HIGH,
) -> Contact:
    """Record a contact (or a missed or cancelled one). The first contact that happens begins
    the support; the supporter's time goes into the volunteer hours ledger once. A concern
    raised from the same screen (`concern_kind`, `concern_detail`) is saved with the contact, or
    neither is."""
    relationship = relationship_lock(by=by, relationship_id=relationship_id)
    if relationship.status == Status.ENDED:
        raise RelationshipError("This relationship has ended, so no more contacts can be logged")
    if (
        volunteer is not None
        and not relationship.supporter_links.filter(
            volunteer=volunteer, left_on__isnull=True
        ).exists()
    ):
        raise RelationshipError(f"{volunteer.display_name} does not support this person")
    today = timezone.localdate()
    if happened_on > today:
        raise RelationshipError(
            "The date of the contact must be today or in the past", field="happened_on"
        )
    if happened_on < relationship.introduced_on:
        raise RelationshipError(
            "The date of the contact must be on or after the introduction "
            f"({relationship.introduced_on.day} {relationship.introduced_on:%B %Y})",
            field="happened_on",
        )
    if mode not in ContactMode.values:
        raise RelationshipError("Choose how you were in contact", field="mode")
    if outcome not in ContactOutcome.values:
        raise RelationshipError("Choose whether the contact happened", field="outcome")
    if feeling and feeling not in Feeling.values:
        raise RelationshipError("Choose how it went", field="feeling")
    if duration_minutes is not None and not 1 <= duration_minutes <= 12 * 60:
        raise RelationshipError(
            "The length of the contact must be between 1 minute and 12 hours",
            field="duration_minutes",
        )
    if concern_kind:
        _check_concern(concern_kind, concern_detail, concern_level)
    contact = Contact.objects.create(
        organisation=relationship.organisation,
        relationship=relationship,
        volunteer=volunteer,
        logged_by=by.user,
        happened_on=happened_on,
        mode=mode,
        outcome=outcome,
        duration_minutes=duration_minutes,
        note=" ".join(note.split())[:500],
        feeling=feeling,
    )
    if outcome == ContactOutcome.HAPPENED:
        if relationship.status == Status.INTRODUCED:
            expected = relationship.status
            MACHINE.check(current=expected, to=Status.ACTIVE)
            _begin(by, relationship, happened_on, "First contact made, support started")
            _history(by, relationship, expected, "First contact made")
        if relationship.last_contact_on is None or happened_on > relationship.last_contact_on:
            relationship.last_contact_on = happened_on
            relationship.save(update_fields=["last_contact_on", "updated_at"])
        if volunteer is not None and duration_minutes:
            hours_record(
                by=by,
                volunteer=volunteer,
                source=HoursSource.CONTACT,
                source_ref=str(contact.pk),
                worked_on=happened_on,
                minutes=duration_minutes,
                description=contact.get_mode_display(),
            )
    audit_record(
        by=by,
        action=audit_actions.CONTACT_LOGGED,
        target=contact,
        detail={"relationship": str(relationship.pk), "outcome": outcome, "feeling": feeling},
    )
    if concern_kind:
        concern_raise(
            by=by,
            relationship_id=relationship.pk,
            kind=concern_kind,
            detail=concern_detail,
            level=concern_level,
            contact=contact,
        )
    return contact


def _check_concern(kind: str, detail: str, level: str) -> None:
    if kind not in ConcernKind.values:
        raise RelationshipError("Choose what kind of concern this is", field="concern_kind")
    if level not in ConcernLevel.values:
        raise RelationshipError(
            "Choose how worried you are: low, medium, high or immediate danger",
            field="concern_level",
        )
    if not detail.strip():
        raise RelationshipError("Say what worries you", field="concern_detail")


@transaction.atomic
def concern_raise(
    *,
    by: Acting,
    relationship_id: uuid.UUID,
    kind: str,
    detail: str,
    level: str = ConcernLevel.HIGH,
    contact: Contact | None = None,
) -> safeguarding.Raised:
    """A supporter raises a worry about the person they support (safeguarding or crisis
    follow-up): raised through safeguarding's `concern_raise` (which reaches the lead, or whoever
    stands in), then linked to this relationship and the contact it followed."""
    _check_concern(kind, detail, str(level))
    relationship = relationship_lock(by=by, relationship_id=relationship_id)
    if contact is not None and contact.relationship_id != relationship.pk:
        raise RelationshipError("That contact belongs to another relationship")
    raised = safeguarding.concern_raise(
        by=by,
        level=str(level),
        detail=detail,
        kind=kind,
        source=ConcernSource.CONTACT if contact is not None else ConcernSource.RELATIONSHIP,
        person=relationship.person,
    )
    ConcernLink.objects.create(
        id=raised.concern.pk, concern=raised.concern, relationship=relationship, contact=contact
    )
    return raised


def relationship_viewed(*, by: Acting, relationships: Sequence[Relationship], where: str) -> None:
    """Someone read these relationships' records (the person's details with them): one audit
    entry each (`kindred.core.services.audit_view`), on the person, so the person's own audit
    trail shows it."""
    for relationship in relationships:
        audit_view(
            by=by,
            entity=audit_actions.RELATIONSHIP,
            target=relationship.person,
            detail={"relationship": str(relationship.pk), "where": where},
        )


def relationships_listed(*, by: Acting, relationships: Sequence[Relationship], where: str) -> None:
    """Someone was shown a list of these relationships with their people's details ("My
    people"): one `relationship.viewed` entry for the page view however many it shows (ADR-082,
    ADR-127), naming each relationship and, in `detail["people"]`, each person, so that every
    person's own audit trail (people.selectors.audit_trail_of) finds it. None if it shows
    nobody."""
    if not relationships:
        return
    audit_view(
        by=by,
        entity=audit_actions.RELATIONSHIP,
        detail={
            "where": where,
            "relationships": [str(r.pk) for r in relationships],
            "people": list(dict.fromkeys(str(r.person_id) for r in relationships)),
        },
    )


def relationship_view_refused(*, by: Acting, relationship: Relationship, route: str) -> None:
    """Someone tried to open or act on a relationship they do not support: recorded as a
    refusal (never as a view), on the person so their trail shows the attempt, then answered
    as if it did not exist."""
    audit_view(
        by=by,
        entity=audit_actions.RELATIONSHIP,
        target=relationship.person,
        refused=True,
        detail={"relationship": str(relationship.pk), "route": route},
    )


@transaction.atomic
def relationship_reviewed(*, by: Acting, relationship_id: uuid.UUID, on: dt.date) -> Relationship:
    """A progress review was held on `on`: the next is planned `review_every_days` later.
    Called by the wellbeing app when a review is recorded."""
    relationship = relationship_lock(by=by, relationship_id=relationship_id)
    if relationship.status not in (Status.ACTIVE, Status.PAUSED):
        raise RelationshipError("Reviews are recorded for active or paused relationships")
    if on > timezone.localdate() or (relationship.started_on and on < relationship.started_on):
        raise RelationshipError("The review date must be between the start and today")
    relationship.next_review_on = on + dt.timedelta(days=relationship.review_every_days)
    relationship.save(update_fields=["next_review_on", "updated_at"])
    audit_record(by=by, action=audit_actions.RELATIONSHIP_REVIEWED, target=relationship)
    return relationship


# Merging two records of one person (people.merging, ADR-090)


def person_relationships_held(*, person: Person) -> int:
    """How many relationships the record holds (what a merge moves)."""
    return person.relationships.count()


@transaction.atomic
def person_relationships_move(*, by: Acting, merged: Person, survivor: Person) -> int:
    """Two records of one person are being merged: the merged record's relationships (with
    their supporters, contacts and concerns, which hang on them) move to the survivor, each
    with a line in its history and its status unchanged. Called by
    people.merging.person_merge only, inside its transaction. Returns how many moved."""
    organisation = moving_between(by=by, merged=merged, survivor=survivor)
    moving = list(
        Relationship.objects.select_for_update()
        .filter(organisation=organisation, person=merged)
        .order_by("introduced_on", "created_at")
    )
    for relationship in moving:
        relationship.person = survivor
        relationship.save(update_fields=["person", "updated_at"])
        _history(
            by,
            relationship,
            relationship.status,
            note="The person's record was merged into another record of the same person; the "
            "relationship moved with it",
        )
    return len(moving)


def person_relationships_note(*, merged: Person, survivor: Person) -> str:
    """What a coordinator should know before merging: both records have support going on."""
    if not all(
        person.relationships.filter(status__in=OPEN).exists() for person in (merged, survivor)
    ):
        return ""
    return (
        "Both records have support going on. Both relationships move to the record that stays: "
        "end one afterwards if the person now has the same support twice."
    )
