"""Published groups as Open Referral UK (HSDS 3.0, UK profile) objects (ADR-112).

A group is a `service`; its venue a `location` with one physical `address` and its access as
`accessibility` entries; the group meeting at the venue a `service_at_location`; its RFC 5545
rule a `schedule` (with `schedule_link` to the group's iCalendar feed); its published enquiries
contact a `contact`; its cost a `cost_option`; its kind (the group model) a `taxonomy_term` of
Kindred's own taxonomy, linked by an `attribute`.

Ids: a service is the group's UUID, a location the venue's, an organization the organisation's.
Every other object is a UUID 5 of its owner's id and a fixed name, so it is the same in every
answer and needs no table. Nothing here names a person: facilitators, members, regulars and
attendance are never read (kindred.groups.published does not select them).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from icalendar import vRecur

from kindred.directory.geo import latitude_longitude
from kindred.groups.published import LONDON, Group, GroupModel, Joining, Session, SessionStatus
from kindred.groups.published import describe as describe_schedule
from kindred.people import identifiers

VERSION = "3.0"
PROFILE_URL = "https://github.com/openreferral/uk-profile"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"

# Fixed: changing it changes every derived id that consumers have stored.
NAMESPACE = uuid.UUID("0d6f6b8e-3a52-5d1c-9f0e-6b1f4c2a7d11")
TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy:kindred-group-model")
TAXONOMY_NAME = "Kindred peer support group kinds"
TAXONOMY_DESCRIPTION = (
    "The kind of peer support group: activity, problem-solving and crisis planning, "
    "condition-specific or neighbourhood."
)

ACCESSIBILITY = {
    "step_free": "Step-free access",
    "hearing_loop": "Hearing loop",
    "accessible_toilet": "Accessible toilet",
    "parking": "Parking",
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MONEY = re.compile(r"£\s*(\d+(?:\.\d{1,2})?)")
FREE = {"free", "free of charge", "no charge", "nothing", "£0", "0"}
COUNTRY_BY_CODE = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}


@dataclass(frozen=True)
class Links:
    """Absolute URLs of a group's public page and iCalendar feed, and of taxonomy terms."""

    page: Callable[[Group], str]
    calendar: Callable[[Group], str]
    term: Callable[[str], str]
    taxonomy: str


def derived(owner: uuid.UUID, name: str) -> str:
    """A stable UUID for an object that is part of `owner` (UUID 5: same inputs, same id)."""
    return str(uuid.uuid5(owner, name))


def timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# Taxonomy


def term_id(model: str) -> str:
    return derived(TAXONOMY_ID, f"term:{model}")


def taxonomy(links: Links) -> dict[str, Any]:
    return {
        "id": str(TAXONOMY_ID),
        "name": TAXONOMY_NAME,
        "description": TAXONOMY_DESCRIPTION,
        "uri": links.taxonomy,
        "version": "1",
    }


def taxonomy_term(model: str, links: Links) -> dict[str, Any]:
    label = GroupModel(model).label
    return {
        "id": term_id(model),
        "code": model,
        "name": label,
        "term": label,
        "description": f"Peer support groups of this kind: {label.lower()}.",
        "parent_id": None,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": str(TAXONOMY_ID),
        "term_uri": links.term(model),
        "version": "1",
    }


def taxonomy_terms(links: Links) -> list[dict[str, Any]]:
    return [taxonomy_term(value, links) for value in GroupModel.values]


# Organisation, status, contact, cost


def organization(group: Group) -> dict[str, Any]:
    organisation = group.organisation
    return {
        "id": str(organisation.pk),
        "name": organisation.name,
        "description": f"{organisation.name}: {organisation.get_kind_display().lower()}.",
    }


def status(group: Group, upcoming: list[Session]) -> str:
    """active: a session is going ahead; temporarily closed: every upcoming one is cancelled;
    inactive: the schedule has no more sessions."""
    if any(s.status != SessionStatus.CANCELLED for s in upcoming):
        return "active"
    return "temporarily closed" if upcoming else "inactive"


