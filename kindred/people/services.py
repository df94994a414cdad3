"""Writes to person records. Every write is audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.services import Acting, audit_record, audit_record_many, audit_view
from kindred.core.transitions import ChangedSinceYouLooked, DomainError
from kindred.people import audit_actions, identifiers, selectors
from kindred.people.models import (
    Consent,
    ConsentKind,
    ContactMethod,
    Gender,
    Person,
    PersonChange,
)
from kindred.people.subject_access import person_data


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
    candidates = match_candidates(organisation=by.organisation, details=details)
    if candidates is None:
        return PersonMatch()
    found = list(candidates)
    nhs_number = identifiers.normalise_nhs_number(details.nhs_number) if details.nhs_number else ""
    if nhs_number and found and found[0].nhs_number == nhs_number:
        return PersonMatch(person=found[0], matched_by=MatchedBy.NHS_NUMBER)
    if not (details.date_of_birth and details.postcode):
        return PersonMatch()
    same = found[:10]
    # A record with no NHS number, or the same one, can be them; a different one never is.
    compatible = [p for p in same if not p.nhs_number or not nhs_number]
    if compatible:
        return PersonMatch(person=compatible[0], matched_by=MatchedBy.NAME_BIRTH_POSTCODE)
    return PersonMatch(possible_duplicate=same[0] if same else None)


def match_candidates(
    *, organisation: Organisation, details: PersonDetails
) -> models.QuerySet[Person] | None:
    """The records `person_match` chooses from, in one query (one round trip for every
    referral, ADR-128): the record with the NHS number first (there is at most one, ADR-074),
    then up to ten of the same name, date of birth and postcode, oldest first. None if the
    details give neither rule anything to go on. Records merged into another (tombstones,
    ADR-090) are never matched: the survivor is."""
    people = organisation.people.filter(merged_into__isnull=True)
    nhs_number = identifiers.normalise_nhs_number(details.nhs_number) if details.nhs_number else ""
    by_nhs_number = models.Q(nhs_number=nhs_number) if nhs_number else None
    by_name = (
        models.Q(
            given_name__iexact=details.given_name.strip(),
            family_name__iexact=details.family_name.strip(),
            date_of_birth=details.date_of_birth,
            postcode=identifiers.format_postcode(details.postcode),
        )
        if details.date_of_birth and details.postcode
        else None
    )
    if by_nhs_number is not None and by_name is not None:
        rule = models.Case(
            models.When(by_nhs_number, then=models.Value(0)), default=models.Value(1)
        )
        return (
            people.filter(by_nhs_number | by_name)
            .alias(rule=rule)
            .order_by("rule", "created_at")[:11]
        )
    if by_nhs_number is not None:
        return people.filter(by_nhs_number).order_by("created_at")[:1]
    if by_name is not None:
        return people.filter(by_name).order_by("created_at")[:10]
    return None


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


@transaction.atomic(savepoint=False)  # part of the referral's transaction: no savepoint needed
def person_for_referral(*, by: Acting, details: PersonDetails) -> PersonForReferral:
    """The record a new referral is about: the one already held (see person_match), left exactly
    as it is, or a new one made from what was sent. A referral never changes someone's recorded
    details or consents; what it says is kept on the referral until a coordinator confirms it
    (ADR-075). Safe when many referrals of the same new NHS number arrive at once (ADR-074)."""
    match = person_match(by=by, details=details)
    if match.person is not None:
        person = _current(match.person)
        audit_record(
            by=by,
            action=audit_actions.PERSON_MATCHED,
            target=person,
            detail={"matched_by": match.matched_by},
        )
        return PersonForReferral(person=person, added=False, matched_by=match.matched_by)
    person, added = _create_once(by=by, details=details)
    if not added:
        return PersonForReferral(person=person, added=False, matched_by=MatchedBy.NHS_NUMBER)
    if match.possible_duplicate is not None:
        audit_record(
            by=by,
            action=audit_actions.PERSON_DUPLICATE_FLAGGED,
            target=person,
            detail={"of": str(match.possible_duplicate.pk)},
        )
    return PersonForReferral(person=person, added=True, possible_duplicate=match.possible_duplicate)


def _current(person: Person) -> Person:
    """The record as it is now, locked until the caller's transaction ends (ADR-090). A merge
    locks it too: one that finished first has made it a tombstone, and the record it was merged
    into is used instead; one that starts meanwhile waits, then moves what the caller linked.

    FOR NO KEY UPDATE, not FOR UPDATE: it excludes a merge (which takes the same lock) but not
    the foreign-key checks other referrals of this person make when they commit (FOR KEY SHARE).
    A full lock would make such a commit wait for this transaction while this one waits for the
    audit chain's lock that the committing one holds: a deadlock (seen with eight simultaneous
    FHIR referrals of one new NHS number)."""
    locked = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
    if locked.merged_into_id is None:
        return locked
    return Person.objects.select_for_update(no_key=True).get(pk=locked.merged_into_id)


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
    audit_record(by=by, action=audit_actions.PERSON_MATCHED, target=existing)
    if by.user is None:
        return existing, False  # only a signed-in coordinator records consent here
    current = _answers_in_force(existing)
    for kind, given in details.consents.items():
        if given and not current.get(kind):
            consent_record(by=by, person=existing, kind=kind, given=True)
    return existing, False


def _create_once(*, by: Acting, details: PersonDetails) -> tuple[Person, bool]:
    """Add the person, unless a record with their NHS number appeared meanwhile (another request
    made it a moment ago): then that record, unchanged. The unique constraint decides (ADR-074):
    the INSERT gives way to a record already there (ON CONFLICT DO NOTHING, waiting first for a
    transaction that is making one), so the surrounding transaction carries on either way with
    no savepoint to set and release (ADR-128)."""
    person = _unsaved(by=by, details=details)
    if _inserted_unless_held(person):
        _record_created(by=by, person=person, details=details)
        return person, True
    if by.organisation is None or not details.nhs_number:
        raise IntegrityError("the new person's record conflicts with one held")
    nhs_number = identifiers.normalise_nhs_number(details.nhs_number)
    return by.organisation.people.get(nhs_number=nhs_number), False


def _inserted_unless_held(person: Person) -> bool:
    """INSERT the record unless one it conflicts with is held (its NHS number, ADR-074); whether
    it was added. On PostgreSQL, Django's own INSERT of it with ON CONFLICT DO NOTHING (which
    gives way to unique constraints only); elsewhere in a savepoint, as before (SQLite's
    INSERT OR IGNORE would also pass over a broken CHECK constraint)."""
    if connection.vendor != "postgresql":
        try:
            with transaction.atomic():
                person.save(force_insert=True)
        except IntegrityError:
            return False
        return True
    query = InsertQuery(Person, on_conflict=OnConflict.IGNORE)
    query.insert_values(Person._meta.local_concrete_fields, [person])
    with connection.cursor() as cursor:
        for sql, params in query.get_compiler(connection=connection).as_sql():
            cursor.execute(sql, params)
        added = bool(cursor.rowcount == 1)
    if added:
        person._state.adding = False
        person._state.db = connection.alias
    return added


def _create(*, by: Acting, details: PersonDetails) -> Person:
    """A new record from `details`, audited, with its consents."""
    person = _unsaved(by=by, details=details)
    person.save(force_insert=True)
    _record_created(by=by, person=person, details=details)
    return person


def _unsaved(*, by: Acting, details: PersonDetails) -> Person:
    if by.organisation is None:
        raise NotActingForAnOrganisation("Choose an organisation first.")
    located = identifiers.lookup(details.postcode) if details.postcode else None
    return Person(
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
        phone_digits=identifiers.phone_key(details.phone),
        email=details.email.strip().lower(),
        preferred_contact=details.preferred_contact,
        language=details.language.strip(),
        gender=details.gender,
        gender_described=details.gender_described.strip(),
        gp_practice_ods=details.gp_practice_ods.strip().upper(),
        created_by=by.user,
    )


def _record_created(*, by: Acting, person: Person, details: PersonDetails) -> None:
    audit_record(by=by, action=audit_actions.PERSON_CREATED, target=person)
    for kind, given in details.consents.items():
        consent_record(by=by, person=person, kind=kind, given=given)


@transaction.atomic
def people_add_many(*, by: Acting, people: list[Person]) -> list[Person]:
    """Add records made by the caller, all at once: demo data, whose people have fixed ids and
    located postcodes. Each is audited as `person.created`; a record whose id the organisation
    already holds is left as it is. Returns the records added. All must belong to the
    organisation `by` acts for."""
    if by.organisation is None or any(p.organisation_id != by.organisation.pk for p in people):
        raise NotActingForAnOrganisation("Every record must be of the organisation acted for.")
    held = set(
        by.organisation.people.filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    added = [p for p in people if p.pk not in held]
    for person in added:
        person.phone_digits = identifiers.phone_key(person.phone)
    Person.objects.bulk_create(added)
    audit_record_many(by=by, action=audit_actions.PERSON_CREATED, targets=added)
    return added


class PersonDetailsRefused(DomainError):
    """A change to a person's details that cannot be made; the message says why. `field` names
    the detail at fault, when one is ("" when it is the change as a whole)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NhsNumberTaken(PersonDetailsRefused):
    """Another record of the organisation already has that NHS number (ADR-074)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="nhs_number")


class PersonDetailsChanged(ChangedSinceYouLooked):
    """Someone changed these details after the user opened the form. Nothing was changed;
    `now` holds what the record says now, as text, for the fields the user was changing."""

    def __init__(self, message: str, *, now: dict[str, str]) -> None:
        super().__init__(message)
        self.now = now


#: Every detail of a person that can be changed after they are added (ADR-089).
CHANGEABLE_DETAILS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "nhs_number",
    "address",
    "postcode",
    "phone",
    "email",
    "preferred_contact",
    "language",
    "gender",
    "gender_described",
    "gp_practice_ods",
)

# What a referral carries about someone that a coordinator may copy onto their record once they
# confirm it (referrals keeps what was sent, ADR-075). All of them are CHANGEABLE_DETAILS.
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

_REQUIRED = {
    "given_name": "Enter their first name",
    "family_name": "Enter their last name",
}


def detail_text(value: object) -> str:
    """A detail as the text the history and `expected` compare: '' for nothing, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _clean_detail(name: str, value: object) -> object:
    """The value as it is stored, checked the way the forms that add people check it (a caller
    that is not a form gets the same rules). PersonDetailsRefused, naming the field, if not."""
    if name == "date_of_birth":
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError as wrong:
                raise PersonDetailsRefused(
                    "Date of birth must be a real date", field=name
                ) from wrong
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise PersonDetailsRefused("Date of birth must be a real date", field=name)
        if value > timezone.localdate():
            raise PersonDetailsRefused("Date of birth must be in the past", field=name)
        if value.year < 1900:
            raise PersonDetailsRefused("Date of birth must be after 1900", field=name)
        return value
    text = "" if value is None else str(value).strip()
    if name in _REQUIRED and not text:
        raise PersonDetailsRefused(_REQUIRED[name], field=name)
    if not text:
        return ""
    try:
        if name == "nhs_number":
            return identifiers.normalise_nhs_number(text)
        if name == "postcode":
            return identifiers.lookup(text).postcode
        if name == "gp_practice_ods":
            return identifiers.normalise_ods_code(text)
    except ValueError as wrong:
        raise PersonDetailsRefused(str(wrong), field=name) from wrong
    if name == "email":
        text = text.lower()
        try:
            validate_email(text)
        except ValidationError as wrong:
            raise PersonDetailsRefused(
                "Enter an email address in the correct format, like name@example.com", field=name
            ) from wrong
    if name == "preferred_contact" and text not in ContactMethod.values:
        raise PersonDetailsRefused("Choose how they prefer to be contacted", field=name)
    if name == "gender" and text not in Gender.values:
        raise PersonDetailsRefused("Choose their gender from the list", field=name)
    limit = getattr(Person._meta.get_field(name), "max_length", None)
    if limit is not None and len(text) > limit:
        raise PersonDetailsRefused(f"This must be {limit} characters or fewer", field=name)
    return text


