"""What the Open Referral UK v3 profile (OpenReferralUK/uk-profile: schema/compiled/service.json,
service_list.json, service_at_location_list.json, taxonomy.json, taxonomy_term.json and the
openapi.json Page schema) requires, written out as checks for the tests. Not a copy of the
schemas: the required fields, the formats (uuid, uri, date) and the enumerations they name."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any
from urllib.parse import urlparse

REQUIRED = {
    "service": {"id", "name", "status"},
    "service_list_item": {"id", "name", "status", "url"},
    "organization": {"id", "name", "description"},
    "service_at_location": {"id"},
    "location": {"id"},
    "address": {"id", "address_1", "city", "state_province", "postal_code", "country",
                "address_type"},
    "accessibility": {"id"},
    "schedule": {"id"},
    "contact": {"id"},
    "phone": {"id", "number"},
    "cost_option": {"id"},
    "attribute": {"id"},
    "taxonomy": {"id", "name", "description"},
    "taxonomy_term": {"id", "taxonomy"},
}  # fmt: skip
SERVICE_STATUS = {"active", "inactive", "defunct", "temporarily closed"}
ADDRESS_TYPE = {"physical", "postal", "virtual"}
SCHEDULE_FREQ = {"WEEKLY", "MONTHLY"}
URI_FIELDS = {"url", "schedule_link", "term_uri", "uri", "website", "profile", "openapi_url"}
DATE_FIELDS = {"valid_from", "valid_to", "dtstart", "assured_date"}
PAGE = {"total_items": int, "total_pages": int, "page_number": int, "size": int,
        "first_page": bool, "last_page": bool, "empty": bool, "contents": list}  # fmt: skip
TIME_WITH_ZONE = re.compile(r"^\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})$")


def is_uuid(value: Any) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def is_uri(value: Any) -> bool:
    parsed = urlparse(value) if isinstance(value, str) else None
    return bool(parsed and parsed.scheme in ("http", "https") and parsed.netloc)


def has_required(kind: str, found: dict[str, Any]) -> None:
    missing = REQUIRED[kind] - set(found)
    assert not missing, f"{kind} lacks {sorted(missing)}"
    empty = [name for name in REQUIRED[kind] if found[name] is None]
    assert not empty, f"{kind} has null required {empty}"


def formats(found: Any, where: str = "") -> None:
    """Every id is a UUID, every URL a URI, every date ISO 8601, throughout the nesting."""
    if isinstance(found, list):
        for index, item in enumerate(found):
            formats(item, f"{where}[{index}]")
        return
    if not isinstance(found, dict):
        return
    for name, value in found.items():
        at = f"{where}.{name}"
        if value is None:
            continue
        if name == "id" or name.endswith("_id"):
            assert is_uuid(value), f"{at} is not a UUID: {value!r}"
        elif name in URI_FIELDS:
            assert is_uri(value), f"{at} is not a URI: {value!r}"
        elif name in DATE_FIELDS:
            dt.date.fromisoformat(value)
        elif name == "last_modified":
            assert dt.datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
        elif name in ("latitude", "longitude", "amount", "interval", "minimum_age"):
            assert isinstance(value, int | float) and not isinstance(value, bool), at
        formats(value, at)


def page(found: dict[str, Any]) -> None:
    for name, kind in PAGE.items():
        assert isinstance(found[name], kind) and not (
            kind is int and isinstance(found[name], bool)
        ), name
    assert found["size"] == len(found["contents"])
    assert found["empty"] == (found["size"] == 0)


def service_list_item(found: dict[str, Any]) -> None:
    has_required("service_list_item", found)
    assert found["status"] in SERVICE_STATUS
    has_required("organization", found["organization"])
    formats(found)


def full_service(found: dict[str, Any]) -> None:
    """Field by field, the fully nested service."""
    has_required("service", found)
    assert found["status"] in SERVICE_STATUS
    has_required("organization", found["organization"])
    for sal in found["service_at_locations"]:
        has_required("service_at_location", sal)
        assert sal["service_id"] == found["id"]
        location = sal["location"]
        has_required("location", location)
        assert sal["location_id"] == location["id"]
        for address in location["addresses"]:
            has_required("address", address)
            assert address["address_type"] in ADDRESS_TYPE
            assert address["location_id"] == location["id"]
            assert re.fullmatch(r"[A-Z]{2}", address["country"])
        for access in location["accessibility"]:
            has_required("accessibility", access)
            assert access["location_id"] == location["id"]
    for schedule in found["schedules"]:
        has_required("schedule", schedule)
        assert schedule["service_id"] == found["id"]
        assert schedule["freq"] is None or schedule["freq"] in SCHEDULE_FREQ
        assert TIME_WITH_ZONE.match(schedule["opens_at"]) and TIME_WITH_ZONE.match(
            schedule["closes_at"]
        )
    for contact in found["contacts"]:
        has_required("contact", contact)
        for phone in contact.get("phones", []):
            has_required("phone", phone)
    for option in found["cost_options"]:
        has_required("cost_option", option)
        assert option["service_id"] == found["id"]
    for attribute in found["attributes"]:
        has_required("attribute", attribute)
        has_required("taxonomy_term", attribute["taxonomy_term"])
        assert attribute["taxonomy_term_id"] == attribute["taxonomy_term"]["id"]
    formats(found)


def every_id(found: Any) -> list[str]:
    if isinstance(found, list):
        return [i for item in found for i in every_id(item)]
    if isinstance(found, dict):
        own = [found["id"]] if isinstance(found.get("id"), str) else []
        return own + [i for value in found.values() for i in every_id(value)]
    return []