def _email(group: Group) -> str | None:
    value = group.enquiries.strip()
    return value if EMAIL.match(value) else None


def contacts(group: Group) -> list[dict[str, Any]]:
    """The group's published enquiries contact: a phone number or an email address, never a
    person's name."""
    contact_id = derived(group.pk, "contact")
    email = _email(group)
    phones = (
        []
        if email
        else [{"id": derived(group.pk, "contact:phone"), "contact_id": contact_id,
               "number": group.enquiries.strip(), "type": "voice"}]
    )  # fmt: skip
    return [
        {
            "id": contact_id,
            "service_id": str(group.pk),
            "name": "Enquiries",
            "title": None,
            "email": email,
            "phones": phones,
        }
    ]


def cost_options(group: Group) -> list[dict[str, Any]]:
    text = group.cost.strip()
    amount: Decimal | None = None
    if text.lower() in FREE:
        amount = Decimal(0)
    elif found := MONEY.search(text):
        try:
            amount = Decimal(found[1])
        except InvalidOperation:  # pragma: no cover - the pattern allows only digits
            amount = None
    option: dict[str, Any] = {
        "id": derived(group.pk, "cost_option"),
        "service_id": str(group.pk),
        "option": text or "Free",
        "amount_description": text or "Free",
    }
    if amount is not None:
        option["amount"] = float(amount)
        option["currency"] = "GBP"
    return [option]


# Location


def _address_parts(address: str, postcode: str) -> list[str]:
    key = identifiers.compact(postcode)
    return [
        part.strip()
        for part in re.split(r"[,\n]", address)
        if part.strip() and identifiers.compact(part) != key
    ]


def _country_part(postcode: str) -> str:
    try:
        found = identifiers.lookup(postcode)
    except identifiers.PostcodeError:
        return ""
    return COUNTRY_BY_CODE.get(found.local_authority[:1], "")


def location(group: Group, *, full: bool) -> dict[str, Any]:
    venue = group.venue
    place = latitude_longitude(venue.easting, venue.northing)
    found: dict[str, Any] = {
        "id": str(venue.pk),
        "location_type": "physical",
        "name": venue.name,
        "description": f"{venue.name}, {venue.postcode}",
        "latitude": place[0] if place else None,
        "longitude": place[1] if place else None,
    }
    if not full:
        return found
    parts = _address_parts(venue.address, venue.postcode) or [venue.name]
    found["addresses"] = [
        {
            "id": derived(venue.pk, "address"),
            "location_id": str(venue.pk),
            "attention": None,
            "address_1": parts[0],
            "address_2": ", ".join(parts[1:-1]) or None,
            "city": parts[-1] if len(parts) > 1 else "",
            "region": None,
            "state_province": _country_part(venue.postcode),
            "postal_code": venue.postcode,
            "country": "GB",
            "address_type": "physical",
        }
    ]
    found["accessibility"] = [
        {
            "id": derived(venue.pk, f"accessibility:{flag}"),
            "location_id": str(venue.pk),
            "description": label,
            "details": None,
            "url": None,
        }
        for flag, label in ACCESSIBILITY.items()
        if getattr(venue, flag)
    ]
    return found


def service_at_location_id(group: Group) -> str:
    return derived(group.pk, f"service_at_location:{group.venue_id}")


# Schedule


def _offset(day: dt.date, at: dt.time) -> str:
    text = dt.datetime.combine(day, at, tzinfo=LONDON).strftime("%z")  # "+0100"
    return f"{text[:3]}:{text[3:]}"


