"""Reads for matching. Every query starts from the organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from kindred.accounts.models import Organisation
from kindred.matching import hard_rules
from kindred.matching.engine.scoring import COMPONENTS, DEFAULT_WEIGHTS, Weights
from kindred.matching.experiences import CURATED
from kindred.matching.models import (
    ACTIVE_MATCH,
    Conflict,
    Experience,
    Match,
    MatchingWeights,
    MatchStatus,
    SupporterProfile,
    WaitingProfile,
)
from kindred.people.models import Person
from kindred.referrals.models import Referral, Status
from kindred.volunteers.models import Stage, Volunteer, VolunteeringRole
from kindred.volunteers.selectors import eligible_volunteers


def experience_choices(*, organisation: Organisation) -> list[tuple[str, str]]:
    """The curated lived experiences, then the organisation's own additions."""
    choices = [(c.key, c.name) for c in CURATED]
    known = {key for key, _ in choices}
    for extra in Experience.objects.filter(organisation=organisation).order_by("name"):
        if extra.key not in known:
            choices.append((extra.key, extra.name))
    return choices


def people_waiting(*, organisation: Organisation) -> QuerySet[Referral]:
    """Referrals waiting for a match, longest waiting first, with their matching profiles."""
    return (
        organisation.referrals.filter(status=Status.WAITING)
        .select_related("person", "matching_profile")
        .order_by("received_at")
    )


def waiting_referral_of(*, organisation: Organisation, referral_id: uuid.UUID) -> Referral:
    """A referral of this organisation (Referral.DoesNotExist otherwise)."""
    return organisation.referrals.select_related("person").get(pk=referral_id)


def waiting_profile_of(*, referral: Referral) -> WaitingProfile | None:
    return WaitingProfile.objects.filter(
        organisation_id=referral.organisation_id, referral=referral
    ).first()


def supporters_of(*, organisation: Organisation) -> QuerySet[Volunteer]:
    """Active and paused volunteers, with their matching profiles."""
    return (
        organisation.volunteers.filter(stage__in=[Stage.ACTIVE, Stage.PAUSED])
        .select_related("matching_profile")
        .order_by("family_name", "given_name")
    )


def supporter_of(*, organisation: Organisation, volunteer_id: uuid.UUID) -> Volunteer:
    """A volunteer of this organisation (Volunteer.DoesNotExist otherwise)."""
    return organisation.volunteers.get(pk=volunteer_id)


def supporter_profile_of(*, volunteer: Volunteer) -> SupporterProfile | None:
    return SupporterProfile.objects.filter(
        organisation_id=volunteer.organisation_id, volunteer=volunteer
    ).first()


def conflict_pairs(*, organisation: Organisation) -> set[tuple[object, object]]:
    return set(
        Conflict.objects.filter(organisation=organisation).values_list("person_id", "volunteer_id")
    )


def as_waiting(referral: Referral, profile: WaitingProfile | None) -> hard_rules.Waiting:
    person = referral.person
    point = (
        (float(person.easting), float(person.northing))
        if person.easting is not None and person.northing is not None
        else None
    )
    return hard_rules.Waiting(
        person_id=person.pk,
        modes=frozenset(profile.modes if profile else ()),
        languages=frozenset(profile.languages if profile else ()),
        gender_preference=profile.gender_preference if profile else "",
        point=point,
    )


def as_supporter(
    volunteer: Volunteer,
    profile: SupporterProfile,
    *,
    eligible: bool,
    active_matches: int = 0,
) -> hard_rules.Supporter:
    point = (
        (float(profile.easting), float(profile.northing))
        if profile.easting is not None and profile.northing is not None
        else None
    )
    return hard_rules.Supporter(
        volunteer_id=volunteer.pk,
        eligible=eligible,
        paused=volunteer.stage == Stage.PAUSED,
        capacity=profile.capacity,
        active_matches=active_matches,
        modes=frozenset(profile.modes),
        languages=frozenset(profile.languages),
        gender=profile.gender,
        max_travel_km=float(profile.max_travel_km),
        point=point,
    )


@dataclass(frozen=True)
class Checked:
    volunteer: Volunteer
    refusals: list[str]


def supporters_checked(
    *,
    organisation: Organisation,
    referral: Referral,
    role: VolunteeringRole,
    on: dt.date | None = None,
) -> list[Checked]:
    """Every supporter with a matching profile, with the hard rules each fails for this person
    (empty when the pair may be scored). Eligibility comes from the volunteers app."""
    eligible = {v.pk for v in eligible_volunteers(organisation, role, on=on)}
    conflicts = conflict_pairs(organisation=organisation)
    person = as_waiting(referral, waiting_profile_of(referral=referral))
    checked = []
    profiles = SupporterProfile.objects.filter(
        organisation=organisation, volunteer__stage__in=[Stage.ACTIVE, Stage.PAUSED]
    ).select_related("volunteer")
    for profile in profiles.order_by("volunteer__family_name", "volunteer__given_name"):
        volunteer = profile.volunteer
        supporter = as_supporter(volunteer, profile, eligible=volunteer.pk in eligible)
        checked.append(
            Checked(volunteer, hard_rules.refusals(person, supporter, conflicts=conflicts))
        )
    return checked


def introductions_of(*, organisation: Organisation, everything: bool = False) -> QuerySet[Match]:
    """Introductions being made (or every match, with everything=True), oldest first."""
    matches = Match.objects.filter(organisation=organisation)
    if not everything:
        matches = matches.filter(status=MatchStatus.INTRODUCED)
    return matches.select_related("referral__person", "volunteer").order_by("created_at")


def active_match_count(*, organisation: Organisation) -> int:
    return Match.objects.filter(organisation=organisation, status__in=ACTIVE_MATCH).count()


def weights_of(*, organisation: Organisation) -> Weights:
    """The organisation's own weights, or the engine's defaults."""
    stored = MatchingWeights.objects.filter(organisation=organisation).first()
    if stored is None:
        return DEFAULT_WEIGHTS
    return weights_from({name: getattr(stored, name) for name in COMPONENTS})


def weights_from(values: dict[str, float]) -> Weights:
    """The engine's Weights from a weight for each component (ValueError if they make no sense)."""
    return Weights(
        shared_experience=float(values["shared_experience"]),
        distance=float(values["distance"]),
        interests=float(values["interests"]),
        availability=float(values["availability"]),
        waiting=float(values["waiting"]),
        continuity=float(values["continuity"]),
    )


def matches_of_person(*, organisation: Organisation, person: Person) -> QuerySet[Match]:
    return (
        Match.objects.filter(organisation=organisation, referral__person=person)
        .select_related("volunteer")
        .order_by("-created_at")
    )
