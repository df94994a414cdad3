"""Working days in England and Wales: Monday to Friday, not bank holidays (from the `holidays`
package, which ships the dates; nothing is fetched). Pure; no Django."""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays


@cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
