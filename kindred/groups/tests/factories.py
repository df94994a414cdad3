"""Venues and groups made through the services, so their sessions exist as they would."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.services import Acting
from kindred.groups import schedule, services
from kindred.groups.models import Group, GroupModel, Joining, Venue

_count = 0


def make_venue(
    organisation: Organisation, *, name: str | None = None, postcode: str = "SK1 3XE"
) -> Venue:
    global _count
    _count += 1
    return services.venue_save(
        by=Acting.system("test", organisation=organisation),
        details=services.VenueDetails(
            name=name or f"Hall {_count}", address="1 Mersey Square, Stockport", postcode=postcode,
            step_free=True, hearing_loop=True,
        ),
    )  # fmt: skip


def details(venue: Venue, **changes: object) -> services.GroupDetails:
    first = changes.pop("first_on", None) or timezone.localdate()
    values: dict[str, object] = {
        "name": "Crafty Needles",
        "description": "Knitting and a cup of tea",
        "model": GroupModel.ACTIVITY,
        "venue": venue,
        "rule": schedule.build_rule(pattern="weekly", first=first),  # type: ignore[arg-type]
        "first_on": first,
        "starts": dt.time(10, 0),
        "ends": dt.time(12, 0),
        "capacity": None,
        "joining": Joining.OPEN_DOOR,
        "carers_welcome": True,
        "cost": "Free",
        "enquiries": "0161 496 0000",
        "published": True,
    }
    values.update(changes)
    return services.GroupDetails(**values)  # type: ignore[arg-type]


def make_group(
    organisation: Organisation, *, venue: Venue | None = None, **changes: object
) -> Group:
    venue = venue or make_venue(organisation)
    return services.group_create(
        by=Acting.system("test", organisation=organisation), details=details(venue, **changes)
    )
