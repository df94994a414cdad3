"""Writes for relationships and their contacts. Every write locks what it changes, checks the
status the user saw, records history and an audit entry (without personal data)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.services import Acting, audit_record
from kindred.matching.models import Match, MatchStatus
from kindred.people.models import Person
from kindred.referrals.models import Referral
from kindred.referrals.models import Status as ReferralStatus
from kindred.relationships.models import (
    OPEN,
    TRANSITIONS,
    Concern,
    ConcernKind,
    Contact,
    ContactMode,
    ContactOutcome,
    EndReason,
    Feeling,
    NextStep,
    Outcome,
    Relationship,
    Status,
    StatusChange,
    Supporter,
)
from kindred.volunteers.models import HoursSource, Volunteer


class RelationshipError(Exception):
    """Something about a relationship that cannot be done, said plainly. `field` names the form
    field the message belongs beside, when it is about one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class RelationshipChanged(RelationshipError):
    """Someone else changed the relationship since the page was shown."""


#: What coordinators and safeguarding leads are told when a concern is raised.
CONCERN_SUBJECTS = {
    ConcernKind.SAFEGUARDING.value: "A supporter has raised a safeguarding concern",
    ConcernKind.CRISIS_FOLLOW_UP.value: "A supporter has asked for crisis follow-up",
}


def _organisation(by: Acting) -> Organisation:
    if by.organisation is None:
        raise RelationshipError("Choose an organisation to act for first")
    return by.organisation


def _history(by: Acting, relationship: Relationship, from_status: str, note: str = "") -> None:
    StatusChange.objects.create(
        relationship=relationship,
        from_status=from_status,
        to_status=relationship.status,
        occurred_at=timezone.now(),
        by_user=by.user,
        by_label=by.actor_label,
        note=note.strip()[:500],
    )


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
    matches: Sequence[Match] = (),
    introduced_on: dt.date | None = None,
    note: str = "",
    across_network: bool = False,
) -> Relationship:
    """Introduce a person to one or two supporters (from accepted matches, or a coordinator's
    own choice). Support begins when the first contact happens or a coordinator starts it.

    The relationship belongs to the person's organisation (the one acted for). Supporters come
    from it too, unless `across_network` is given explicitly: then a supporter may come from
    another organisation of the same network when both organisations agree to share for
    matching (kindred.matching.models.NetworkSharing, ADR-013)."""
    from kindred.matching.models import NetworkSharing

    organisation = _organisation(by)
    supporters = list(dict.fromkeys(volunteers))
    if not 1 <= len(supporters) <= 2:
        raise RelationshipError("Choose one or two supporters")
    allowed = {organisation.pk}
    if across_network and organisation.network_id is not None:
        sharing = set(
            NetworkSharing.objects.filter(
                shares=True,
                organisation__network_id=organisation.network_id,
                organisation__is_active=True,
            ).values_list("organisation_id", flat=True)
        )
        if organisation.pk in sharing:
            allowed |= sharing
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
    by_volunteer = {m.volunteer_id: m for m in matches}
    Supporter.objects.bulk_create(
        Supporter(
            relationship=relationship,
            volunteer=volunteer,
            match=by_volunteer.get(volunteer.pk),
            joined_on=today,
        )
        for volunteer in supporters
    )
    _history(by, relationship, "", note or "Introduced")
    audit_record(
        by=by,
        action="relationships.introduced",
        target=relationship,
        detail={"supporters": len(supporters), "kind": kind},
    )
    return relationship


def _locked(by: Acting, relationship_id: uuid.UUID, expected: str | None) -> Relationship:
    organisation = _organisation(by)
    try:
        relationship = (
            Relationship.objects.select_for_update()
            .select_related("person")
            .get(pk=relationship_id, organisation=organisation)
        )
    except Relationship.DoesNotExist as missing:
        raise RelationshipError("That relationship is not in this organisation") from missing
    if expected is not None and relationship.status != expected:
        raise RelationshipChanged(
            "Someone else changed this relationship while you were looking at it: it is now "
            f"'{relationship.get_status_display()}'."
        )
    return relationship


