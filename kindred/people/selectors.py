"""Reads of person records. Every query starts from the organisation."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.models import AuditEvent
from kindred.people.models import Consent, ConsentKind, Person


def people_of(*, organisation: Organisation, search: str = "") -> QuerySet[Person]:
    people = organisation.people.all()
    for word in search.split()[:4]:
        people = people.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(postcode__icontains=word)
        )
    return people.order_by("family_name", "given_name")


def person_of(*, organisation: Organisation, person_id: uuid.UUID) -> Person:
    """The person, if they belong to this organisation; Person.DoesNotExist otherwise."""
    return organisation.people.get(pk=person_id)


def people_added_recently(*, organisation: Organisation, days: int = 7) -> QuerySet[Person]:
    since = timezone.now() - dt.timedelta(days=days)
    return organisation.people.filter(created_at__gte=since).order_by("-created_at")


def audit_trail_of(*, organisation: Organisation, person: Person) -> QuerySet[AuditEvent]:
    """Who has viewed or changed the person's record: entries on the record, and list pages
    that showed them (`people.services.people_viewed` names them in `detail["people"]`)."""
    on_record = Q(target_type=Person._meta.label_lower, target_id=str(person.pk))
    return (
        AuditEvent.objects.filter(organisation=organisation)
        .filter(on_record | _listed(person))
        .select_related("organisation")
        .order_by("-occurred_at")
    )


def _listed(person: Person) -> Q:
    """Entries whose detail["people"] (a list of ids) holds the person's id. PostgreSQL asks
    jsonb containment; SQLite, which has no JSON containment, looks for the quoted id in the
    list's JSON text (ids are UUIDs, so one cannot be part of another)."""
    if connection.vendor == "postgresql":
        return Q(detail__people__contains=[str(person.pk)])
    return Q(detail__people__icontains=f'"{person.pk}"')


def consents_in_force(*, person: Person) -> dict[str, Consent | None]:
    """The latest decision for each kind of consent (None if never asked)."""
    latest: dict[str, Consent | None] = {kind.value: None for kind in ConsentKind}
    for consent in person.consents.select_related("recorded_by").order_by("-recorded_at"):
        if latest.get(consent.kind) is None:
            latest[consent.kind] = consent
    return latest


def has_consented(*, person: Person, kind: ConsentKind) -> bool:
    latest = person.consents.filter(kind=kind).order_by("-recorded_at").first()
    return bool(latest and latest.given)
