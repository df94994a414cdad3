"""A session moved or cancelled (whoever asked to be told is told, once per change) and the
facilitators' time in the volunteer hours ledger (once, however often attendance is taken)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked, DomainError
from kindred.groups import audit_actions, schedule, services
from kindred.groups.models import GroupFacilitator, Session, SessionStatus
from kindred.groups.tests.factories import make_group, make_venue
from kindred.notifications.models import Notification
from kindred.people.models import ConsentKind, ContactMethod
from kindred.people.services import consent_record
from kindred.people.tests.factories import PersonFactory
from kindred.volunteers.models import HoursSource, VolunteerHours
from kindred.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

LONDON = schedule.LONDON


def member(by, group, name, *, agreed=True, phone="07911 123456", prefers=ContactMethod.TEXT):
    person = PersonFactory(
        organisation=group.organisation, given_name=name, preferred_name="", phone=phone,
        preferred_contact=prefers,
    )  # fmt: skip
    consent_record(by=by, person=person, kind=ConsentKind.CONTACT, given=agreed)
    services.member_add(by=by, group=group, person=person)
    return person


def run_by(group, user, kind="peer_leader"):
    GroupFacilitator.objects.create(group=group, user=user, kind=kind)


def local(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def second(group) -> Session:
    found: Session = group.sessions.order_by("starts_at")[1]
    return found


def move(by, session, starts_at, ends_at=None, **more):
    return services.session_move(
        by=by, session=session, expected=more.pop("expected", "scheduled"), starts_at=starts_at,
        ends_at=ends_at or starts_at + dt.timedelta(hours=2), reason=more.pop("reason", "Hall"),
        **more,
    )  # fmt: skip


@pytest.fixture
def coordinator_client(sign_in, coordinator, organisation):
    return sign_in(coordinator, organisation)


# Moving


def test_a_move_keeps_the_session_and_tells_each_person_once(by, organisation, make_user):
    group = make_group(organisation, name="Hearing Voices")
    fay = make_user(Role.FACILITATOR, organisation=organisation, email="fay@example.com")
    run_by(group, fay)
    member(by, group, "Dorothy")
    member(by, group, "Alf", phone="07911 123456")  # shares Dorothy's phone: one text
    member(by, group, "Bert", agreed=False, phone="07911 000001")
    member(by, group, "Edna", prefers=ContactMethod.EMAIL, phone="07911 000002")
    session = second(group)
    pk, was = session.pk, session.starts_at
    day = timezone.localtime(session.starts_at).date() + dt.timedelta(days=1)
    other = make_venue(organisation, name="Library")
    moved = move(by, session, local(day, 14), venue=other, reason="Hall booked for a wedding")
    assert moved.pk == pk and moved.moved_from == was and moved.venue == other
    assert timezone.localtime(moved.starts_at) == local(day, 14)
    assert moved.status == SessionStatus.SCHEDULED and moved.moved
    texts = Notification.objects.filter(kind="groups.session_moved", channel="sms")
    (text,) = texts
    assert text.recipient == "+447911123456" and text.target_id == str(pk)
    assert "Hello Dorothy" in text.body and organisation.name in text.body
    assert f"{local(day, 14):%A} {day.day} {local(day, 14):%B at 14:00}" in text.body
    assert "Hearing Voices" not in text.body + text.subject  # not even which group
    assert "wedding" not in text.body  # nor why
    (email,) = Notification.objects.filter(kind="groups.session_moved", channel="email")
    assert email.recipient == "fay@example.com" and "Library" in email.body
    history = session.history.get()
    assert "Hall booked for a wedding" in history.note
    assert (
        AuditEvent.objects.filter(action=audit_actions.SESSION_MOVED, target_id=str(pk)).count()
        == 1
    )
    # Moved again: a second change, told again, once.
    move(by, moved, local(day, 15), seen_starts_at=moved.starts_at)
    assert texts.all().count() == 2
    session.refresh_from_db()
    assert session.moved_from == was  # where the schedule put it


def test_a_move_across_the_clock_change_keeps_uk_time():
    """Clocks go back on Sunday 25 October 2026: a session moved from Saturday 10:00 BST to
    Monday 10:00 GMT starts at 09:00 and then 10:00 UTC, and the text says 10:00."""
    with time_machine.travel(dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC), tick=False):
        from kindred.accounts.tests.factories import OrganisationFactory

        organisation = OrganisationFactory()
        by = Acting.system("test", organisation=organisation)
        group = make_group(organisation, first_on=dt.date(2026, 10, 24))  # Saturdays 10-12
        member(by, group, "Dorothy")
        session = group.sessions.order_by("starts_at")[0]
        assert session.starts_at == dt.datetime(2026, 10, 24, 9, tzinfo=dt.UTC)
        moved = move(by, session, local(dt.date(2026, 10, 26), 10))
        assert moved.starts_at == dt.datetime(2026, 10, 26, 10, tzinfo=dt.UTC)
        assert moved.ends_at == dt.datetime(2026, 10, 26, 12, tzinfo=dt.UTC)
        (text,) = Notification.objects.filter(kind="groups.session_moved")
        assert "Monday 26 October at 10:00" in text.body
        # Extending the schedule neither makes Saturday's slot again nor undoes the move.
        services.sessions_extend(by=by, group=group)
        saturday = dt.datetime(2026, 10, 24, 9, tzinfo=dt.UTC)
        assert moved.moved_from == saturday
        assert not group.sessions.filter(starts_at=saturday).exists()
        moved.refresh_from_db()
        assert moved.starts_at == dt.datetime(2026, 10, 26, 10, tzinfo=dt.UTC)
        assert group.sessions.filter(starts_at=dt.datetime(2026, 10, 31, 10, tzinfo=dt.UTC))


def test_bad_moves_are_refused_and_nothing_changes(by, organisation, other_organisation):
    venue = make_venue(organisation)
    group = make_group(organisation, venue=venue)  # weekly 10:00-12:00
    make_group(organisation, venue=venue, name="Yoga", starts=dt.time(14), ends=dt.time(15))
    member(by, group, "Dorothy")
    session = second(group)
    day = timezone.localtime(session.starts_at).date()
    refusals = [
        (dict(starts_at=timezone.now() - dt.timedelta(hours=1)), "in the future"),
        (dict(starts_at=local(day, 11), ends_at=local(day, 10)), "end time must be after"),
        (dict(starts_at=local(day, 14, 30)), "already booked by Yoga"),
        (dict(starts_at=local(day + dt.timedelta(days=7), 11)), "booked by Crafty Needles"),
        (
            dict(starts_at=local(day + dt.timedelta(days=7), 11), venue=make_venue(organisation)),
            "Crafty Needles already meets",
        ),
        (dict(starts_at=local(day, 16), reason="  "), "why the session is moved"),
        (dict(starts_at=local(day, 16), venue=make_venue(other_organisation)), "your organisa"),
    ]
    for changes, message in refusals:
        with pytest.raises(DomainError, match=message):
            move(by, session, **changes)
    with pytest.raises(ChangedSinceYouLooked):
        move(by, session, local(day, 16), seen_starts_at=session.starts_at - dt.timedelta(days=1))
    services.session_cancel(by=by, session=session, expected="scheduled", reason="Snow")
    with pytest.raises(ChangedSinceYouLooked):
        move(by, session, local(day, 16))
    with pytest.raises(DomainError, match="cancelled: it cannot move"):
        move(by, session, local(day, 16), expected="cancelled")
    session.refresh_from_db()
    assert session.moved_from is None and session.moved_reason == ""
    assert not Notification.objects.filter(kind="groups.session_moved").exists()


def test_a_cancel_tells_members_and_facilitators_once(by, organisation, make_user):
    group = make_group(organisation, name="Hearing Voices")
    run_by(group, make_user(Role.FACILITATOR, organisation=organisation, email="fay@x.example"))
    member(by, group, "Dorothy")
    session = second(group)
    services.session_cancel(by=by, session=session, expected="scheduled", reason="Flood")
    told = Notification.objects.filter(kind="groups.session_cancelled")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "sms"]
    text = told.get(channel="sms")
    assert "is cancelled" in text.body and "Hearing Voices" not in text.body + text.subject
    assert "Flood" not in text.body
    with pytest.raises(ChangedSinceYouLooked):
        services.session_cancel(by=by, session=session, expected="scheduled", reason="Flood")
    assert told.count() == 2


def test_the_calendar_feed_shows_a_moved_session_at_its_new_time(client, by, organisation):
    group = make_group(organisation)
    session = second(group)
    day = timezone.localtime(session.starts_at).date() + dt.timedelta(days=2)
    move(by, session, local(day, 18, 30))
    feed = client.get(reverse("directory:calendar", args=[group.pk])).content.decode()
    event = feed.split(f"UID:{session.pk}")[0].rsplit("BEGIN:VEVENT", 1)[1]
    event += feed.split(f"UID:{session.pk}")[1].split("END:VEVENT")[0]
    assert f"{day:%Y%m%d}T183000" in event and "STATUS:CONFIRMED" in event
    assert feed.count(f"UID:{session.pk}") == 1


def test_the_move_page(coordinator_client, organisation):
    group = make_group(organisation)
    session = second(group)
    url = reverse("groups:session_move", args=[session.pk])
    page = coordinator_client.get(url).content.decode()
    assert "Move the session" in page and 'name="seen"' in page
    local_start = timezone.localtime(session.starts_at)
    day = local_start.date() + dt.timedelta(days=1)
    form = {
        "expected": "scheduled", "seen": session.starts_at.isoformat(),
        "starts_on_day": day.day, "starts_on_month": day.month, "starts_on_year": day.year,
        "starts": "13:00", "ends": "12:00", "venue": str(group.venue_id), "reason": "",
    }  # fmt: skip
    bad = coordinator_client.post(url, form).content.decode()
    assert "The end time must be after the start time" in bad
    assert "Enter why the session is moved" in bad
    assert "nhsuk-error-summary" in bad
    form |= {"ends": "15:00", "reason": "Hall closed"}
    done = coordinator_client.post(url, form)
    assert done.status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at) == local(day, 13)
    page = coordinator_client.get(done["Location"]).content.decode()
    assert "Moved" in page and "Hall closed" in page
    stale = coordinator_client.post(url, form | {"starts": "16:00", "ends": "17:00"})
    assert "Someone else moved this session" in stale.content.decode()


def test_a_move_onto_another_session_shows_beside_the_date(coordinator_client, organisation):
    group = make_group(organisation)
    session, later = group.sessions.order_by("starts_at")[1:3]
    day = timezone.localtime(later.starts_at).date()
    form = {
        "expected": "scheduled", "seen": session.starts_at.isoformat(),
        "starts_on_day": day.day, "starts_on_month": day.month, "starts_on_year": day.year,
        "starts": "11:00", "ends": "13:00", "venue": str(group.venue_id), "reason": "Clash",
    }  # fmt: skip
    page = coordinator_client.post(reverse("groups:session_move", args=[session.pk]), form)
    assert page.status_code == 200 and "already" in page.content.decode()


# Hours


def test_facilitators_who_volunteer_have_the_session_counted_once(by, organisation, make_user):
    group = make_group(organisation)  # 10:00-12:00
    fay = make_user(Role.FACILITATOR, organisation=organisation, email="fay@example.com")
    pro = make_user(Role.FACILITATOR, organisation=organisation, email="pro@example.com")
    run_by(group, fay)
    run_by(group, pro, kind="professional")  # staff, no volunteer record: nothing counted
    volunteer = VolunteerFactory(organisation=organisation, user=fay)
    VolunteerFactory(organisation=organisation)  # not linked to anyone running the group
    session = group.sessions.order_by("starts_at")[0]
    with time_machine.travel(session.ends_at + dt.timedelta(minutes=5), tick=False):
        for headcount in (3, 4):  # taken, then corrected
            services.attendance_record(
                by=by, session=session, expected=session.status, members=[], regulars=[],
                headcount=headcount,
            )  # fmt: skip
            session.refresh_from_db()
    (entry,) = VolunteerHours.objects.all()
    assert (entry.volunteer, entry.source, entry.source_ref) == (
        volunteer,
        HoursSource.GROUP_SESSION,
        str(session.pk),
    )
    assert entry.minutes == 120 and entry.worked_on == timezone.localdate(session.starts_at)


def test_a_group_nobody_volunteers_for_counts_no_hours(by, organisation):
    group = make_group(organisation)
    session = group.sessions.order_by("starts_at")[0]
    with time_machine.travel(session.ends_at, tick=False):
        services.attendance_record(
            by=by, session=session, expected="scheduled", members=[], regulars=[], headcount=1
        )
    assert not VolunteerHours.objects.exists()


def test_a_session_moved_after_its_reminder_is_reminded_again(by, organisation):
    group = make_group(organisation)
    member(by, group, "Dorothy")
    session = second(group)
    assert services.session_reminders_send(by=by, session=session) == 1
    assert services.session_reminders_send(by=by, session=session) == 0
    day = timezone.localtime(session.starts_at).date() + dt.timedelta(days=1)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=1)):
        moved = move(by, session, local(day, 10))
        assert services.session_reminders_send(by=by, session=moved) == 1
        assert services.session_reminders_send(by=by, session=moved) == 0