def _check_move(relationship: Relationship, to: str) -> None:
    if to not in TRANSITIONS[relationship.status]:
        raise RelationshipError(
            f"A relationship that is '{relationship.get_status_display().lower()}' cannot "
            f"become '{Status(to).label.lower()}'"
        )


def _begin(by: Acting, relationship: Relationship, on: dt.date, note: str) -> None:
    """Support has begun: dates set, the referral started, the matches marked started."""
    relationship.status = Status.ACTIVE
    relationship.started_on = on
    relationship.next_review_on = on + dt.timedelta(days=relationship.review_every_days)
    relationship.save(update_fields=["status", "started_on", "next_review_on", "updated_at"])
    if relationship.referral_id is not None:
        referral = Referral.objects.get(pk=relationship.referral_id)
        if referral.status == ReferralStatus.WAITING:
            from kindred.referrals.services import referral_start

            referral_start(
                by=by, referral_id=referral.pk, expected=ReferralStatus.WAITING, note=note
            )
    Match.objects.filter(
        supporter_link__relationship=relationship, status=MatchStatus.INTRODUCED
    ).update(status=MatchStatus.STARTED, started_at=timezone.now())


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
    relationship = _locked(by, relationship_id, expected)
    if to == Status.ENDED:
        raise RelationshipError("Say why the relationship is ending")
    _check_move(relationship, to)
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
        action="relationships.moved",
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
    Each supporter's place is freed and the matches that made it are ended."""
    if reason not in EndReason.values:
        raise RelationshipError("Choose why the relationship is ending")
    if outcome not in Outcome.values:
        raise RelationshipError("Choose how the person is now")
    if next_step not in NextStep.values:
        raise RelationshipError("Choose the next step offered")
    relationship = _locked(by, relationship_id, expected)
    _check_move(relationship, Status.ENDED)
    today = timezone.localdate()
    relationship.status = Status.ENDED
    relationship.ended_on = today
    relationship.end_reason, relationship.outcome = reason, outcome
    relationship.next_step = next_step
    relationship.save(
        update_fields=["status", "ended_on", "end_reason", "outcome", "next_step", "updated_at"]
    )
    relationship.supporter_links.filter(left_on__isnull=True).update(left_on=today)
    Match.objects.filter(supporter_link__relationship=relationship).exclude(
        status=MatchStatus.ENDED
    ).update(status=MatchStatus.ENDED)
    _history(by, relationship, expected, note or EndReason(reason).label)
    audit_record(
        by=by,
        action="relationships.ended",
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
) -> Contact:
    """Record a contact (or a missed or cancelled one). The first contact that happens begins
    the support; the supporter's time goes into the volunteer hours ledger once. A concern
    raised from the same screen (`concern_kind`, `concern_detail`) is saved with the contact, or
    neither is."""
    relationship = _locked(by, relationship_id, None)
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
        _check_concern(concern_kind, concern_detail)
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
            _begin(by, relationship, happened_on, "First contact made, support started")
            _history(by, relationship, expected, "First contact made")
        if relationship.last_contact_on is None or happened_on > relationship.last_contact_on:
            relationship.last_contact_on = happened_on
            relationship.save(update_fields=["last_contact_on", "updated_at"])
        if volunteer is not None and duration_minutes:
            from kindred.volunteers.services import hours_record

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
        action="relationships.contact_logged",
        target=contact,
        detail={"relationship": str(relationship.pk), "outcome": outcome, "feeling": feeling},
    )
    if concern_kind:
        concern_raise(
            by=by,
            relationship_id=relationship.pk,
            kind=concern_kind,
            detail=concern_detail,
            contact=contact,
        )
    return contact


def _check_concern(kind: str, detail: str) -> None:
    if kind not in ConcernKind.values:
        raise RelationshipError("Choose what kind of concern this is", field="concern_kind")
    if not detail.strip():
        raise RelationshipError("Say what worries you", field="concern_detail")


