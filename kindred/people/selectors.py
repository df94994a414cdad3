"""Reads of person records. Every query starts from the organisation."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Upper
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.models import AuditEvent
from kindred.people import identifiers
from kindred.people.models import Consent, ConsentKind, Person, PersonChange


def people_of(*, organisation: Organisation, search: str = "") -> QuerySet[Person]:
    """The organisation's people, found by what was typed in `search` (ADR-089): an email
    address (any case), a whole postcode (any spacing or case), an NHS number or phone number
    (any spacing; a phone number in any of the ways it is written, `identifiers.phone_key`), or
    else words that each begin a name or the postcode. Each is an index look-up on PostgreSQL:
    words read the prefix indexes of migration 0007 (ADR-100), which find a common surname's
    few hundred people at once rather than walking the name index past tens of thousands.
    Records merged into another are not listed (ADR-090): the record that stays is."""
    people = organisation.people.filter(merged_into__isnull=True)
    if search.strip():
        # Found people are sorted by UPPER(name), which no index is in the order of, so the
        # planner reads the few a search finds from their indexes and sorts them: ordered by
        # the plain names it would walk the whole name index in order, hoping to meet them
        # early (at 50,000 people a common surname walked 39,600: ADR-100).
        return (
            people.alias(**_SEARCH_KEYS)
            .filter(_search(search.strip()))
            .order_by("family_upper", "given_upper", "pk")
        )
    return people.order_by("family_name", "given_name")


# The expressions searches compare, as their indexes have them: UPPER(email) (a plain iexact is
# LIKE on SQLite, which no index serves) and UPPER(name) for the words (migration 0007).
_SEARCH_KEYS = {
    "email_upper": Upper("email"),
    "given_upper": Upper("given_name"),
    "family_upper": Upper("family_name"),
    "preferred_upper": Upper("preferred_name"),
    "postcode_upper": Upper("postcode"),
}

# What a phone number or NHS number may be written with besides its digits.
_NUMBER = re.compile(r"^\+?[0-9 ()\-.]+$")


def _search(query: str) -> Q:
    if "@" in query:
        return Q(email_upper=query.upper())
    if _NUMBER.match(query) and any(c.isdigit() for c in query):
        found = Q(phone_digits=identifiers.phone_key(query))
        digits = re.sub(r"[^0-9]", "", query)
        if len(digits) == 10 and not query.startswith("+"):
            found |= Q(nhs_number=digits)
        return found
    if identifiers.POSTCODE_SHAPE.match(identifiers.compact(query)):
        return Q(postcode=identifiers.format_postcode(query))
    found = Q()
    for word in query.upper().split()[:4]:
        found &= (
            Q(given_upper__startswith=word)
            | Q(family_upper__startswith=word)
            | Q(preferred_upper__startswith=word)
            | Q(postcode_upper__startswith=word)
        )
    return found


def person_of(*, organisation: Organisation, person_id: uuid.UUID) -> Person:
    """The person, if they belong to this organisation; Person.DoesNotExist otherwise.

    A record merged into another (a tombstone) is followed: the record that stays is returned,
    so every page and service that finds someone by id reads the survivor (ADR-090). There are
    no chains, so one step is enough. A caller that must know compares `pk` with `person_id`."""
    person = organisation.people.select_related("merged_into").get(pk=person_id)
    return person.merged_into or person


def people_added_recently(*, organisation: Organisation, days: int = 7) -> QuerySet[Person]:
    since = timezone.now() - dt.timedelta(days=days)
    return organisation.people.filter(created_at__gte=since, merged_into__isnull=True).order_by(
        "-created_at"
    )


def record_ids_of(*, person: Person) -> list[uuid.UUID]:
    """The person's own record and every record merged into it (ADR-090): what a read of their
    append-only records (consents, reviews, the audit trail) covers."""
    return [person.pk, *person.merged_records.order_by("merged_at").values_list("pk", flat=True)]


def merged_into_this(*, person: Person) -> list[Person]:
    """The records merged into this one, latest merge first."""
    return list(person.merged_records.order_by("-merged_at"))


def audit_trail_of(*, organisation: Organisation, person: Person) -> QuerySet[AuditEvent]:
    """Who has viewed or changed the person's record: entries on the record, and list pages
    that showed them (`people.services.people_viewed` names them in `detail["people"]`); for a
    record other records were merged into, theirs too (ADR-090)."""
    ids = record_ids_of(person=person)
    found = Q(target_type=Person._meta.label_lower, target_id__in=[str(i) for i in ids])
    for record_id in ids:
        found |= _listed(record_id)
    return (
        AuditEvent.objects.filter(organisation=organisation)
        .filter(found)
        .select_related("organisation")
        .order_by("-occurred_at")
    )


def _listed(person_id: uuid.UUID) -> Q:
    """Entries whose detail["people"] (a list of ids) holds the person's id. PostgreSQL asks
    jsonb containment; SQLite, which has no JSON containment, looks for the quoted id in the
    list's JSON text (ids are UUIDs, so one cannot be part of another)."""
    if connection.vendor == "postgresql":
        return Q(detail__people__contains=[str(person_id)])
    return Q(detail__people__icontains=f'"{person_id}"')


def consents_of(*, person: Person) -> QuerySet[Consent]:
    """Every consent decision recorded for the person: on their record and on the records merged
    into it (consents are append-only and stay where they were recorded, ADR-090)."""
    return Consent.objects.filter(Q(person=person) | Q(person__merged_into=person))


def changes_of(*, person: Person) -> QuerySet[PersonChange]:
    """The changes made to the person's details, latest first (ADR-089)."""
    return person.changes.order_by("-occurred_at")


def consents_in_force(*, person: Person) -> dict[str, Consent | None]:
    """The latest decision for each kind of consent (None if never asked), whichever of the
    person's records it was recorded on."""
    latest: dict[str, Consent | None] = {kind.value: None for kind in ConsentKind}
    for consent in (
        consents_of(person=person).select_related("recorded_by").order_by("-recorded_at")
    ):
        if latest.get(consent.kind) is None:
            latest[consent.kind] = consent
    return latest


@dataclass(frozen=True)
class LikelyDuplicate:
    """A record the duplicate rules (people.services.person_match, ADR-074) take to be the same
    person as another, or one they flag: the same name, date of birth and postcode with a
    different NHS number, which can never be merged."""

    person: Person
    nhs_number_differs: bool


def likely_duplicates_of(*, organisation: Organisation, person: Person) -> list[LikelyDuplicate]:
    """Other current records of the organisation that the duplicate rules match with this one:
    the same NHS number, or the same name (ignoring case), date of birth and postcode. At most
    20, oldest first."""
    rules = Q(pk__in=[])
    if person.nhs_number:
        rules |= Q(nhs_number=person.nhs_number)
    if person.date_of_birth and person.postcode:
        rules |= Q(
            given_name__iexact=person.given_name,
            family_name__iexact=person.family_name,
            date_of_birth=person.date_of_birth,
            postcode=person.postcode,
        )
    found = (
        organisation.people.filter(rules, merged_into__isnull=True)
        .exclude(pk=person.pk)
        .order_by("created_at")[:20]
    )
    return [
        LikelyDuplicate(
            other,
            nhs_number_differs=bool(
                other.nhs_number and person.nhs_number and other.nhs_number != person.nhs_number
            ),
        )
        for other in found
    ]
