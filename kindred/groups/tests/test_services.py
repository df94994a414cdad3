import datetime as dt
import itertools

import pytest
from django.utils import timezone

from kindred.core.models import AuditEvent
from kindred.core.transitions import ChangedSinceYouLooked, DomainError, IllegalTransition
from kindred.groups import schedule, services
from kindred.groups.models import Group, Session, SessionStatus, Venue
from kindred.groups.tests.factories import details, make_group, make_venue
from kindred.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _today_session(group):
    return group.sessions.order_by("starts_at")[0]


def test_a_new_group_has_its_sessions_for_the_weeks_ahead(by, organisation):
    venue = make_venue(organisation)
    group = services.group_create(by=by, details=details(venue))
    sessions = list(group.sessions.order_by("starts_at"))
    assert len(sessions) == services.WEEKS_AHEAD + 1  # today, then weekly for eight weeks
    assert {timezone.localtime(s.starts_at).time() for s in sessions} == {dt.time(10)}
    assert AuditEvent.objects.filter(action="group.added", target_id=str(group.pk)).exists()


def test_attendance_counts_each_way_once(by, organisation):
    group = make_group(organisation)
    alice, bob = (
        services.member_add(by=by, group=group, person=PersonFactory(organisation=organisation))
        for _ in range(2)
    )
    bev = services.regular_add(by=by, group=group, nickname="Bev")
    session = _today_session(group)
    count = services.attendance_record(
        by=by, session=session, expected="scheduled", members=[alice, bob, alice],
        regulars=[bev], new_regulars=["bev", "Big Dave", "Big Dave"], headcount=4,
    )  # fmt: skip
    # Alice ticked twice, and Bev both ticked and typed, are each counted once.
    assert (count.named, count.regulars, count.headcount, count.total) == (2, 2, 4, 8)
    assert sorted(r.nickname for r in group.regulars.all()) == ["Bev", "Big Dave"]
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    # Taken again to correct it: replaced, not added to.
    count = services.attendance_record(
        by=by, session=session, expected="held", members=[alice], regulars=[bev], headcount=3
    )
    assert count.total == 5
    from kindred.groups.selectors import attendance_trend

    (row,) = attendance_trend(group=group)
    assert (row.named, row.regulars, row.headcount, row.total) == (1, 1, 3, 5)
    assert [h.to_state for h in session.history.order_by("occurred_at")] == ["held", "held"]


def test_attendance_for_a_future_or_cancelled_session_is_refused(by, organisation):
    group = make_group(organisation)
    later = group.sessions.order_by("-starts_at")[0]
    with pytest.raises(DomainError, match="on the day of the session"):
        services.attendance_record(
            by=by, session=later, expected="scheduled", members=[], regulars=[], headcount=1
        )
    today = _today_session(group)
    services.session_cancel(by=by, session=today, expected="scheduled", reason="Hall flooded")
    with pytest.raises(IllegalTransition):
        services.attendance_record(
            by=by, session=today, expected="cancelled", members=[], regulars=[], headcount=1
        )


def test_cancelling_checks_what_the_user_saw(by, organisation):
    group = make_group(organisation)
    session = _today_session(group)
    with pytest.raises(DomainError, match="why the session is cancelled"):
        services.session_cancel(by=by, session=session, expected="scheduled", reason="  ")
    services.attendance_record(
        by=by, session=session, expected="scheduled", members=[], regulars=[], headcount=2
    )
    with pytest.raises(ChangedSinceYouLooked):
        services.session_cancel(by=by, session=session, expected="scheduled", reason="Snow")
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD and session.cancelled_reason == ""


def test_capacity_below_current_members_is_refused(by, organisation):
    group = make_group(organisation, capacity=3)
    for _ in range(3):
        services.member_add(by=by, group=group, person=PersonFactory(organisation=organisation))
    with pytest.raises(DomainError, match="is full"):
        services.member_add(by=by, group=group, person=PersonFactory(organisation=organisation))
    with pytest.raises(DomainError, match="has 3 members, so its capacity cannot be less than 3"):
        services.group_update(
            by=by, group=group, details=details(group.venue, capacity=2, name="Renamed")
        )
    group.refresh_from_db()
    assert (group.capacity, group.name) == (3, "Crafty Needles")


