import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.groups import schedule, services
from kindred.groups.models import Group, Session, Venue
from kindred.groups.tests.factories import make_group, make_venue
from kindred.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(sign_in, coordinator, organisation):
    return sign_in(coordinator, organisation)


@pytest.fixture
def fay(make_user, organisation):
    """A facilitator: they see only the groups they run (ADR-113), so tests make them run it."""
    return make_user(Role.FACILITATOR, organisation=organisation)


@pytest.fixture
def facilitator_client(sign_in, fay, organisation):
    return sign_in(fay, organisation)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(organisation, groups, members):
    by = Acting.system("test", organisation=organisation)
    for index in range(groups):
        venue = make_venue(organisation)
        group = make_group(organisation, venue=venue, name=f"Group {index}")
        for _ in range(members):
            services.member_add(by=by, group=group, person=PersonFactory(organisation=organisation))
        services.regular_add(by=by, group=group, nickname=f"Regular {index}")
        session = group.sessions.order_by("starts_at")[0]
        services.attendance_record(
            by=by, session=session, expected="scheduled",
            members=list(group.members.all()), regulars=list(group.regulars.all()), headcount=3,
        )  # fmt: skip
    return group


def test_the_lists_take_the_same_queries_at_two_sizes(coordinator_client, organisation):
    small = _grow(organisation, groups=2, members=2)
    counts = {
        name: _queries(coordinator_client, url)
        for name, url in (
            ("list", reverse("groups:list")),
            ("venues", reverse("groups:venues")),
            ("detail", reverse("groups:detail", args=[small.pk])),
            ("attendance", reverse("groups:attendance", args=[small.sessions.order_by("starts_at")[0].pk])),
        )
    }  # fmt: skip
    big = _grow(organisation, groups=8, members=6)
    assert counts == {
        name: _queries(coordinator_client, url)
        for name, url in (
            ("list", reverse("groups:list")),
            ("venues", reverse("groups:venues")),
            ("detail", reverse("groups:detail", args=[big.pk])),
            ("attendance", reverse("groups:attendance", args=[big.sessions.order_by("starts_at")[0].pk])),
        )
    }  # fmt: skip