@transaction.atomic
def person_details_update(
    *,
    by: Acting,
    person: Person,
    changes: Mapping[str, object],
    expected: Mapping[str, str] | None = None,
    reason: str = "",
) -> list[str]:
    """THE way a person's details change (ADR-089): a coordinator correcting the record, or
    copying what a confirmed referral gave. Returns the names of the fields that changed.

    The record is locked, then each value is checked as the forms that add people check it
    (PersonDetailsRefused naming the field). `expected` is what the user saw of the fields they
    are changing, as text (`detail_text`): if any of them is no longer so, PersonDetailsChanged
    (a ChangedSinceYouLooked) and nothing changes. An NHS number another record has is refused
    (NhsNumberTaken). What changed is kept, before and after, as a PersonChange, and audited as
    `person.details_changed` naming it and the fields (never the values, ADR-002). Changing
    nothing writes nothing."""
    if by.organisation is None or person.organisation_id != by.organisation.pk:
        raise NotActingForAnOrganisation("This person is not supported by your organisation.")
    if by.user is None:
        raise PersonDetailsRefused("Only a signed-in coordinator can change someone's details.")
    unknown = set(changes) - set(CHANGEABLE_DETAILS)
    if unknown:
        raise PersonDetailsRefused(f"These details cannot be changed here: {sorted(unknown)}")
    cleaned = {name: _clean_detail(name, value) for name, value in changes.items()}
    locked: Person = by.organisation.people.select_for_update().get(pk=person.pk)
    if locked.is_merged:
        raise PersonDetailsRefused(
            "This record was merged into another record of the same person: change that one."
        )
    if expected is not None:
        now = {name: detail_text(getattr(locked, name)) for name in expected}
        if any(now[name] != detail_text(seen) for name, seen in expected.items()):
            raise PersonDetailsChanged(
                f"Someone else changed {locked.given_name}'s details while you were looking at "
                "them, so nothing was saved. Check what the record says now, then save again "
                "if your change is still right.",
                now=now,
            )
    changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
    if not changed:
        return []
    nhs_number = cleaned.get("nhs_number")
    if (
        "nhs_number" in changed
        and nhs_number
        and _nhs_number_held(by.organisation, locked, nhs_number)
    ):
        raise NhsNumberTaken(_NHS_NUMBER_TAKEN)
    before = {name: detail_text(getattr(locked, name)) for name in changed}
    for name in changed:
        setattr(locked, name, cleaned[name])
    extra: list[str] = []
    if "postcode" in changed:
        located = identifiers.lookup(locked.postcode) if locked.postcode else None
        locked.easting = located.easting if located else None
        locked.northing = located.northing if located else None
        extra += ["easting", "northing"]
    if "phone" in changed:
        locked.phone_digits = identifiers.phone_key(locked.phone)
        extra.append("phone_digits")
    try:
        with transaction.atomic():  # another record took the number a moment ago (ADR-074)
            locked.save(update_fields=[*changed, *extra, "updated_at"])
    except IntegrityError as clash:
        raise NhsNumberTaken(_NHS_NUMBER_TAKEN) from clash
    change = PersonChange.objects.create(
        person=locked,
        occurred_at=timezone.now(),
        by_user=by.user,
        by_label=by.actor_label,
        before=before,
        after={name: detail_text(getattr(locked, name)) for name in changed},
        reason=reason.strip()[:200],
    )
    for name in (*changed, *extra):  # the caller's copy shows the record as it is now
        setattr(person, name, getattr(locked, name))
    person.updated_at = locked.updated_at
    audit_record(
        by=by,
        action=audit_actions.PERSON_DETAILS_CHANGED,
        target=locked,
        detail={"fields": changed, "change": str(change.pk), "reason": reason},
    )
    return changed


