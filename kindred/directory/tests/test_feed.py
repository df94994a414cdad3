"""Each published group's iCalendar feed, parsed back with `icalendar`."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from kindred.core.services import Acting
from kindred.groups import schedule, services
from kindred.groups.models import Session
from kindred.groups.tests.factories import make_group

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def feed(client, group) -> Calendar:
    response = client.get(reverse("directory:calendar", kwargs={"group_id": group.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> list[Any]:
    return [component for component in calendar.walk("VEVENT")]


def test_every_session_for_eight_weeks_is_its_own_event(client, organisation):
    group = make_group(organisation, name="Crafty Needles")
    calendar = feed(client, group)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    found = events(calendar)
    sessions = list(group.sessions.order_by("starts_at"))
    assert len(found) == len(sessions) >= 8
    assert found[-1].decoded("DTSTART") - found[0].decoded("DTSTART") >= dt.timedelta(weeks=8)
    for event, session in zip(found, sessions, strict=True):
        assert str(event["UID"]) == f"{session.pk}@directory.kindred"
        assert event.decoded("DTSTART") == session.starts_at
        assert event.decoded("DTEND") == session.ends_at
        assert str(event["STATUS"]) == "CONFIRMED"
        assert str(event["SUMMARY"]) == "Crafty Needles"
        assert "RRULE" not in event
    assert len({str(event["UID"]) for event in found}) == len(found)


@time_machine.travel(dt.datetime(2026, 10, 20, 8, 0, tzinfo=LONDON), tick=False)
def test_the_clock_change_week_keeps_the_local_time(client, organisation):
    # Tuesdays at 14:00: 20 October is BST (13:00 UTC), 27 October is GMT (14:00 UTC).
    first = dt.date(2026, 10, 20)
    group = make_group(organisation, first_on=first, starts=dt.time(14), ends=dt.time(16),
                       rule=schedule.build_rule(pattern="weekly", first=first))  # fmt: skip
    calendar = feed(client, group)
    timezones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert timezones == ["Europe/London"]
    before, after = events(calendar)[:2]
    assert before["DTSTART"].params["TZID"] == "Europe/London"
    assert before.decoded("DTSTART").astimezone(LONDON).time() == dt.time(14)
    assert after.decoded("DTSTART").astimezone(LONDON).time() == dt.time(14)
    assert before.decoded("DTSTART").astimezone(dt.UTC).hour == 13
    assert after.decoded("DTSTART").astimezone(dt.UTC).hour == 14
    elapsed = after.decoded("DTSTART").astimezone(dt.UTC) - before.decoded("DTSTART").astimezone(
        dt.UTC
    )
    assert elapsed == dt.timedelta(days=7, hours=1)


def test_moved_sessions_keep_their_uid_and_cancelled_ones_say_so(client, organisation, cancel):
    group = make_group(organisation)
    first, second, third = group.sessions.order_by("starts_at")[:3]
    uids_before = [str(e["UID"]) for e in events(feed(client, group))]
    # The second session moves to the next day at 18:00 (the session row is the record of it).
    new_start = second.starts_at.astimezone(LONDON).replace(hour=18) + dt.timedelta(days=1)
    Session.objects.filter(pk=second.pk).update(
        starts_at=new_start, ends_at=new_start + dt.timedelta(hours=2)
    )
    cancel(third, reason="The facilitator is unwell")

    found = {str(e["UID"]): e for e in events(feed(client, group))}
    assert sorted(found) == sorted(uids_before)
    moved = found[f"{second.pk}@directory.kindred"]
    assert moved.decoded("DTSTART") == new_start
    assert str(moved["STATUS"]) == "CONFIRMED"
    cancelled = found[f"{third.pk}@directory.kindred"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    # Why it was cancelled is not published (it may be about someone).
    assert "unwell" not in cancelled.to_ical().decode()
    assert str(found[f"{first.pk}@directory.kindred"]["STATUS"]) == "CONFIRMED"
    # A cancellation is a revision: calendars holding the event take it (RFC 5545 SEQUENCE).
    assert cancelled["SEQUENCE"] == 1 and found[f"{first.pk}@directory.kindred"]["SEQUENCE"] == 0


def test_each_move_raises_the_sessions_sequence(client, organisation):
    group = make_group(organisation)
    session = group.sessions.order_by("starts_at")[1]
    by = Acting.system("test", organisation=organisation)
    for days in (1, 2):
        start = session.starts_at + dt.timedelta(days=days)
        session = services.session_move(
            by=by, session=session, expected=session.status, starts_at=start,
            ends_at=start + dt.timedelta(hours=2), reason="The hall is booked",
        )  # fmt: skip
    moved = {str(e["UID"]): e for e in events(feed(client, group))}[
        f"{session.pk}@directory.kindred"
    ]
    assert moved["SEQUENCE"] == 2 and moved.decoded("DTSTART") == session.starts_at
