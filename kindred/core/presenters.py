"""Display formatting shared by every page: Europe/London times and small numbers. (Role names
are accounts' own: `kindred.accounts.presenters.role_label`.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

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


def suppressed_count(value: int) -> str:
    """Counts of 1 to 4 are shown as 'fewer than 5' so that nobody can be picked out."""
    if 0 < value < SMALL_NUMBER_THRESHOLD:
        return f"fewer than {SMALL_NUMBER_THRESHOLD}"
    return f"{value:,}"


def in_a_sentence(label: object) -> str:
    """A label as it reads inside a sentence: "Waiting for a match" becomes "waiting for a
    match", but an initialism keeps its capitals ("GP", "NHS team", "DBS check")."""
    text = str(label)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return text
    return text[:1].lower() + text[1:]


def count_of(number: object, singular: str, plural: str | None = None) -> str:
    """ "1 hour", "2 hours", "1.5 hours": the noun agrees with the number."""
    shown = f"{number.normalize():f}" if isinstance(number, Decimal) else str(number)
    noun = singular if shown == "1" else (plural or f"{singular}s")
    return f"{shown} {noun}"