@transaction.atomic
def concern_raise(
    *,
    by: Acting,
    relationship_id: uuid.UUID,
    kind: str,
    detail: str,
    contact: Contact | None = None,
) -> Concern:
    """A supporter raises a worry for the coordinator (safeguarding or crisis follow-up). The
    organisation's coordinators and safeguarding leads are told at once (no personal data in
    the message: they sign in to read it)."""
    _check_concern(kind, detail)
    detail = detail.strip()
    relationship = _locked(by, relationship_id, None)
    if contact is not None and contact.relationship_id != relationship.pk:
        raise RelationshipError("That contact belongs to another relationship")
    concern = Concern.objects.create(
        organisation=relationship.organisation,
        relationship=relationship,
        contact=contact,
        kind=kind,
        detail=detail[:5000],
        raised_by=by.user,
    )
    audit_record(
        by=by,
        action="relationships.concern_raised",
        target=concern,
        detail={"relationship": str(relationship.pk), "kind": kind},
    )
    from kindred.notifications.services import notification_send
    from kindred.relationships.selectors import recipients_of_concerns

    subject = CONCERN_SUBJECTS[kind]
    for recipient in recipients_of_concerns(organisation=relationship.organisation):
        notification_send(
            by=Acting.system("relationship concerns", organisation=relationship.organisation),
            to=recipient.email,
            subject=subject,
            body=(
                f"{subject} about someone your organisation supports. Sign in to Kindred to read "
                "it and respond. If someone is in danger now, call 999."
            ),
            kind="relationships.concern_raised",
            target=concern,
        )
    return concern


@transaction.atomic
def concern_respond(*, by: Acting, concern_id: uuid.UUID, response: str) -> Concern:
    """A coordinator or safeguarding lead records what they did about a concern. If someone
    else responded first, the second is told and nothing changes."""
    organisation = _organisation(by)
    response = response.strip()
    if not response:
        raise RelationshipError("Say what you have done or will do", field="response")
    try:
        concern = Concern.objects.select_for_update().get(pk=concern_id, organisation=organisation)
    except Concern.DoesNotExist as missing:
        raise RelationshipError("That concern is not in this organisation") from missing
    if concern.acknowledged_at is not None:
        raise RelationshipChanged(
            "Someone else responded to this concern while you were looking at it. Read their "
            "response below."
        )
    concern.acknowledged_at = timezone.now()
    concern.acknowledged_by = by.user
    concern.response = response[:5000]
    concern.save(update_fields=["acknowledged_at", "acknowledged_by", "response", "updated_at"])
    audit_record(
        by=by,
        action="relationships.concern_responded",
        target=concern,
        detail={"relationship": str(concern.relationship_id)},
    )
    return concern


def relationship_viewed(*, by: Acting, relationships: Sequence[Relationship], where: str) -> None:
    """Someone read these relationships' records (the person's details with them): one audit
    entry each, on the person, so the person's own audit trail shows it."""
    for relationship in relationships:
        audit_record(
            by=by,
            action="relationships.viewed",
            target=relationship.person,
            detail={"relationship": str(relationship.pk), "where": where},
        )


def access_refused(*, by: Acting, relationship: Relationship, route: str) -> None:
    """Someone tried to open or act on a relationship they do not support: recorded, then
    answered as if it did not exist."""
    audit_record(
        by=by,
        action="relationships.refused",
        target=relationship,
        detail={"route": route},
    )


@transaction.atomic
def relationship_reviewed(*, by: Acting, relationship_id: uuid.UUID, on: dt.date) -> Relationship:
    """A progress review was held on `on`: the next is planned `review_every_days` later.
    Called by the wellbeing app when a review is recorded."""
    relationship = _locked(by, relationship_id, None)
    if relationship.status not in (Status.ACTIVE, Status.PAUSED):
        raise RelationshipError("Reviews are recorded for active or paused relationships")
    if on > timezone.localdate() or (relationship.started_on and on < relationship.started_on):
        raise RelationshipError("The review date must be between the start and today")
    relationship.next_review_on = on + dt.timedelta(days=relationship.review_every_days)
    relationship.save(update_fields=["next_review_on", "updated_at"])
    audit_record(by=by, action="relationships.reviewed", target=relationship)
    return relationship
