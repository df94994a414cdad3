"""Writes to person records. Every write is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import IntegrityError, models, transaction
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


class MatchedBy(models.TextChoices):
    """How a record was found for details someone sent (ADR-074)."""

    NHS_NUMBER = "nhs_number", "The same NHS number"
    NAME_BIRTH_POSTCODE = "name_birth_postcode", "The same name, date of birth and postcode"


@dataclass(frozen=True)
class PersonMatch:
    """What the organisation already holds that looks like the person in `details`.

    `person` is the record they are taken to be: the one with the same NHS number, or (when no
    NHS number decides it) the one with the same name, date of birth and postcode. A record with
    the same name, date of birth and postcode but a *different* NHS number is never taken to be
    them: it is only `possible_duplicate`, for a coordinator to look at."""

    person: Person | None = None
    matched_by: str = ""
    possible_duplicate: Person | None = None


def person_match(*, by: Acting, details: PersonDetails) -> PersonMatch:
    """The organisation's records that match `details`: the one duplicate-detection rule every
    way in uses (forms, self-referral, FHIR)."""
    if by.organisation is None:
        raise NotActingForAnOrganisation("Choose an organisation first.")
    people = by.organisation.people.all()
    nhs_number = identifiers.normalise_nhs_number(details.nhs_number) if details.nhs_number else ""
    if nhs_number:
        found = people.filter(nhs_number=nhs_number).order_by("created_at").first()
        if found is not None:
            return PersonMatch(person=found, matched_by=MatchedBy.NHS_NUMBER)
    if not (details.date_of_birth and details.postcode):
        return PersonMatch()
    same = list(
        people.filter(
            given_name__iexact=details.given_name.strip(),
            family_name__iexact=details.family_name.strip(),
            date_of_birth=details.date_of_birth,
            postcode=identifiers.format_postcode(details.postcode),
        ).order_by("created_at")[:10]
    )
    # A record with no NHS number, or the same one, can be them; a different one never is.
    compatible = [p for p in same if not p.nhs_number or not nhs_number]
    if compatible:
        return PersonMatch(person=compatible[0], matched_by=MatchedBy.NAME_BIRTH_POSTCODE)
    return PersonMatch(possible_duplicate=same[0] if same else None)


def person_find_existing(*, by: Acting, details: PersonDetails) -> Person | None:
    """The organisation's record of the same person (see person_match). None if there is none."""
    return person_match(by=by, details=details).person


@dataclass(frozen=True)
class PersonForReferral:
    """The record a referral is linked to, and how it was chosen."""

    person: Person
    added: bool
    matched_by: str = ""
    possible_duplicate: Person | None = None


@transaction.atomic
def person_for_referral(*, by: Acting, details: PersonDetails) -> PersonForReferral:
    """The record a new referral is about: the one already held (see person_match), left exactly
    as it is, or a new one made from what was sent. A referral never changes someone's recorded
    details or consents; what it says is kept on the referral until a coordinator confirms it
    (ADR-075). Safe when many referrals of the same new NHS number arrive at once (ADR-074)."""
    match = person_match(by=by, details=details)
    if match.person is not None:
        audit_record(
            by=by,
            action="person.matched",
            target=match.person,
            detail={"matched_by": match.matched_by},
        )
        return PersonForReferral(person=match.person, added=False, matched_by=match.matched_by)
    person, added = _create_once(by=by, details=details)
    if not added:
        return PersonForReferral(person=person, added=False, matched_by=MatchedBy.NHS_NUMBER)
    if match.possible_duplicate is not None:
        audit_record(
            by=by,
            action="person.possible_duplicate",
            target=person,
            detail={"of": str(match.possible_duplicate.pk)},
        )
    return PersonForReferral(person=person, added=True, possible_duplicate=match.possible_duplicate)


@transaction.atomic
def person_find_or_create(*, by: Acting, details: PersonDetails) -> tuple[Person, bool]:
    """For a coordinator adding someone: link to the person already known (see person_match),
    or add them. Returns the person and whether they were added. Consents the coordinator records
    now are added either way (only new agreement; withdrawing is done on the consents page)."""
    existing = person_find_existing(by=by, details=details)
    if existing is None:
        existing, added = _create_once(by=by, details=details)
        if added:
            return existing, True
    audit_record(by=by, action="person.matched", target=existing)
    if by.user is None:
        return existing, False  # only a signed-in coordinator records consent here
    current = {c.kind: c.given for c in existing.consents.order_by("recorded_at")}
    for kind, given in details.consents.items():
        if given and not current.get(kind):
            consent_record(by=by, person=existing, kind=kind, given=True)
    return existing, False


def _create_once(*, by: Acting, details: PersonDetails) -> tuple[Person, bool]:
    """Add the person, unless a record with their NHS number appeared meanwhile (another request
    made it a moment ago): then that record, unchanged. The unique constraint decides, inside a
    savepoint, so the surrounding transaction carries on either way."""
    try:
        with transaction.atomic():
            return _create(by=by, details=details), True
    except IntegrityError:
        if by.organisation is None or not details.nhs_number:
            raise
        nhs_number = identifiers.normalise_nhs_number(details.nhs_number)
        return by.organisation.people.get(nhs_number=nhs_number), False


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


