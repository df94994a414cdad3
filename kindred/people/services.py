"""Writes to person records. Every write is audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from kindred.core.services import Acting, audit_record
from kindred.people import identifiers
from kindred.people.models import Person


class NotActingForAnOrganisation(Exception):
    """A person record must belong to the organisation the user acts for."""


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
    if by.organisation is None:
        raise NotActingForAnOrganisation("Choose an organisation first.")
    located = identifiers.lookup(postcode) if postcode else None
    person = Person.objects.create(
        organisation=by.organisation,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        preferred_name=preferred_name.strip(),
        date_of_birth=date_of_birth,
        postcode=located.postcode if located else "",
        easting=located.easting if located else None,
        northing=located.northing if located else None,
        phone=phone.strip(),
        email=email.strip().lower(),
        created_by=by.user,
    )
    audit_record(by=by, action="person.created", target=person)
    return person


def person_view_record(*, by: Acting, person: Person) -> None:
    """Reading a person's record is audited, like any change to it."""
    audit_record(by=by, action="person.viewed", target=person)