_NHS_NUMBER_TAKEN = (
    "Another record already has that NHS number, so it was not saved. Check the number, "
    "or find their other record"
)


def _nhs_number_held(organisation: Organisation, person: Person, nhs_number: object) -> bool:
    return organisation.people.filter(nhs_number=nhs_number).exclude(pk=person.pk).exists()


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
    """Record a person's decision about one use of their data, with when and who recorded it.
    Never on a record merged into another (ADR-090): on the one that stays."""
    ConsentKind(kind)  # refuses unknown kinds
    if person.is_merged:
        raise PersonDetailsRefused(
            "This record was merged into another record of the same person: record their "
            "consent on that one."
        )
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
        action=audit_actions.PERSON_CONSENT_RECORDED,
        target=person,
        detail={"kind": kind, "given": given},
    )
    return consent


@transaction.atomic
def consents_update(*, by: Acting, person: Person, answers: dict[str, bool]) -> int:
    """Record each answer that differs from the one in force. Returns how many were recorded."""
    current = _answers_in_force(person)
    changed = 0
    for kind, given in answers.items():
        if current.get(kind) is not given:
            consent_record(by=by, person=person, kind=kind, given=given)
            changed += 1
    return changed


def _answers_in_force(person: Person) -> dict[str, bool]:
    """Each kind of consent the person has answered, with the answer in force (on any of their
    records, ADR-090)."""
    return {
        kind: consent.given
        for kind, consent in selectors.consents_in_force(person=person).items()
        if consent is not None
    }