class PersonDetailsRefused(Exception):
    """A change to a person's details that cannot be made; the message says why."""


# What a coordinator may copy from a referral onto the person's record once they confirm it.
UPDATABLE_DETAILS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "nhs_number",
    "address",
    "postcode",
    "phone",
    "email",
    "gp_practice_ods",
)


@transaction.atomic
def person_details_update(
    *, by: Acting, person: Person, changes: dict[str, Any], reason: str
) -> list[str]:
    """A coordinator records new details for someone (for example the phone number a confirmed
    referral gave). Only the fields in UPDATABLE_DETAILS; an NHS number another record already
    has is refused. Audited with the names of the fields changed, not their values. Returns the
    fields that changed."""
    if by.organisation is None or person.organisation_id != by.organisation.pk:
        raise NotActingForAnOrganisation("This person is not supported by your organisation.")
    if by.user is None:
        raise PersonDetailsRefused("Only a signed-in coordinator can change someone's details.")
    unknown = set(changes) - set(UPDATABLE_DETAILS)
    if unknown:
        raise PersonDetailsRefused(f"These details cannot be changed here: {sorted(unknown)}")
    person = by.organisation.people.select_for_update().get(pk=person.pk)
    changed: list[str] = []
    for name, value in changes.items():
        if name == "nhs_number" and value:
            value = identifiers.normalise_nhs_number(str(value))
            if by.organisation.people.filter(nhs_number=value).exclude(pk=person.pk).exists():
                raise PersonDetailsRefused(
                    "Another record already has that NHS number, so it was not copied. "
                    "Check the number with the referrer."
                )
        elif isinstance(value, str):
            value = value.strip()
        if getattr(person, name) == value:
            continue
        if name == "postcode":
            located = identifiers.lookup(str(value)) if value else None
            value = located.postcode if located else ""
            person.easting = located.easting if located else None
            person.northing = located.northing if located else None
        setattr(person, name, value)
        changed.append(name)
    if not changed:
        return []
    extra = ["easting", "northing"] if "postcode" in changed else []
    person.save(update_fields=[*changed, *extra, "updated_at"])
    audit_record(
        by=by,
        action="person.details_changed",
        target=person,
        detail={"fields": changed, "reason": reason},
    )
    return changed


@transaction.atomic
def person_create_from_details(*, by: Acting, details: PersonDetails) -> Person:
    """Add someone exactly as `details` describes them, with the consents it records (a
    coordinator deciding that a referral is about someone not yet known). Refused if another
    record already has their NHS number."""
    try:
        with transaction.atomic():
            return _create(by=by, details=details)
    except IntegrityError as clash:
        raise PersonDetailsRefused(
            "Another record already has that NHS number, so no new record was made. "
            "Check the number with the referrer."
        ) from clash


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


def person_export(*, by: Acting, person: Person, file_format: str) -> dict[str, Any]:
    """Everything held about the person, for a subject access request. Audited."""
    from kindred.people.subject_access import person_data

    audit_record(by=by, action="person.exported", target=person, detail={"format": file_format})
    return person_data(person)


def people_viewed(*, by: Acting, people: Person | Iterable[Person], page: str) -> None:
    """Someone was shown these people's details on `page`: the one way a read of people is
    audited (ADR-082). One "person.viewed" entry per page view: on the person for a
    page about one person, or naming every person shown in `detail["people"]` for a list, so a
    list page costs one insert however many people it shows (none if it shows nobody). Each
    person's own trail (`selectors.audit_trail_of`) finds both. People of another organisation
    (matching across a network) are recorded in their organisation's log too, so it sees who
    looked.

    Call it only once the page is shown: a refused read is not a view."""
    from kindred.accounts.models import Organisation

    if isinstance(people, Person):
        audit_record(by=by, action="person.viewed", target=people, detail={"page": page})
        return
    shown: dict[str, None] = {}
    elsewhere: dict[Any, dict[str, None]] = {}
    acting_for = by.organisation.pk if by.organisation is not None else None
    for person in people:
        shown[str(person.pk)] = None
        if person.organisation_id != acting_for:
            elsewhere.setdefault(person.organisation_id, {})[str(person.pk)] = None
    if not shown:
        return
    audit_record(by=by, action="person.viewed", detail={"page": page, "people": list(shown)})
    if not elsewhere:
        return
    organisations = Organisation.objects.in_bulk(list(elsewhere))
    for organisation_id, theirs in elsewhere.items():
        audit_record(
            by=replace(by, organisation=organisations[organisation_id]),
            action="person.viewed",
            detail={
                "page": page,
                "people": list(theirs),
                "acting_for": str(acting_for) if acting_for else "",
            },
        )