def test_a_coordinator_sets_up_a_venue_and_a_second_and_fourth_thursday_group(
    coordinator_client, organisation
):
    bad = coordinator_client.post(
        reverse("groups:venue_create"), {"name": "Hall", "address": "1 Road", "postcode": "ZZ9 9ZZ"}
    )
    assert "ZZ9 9ZZ is not a postcode we can find" in bad.content.decode()
    assert not Venue.objects.exists()
    response = coordinator_client.post(
        reverse("groups:venue_create"),
        {"name": "Oakwood Hall", "address": "Oakwood Lane, Leeds", "postcode": "ls8 2ej",
         "step_free": "on", "accessible_toilet": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    venue = Venue.objects.get()
    assert venue.postcode == "LS8 2EJ" and venue.step_free and not venue.parking
    first = timezone.localdate() + dt.timedelta(days=1)
    form = {
        "name": "Stroke club", "description": "Tea, talks and exercise", "model": "condition",
        "venue": str(venue.pk), "pattern": "nth", "nths": ["2", "4"],
        "first_on_day": first.day, "first_on_month": first.month, "first_on_year": first.year,
        "starts": "14:00", "ends": "16.00", "joining": "open_door", "carers_welcome": "on",
        "cost": "Free", "enquiries": "0113 496 0000",
    }  # fmt: skip
    response = coordinator_client.post(reverse("groups:create"), form)
    assert response.status_code == 302, response.content.decode()
    group = Group.objects.get()
    day = schedule.WEEKDAYS[first.weekday()]
    assert group.rule == f"FREQ=MONTHLY;BYDAY=2{day},4{day}"
    assert group.starts == dt.time(14) and group.ends == dt.time(16) and group.carers_welcome
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "2nd and 4th" in page and "Take attendance" in page
    # Editing shows the choice it was built from.
    edit = coordinator_client.get(reverse("groups:edit", args=[group.pk])).content.decode()
    checked = re.findall(r'name="nths" type="checkbox" value="(-?\d)"\s+checked', edit)
    assert checked == ["2", "4"]


def test_the_group_form_says_what_is_wrong(coordinator_client, organisation):
    venue = make_venue(organisation)
    today = timezone.localdate()
    response = coordinator_client.post(
        reverse("groups:create"),
        {"name": "Walk", "description": "A walk", "model": "activity", "venue": str(venue.pk),
         "pattern": "nth", "first_on_day": today.day, "first_on_month": today.month,
         "first_on_year": today.year, "starts": "14:00", "ends": "13:00", "joining": "open_door",
         "cost": "Free", "enquiries": "x", "capacity": "0"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    for message in (
        "The end time must be after the start time",
        "Choose which weeks of the month the group meets",
        "Capacity must be at least 1",
    ):
        assert message in page
    assert not Group.objects.exists()


def test_a_facilitator_takes_attendance_and_the_trend_shows_it(
    facilitator_client, fay, organisation
):
    group = make_group(organisation, peer_leaders=[fay])
    by = Acting.system("test", organisation=organisation)
    ann, raj = (
        services.member_add(
            by=by, group=group, person=PersonFactory(organisation=organisation, given_name=name)
        )
        for name in ("Ann", "Raj")
    )
    session = group.sessions.order_by("starts_at")[0]
    url = reverse("groups:attendance", args=[session.pk])
    page = facilitator_client.get(url).content.decode()
    assert "Ann" in page and "Raj" in page
    response = facilitator_client.post(
        url, {"expected": "scheduled", "members": [str(ann.pk), str(raj.pk)],
              "new_regulars": "Bev", "headcount": "4"},
    )  # fmt: skip
    assert response.status_code == 302
    detail = facilitator_client.get(response["Location"]).content.decode()
    assert "Attendance saved: 7 came" in detail
    assert "data-total>7<" in detail
    assert AuditEvent.objects.filter(action="attendance.recorded").count() == 1


def test_bad_attendance_is_refused_with_a_message(facilitator_client, fay, organisation):
    group = make_group(organisation, peer_leaders=[fay])
    session = group.sessions.order_by("starts_at")[0]
    url = reverse("groups:attendance", args=[session.pk])
    response = facilitator_client.post(url, {"expected": "scheduled", "headcount": "-2"})
    assert "The headcount cannot be less than 0" in response.content.decode()
    response = facilitator_client.post(url, {"expected": "scheduled", "headcount": "lots"})
    assert "The headcount must be a whole number" in response.content.decode()
    later = group.sessions.order_by("-starts_at")[0]
    response = facilitator_client.post(
        reverse("groups:attendance", args=[later.pk]), {"expected": "scheduled", "headcount": "2"}
    )
    assert "on the day of the session or after it" in response.content.decode()
    assert not Session.objects.filter(status="held").exists()


def test_a_coordinator_cancels_a_session_with_a_reason(coordinator_client, organisation):
    group = make_group(organisation)
    session = group.sessions.order_by("starts_at")[1]
    url = reverse("groups:session_cancel", args=[session.pk])
    assert (
        "Enter why the session is cancelled"
        in coordinator_client.post(url, {"expected": "scheduled", "reason": ""}).content.decode()
    )
    response = coordinator_client.post(url, {"expected": "scheduled", "reason": "Hall closed"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.cancelled and session.cancelled_reason == "Hall closed"
    assert "Hall closed" in coordinator_client.get(response["Location"]).content.decode()
    # Someone else's stale page is told, not obeyed.
    again = coordinator_client.post(url, {"expected": "scheduled", "reason": "Snow"})
    assert "Someone else changed this session" in again.content.decode()


def test_members_are_found_and_added_and_regulars_by_nickname(coordinator_client, organisation):
    group = make_group(organisation, capacity=1)
    PersonFactory(organisation=organisation, given_name="Marjorie", family_name="Whitlock")
    url = reverse("groups:member_add", args=[group.pk])
    page = coordinator_client.get(url, {"q": "whitlock"}).content.decode()
    assert "Marjorie Whitlock" in page
    person = organisation.people.get(family_name="Whitlock")
    assert coordinator_client.post(url, {"person": str(person.pk)}).status_code == 302
    other = PersonFactory(organisation=organisation)
    response = coordinator_client.post(url, {"person": str(other.pk)})
    assert "is full, so" in coordinator_client.get(response["Location"]).content.decode()
    assert group.waiting.get().person == other  # a full group's waiting list (ADR-114)
    assert (
        "Choose who is joining" in coordinator_client.post(url, {"person": "nope"}).content.decode()
    )
    response = coordinator_client.post(
        reverse("groups:regular_add", args=[group.pk]), {"nickname": "Big Dave"}
    )
    assert response.status_code == 302
    assert "Big Dave" in coordinator_client.get(response["Location"]).content.decode()


def test_todays_sessions_are_on_the_home_page(facilitator_client, fay, organisation, client_as):
    make_group(organisation, name="Crafty Needles circle", peer_leaders=[fay])
    make_group(organisation, name="Someone else's group")
    page = facilitator_client.get(reverse("core:home")).content.decode()
    assert "Group sessions today" in page and "Crafty Needles circle" in page
    assert "Take attendance" in page
    assert "Someone else's group" not in page  # a facilitator sees only the groups they run
    referrer = client_as(Role.REFERRER).get(reverse("core:home")).content.decode()
    assert "Group sessions today" not in referrer


def test_choices_from_elsewhere_are_refused_plainly(
    coordinator_client, organisation, other_organisation
):
    theirs = make_venue(other_organisation)
    group = make_group(organisation)
    today = timezone.localdate()
    response = coordinator_client.post(
        reverse("groups:create"),
        {"name": "Walk", "description": "A walk", "model": "activity", "venue": str(theirs.pk),
         "pattern": "weekly", "first_on_day": today.day, "first_on_month": today.month,
         "first_on_year": today.year, "starts": "25:00", "ends": "26:00", "joining": "open_door",
         "cost": "Free", "enquiries": "x", "professionals": ["nobody"]},
    )  # fmt: skip
    page = response.content.decode()
    for message in (
        "Choose one of your organisation&#39;s venues",
        "Enter the start time as a real time, like 14:00",
        "Choose professionals from the people listed",
    ):
        assert message in page
    session = group.sessions.order_by("starts_at")[0]
    response = coordinator_client.post(
        reverse("groups:attendance", args=[session.pk]),
        {"expected": "scheduled", "members": ["nobody"], "headcount": "1"},
    )
    assert "Choose from the group&#39;s members" in response.content.decode()
    assert Group.objects.count() == 1


def test_editing_refuses_a_capacity_below_the_members_and_saves_a_good_change(
    coordinator_client, organisation
):
    group = make_group(organisation, capacity=5)
    by = Acting.system("test", organisation=organisation)
    for _ in range(2):
        services.member_add(by=by, group=group, person=PersonFactory(organisation=organisation))
    url = reverse("groups:edit", args=[group.pk])
    form = {
        "name": "Crafty Needles", "description": "Knitting", "model": "activity",
        "venue": str(group.venue_id), "pattern": "weekly", "first_on_day": group.first_on.day,
        "first_on_month": group.first_on.month, "first_on_year": group.first_on.year,
        "starts": "10:00", "ends": "12:00", "joining": "open_door", "cost": "Free",
        "enquiries": "0161 496 0000", "capacity": "1",
    }  # fmt: skip
    page = coordinator_client.post(url, form).content.decode()
    assert "The group has 2 members, so its capacity cannot be less than 2" in page
    group.refresh_from_db()
    assert group.capacity == 5
    response = coordinator_client.post(url, {**form, "capacity": "2", "starts": "10:30"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.capacity, group.starts) == (2, dt.time(10, 30))
    upcoming = group.sessions.filter(starts_at__gte=timezone.now()).order_by("starts_at")
    assert {timezone.localtime(s.starts_at).time() for s in upcoming} == {dt.time(10, 30)}
