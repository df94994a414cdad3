"""Writes for matching profiles and conflicts. Each is audited, without personal data."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from kindred.core.services import Acting, audit_record
from kindred.matching.models import Conflict, SupporterProfile, WaitingProfile
from kindred.people import identifiers
from kindred.people.models import Person
from kindred.referrals.models import Referral
from kindred.volunteers.models import Volunteer


class MatchingError(Exception):
    """Something about matching that cannot be done, said plainly."""


@dataclass(frozen=True)
class WaitingDetails:
    experiences: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    gender_preference: str = ""


@dataclass(frozen=True)
class SupporterDetails:
    experiences: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    max_travel_km: int = 5
    gender: str = ""
    capacity: int = 1


def _same_organisation(by: Acting, organisation_id: object) -> None:
    if by.organisation is None or by.organisation.pk != organisation_id:
        raise MatchingError("This record belongs to another organisation")


@transaction.atomic
def waiting_profile_save(
    *, by: Acting, referral: Referral, details: WaitingDetails
) -> WaitingProfile:
    _same_organisation(by, referral.organisation_id)
    profile, created = WaitingProfile.objects.select_for_update().get_or_create(
        referral=referral, defaults={"organisation_id": referral.organisation_id}
    )
    profile.experiences = list(details.experiences)
    profile.interests = list(details.interests)
    profile.languages = list(details.languages)
    profile.modes = list(details.modes)
    profile.gender_preference = details.gender_preference
    profile.save(
        update_fields=[
            "experiences",
            "interests",
            "languages",
            "modes",
            "gender_preference",
            "updated_at",
        ]
    )
    audit_record(
        by=by,
        action="matching.waiting_profile_saved",
        target=referral,
        detail={"created": created},
    )
    return profile


@transaction.atomic
def supporter_profile_save(
    *, by: Acting, volunteer: Volunteer, details: SupporterDetails
) -> SupporterProfile:
    _same_organisation(by, volunteer.organisation_id)
    if details.capacity < 0 or details.capacity > 20:
        raise MatchingError("Capacity must be between 0 and 20 people")
    profile, created = SupporterProfile.objects.select_for_update().get_or_create(
        volunteer=volunteer, defaults={"organisation_id": volunteer.organisation_id}
    )
    easting = northing = None
    if volunteer.postcode:
        try:
            located = identifiers.lookup(volunteer.postcode)
        except identifiers.PostcodeError:
            located = None
        if located is not None:
            easting, northing = located.easting, located.northing
    profile.experiences = list(details.experiences)
    profile.interests = list(details.interests)
    profile.languages = list(details.languages)
    profile.modes = list(details.modes)
    profile.max_travel_km = details.max_travel_km
    profile.gender = details.gender
    profile.capacity = details.capacity
    profile.easting, profile.northing = easting, northing
    profile.save(
        update_fields=[
            "experiences",
            "interests",
            "languages",
            "modes",
            "max_travel_km",
            "gender",
            "capacity",
            "easting",
            "northing",
            "updated_at",
        ]
    )
    audit_record(
        by=by,
        action="matching.supporter_profile_saved",
        target=volunteer,
        detail={"created": created, "capacity": details.capacity},
    )
    return profile


@transaction.atomic
def conflict_record(
    *, by: Acting, person: Person, volunteer: Volunteer, reason: str, note: str = ""
) -> Conflict:
    _same_organisation(by, person.organisation_id)
    _same_organisation(by, volunteer.organisation_id)
    conflict, created = Conflict.objects.get_or_create(
        person=person,
        volunteer=volunteer,
        defaults={
            "organisation_id": person.organisation_id,
            "reason": reason,
            "note": note,
            "recorded_by": by.user,
        },
    )
    audit_record(
        by=by,
        action="matching.conflict_recorded",
        target=conflict,
        detail={"reason": reason, "created": created},
    )
    return conflict
