"""Writes for groups: each one transaction, checked again under a lock, audited at its end
(ADR-107). Bad input is refused with a `DomainError` whose message the page shows as it is, and
nothing is half-saved."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kindred.accounts.models import Organisation, Role, User
from kindred.core.services import Acting, audit_record
from kindred.core.transitions import ChangedSinceYouLooked, DomainError
from kindred.groups import audit_actions, schedule
from kindred.groups.models import (
    LISTED,
    MISSED_DEFAULT,
    OFFER_DAYS_DEFAULT,
    PLACE_MACHINE,
    PROMPT_MACHINE,
    SESSION_MACHINE,
    CrisisCall,
    FacilitatorKind,
    Group,
    GroupFacilitator,
    GroupMember,
    GroupRegular,
    MissingPrompt,
    NamedAttendance,
    PlaceStatus,
    PromptHistory,
    PromptStatus,
    RegularAttendance,
    Session,
    SessionHistory,
    SessionStatus,
    Venue,
    WaitingHistory,
    WaitingPlace,
)
from kindred.notifications.models import Notification
from kindred.notifications.services import BadRecipient, notification_send, recipient_for
from kindred.people import identifiers
from kindred.people.messages import NotToBeTexted, person_text
from kindred.people.models import Person
from kindred.safeguarding import selectors as safeguarding
from kindred.safeguarding.models import Level, Source
from kindred.safeguarding.services import Raised, concern_raise
from kindred.volunteers.models import HoursSource, Volunteer
from kindred.volunteers.services import hours_record

#: How far ahead sessions exist as rows (to take attendance, cancel, check venue clashes).
WEEKS_AHEAD = 8


@dataclass(frozen=True)
class VenueDetails:
    name: str
    address: str
    postcode: str
    step_free: bool = False
    hearing_loop: bool = False
    accessible_toilet: bool = False
    parking: bool = False


@dataclass(frozen=True)
class GroupDetails:
    name: str
    description: str
    model: str
    venue: Venue
    rule: str
    first_on: dt.date
    starts: dt.time
    ends: dt.time
    capacity: int | None
    joining: str
    carers_welcome: bool
    cost: str
    enquiries: str
    published: bool
    peer_leaders: Sequence[User] = field(default_factory=tuple)
    professionals: Sequence[User] = field(default_factory=tuple)
    missed_before_prompt: int = MISSED_DEFAULT
    offer_days: int = OFFER_DAYS_DEFAULT
    duty_professional: User | None = None


class GroupError(DomainError):
    """A refusal about one form field (`field`), so the page shows it beside that field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _organisation(by: Acting):  # type: ignore[no-untyped-def]
    if by.organisation is None:
        raise DomainError("Choose the organisation you are acting for first")
    return by.organisation


# Venues


@transaction.atomic
def venue_save(*, by: Acting, details: VenueDetails, venue: Venue | None = None) -> Venue:
    """Add a venue, or change one; the postcode must be a real one (ONS data)."""
    organisation = _organisation(by)
    try:
        found = identifiers.lookup(details.postcode)
    except identifiers.PostcodeError as unknown:
        raise DomainError(str(unknown)) from unknown
    if venue is None:
        venue = Venue(organisation=organisation)
        action = audit_actions.VENUE_ADDED
    else:
        venue = organisation.venues.select_for_update().get(pk=venue.pk)
        action = audit_actions.VENUE_CHANGED
    venue.name = details.name.strip()
    venue.address = details.address.strip()
    venue.postcode = found.postcode
    venue.easting, venue.northing = found.easting, found.northing
    for flag in ("step_free", "hearing_loop", "accessible_toilet", "parking"):
        setattr(venue, flag, getattr(details, flag))
    venue.save()
    audit_record(by=by, action=action, target=venue, detail={"postcode": venue.postcode})
    return venue


# Groups and their sessions


def _window(today: dt.date) -> tuple[dt.date, dt.date]:
    return today, today + dt.timedelta(weeks=WEEKS_AHEAD)


def _check_schedule(details: GroupDetails) -> None:
    if details.ends <= details.starts:
        raise DomainError("The end time must be after the start time")
    if not schedule.has_any(rule=details.rule, first=details.first_on, starts=details.starts):
        raise GroupError(
            "That schedule gives no sessions at all. Check the dates and try again",
            field="pattern",
        )


