"""Display formatting shared by every page: Europe/London times, role names, small numbers."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kindred.accounts.models import Role

# Counts this small could identify someone in a report that has no personal data.
SMALL_NUMBER_THRESHOLD = 5


def local_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def local_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def role_label(value: str) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return value


def suppressed_count(value: int) -> str:
    """Counts of 1 to 4 are shown as 'fewer than 5' so that nobody can be picked out."""
    if 0 < value < SMALL_NUMBER_THRESHOLD:
        return f"fewer than {SMALL_NUMBER_THRESHOLD}"
    return f"{value:,}"
