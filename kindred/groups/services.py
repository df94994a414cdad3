"""Writes for groups: each one transaction, checked again under a lock, audited at its end
(ADR-107). Bad input is refused with a `DomainError` whose message the page shows as it is, and
nothing is half-saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import User
from kindred.core.services import Acting, audit_record
from kindred.core.transitions import DomainError
from kindred.groups import audit_actions, schedule
from kindred.groups.models import (
    SESSION_MACHINE,
    FacilitatorKind,
    Group,
    GroupFacilitator,
    GroupMember,
    GroupRegular,
    NamedAttendance,
    RegularAttendance,
    Session,
    SessionHistory,
    SessionStatus,
    Venue,
)
from kindred.notifications.models import Notification
from kindred.notifications.services import BadRecipient, recipient_for
from kindred.people import identifiers
from kindred.people.messages import NotToBeTexted, person_text
from kindred.people.models import Person

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
        raise DomainError("That schedule gives no sessions at all. Check the dates and try again")


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
    existing = {
        s.starts_at: s
        for s in group.sessions.filter(starts_at__gte=start_of_window).prefetch_related("history")
    }
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
                raise DomainError(
                    f"{group.venue.name} is already booked by {other.group.name} on "
                    f"{when:%A} {when.day} {when:%B %Y at %H:%M}. Choose another time or venue"
                )
        if occurrence.starts_at not in existing:
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
    ):  # fmt: skip
        value = getattr(details, name)
        setattr(group, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def group_create(*, by: Acting, details: GroupDetails, today: dt.date | None = None) -> Group:
    organisation = _organisation(by)
    if details.venue.organisation_id != organisation.pk:
        raise DomainError("Choose one of your organisation's venues")
    _check_schedule(details)
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
    members = group.members.count()
    if details.capacity is not None and details.capacity < members:
        raise DomainError(
            f"The group has {members} members, so its capacity cannot be less than {members}"
        )
    _apply(group, details)
    group.save()
    _set_facilitators(group, details)
    _materialise(group=group, today=today or timezone.localdate())
    audit_record(
        by=by, action=audit_actions.GROUP_CHANGED, target=group, detail={"rule": group.rule}
    )
    return group


@transaction.atomic
def sessions_extend(*, by: Acting, group: Group, today: dt.date | None = None) -> int:
    """Keep the weeks ahead filled as time passes (run daily and when a group page opens)."""
    group = _organisation(by).peer_groups.select_for_update().get(pk=group.pk)
    return _materialise(group=group, today=today or timezone.localdate())


@transaction.atomic
def member_add(
    *, by: Acting, group: Group, person: Person, today: dt.date | None = None
) -> GroupMember:
    organisation = _organisation(by)
    group = organisation.peer_groups.select_for_update().get(pk=group.pk)
    if person.organisation_id != organisation.pk:
        raise DomainError("Choose someone from your organisation")
    if group.members.filter(person=person).exists():
        raise DomainError(f"{person.display_name} is already a member of {group.name}")
    if group.capacity is not None and group.members.count() >= group.capacity:
        raise DomainError(f"{group.name} is full: it has {group.capacity} places")
    member = GroupMember.objects.create(
        group=group, person=person, joined_on=today or timezone.localdate()
    )
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
    audit_record(
        by=by, action=audit_actions.SESSION_CANCELLED, target=session, detail={"reason": reason}
    )
    return session


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


REMINDER_KIND = "groups.session_reminder"


def session_reminders_send(*, by: Acting, session: Session) -> int:
    """Text each member of the session's group a reminder of it (the day before), where they
    have agreed to be contacted by text (people.messages.person_text: the generic template, no
    health details, not even the group's name). Each member is reminded of a session once,
    however often this runs. Returns how many reminders were queued."""
    if session.status != SessionStatus.SCHEDULED:
        return 0
    organisation = session.organisation
    already = set(
        organisation.notifications.filter(
            kind=REMINDER_KIND, target_id=str(session.pk)
        ).values_list("recipient", flat=True)
    )
    when = timezone.localtime(session.starts_at)
    sent = 0
    members = session.group.members.select_related("person").order_by("pk")
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
    try:
        return recipient_for(Notification.Channel.SMS, phone)
    except BadRecipient:
        return ""