def _materialise(*, group: Group, today: dt.date) -> int:
    """Make the group's sessions for the weeks ahead match its schedule: add the missing ones,
    remove future ones the schedule no longer gives (only if nothing happened to them), and
    refuse a clash with another group's session at the same venue. Returns how many exist."""
    window_from, window_to = _window(today)
    wanted = schedule.occurrences(
        rule=group.rule,
        first=group.first_on,
        starts=group.starts,
        ends=group.ends,
        window_from=window_from,
        window_to=window_to,
    )
    start_of_window = dt.datetime.combine(window_from, dt.time.min, tzinfo=schedule.LONDON)
    # A moved session still stands for the slot the schedule gave it, so that slot is not
    # made again; and no new session may start where one was moved to.
    sessions = group.sessions.filter(
        Q(starts_at__gte=start_of_window) | Q(moved_from__gte=start_of_window)
    ).prefetch_related("history")
    existing = {s.slot: s for s in sessions}
    occupied = {s.starts_at for s in existing.values()}
    wanted_starts = {o.starts_at for o in wanted}
    for starts_at, session in existing.items():
        untouched = session.status == SessionStatus.SCHEDULED and not session.history.all()
        if starts_at not in wanted_starts and untouched:
            session.delete()
    clashes = (
        Session.objects.filter(
            venue=group.venue, status__in=[SessionStatus.SCHEDULED, SessionStatus.HELD]
        )
        .exclude(group=group)
        .filter(starts_at__gte=start_of_window)
        .select_related("group")
    )
    others = list(clashes)
    new = []
    for occurrence in wanted:
        for other in others:
            if other.starts_at < occurrence.ends_at and occurrence.starts_at < other.ends_at:
                when = timezone.localtime(other.starts_at)
                raise GroupError(
                    f"{group.venue.name} is already booked by {other.group.name} on "
                    f"{when:%A} {when.day} {when:%B %Y at %H:%M}. Choose another time or venue",
                    field="venue",
                )
        if occurrence.starts_at not in existing:
            if occurrence.starts_at in occupied:
                continue
            new.append(
                Session(
                    organisation=group.organisation,
                    group=group,
                    venue=group.venue,
                    starts_at=occurrence.starts_at,
                    ends_at=occurrence.ends_at,
                )
            )
        elif existing[occurrence.starts_at].status == SessionStatus.SCHEDULED:
            session = existing[occurrence.starts_at]
            if session.moved:
                continue  # a coordinator chose its time and venue
            if session.venue_id != group.venue.pk or session.ends_at != occurrence.ends_at:
                session.venue, session.ends_at = group.venue, occurrence.ends_at
                session.save(update_fields=["venue", "ends_at", "updated_at"])
    Session.objects.bulk_create(new)
    return len(wanted)


def _set_facilitators(group: Group, details: GroupDetails) -> None:
    group.facilitators.all().delete()
    chosen = {u.pk: (u, FacilitatorKind.PROFESSIONAL) for u in details.professionals}
    chosen |= {u.pk: (u, FacilitatorKind.PEER_LEADER) for u in details.peer_leaders}
    GroupFacilitator.objects.bulk_create(
        GroupFacilitator(group=group, user=user, kind=kind) for user, kind in chosen.values()
    )