def person_export(*, by: Acting, person: Person, file_format: str) -> dict[str, Any]:
    """Everything held about the person, for a subject access request. Audited."""
    audit_record(
        by=by, action=audit_actions.PERSON_EXPORTED, target=person, detail={"format": file_format}
    )
    return person_data(person)


def people_viewed(*, by: Acting, people: Person | Iterable[Person], page: str) -> None:
    """Someone was shown these people's details on `page`: THE way a read of people is audited
    (ADR-082), through `audit_view` as `person.viewed`. One entry per page view: on the person
    for a page about one person, or naming every person shown in `detail["people"]` for a list,
    so a list page costs one insert however many people it shows (none if it shows nobody).
    Each person's own trail (`selectors.audit_trail_of`) finds both. People of another
    organisation (matching across a network) are recorded in their organisation's log too, so
    it sees who looked.

    Call it only once the page is shown: a refused read is `person_view_refused`, never a view."""
    if isinstance(people, Person):
        audit_view(by=by, entity=audit_actions.PERSON, target=people, detail={"page": page})
        return
    people_viewed_by_id(
        by=by, people=((person.pk, person.organisation_id) for person in people), page=page
    )


def people_viewed_by_id(*, by: Acting, people: Iterable[tuple[Any, Any]], page: str) -> None:
    """`people_viewed` for a list given as (person id, organisation id) pairs, in the order
    shown: for a list too long to build as records (a downloaded file, ADR-093)."""
    shown: dict[str, None] = {}
    elsewhere: dict[Any, dict[str, None]] = {}
    acting_for = by.organisation.pk if by.organisation is not None else None
    for person_id, organisation_id in people:
        shown[str(person_id)] = None
        if organisation_id != acting_for:
            elsewhere.setdefault(organisation_id, {})[str(person_id)] = None
    if not shown:
        return
    audit_view(by=by, entity=audit_actions.PERSON, detail={"page": page, "people": list(shown)})
    if not elsewhere:
        return
    organisations = Organisation.objects.in_bulk(list(elsewhere))
    for organisation_id, theirs in elsewhere.items():
        audit_view(
            by=replace(by, organisation=organisations[organisation_id]),
            entity=audit_actions.PERSON,
            detail={
                "page": page,
                "people": list(theirs),
                "acting_for": str(acting_for) if acting_for else "",
            },
        )


def person_view_refused(*, by: Acting, person_id: uuid.UUID | str, page: str) -> None:
    """Someone asked for a person's record on `page` that the organisation they act for does not
    hold (another organisation's person, or nobody): recorded in their organisation's log as
    `person.view_refused`, never as a view. The entry names the id they asked for, not a record
    (which may not exist, or belong to an organisation whose log this is not)."""
    audit_view(
        by=by,
        entity=audit_actions.PERSON,
        refused=True,
        detail={"page": page, "person": str(person_id)},
    )
