"""Group schedules as RFC 5545 recurrence rules, expanded by python-dateutil's rrule (ADR-109).

A rule is kept as written (`FREQ=MONTHLY;BYDAY=2TH,4TH`) with the date of the first session and
the start and end as wall-clock times in Europe/London. Expansion works on naive local times and
only then attaches the zone, so a 14:00 session stays at 14:00 across both clock changes (its
UTC time moves instead). Pure Python: no Django, so it can be tested and benchmarked directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

LONDON = ZoneInfo("Europe/London")

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}


class ScheduleError(ValueError):
    """A schedule that cannot be used; the message says why, for the coordinator."""


@dataclass(frozen=True)
class Occurrence:
    starts_at: dt.datetime  # aware, Europe/London
    ends_at: dt.datetime


def build_rule(
    *, pattern: str, first: dt.date, nths: tuple[int, ...] = (), until: dt.date | None = None
) -> str:
    """The RRULE for one of the coordinator's choices: "weekly", "fortnightly", "nth" (the
    `nths` weekdays of each month, on `first`'s weekday), "monthly" (the same date each month)
    or "once"."""
    day = WEEKDAYS[first.weekday()]
    if pattern == "weekly":
        rule = f"FREQ=WEEKLY;BYDAY={day}"
    elif pattern == "fortnightly":
        rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"
    elif pattern == "nth":
        if not nths:
            raise ScheduleError("Choose which weeks of the month the group meets")
        rule = "FREQ=MONTHLY;BYDAY=" + ",".join(
            f"{n}{day}" for n in sorted(set(nths), key=_nth_order)
        )
    elif pattern == "monthly":
        rule = f"FREQ=MONTHLY;BYMONTHDAY={first.day}"
    elif pattern == "once":
        rule = "FREQ=DAILY;COUNT=1"
    else:
        raise ScheduleError("Choose how often the group meets")
    if until is not None and pattern != "once":
        if until < first:
            raise ScheduleError("The last date must be on or after the first session")
        rule += f";UNTIL={until:%Y%m%d}T235959"
    return rule


def _nth_order(n: int) -> int:
    return 99 if n < 0 else n


def occurrences(
    *,
    rule: str,
    first: dt.date,
    starts: dt.time,
    ends: dt.time,
    window_from: dt.date,
    window_to: dt.date,
) -> list[Occurrence]:
    """The sessions from `window_from` to `window_to` (inclusive), at their local times."""
    if ends <= starts:
        raise ScheduleError("The end time must be after the start time")
    try:
        recurrence = rrulestr(rule, dtstart=dt.datetime.combine(first, starts))
    except (ValueError, TypeError) as bad:
        raise ScheduleError(f"That schedule is not one we can read: {bad}") from bad
    lower = dt.datetime.combine(max(window_from, first), dt.time.min)
    upper = dt.datetime.combine(window_to, dt.time.max)
    found: list[Occurrence] = []
    for local in recurrence.between(lower, upper, inc=True):
        day = local.date()
        found.append(
            Occurrence(
                starts_at=dt.datetime.combine(day, starts, tzinfo=LONDON),
                ends_at=dt.datetime.combine(day, ends, tzinfo=LONDON),
            )
        )
    return found


def has_any(*, rule: str, first: dt.date, starts: dt.time) -> bool:
    """Whether the rule gives at least one session on or after `first`."""
    try:
        recurrence = rrulestr(rule, dtstart=dt.datetime.combine(first, starts))
    except (ValueError, TypeError):
        return False
    return recurrence.after(dt.datetime.combine(first, dt.time.min), inc=True) is not None


def describe(rule: str, first: dt.date) -> str:
    """The rule in plain English, e.g. "2nd and 4th Thursday of the month"."""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    freq, interval = parts.get("FREQ"), int(parts.get("INTERVAL", "1"))
    day_name = WEEKDAY_NAMES[first.weekday()]
    if parts.get("COUNT") == "1":
        return f"Once, on {day_name} {first.day} {first:%B %Y}"
    if freq == "WEEKLY":
        return f"Every {day_name}" if interval == 1 else f"Every other {day_name}"
    if freq == "MONTHLY" and "BYDAY" in parts:
        nths = []
        for item in parts["BYDAY"].split(","):
            number, code = item[:-2], item[-2:]
            nths.append(ORDINALS.get(int(number or "1"), number))
            day_name = WEEKDAY_NAMES[WEEKDAYS.index(code)]
        joined = " and ".join([", ".join(nths[:-1]), nths[-1]] if len(nths) > 1 else nths)
        return f"{joined} {day_name} of the month"
    if freq == "MONTHLY":
        return f"Monthly, on day {parts.get('BYMONTHDAY', first.day)}"
    return rule


def parse_choice(rule: str) -> tuple[str, tuple[int, ...], dt.date | None]:
    """The coordinator's choice (pattern, weeks of the month, last date) a rule was built from."""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    until = None
    if "UNTIL" in parts:
        raw = parts["UNTIL"][:8]
        until = dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    if parts.get("COUNT") == "1":
        return "once", (), None
    if parts.get("FREQ") == "WEEKLY":
        return ("weekly" if parts.get("INTERVAL", "1") == "1" else "fortnightly"), (), until
    if parts.get("FREQ") == "MONTHLY" and "BYDAY" in parts:
        return "nth", tuple(int(item[:-2] or "1") for item in parts["BYDAY"].split(",")), until
    return "monthly", (), until