def schedule(group: Group, upcoming: list[Session], links: Links) -> dict[str, Any]:
    """The group's rule as ORUK schedule fields. Times are UK wall-clock times with the UTC
    offset in force at the next session (it changes when the clocks do)."""
    rule = vRecur.from_ical(group.rule)
    freq = (rule.get("FREQ") or [""])[0]
    once = rule.get("COUNT") == [1] and freq == "DAILY"
    until = (rule.get("UNTIL") or [None])[0]
    going_ahead = [s for s in upcoming if s.status != SessionStatus.CANCELLED]
    reference = (
        going_ahead[0].starts_at.astimezone(LONDON).date() if going_ahead else group.first_on
    )
    valid_to: dt.date | None = group.first_on if once else None
    if until is not None:
        valid_to = until.date() if isinstance(until, dt.datetime) else until
    byday = ",".join(vRecur.types["BYDAY"](day).to_ical().decode() for day in rule.get("BYDAY", []))
    bymonthday = ",".join(str(day) for day in rule.get("BYMONTHDAY", []))
    starts, ends = group.starts.strftime("%H:%M"), group.ends.strftime("%H:%M")
    return {
        "id": derived(group.pk, "schedule"),
        "service_id": str(group.pk),
        "service_at_location_id": service_at_location_id(group),
        "valid_from": group.first_on.isoformat(),
        "valid_to": valid_to.isoformat() if valid_to else None,
        "dtstart": group.first_on.isoformat(),
        "freq": freq if freq in ("WEEKLY", "MONTHLY") else None,
        "interval": int((rule.get("INTERVAL") or [1])[0]),
        "byday": byday or None,
        "bymonthday": bymonthday or None,
        "opens_at": f"{starts}{_offset(reference, group.starts)}",
        "closes_at": f"{ends}{_offset(reference, group.ends)}",
        "description": f"{describe_schedule(group)}, {starts} to {ends} (UK time)",
        "schedule_link": links.calendar(group),
        "attending_type": "In person",
        "notes": "Each session, with any cancelled or moved, is in the iCalendar feed.",
    }


# Services


def _how_to_join(group: Group) -> str:
    if group.joining == Joining.OPEN_DOOR:
        return f"Open door: anyone can come along. Enquiries: {group.enquiries}"
    return f"By referral. Ask your GP or support worker, or enquire: {group.enquiries}"


def service_summary(group: Group, upcoming: list[Session], links: Links) -> dict[str, Any]:
    """A service's one-to-one fields and its organization (the service list)."""
    return {
        "id": str(group.pk),
        "organization_id": str(group.organisation_id),
        "name": group.name,
        "description": group.description,
        "url": links.page(group),
        "email": _email(group),
        "status": status(group, upcoming),
        "last_modified": timestamp(max(group.updated_at, group.venue.updated_at)),
        "organization": organization(group),
    }


def service_full(group: Group, upcoming: list[Session], links: Links) -> dict[str, Any]:
    """The fully nested service."""
    found = service_summary(group, upcoming, links)
    model = group.model
    found |= {
        "application_process": _how_to_join(group),
        "eligibility_description": "Carers welcome" if group.carers_welcome else None,
        "service_at_locations": [
            {
                "id": service_at_location_id(group),
                "service_id": str(group.pk),
                "location_id": str(group.venue_id),
                "location": location(group, full=True),
            }
        ],
        "schedules": [schedule(group, upcoming, links)],
        "contacts": contacts(group),
        "cost_options": cost_options(group),
        "attributes": [
            {
                "id": derived(group.pk, f"attribute:{model}"),
                "link_id": str(group.pk),
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term_id(model),
                "taxonomy_term": taxonomy_term(model, links),
            }
        ],
    }
    return found


def service_at_location_summary(
    group: Group, upcoming: list[Session], links: Links, distance: float | None
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": service_at_location_id(group),
        "service_id": str(group.pk),
        "location_id": str(group.venue_id),
        "location": location(group, full=False),
        "service": service_summary(group, upcoming, links),
    }
    if distance is not None:
        found["distance"] = round(distance)  # metres from the postcode asked about
    return found