def _apply(group: Group, details: GroupDetails) -> None:
    for name in (
        "name", "description", "model", "venue", "rule", "first_on", "starts", "ends",
        "capacity", "joining", "carers_welcome", "cost", "enquiries", "published",
        "missed_before_prompt", "offer_days", "duty_professional",
    ):  # fmt: skip
        value = getattr(details, name)
        setattr(group, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def group_create(*, by: Acting, details: GroupDetails, today: dt.date | None = None) -> Group:
    organisation = _organisation(by)
    if details.venue.organisation_id != organisation.pk:
        raise DomainError("Choose one of your organisation's venues")
    _check_schedule(details)
    _check_duty(organisation, details)
    group = Group(organisation=organisation)
    _apply(group, details)
    group.save()
    _set_facilitators(group, details)
    _materialise(group=group, today=today or timezone.localdate())
    audit_record(by=by, action=audit_actions.GROUP_ADDED, target=group, detail={"rule": group.rule})
    return group


@transaction.atomic
def group_update(
    *, by: Acting, group: Group, details: GroupDetails, today: dt.date | None = None
) -> Group:
    organisation = _organisation(by)
    group = organisation.peer_groups.select_for_update().get(pk=group.pk)
    if details.venue.organisation_id != organisation.pk:
        raise DomainError("Choose one of your organisation's venues")
    _check_schedule(details)
    _check_duty(organisation, details)
    members = group.members.filter(left_on__isnull=True).count()
    if details.capacity is not None and details.capacity < members:
        raise GroupError(
            f"The group has {members} members, so its capacity cannot be less than {members}",
            field="capacity",
        )
    _apply(group, details)
    group.save()
    _set_facilitators(group, details)
    today = today or timezone.localdate()
    _materialise(group=group, today=today)
    _offer_places(by=by, group=group, today=today)
    audit_record(
        by=by, action=audit_actions.GROUP_CHANGED, target=group, detail={"rule": group.rule}
    )
    return group


@transaction.atomic
def sessions_extend(*, by: Acting, group: Group, today: dt.date | None = None) -> int:
    """Keep the weeks ahead filled as time passes (run daily and when a group page opens)."""
    group = _organisation(by).peer_groups.select_for_update().get(pk=group.pk)
    return _materialise(group=group, today=today or timezone.localdate())


def _check_duty(organisation: Organisation, details: GroupDetails) -> None:
    duty = details.duty_professional
    if duty is not None and Role.DUTY_PROFESSIONAL not in duty.roles_in(organisation):
        raise GroupError(
            "Choose a duty professional of your organisation", field="duty_professional"
        )


def _taken(group: Group) -> int:
    """Places taken: members who have not left, and places offered and not yet answered."""
    members = group.members.filter(left_on__isnull=True).count()
    return members + group.waiting.filter(status=PlaceStatus.OFFERED).count()


def _join(group: Group, person: Person, today: dt.date) -> GroupMember:
    """Make `person` a member again if they left, or a new one."""
    member = group.members.filter(person=person).first()
    if member is None:
        return GroupMember.objects.create(group=group, person=person, joined_on=today)
    member.joined_on, member.left_on, member.left_reason = today, None, ""
    member.save(update_fields=["joined_on", "left_on", "left_reason", "updated_at"])
    return member


@transaction.atomic
def member_add(
    *, by: Acting, group: Group, person: Person, today: dt.date | None = None
) -> GroupMember:
    organisation = _organisation(by)
    group = organisation.peer_groups.select_for_update().get(pk=group.pk)
    if person.organisation_id != organisation.pk:
        raise DomainError("Choose someone from your organisation")
    if group.members.filter(person=person, left_on__isnull=True).exists():
        raise DomainError(f"{person.display_name} is already a member of {group.name}")
    if group.capacity is not None and _taken(group) >= group.capacity:
        raise DomainError(f"{group.name} is full: it has {group.capacity} places")
    if group.waiting.filter(status=PlaceStatus.WAITING).exists():
        raise DomainError(f"People are waiting for a place at {group.name}: they come first")
    member = _join(group, person, today or timezone.localdate())
    audit_record(
        by=by,
        action=audit_actions.GROUP_MEMBER_ADDED,
        target=person,
        detail={"group": str(group.pk)},
    )
    return member


@transaction.atomic
def regular_add(*, by: Acting, group: Group, nickname: str) -> GroupRegular:
    organisation = _organisation(by)
    group = organisation.peer_groups.select_for_update().get(pk=group.pk)
    nickname = nickname.strip()
    if not nickname:
        raise DomainError("Enter the name or nickname the group knows them by")
    if group.regulars.filter(nickname__iexact=nickname).exists():
        raise DomainError(f"{group.name} already has a regular called {nickname}")
    regular = GroupRegular.objects.create(group=group, nickname=nickname)
    audit_record(
        by=by,
        action=audit_actions.GROUP_REGULAR_ADDED,
        target=regular,
        detail={"group": str(group.pk)},
    )
    return regular


# Sessions


@transaction.atomic
def session_cancel(*, by: Acting, session: Session, expected: str, reason: str) -> Session:
    organisation = _organisation(by)
    session = organisation.group_sessions.select_for_update().get(pk=session.pk)
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter why the session is cancelled")
    SESSION_MACHINE.check(current=session.status, expected=expected, to=SessionStatus.CANCELLED)
    session.status = SessionStatus.CANCELLED
    session.cancelled_reason = reason
    session.save(update_fields=["status", "cancelled_reason", "updated_at"])
    SessionHistory.record(
        by=by, subject=session, from_state=expected, to_state=SessionStatus.CANCELLED, note=reason
    )
    told = _tell_about_change(by=by, session=session, change="cancelled")
    audit_record(
        by=by, action=audit_actions.SESSION_CANCELLED, target=session,
        detail={"reason": reason, "told": told},
    )  # fmt: skip
    return session


@transaction.atomic
def session_move(
    *,
    by: Acting,
    session: Session,
    expected: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    venue: Venue | None = None,
    seen_starts_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Session:
    """Move a scheduled session to another time (and, if chosen, another of the organisation's
    venues), with a reason. It keeps its id, so the directory's calendar feed shows it at its
    new time. Refused: a time in the past, an end before its start, a clash with another
    session at the venue or of the group. Whoever asked to be told is told once."""
    organisation = _organisation(by)
    session = (
        organisation.group_sessions.select_for_update().select_related("group").get(pk=session.pk)
    )
    reason = reason.strip()
    if not reason:
        raise GroupError("Enter why the session is moved", field="reason")
    if session.status != expected:
        SESSION_MACHINE.check(current=session.status, expected=expected, to=session.status)
    if seen_starts_at is not None and seen_starts_at != session.starts_at:
        raise ChangedSinceYouLooked(
            "Someone else moved this session while you were looking at it. Check its new time "
            "before doing anything else."
        )
    if session.status != SessionStatus.SCHEDULED:
        raise DomainError(f"This session is {session.get_status_display().lower()}: it cannot move")
    if venue is not None and venue.organisation_id != organisation.pk:
        raise GroupError("Choose one of your organisation's venues", field="venue")
    venue = venue or session.venue
    if starts_at <= (now or timezone.now()):
        raise GroupError("The new time must be in the future", field="starts_on")
    if ends_at <= starts_at:
        raise GroupError("The end time must be after the start time", field="ends")
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise GroupError("A session cannot last more than a day", field="ends")
    if session.starts_at == starts_at and session.ends_at == ends_at and session.venue == venue:
        raise GroupError("That is when and where it already is", field="starts_on")
    clash = (
        Session.objects.filter(Q(venue=venue) | Q(group=session.group))
        .exclude(pk=session.pk)
        .filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
        .filter(status__in=[SessionStatus.SCHEDULED, SessionStatus.HELD])
        .select_related("group", "venue")
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        when = timezone.localtime(clash.starts_at)
        where = (
            f"{clash.venue.name} is already booked by {clash.group.name}"
            if clash.venue_id == venue.pk
            else f"{clash.group.name} already meets at {clash.venue.name}"
        )
        raise GroupError(
            f"{where} on {when:%A} {when.day} {when:%B %Y at %H:%M}. Choose another time or venue",
            field="starts_on",
        )
    if session.group.sessions.filter(starts_at=starts_at).exclude(pk=session.pk).exists():
        raise GroupError(
            "A cancelled session of this group started at that time. Choose another time",
            field="starts_on",
        )
    before = timezone.localtime(session.starts_at)
    if session.moved_from is None:
        session.moved_from = session.starts_at
    session.starts_at, session.ends_at, session.venue = starts_at, ends_at, venue
    session.moved_reason = reason
    session.save(update_fields=["starts_at", "ends_at", "venue", "moved_from", "moved_reason",
                                "updated_at"])  # fmt: skip
    after = timezone.localtime(starts_at)
    SessionHistory.record(
        by=by, subject=session, from_state=expected, to_state=SessionStatus.SCHEDULED,
        note=f"Moved from {before:%d %b %Y %H:%M} to {after:%d %b %Y %H:%M}"
        f" at {venue.name}: {reason}",
    )  # fmt: skip
    told = _tell_about_change(by=by, session=session, change="moved")
    audit_record(
        by=by, action=audit_actions.SESSION_MOVED, target=session,
        detail={"from": before.isoformat(), "to": after.isoformat(), "venue": str(venue.pk),
                "reason": reason, "told": told},
    )  # fmt: skip
    return session


CHANGE_KINDS = {"cancelled": "groups.session_cancelled", "moved": "groups.session_moved"}


def _tell_about_change(*, by: Acting, session: Session, change: str) -> int:
    """Tell whoever asked to be told that a session is cancelled or moved, each once: the
    group's members who agreed to be texted (the generic text: the organisation and the time
    only, no health details, not even the group's name; two members sharing a phone get one
    text) and its facilitators by email. Queued in the caller's transaction; the worker sends
    them. Returns how many messages were queued."""
    organisation = session.organisation
    group = session.group
    when = timezone.localtime(session.starts_at)
    said = f"{when:%A} {when.day} {when:%B at %H:%M}"
    kind = CHANGE_KINDS[change]
    phones: set[str] = set()
    told = 0
    members = (
        group.members.filter(left_on__isnull=True)
        .select_related("person")
        .order_by("created_at", "pk")
    )
    for member in members:
        person = member.person
        if person.merged_into_id is not None or _normalised(person.phone) in phones:
            continue
        try:
            with transaction.atomic():
                person_text(
                    by=by, person=person,
                    template=f"people/messages/sms/session_{change}.jinja",
                    context={"organisation": organisation.name, "when": said},
                    kind=kind, about=session,
                )  # fmt: skip
        except (NotToBeTexted, BadRecipient):
            continue  # not agreed, or no number a text can go to: nothing is sent
        phones.add(_normalised(person.phone))
        told += 1
    emails = {
        f.user.email.strip().lower(): f.user.email
        for f in group.facilitators.select_related("user").order_by("pk")
        if f.user.is_active and f.user.email.strip()
    }
    for email in emails.values():
        notification_send(
            by=by, to=email, kind=kind, template=f"groups/messages/session_{change}.jinja",
            context={"group": group.name, "when": said, "venue": session.venue.name,
                     "organisation": organisation.name},
            about=session,
        )  # fmt: skip
        told += 1
    return told


@dataclass(frozen=True)
class Count:
    named: int
    regulars: int
    headcount: int

    @property
    def total(self) -> int:
        return self.named + self.regulars + self.headcount


@transaction.atomic
def attendance_record(
    *,
    by: Acting,
    session: Session,
    expected: str,
    members: Sequence[GroupMember],
    regulars: Sequence[GroupRegular],
    new_regulars: Sequence[str] = (),
    headcount: int,
) -> Count:
    """Who came: named members, regulars by nickname (new ones added as they are met) and a
    headcount of everyone else. Taking it again replaces it. Each person is counted once: a
    member or regular appears at most once, and the headcount is only of everyone else."""
    organisation = _organisation(by)
    session = (
        organisation.group_sessions.select_for_update().select_related("group").get(pk=session.pk)
    )
    group = session.group
    SESSION_MACHINE.check(current=session.status, expected=expected, to=SessionStatus.HELD)
    if timezone.localtime(session.starts_at).date() > timezone.localdate():
        raise DomainError("Attendance can only be taken on the day of the session or after it")
    if headcount < 0 or headcount > 500:
        raise DomainError("The headcount must be a number from 0 to 500")
    if any(m.group_id != group.pk for m in members) or any(
        r.group_id != group.pk for r in regulars
    ):
        raise DomainError("Choose people from this group's members and regulars")
    present = {r.pk: r for r in regulars}
    known = {r.nickname.lower(): r for r in group.regulars.all()}
    for nickname in new_regulars:
        nickname = nickname.strip()
        if not nickname:
            continue
        regular = known.get(nickname.lower())
        if regular is None:
            regular = GroupRegular.objects.create(group=group, nickname=nickname)
            known[nickname.lower()] = regular
        present[regular.pk] = regular
    named = {m.pk: m for m in members}
    session.named.all().delete()
    session.regulars_present.all().delete()
    NamedAttendance.objects.bulk_create(
        NamedAttendance(session=session, member=m) for m in named.values()
    )
    RegularAttendance.objects.bulk_create(
        RegularAttendance(session=session, regular=r) for r in present.values()
    )
    session.headcount = headcount
    session.status = SessionStatus.HELD
    session.save(update_fields=["headcount", "status", "updated_at"])
    count = Count(named=len(named), regulars=len(present), headcount=headcount)
    SessionHistory.record(
        by=by,
        subject=session,
        from_state=expected,
        to_state=SessionStatus.HELD,
        note=f"{count.total} came",
    )
    _facilitators_hours(by=by, session=session)
    audit_record(
        by=by,
        action=audit_actions.ATTENDANCE_RECORDED,
        target=session,
        detail={
            "named": count.named,
            "regulars": count.regulars,
            "headcount": count.headcount,
            "people": [str(m.person_id) for m in named.values()],
        },
    )
    return count


def _facilitators_hours(*, by: Acting, session: Session) -> int:
    """Each facilitator of the group who volunteers (a volunteer record linked to their
    account) has the session's length in the volunteer hours ledger, once: the ledger counts a
    source once (volunteers, ADR-032), so taking attendance again changes nothing."""
    group = session.group
    users = [f.user_id for f in group.facilitators.all()]
    if not users:
        return 0
    minutes = max(
        1, min(24 * 60, round((session.ends_at - session.starts_at).total_seconds() / 60))
    )
    volunteers = list(
        Volunteer.objects.filter(organisation_id=session.organisation_id, user_id__in=users)
        .select_related("organisation")
        .order_by("pk")
    )
    for volunteer in volunteers:
        hours_record(
            by=by, volunteer=volunteer, source=HoursSource.GROUP_SESSION,
            source_ref=str(session.pk), worked_on=timezone.localdate(session.starts_at),
            minutes=minutes, description=f"Facilitating {group.name}"[:200],
        )  # fmt: skip
    return len(volunteers)


REMINDER_KIND = "groups.session_reminder"


def session_reminders_send(*, by: Acting, session: Session) -> int:
    """Text each member of the session's group a reminder of it (the day before), where they
    have agreed to be contacted by text (people.messages.person_text: the generic template, no
    health details, not even the group's name). Each member is reminded of a session once,
    however often this runs. Returns how many reminders were queued."""
    if session.status != SessionStatus.SCHEDULED:
        return 0
    organisation = session.organisation
    reminded = organisation.notifications.filter(kind=REMINDER_KIND, target_id=str(session.pk))
    if session.moved:
        # A reminder of where it was before it moved does not count: remind of the new time.
        last_move = session.history.order_by("-occurred_at").values_list("occurred_at", flat=True)
        reminded = reminded.filter(created_at__gt=last_move[:1])
    already = set(reminded.values_list("recipient", flat=True))
    when = timezone.localtime(session.starts_at)
    sent = 0
    members = (
        session.group.members.filter(left_on__isnull=True).select_related("person").order_by("pk")
    )
    for member in members:
        person = member.person
        if person.merged_into_id is not None:
            continue
        try:
            with transaction.atomic():
                if _normalised(person.phone) in already:
                    continue
                person_text(
                    by=by,
                    person=person,
                    template="people/messages/sms/session_tomorrow.jinja",
                    context={"organisation": organisation.name, "when": f"{when:%H:%M}"},
                    kind=REMINDER_KIND,
                    about=session,
                )
                sent += 1
        except (NotToBeTexted, BadRecipient):
            continue  # not agreed, or no number a text can go to: nothing is sent
    return sent


def _normalised(phone: str) -> str:
    if not phone.strip():
        return ""
    try:
        return recipient_for(Notification.Channel.SMS, phone)
    except BadRecipient:
        return ""


# Leaving, and waiting lists (ADR-114)


def _audit_place(by: Acting, action: str, place: WaitingPlace) -> None:
    audit_record(
        by=by, action=action, target=place.person,
        detail={"group": str(place.group_id), "place": str(place.pk), "status": place.status},
    )  # fmt: skip


def _move_place(by: Acting, place: WaitingPlace, expected: str, to: str, note: str = "") -> None:
    PLACE_MACHINE.check(current=place.status, expected=expected, to=to)
    from_state, place.status = place.status, to
    WaitingHistory.record(by=by, subject=place, from_state=from_state, to_state=to, note=note)


def _offer_places(*, by: Acting, group: Group, today: dt.date) -> list[WaitingPlace]:
    """Offer each free place to the next person waiting, in order, with `offer_days` to answer.
    The group must be locked by the caller."""
    offered: list[WaitingPlace] = []
    if group.capacity is None:
        return offered
    free = group.capacity - _taken(group)
    if free <= 0:
        return offered
    waiting = list(
        group.waiting.select_for_update()
        .filter(status=PlaceStatus.WAITING)
        .order_by("added_at", "pk")[:free]
    )
    for place in waiting:
        _move_place(by, place, PlaceStatus.WAITING, PlaceStatus.OFFERED)
        place.offered_at = timezone.now()
        place.answer_by = today + dt.timedelta(days=group.offer_days)
        place.save(update_fields=["status", "offered_at", "answer_by", "updated_at"])
        _audit_place(by, audit_actions.PLACE_OFFERED, place)
        offered.append(place)
    return offered


@dataclass(frozen=True)
class Referred:
    """What became of someone referred to a group: a member now, or a place on its list."""

    member: GroupMember | None = None
    place: WaitingPlace | None = None
    position: int = 0


@transaction.atomic
def member_refer(
    *, by: Acting, group: Group, person: Person, today: dt.date | None = None
) -> Referred:
    """Someone referred to a group joins it if it has a free place and nobody is waiting;
    otherwise they wait, in order."""
    organisation = _organisation(by)
    group = organisation.peer_groups.select_for_update().get(pk=group.pk)
    if person.organisation_id != organisation.pk:
        raise DomainError("Choose someone from your organisation")
    if group.members.filter(person=person, left_on__isnull=True).exists():
        raise DomainError(f"{person.display_name} is already a member of {group.name}")
    if group.waiting.filter(person=person, status__in=LISTED).exists():
        raise DomainError(f"{person.display_name} is already on the waiting list of {group.name}")
    full = group.capacity is not None and _taken(group) >= group.capacity
    if not full and not group.waiting.filter(status=PlaceStatus.WAITING).exists():
        return Referred(member=member_add(by=by, group=group, person=person, today=today))
    place = WaitingPlace.objects.create(
        organisation=organisation, group=group, person=person, added_at=timezone.now()
    )
    WaitingHistory.record(by=by, subject=place, from_state="", to_state=PlaceStatus.WAITING)
    _audit_place(by, audit_actions.PLACE_ADDED, place)
    position = group.waiting.filter(status=PlaceStatus.WAITING).count()
    return Referred(place=place, position=position)


@transaction.atomic
def member_leave(
    *, by: Acting, member: GroupMember, reason: str, today: dt.date | None = None
) -> list[WaitingPlace]:
    """A member leaves, with a reason (kept). Their place is offered to the next person
    waiting. Returns the places offered."""
    organisation = _organisation(by)
    group = organisation.peer_groups.select_for_update().get(pk=member.group_id)
    member = group.members.select_for_update().select_related("person").get(pk=member.pk)
    reason = " ".join(reason.split())
    if not reason:
        raise GroupError("Enter why they are leaving", field="reason")
    if member.left_on is not None:
        raise DomainError(f"{member.person.display_name} has already left {group.name}")
    today = today or timezone.localdate()
    member.left_on, member.left_reason = today, reason
    member.watched_since, member.watched_by, member.watched_by_label = None, None, ""
    member.save(
        update_fields=["left_on", "left_reason", "watched_since", "watched_by",
                       "watched_by_label", "updated_at"]
    )  # fmt: skip
    audit_record(
        by=by, action=audit_actions.GROUP_MEMBER_LEFT, target=member.person,
        detail={"group": str(group.pk), "reason": reason},
    )  # fmt: skip
    return _offer_places(by=by, group=group, today=today)


@transaction.atomic
def offer_answer(
    *, by: Acting, place: WaitingPlace, expected: str, accepted: bool, today: dt.date | None = None
) -> WaitingPlace:
    """The coordinator records the answer to an offered place: yes makes them a member; no
    passes the place to the next person waiting."""
    organisation = _organisation(by)
    group = organisation.peer_groups.select_for_update().get(pk=place.group_id)
    place = group.waiting.select_for_update().select_related("person").get(pk=place.pk)
    today = today or timezone.localdate()
    _move_place(by, place, expected, PlaceStatus.ACCEPTED if accepted else PlaceStatus.DECLINED)
    place.answered_at = timezone.now()
    place.save(update_fields=["status", "answered_at", "updated_at"])
    _audit_place(by, audit_actions.PLACE_ANSWERED, place)
    if accepted:
        _join(group, place.person, today)
        audit_record(
            by=by, action=audit_actions.GROUP_MEMBER_ADDED, target=place.person,
            detail={"group": str(group.pk), "from_waiting_list": True},
        )  # fmt: skip
    else:
        _offer_places(by=by, group=group, today=today)
    return place


def offers_lapse(*, by: Acting, today: dt.date | None = None) -> int:
    """Offers not answered by their date pass to the next person waiting (the daily job).
    Each group is its own transaction. Returns how many offers lapsed."""
    organisation = _organisation(by)
    today = today or timezone.localdate()
    lapsed = 0
    due = (
        organisation.group_waiting_places.filter(status=PlaceStatus.OFFERED, answer_by__lt=today)
        .values_list("group_id", flat=True)
        .distinct()
    )
    for group_id in list(due):
        with transaction.atomic():
            group = organisation.peer_groups.select_for_update().get(pk=group_id)
            for place in group.waiting.select_for_update().filter(
                status=PlaceStatus.OFFERED, answer_by__lt=today
            ):
                _move_place(by, place, PlaceStatus.OFFERED, PlaceStatus.LAPSED, "not answered")
                place.save(update_fields=["status", "updated_at"])
                _audit_place(by, audit_actions.PLACE_LAPSED, place)
                lapsed += 1
            _offer_places(by=by, group=group, today=today)
    return lapsed


# The safety net for missing regulars (ADR-113)


def _subject_label(subject: GroupMember | GroupRegular) -> str:
    return "member" if isinstance(subject, GroupMember) else "regular"


@transaction.atomic
def safety_net_set(
    *,
    by: Acting,
    subject: GroupMember | GroupRegular,
    watched: bool,
    since: dt.datetime | None = None,
) -> GroupMember | GroupRegular:
    """A member or regular opts in to "tell someone if I stop coming" (or out again), as
    recorded by a facilitator or coordinator, with when and by whom. `since`: when they asked,
    if that was earlier than now (never later)."""
    organisation = _organisation(by)
    model = type(subject)
    locked = model.objects.select_for_update().get(pk=subject.pk, group__organisation=organisation)
    now = timezone.now()
    if since is not None and since > now:
        raise DomainError("When they asked must be now or in the past")
    if watched and locked.watched_since is None:
        locked.watched_since = since or now
        locked.watched_by = by.user
        locked.watched_by_label = by.actor_label
    elif not watched:
        locked.watched_since, locked.watched_by, locked.watched_by_label = None, None, ""
    locked.save(update_fields=["watched_since", "watched_by", "watched_by_label", "updated_at"])
    target = locked.person if isinstance(locked, GroupMember) else locked
    audit_record(
        by=by,
        action=audit_actions.SAFETY_NET_ON if watched else audit_actions.SAFETY_NET_OFF,
        target=target,
        detail={"group": str(locked.group_id), "who": _subject_label(locked)},
    )
    return locked


@dataclass(frozen=True)
class Streak:
    """How many held sessions in a row someone has missed, and the first of them."""

    missed: int
    since: dt.datetime | None


def missed_in_a_row(
    *, held: Sequence[tuple[dt.datetime, set[uuid.UUID]]], since: dt.datetime
) -> Streak:
    """`held`: the group's held sessions, newest first, each with who of the watched came.
    Counts back from the newest until one they came to, or one before `since` (when they
    opted in, or were last prompted about)."""
    missed, first = 0, None
    for starts_at, _present in held:
        if starts_at < since:
            break
        if _present:
            break
        missed, first = missed + 1, starts_at
    return Streak(missed=missed, since=first)


def _facilitator_emails(group: Group) -> list[str]:
    emails = [f.user.email for f in group.facilitators.select_related("user") if f.user.is_active]
    if emails:
        return emails
    # Nobody runs the group: its organisation's coordinators are prompted instead.
    return list(
        User.objects.filter(
            memberships__organisation=group.organisation,
            memberships__role=Role.COORDINATOR,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .values_list("email", flat=True)
    )


@transaction.atomic
def missing_check(
    *, by: Acting, group: Group, now: dt.datetime | None = None
) -> list[MissingPrompt]:
    """Prompt the group's facilitators about each opted-in member or regular who has missed
    `missed_before_prompt` held sessions in a row (cancelled sessions, and sessions nobody took
    attendance at, do not count). Once prompted, the count starts again from the prompt; while a
    prompt is open, no other is raised about them."""
    organisation = _organisation(by)
    group = organisation.peer_groups.select_for_update().get(pk=group.pk)
    now = now or timezone.now()
    members = list(group.members.filter(left_on__isnull=True, watched_since__isnull=False))
    regulars = list(group.regulars.filter(watched_since__isnull=False))
    if not members and not regulars:
        return []
    earliest = min(s.watched_since for s in [*members, *regulars] if s.watched_since)
    sessions = list(
        group.sessions.filter(
            status=SessionStatus.HELD, starts_at__gte=earliest, starts_at__lte=now
        ).order_by("-starts_at")
    )
    came_named: dict[uuid.UUID, set[uuid.UUID]] = {s.pk: set() for s in sessions}
    came_regular: dict[uuid.UUID, set[uuid.UUID]] = {s.pk: set() for s in sessions}
    for session_id, member_id in NamedAttendance.objects.filter(
        session__in=sessions, member__in=members
    ).values_list("session_id", "member_id"):
        came_named[session_id].add(member_id)
    for session_id, regular_id in RegularAttendance.objects.filter(
        session__in=sessions, regular__in=regulars
    ).values_list("session_id", "regular_id"):
        came_regular[session_id].add(regular_id)
    prompts = list(group.missing_prompts.order_by("raised_at"))
    last_prompt: dict[uuid.UUID, MissingPrompt] = {}
    for prompt in prompts:
        last_prompt[prompt.member_id or prompt.regular_id] = prompt  # type: ignore[index]
    raised: list[MissingPrompt] = []
    for subject, came in [(m, came_named) for m in members] + [(r, came_regular) for r in regulars]:
        previous = last_prompt.get(subject.pk)
        if previous is not None and previous.status == PromptStatus.OPEN:
            continue
        since = subject.watched_since
        assert since is not None
        if previous is not None and previous.raised_at > since:
            since = previous.raised_at
        held = [(s.starts_at, came[s.pk] & {subject.pk}) for s in sessions]
        streak = missed_in_a_row(held=held, since=since)
        if streak.missed < group.missed_before_prompt or streak.since is None:
            continue
        prompt = MissingPrompt.objects.create(
            organisation=organisation, group=group,
            member=subject if isinstance(subject, GroupMember) else None,
            regular=subject if isinstance(subject, GroupRegular) else None,
            missed=streak.missed, since=streak.since, raised_at=now,
        )  # fmt: skip
        PromptHistory.record(by=by, subject=prompt, from_state="", to_state=PromptStatus.OPEN)
        for email in _facilitator_emails(group):
            notification_send(
                by=by, to=email, kind="groups.missing_regular",
                template="groups/messages/missing_regular.jinja",
                context={"group": group.name, "missed": streak.missed,
                         "organisation": organisation.name},
                about=prompt,
            )  # fmt: skip
        audit_record(
            by=by, action=audit_actions.PROMPT_RAISED, target=prompt,
            detail={"group": str(group.pk), "who": _subject_label(subject),
                    "missed": streak.missed},
        )  # fmt: skip
        raised.append(prompt)
    return raised


@transaction.atomic
def prompt_resolve(
    *,
    by: Acting,
    prompt: MissingPrompt,
    expected: str,
    worried: bool,
    note: str = "",
    level: str = Level.MEDIUM,
) -> Raised | None:
    """A facilitator answers a prompt: they checked in and all is fine, or they are worried, and
    one tap raises a safeguarding concern about the person (or the regular, described by their
    nickname and group). Nothing leaves the group until this is done."""
    organisation = _organisation(by)
    prompt = (
        organisation.missing_prompts.select_for_update(of=("self",))
        .select_related("group", "member__person", "regular")
        .get(pk=prompt.pk)
    )
    to = PromptStatus.CONCERN if worried else PromptStatus.ALL_FINE
    PROMPT_MACHINE.check(current=prompt.status, expected=expected, to=to)
    note = note.strip()
    raised = None
    if worried:
        group, subject = prompt.group, prompt.subject
        when = timezone.localtime(prompt.since)
        detail = (
            f"{subject.name} asked {group.name} to tell someone if they stopped coming. They "
            f"have missed {prompt.missed} sessions in a row, since {when:%d %B %Y}, and the "
            "facilitator is worried."
        )
        if note:
            detail += f" {note}"
        raised = concern_raise(
            by=by, level=level, detail=detail, source=Source.MISSING_REGULAR,
            person=prompt.member.person if prompt.member else None,
            about="" if prompt.member else f"{subject.name}, a regular at {group.name}",
        )  # fmt: skip
        prompt.concern = raised.concern
    prompt.status = to
    prompt.resolved_at = timezone.now()
    prompt.resolved_by = by.user
    prompt.note = note
    prompt.save(
        update_fields=["status", "resolved_at", "resolved_by", "note", "concern", "updated_at"]
    )
    PromptHistory.record(by=by, subject=prompt, from_state=expected, to_state=to, note=note)
    audit_record(
        by=by, action=audit_actions.PROMPT_RESOLVED, target=prompt,
        detail={"status": to, "concern": str(prompt.concern_id or "")},
    )  # fmt: skip
    return raised


# Calling in a professional from a session


def duty_professional_for(group: Group) -> User | None:
    """The group's own duty professional if it named one who still holds the role, else the
    organisation's (safeguarding's arrangements), else nobody."""
    organisation = group.organisation
    own = group.duty_professional
    if own is not None and own.is_active and Role.DUTY_PROFESSIONAL in own.roles_in(organisation):
        return own
    return safeguarding.duty_professional_of(
        safeguarding.arrangements_of(organisation=organisation)
    )


@transaction.atomic
def crisis_call_record(
    *,
    by: Acting,
    session: Session,
    called: str,
    detail: str,
    member: GroupMember | None = None,
    regular: GroupRegular | None = None,
    description: str = "",
    level: str = Level.HIGH,
) -> tuple[CrisisCall, Raised]:
    """Someone at a session is in crisis and a professional was called: recorded, and raised as a
    safeguarding concern (high unless the facilitator chose otherwise) that reaches the group's
    or organisation's duty professional at once, whatever its level."""
    organisation = _organisation(by)
    session = (
        organisation.group_sessions.select_for_update(of=("self",))
        .select_related("group__duty_professional")
        .get(pk=session.pk)
    )
    group = session.group
    description = " ".join(description.split())
    if sum(x is not None for x in (member, regular)) + bool(description) != 1:
        raise GroupError(
            "Choose who is in crisis, or describe them if they are not listed", field="who"
        )
    if (member is not None and (member.group_id != group.pk or member.left_on is not None)) or (
        regular is not None and regular.group_id != group.pk
    ):
        raise GroupError("Choose someone from this group", field="who")
    called = " ".join(called.split())
    if not called:
        raise GroupError("Say who was called, for example the crisis team", field="called")
    if len(called) > 300:
        raise GroupError("Who was called must be 300 characters or fewer", field="called")
    professional = duty_professional_for(group)
    when = timezone.localtime(session.starts_at)
    about = ""
    if regular is not None:
        about = f"{regular.nickname}, a regular at {group.name}"
    elif member is None:
        about = f"{description}, at {group.name}"
    raised = concern_raise(
        by=by, level=level,
        detail=f"In crisis at {group.name} ({when:%d %B %Y}, {when:%H:%M}). {called} was called. "
        f"{detail.strip()}",
        source=Source.GROUP_SESSION,
        person=member.person if member is not None else None, about=about,
        happened_at=timezone.now(), duty_professional=professional,
    )  # fmt: skip
    call = CrisisCall.objects.create(
        organisation=organisation, session=session, member=member, regular=regular,
        description=description, called=called, professional=professional, level=level,
        concern=raised.concern, recorded_at=timezone.now(), recorded_by=by.user,
    )  # fmt: skip
    audit_record(
        by=by, action=audit_actions.CRISIS_CALL_RECORDED, target=call,
        detail={"session": str(session.pk), "concern": str(raised.concern.pk), "level": level},
    )  # fmt: skip
    return call, raised
