"""Schedules expand with python-dateutil, at local wall-clock times across the clock changes."""

import datetime as dt
from typing import Any

import pytest

from kindred.groups import schedule
from kindred.groups.schedule import LONDON, ScheduleError

UTC = dt.UTC


def test_second_and_fourth_thursday_across_months_and_both_clock_changes():
    # 2026: clocks go forward on Sunday 29 March and back on Sunday 25 October.
    rule = schedule.build_rule(pattern="nth", first=dt.date(2026, 1, 8), nths=(2, 4))
    assert rule == "FREQ=MONTHLY;BYDAY=2TH,4TH"
    found = schedule.occurrences(
        rule=rule, first=dt.date(2026, 1, 8), starts=dt.time(14), ends=dt.time(16),
        window_from=dt.date(2026, 3, 1), window_to=dt.date(2026, 11, 30),
    )  # fmt: skip
    days = [o.starts_at.date() for o in found]
    assert days[:4] == [
        dt.date(2026, 3, 12),
        dt.date(2026, 3, 26),
        dt.date(2026, 4, 9),
        dt.date(2026, 4, 23),
    ]
    assert days[-4:] == [
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 22),
        dt.date(2026, 11, 12),
        dt.date(2026, 11, 26),
    ]
    assert len(days) == 18  # two a month, March to November
    assert all(d.weekday() == 3 for d in days)
    assert all(o.starts_at.astimezone(LONDON).time() == dt.time(14) for o in found)
    assert all(o.ends_at - o.starts_at == dt.timedelta(hours=2) for o in found)
    by_day = {o.starts_at.date(): o.starts_at.astimezone(UTC).time() for o in found}
    assert by_day[dt.date(2026, 3, 26)] == dt.time(14)  # GMT, before the clocks go forward
    assert by_day[dt.date(2026, 4, 9)] == dt.time(13)  # BST
    assert by_day[dt.date(2026, 10, 22)] == dt.time(13)  # BST, before the clocks go back
    assert by_day[dt.date(2026, 11, 12)] == dt.time(14)  # GMT again


def test_weekly_session_keeps_its_local_time_on_the_day_after_a_clock_change():
    found = schedule.occurrences(
        rule="FREQ=WEEKLY;BYDAY=MO", first=dt.date(2026, 3, 23), starts=dt.time(10), ends=dt.time(12),
        window_from=dt.date(2026, 3, 23), window_to=dt.date(2026, 4, 6),
    )  # fmt: skip
    assert [o.starts_at.astimezone(UTC).hour for o in found] == [10, 9, 9]


@pytest.mark.parametrize(
    ("pattern", "nths", "expected", "described"),
    [
        ("weekly", (), "FREQ=WEEKLY;BYDAY=TH", "Every Thursday"),
        ("fortnightly", (), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "Every other Thursday"),
        ("nth", (4, 2), "FREQ=MONTHLY;BYDAY=2TH,4TH", "2nd and 4th Thursday of the month"),
        ("nth", (-1,), "FREQ=MONTHLY;BYDAY=-1TH", "last Thursday of the month"),
        ("monthly", (), "FREQ=MONTHLY;BYMONTHDAY=8", "Monthly, on day 8"),
        ("once", (), "FREQ=DAILY;COUNT=1", "Once, on Thursday 8 January 2026"),
    ],
)
def test_the_coordinators_choices_build_rules_and_read_back(pattern, nths, expected, described):
    first = dt.date(2026, 1, 8)
    rule = schedule.build_rule(pattern=pattern, first=first, nths=nths)
    assert rule == expected
    assert schedule.describe(rule, first) == described
    assert schedule.parse_choice(rule)[0] == pattern


def test_fortnightly_skips_a_week_and_once_gives_one():
    first = dt.date(2026, 1, 8)
    window: dict[str, Any] = {"first": first, "starts": dt.time(10), "ends": dt.time(11),
              "window_from": first, "window_to": dt.date(2026, 2, 28)}  # fmt: skip
    fortnightly = schedule.occurrences(
        rule=schedule.build_rule(pattern="fortnightly", first=first), **window
    )
    assert [o.starts_at.day for o in fortnightly] == [8, 22, 5, 19]
    once = schedule.occurrences(rule=schedule.build_rule(pattern="once", first=first), **window)
    assert [o.starts_at.date() for o in once] == [first]


def test_a_schedule_with_no_sessions_is_found():
    first = dt.date(2026, 1, 8)
    with pytest.raises(ScheduleError, match="on or after the first session"):
        schedule.build_rule(pattern="weekly", first=first, until=dt.date(2026, 1, 1))
    # Monthly on the 31st, in a window with no 31st, and a rule that never occurs.
    assert not schedule.has_any(
        rule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", first=first, starts=dt.time(10)
    )
    assert schedule.has_any(rule="FREQ=WEEKLY;BYDAY=TH", first=first, starts=dt.time(10))
    assert not schedule.has_any(rule="NOT A RULE", first=first, starts=dt.time(10))


def test_end_before_start_is_refused():
    with pytest.raises(ScheduleError, match="end time must be after"):
        schedule.occurrences(
            rule="FREQ=WEEKLY", first=dt.date(2026, 1, 8), starts=dt.time(14), ends=dt.time(13),
            window_from=dt.date(2026, 1, 8), window_to=dt.date(2026, 2, 8),
        )  # fmt: skip
