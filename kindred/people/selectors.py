"""Reads of person records. Every query starts from the organisation."""

from __future__ import annotations

import datetime as dt
import uuid

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
    return (
        AuditEvent.objects.for_record(person)
        .filter(organisation=organisation)
        .select_related("organisation")
        .order_by("-occurred_at")
    )


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
