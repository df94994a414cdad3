"""Writes to person records. Every write is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from kindred.core.services import Acting, audit_record
from kindred.people import identifiers
from kindred.people.models import Consent, ConsentKind, Person


class NotActingForAnOrganisation(Exception):
    """A person record must belong to the organisation the user acts for."""


@dataclass
class PersonDetails:
    """What can be known about someone when they are added or referred."""

    given_name: str
    family_name: str
    preferred_name: str = ""
    date_of_birth: dt.date | None = None
    nhs_number: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    preferred_contact: str = ""
    language: str = ""
    gender: str = ""
    gender_described: str = ""
    gp_practice_ods: str = ""
    consents: dict[str, bool] = field(default_factory=dict)


def person_find_existing(*, by: Acting, details: PersonDetails) -> Person | None:
    """The organisation's record of the same person: same NHS number, or the same name, date of
    birth and postcode. None if there is none."""
    if by.organisation is None:
        raise NotActingForAnOrganisation("Choose an organisation first.")
    people = by.organisation.people.all()
    if details.nhs_number:
        nhs_number = identifiers.normalise_nhs_number(details.nhs_number)
        found = people.filter(nhs_number=nhs_number).order_by("created_at").first()
        if found is not None:
            return found
    if details.date_of_birth and details.postcode:
        postcode = identifiers.format_postcode(details.postcode)
        return (
            people.filter(
                given_name__iexact=details.given_name.strip(),
                family_name__iexact=details.family_name.strip(),
                date_of_birth=details.date_of_birth,
                postcode=postcode,
            )
            .order_by("created_at")
            .first()
        )
    return None


@transaction.atomic
def person_find_or_create(*, by: Acting, details: PersonDetails) -> tuple[Person, bool]:
    """Link to the person already known (see person_find_existing), or add them. Returns the
    person and whether they were added. Consents given now are recorded either way."""
    existing = person_find_existing(by=by, details=details)
    if existing is not None:
        audit_record(by=by, action="person.matched", target=existing)
        # A box left unticked on a new referral is not a withdrawal of consent given before:
        # only new agreement is recorded here; withdrawing is done on the consents page.
        current = {c.kind: c.given for c in existing.consents.order_by("recorded_at")}
        for kind, given in details.consents.items():
            if given and not current.get(kind):
                consent_record(by=by, person=existing, kind=kind, given=True)
        return existing, False
    return _create(by=by, details=details), True


def _create(*, by: Acting, details: PersonDetails) -> Person:
    if by.organisation is None:
        raise NotActingForAnOrganisation("Choose an organisation first.")
    located = identifiers.lookup(details.postcode) if details.postcode else None
    person = Person.objects.create(
        organisation=by.organisation,
        given_name=details.given_name.strip(),
        family_name=details.family_name.strip(),
        preferred_name=details.preferred_name.strip(),
        date_of_birth=details.date_of_birth,
        nhs_number=identifiers.normalise_nhs_number(details.nhs_number)
        if details.nhs_number
        else "",
        address=details.address.strip(),
        postcode=located.postcode if located else "",
        easting=located.easting if located else None,
        northing=located.northing if located else None,
        phone=details.phone.strip(),
        email=details.email.strip().lower(),
        preferred_contact=details.preferred_contact,
        language=details.language.strip(),
        gender=details.gender,
        gender_described=details.gender_described.strip(),
        gp_practice_ods=details.gp_practice_ods.strip().upper(),
        created_by=by.user,
    )
    audit_record(by=by, action="person.created", target=person)
    for kind, given in details.consents.items():
        consent_record(by=by, person=person, kind=kind, given=given)
    return person


@transaction.atomic
def person_create(
    *,
    by: Acting,
    given_name: str,
    family_name: str,
    preferred_name: str = "",
    date_of_birth: dt.date | None = None,
    postcode: str = "",
    phone: str = "",
    email: str = "",
) -> Person:
    """Add someone to the organisation `by` acts for. The postcode must be a real one."""
    details = PersonDetails(
        given_name=given_name,
        family_name=family_name,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        phone=phone,
        email=email,
    )
    return _create(by=by, details=details)


@transaction.atomic
def consent_record(*, by: Acting, person: Person, kind: str, given: bool) -> Consent:
    """Record a person's decision about one use of their data, with when and who recorded it."""
    ConsentKind(kind)  # refuses unknown kinds
    consent = Consent.objects.create(
        person=person,
        kind=kind,
        given=given,
        recorded_at=timezone.now(),
        recorded_by=by.user,
        recorded_by_label=by.actor_label,
    )
    audit_record(
        by=by,
        action="person.consent_recorded",
        target=person,
        detail={"kind": kind, "given": given},
    )
    return consent


@transaction.atomic
def consents_update(*, by: Acting, person: Person, answers: dict[str, bool]) -> int:
    """Record each answer that differs from the one in force. Returns how many were recorded."""
    current = {c.kind: c.given for c in person.consents.order_by("recorded_at")}
    changed = 0
    for kind, given in answers.items():
        if current.get(kind) is not given:
            consent_record(by=by, person=person, kind=kind, given=given)
            changed += 1
    return changed


def person_view_record(*, by: Acting, person: Person) -> None:
    """Reading a person's record is audited, like any change to it."""
    audit_record(by=by, action="person.viewed", target=person)


def person_export(*, by: Acting, person: Person, file_format: str) -> dict[str, Any]:
    """Everything held about the person, for a subject access request. Audited."""
    from kindred.people.subject_access import person_data

    audit_record(by=by, action="person.exported", target=person, detail={"format": file_format})
    return person_data(person)