def test_overlapping_sessions_in_one_venue_are_refused_and_nothing_is_saved(by, organisation):
    venue = make_venue(organisation)
    make_group(organisation, venue=venue)  # weekly 10:00 to 12:00
    groups_before, sessions_before = Group.objects.count(), Session.objects.count()
    with pytest.raises(DomainError, match="is already booked by Crafty Needles"):
        services.group_create(
            by=by, details=details(venue, name="Yoga", starts=dt.time(11, 30), ends=dt.time(13))
        )
    assert (Group.objects.count(), Session.objects.count()) == (groups_before, sessions_before)
    # Straight after is fine.
    services.group_create(
        by=by, details=details(venue, name="Yoga", starts=dt.time(12), ends=dt.time(13))
    )


def test_a_schedule_with_no_sessions_is_refused(by, organisation):
    venue = make_venue(organisation)
    with pytest.raises(DomainError, match="gives no sessions at all"):
        services.group_create(
            by=by, details=details(venue, rule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
        )
    assert not Group.objects.exists()


def test_an_unknown_postcode_is_refused(by, organisation):
    with pytest.raises(DomainError, match="ZZ9 9ZZ is not a postcode we can find"):
        services.venue_save(
            by=by, details=services.VenueDetails(name="Hall", address="1 Road", postcode="zz99zz")
        )
    assert not Venue.objects.exists()


def test_changing_the_schedule_moves_the_future_sessions_but_keeps_what_happened(by, organisation):
    group = make_group(organisation)
    held = _today_session(group)
    services.attendance_record(
        by=by, session=held, expected="scheduled", members=[], regulars=[], headcount=5
    )
    first = timezone.localdate()
    services.group_update(
        by=by, group=group,
        details=details(group.venue, rule=schedule.build_rule(pattern="fortnightly", first=first), first_on=first),
    )  # fmt: skip
    sessions = list(group.sessions.order_by("starts_at"))
    assert sessions[0].pk == held.pk and sessions[0].headcount == 5
    gaps = {(b.starts_at - a.starts_at).days for a, b in itertools.pairwise(sessions)}
    assert gaps == {14}


def test_a_venue_of_another_organisation_cannot_be_used(by, organisation, other_organisation):
    theirs = make_venue(other_organisation)
    with pytest.raises(DomainError, match="your organisation's venues"):
        services.group_create(by=by, details=details(theirs))


def test_a_regular_needs_only_a_nickname_and_is_not_duplicated(by, organisation):
    group = make_group(organisation)
    services.regular_add(by=by, group=group, nickname="Big Dave")
    with pytest.raises(DomainError, match="already has a regular called big dave"):
        services.regular_add(by=by, group=group, nickname="big dave")
    with pytest.raises(DomainError, match="Enter the name"):
        services.regular_add(by=by, group=group, nickname=" ")


def test_the_daily_job_fills_the_weeks_ahead_and_skips_a_clash(by, organisation, caplog):
    from kindred.groups.tasks import extend_all_sessions

    venue = make_venue(organisation)
    earlier = timezone.localdate() - dt.timedelta(weeks=4)
    group = services.group_create(by=by, details=details(venue, first_on=earlier), today=earlier)
    last = group.sessions.order_by("-starts_at")[0].starts_at
    assert last.date() < timezone.localdate() + dt.timedelta(weeks=services.WEEKS_AHEAD)
    extend_all_sessions()
    assert group.sessions.order_by("-starts_at")[
        0
    ].starts_at.date() == timezone.localdate() + dt.timedelta(weeks=8)
    before = group.sessions.count()
    extend_all_sessions()
    assert group.sessions.count() == before


def test_the_daily_job_skips_a_group_whose_new_sessions_would_clash(by, organisation, caplog):
    from kindred.groups.tasks import extend_all_sessions

    venue = make_venue(organisation)
    earlier = timezone.localdate() - dt.timedelta(weeks=4)
    first = services.group_create(by=by, details=details(venue, first_on=earlier), today=earlier)
    # A second group books the hall at the same time, from after the first group's sessions end.
    later = first.sessions.order_by("-starts_at")[0].starts_at.date() + dt.timedelta(days=7)
    second = services.group_create(by=by, details=details(venue, name="Yoga", first_on=later))
    before = first.sessions.count()
    extend_all_sessions()
    assert first.sessions.count() == before  # refused as a whole, nothing half-made
    assert second.sessions.exists()
    assert "is already booked by Yoga" in caplog.text
