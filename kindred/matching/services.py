"""Writes for matching profiles and conflicts. Each is audited, without personal data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kindred.core.services import Acting, audit_record
from kindred.matching import hard_rules
from kindred.matching.models import (
    ACTIVE_MATCH,
    Conflict,
    Match,
    MatchingWeights,
    MatchStatus,
    Rejection,
    SupporterProfile,
    WaitingProfile,
)
from kindred.people import identifiers
from kindred.people.models import Person
from kindred.referrals.models import Referral, Status
from kindred.referrals.services import referral_start
from kindred.volunteers.models import Volunteer
from kindred.volunteers.selectors import eligible_volunteers


class MatchingError(Exception):
    """Something about matching that cannot be done, said plainly."""


@dataclass(frozen=True)
class WaitingDetails:
    experiences: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    gender_preference: str = ""
    free_times: list[str] = field(default_factory=list)


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
    profile.free_times = list(details.free_times)
    profile.save(
        update_fields=[
            "free_times",
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


class StaleProposal(MatchingError):
    """The proposal no longer holds (capacity, status or rules changed since it was shown)."""


def _locked_pair(
    by: Acting, referral_id: uuid.UUID, volunteer_id: uuid.UUID
) -> tuple[Referral, Volunteer]:
    organisation = by.organisation
    if organisation is None:
        raise MatchingError("Choose an organisation to act for first")
    try:
        # Lock the volunteer first, always in this order, so two acceptances queue up.
        volunteer = Volunteer.objects.select_for_update().get(
            pk=volunteer_id, organisation=organisation
        )
        referral = (
            Referral.objects.select_for_update()
            .select_related("person")
            .get(pk=referral_id, organisation=organisation)
        )
    except (Volunteer.DoesNotExist, Referral.DoesNotExist) as missing:
        raise MatchingError("That person or supporter is not in this organisation") from missing
    return referral, volunteer


@transaction.atomic
def match_accept(*, by: Acting, referral_id: uuid.UUID, volunteer_id: uuid.UUID) -> Match:
    """Accept a proposed pair (or an alternative: a swap). Re-checks every hard rule with the
    supporter's row locked, so capacity is never exceeded even when two coordinators accept at
    once; a proposal that no longer holds raises StaleProposal and changes nothing."""
    from kindred.matching import selectors, suggest

    referral, volunteer = _locked_pair(by, referral_id, volunteer_id)
    organisation = referral.organisation
    if referral.status != Status.WAITING:
        raise StaleProposal(
            f"{referral.person.display_name} is no longer waiting for a match "
            f"({referral.get_status_display().lower()})"
        )
    if Match.objects.filter(referral=referral, status__in=ACTIVE_MATCH).exists():
        raise StaleProposal(f"{referral.person.display_name} has already been matched")
    if Rejection.objects.filter(referral=referral, volunteer=volunteer).exists():
        raise StaleProposal("This pair was rejected before, so it cannot be accepted")
    profile = SupporterProfile.objects.filter(volunteer=volunteer).first()
    role = suggest.matching_role(organisation=organisation)
    if profile is None or role is None:
        raise StaleProposal(f"{volunteer.display_name} has no matching profile any more")
    busy = Match.objects.filter(volunteer=volunteer, status__in=ACTIVE_MATCH).count()
    eligible = any(v.pk == volunteer.pk for v in eligible_volunteers(organisation, role))
    person = selectors.as_waiting(referral, selectors.waiting_profile_of(referral=referral))
    supporter = selectors.as_supporter(volunteer, profile, eligible=eligible, active_matches=busy)
    refused = hard_rules.refusals(
        person, supporter, conflicts=selectors.conflict_pairs(organisation=organisation)
    )
    if refused:
        raise StaleProposal(
            f"{volunteer.display_name} can no longer be matched with "
            f"{referral.person.display_name}: {refused[0].lower()}"
        )
    proposal = suggest.suggest(organisation=organisation, referral=referral)
    candidates = [p.chosen for p in proposal.proposals] + [
        c for p in proposal.proposals for c in p.alternatives
    ]
    found = next((c for c in candidates if c.volunteer.pk == volunteer.pk), None)
    match = Match.objects.create(
        organisation=organisation,
        referral=referral,
        volunteer=volunteer,
        score=found.score if found else 0.0,
        explanation=(found.explanation if found else "Chosen by the coordinator")[:500],
        accepted_by=by.user,
    )
    audit_record(
        by=by,
        action="matching.match_accepted",
        target=match,
        detail={"referral": str(referral.pk), "volunteer": str(volunteer.pk)},
    )
    return match


@transaction.atomic
def match_reject(
    *, by: Acting, referral_id: uuid.UUID, volunteer_id: uuid.UUID, reason: str
) -> Rejection:
    """Turn a pair down, with a reason: it is never proposed again."""
    reason = " ".join(reason.split())
    if not reason:
        raise MatchingError("Enter why this match is not right")
    referral, volunteer = _locked_pair(by, referral_id, volunteer_id)
    rejection, created = Rejection.objects.get_or_create(
        referral=referral,
        volunteer=volunteer,
        defaults={
            "organisation": referral.organisation,
            "reason": reason[:300],
            "rejected_by": by.user,
        },
    )
    audit_record(
        by=by,
        action="matching.match_rejected",
        target=rejection,
        detail={"referral": str(referral.pk), "volunteer": str(volunteer.pk), "new": created},
    )
    return rejection


@transaction.atomic
def match_start(*, by: Acting, match_id: uuid.UUID) -> Match:
    """The introduction is made and support has begun: the referral moves to started."""
    organisation = by.organisation
    try:
        match = Match.objects.select_for_update().get(pk=match_id, organisation=organisation)
    except Match.DoesNotExist as missing:
        raise MatchingError("That match is not in this organisation") from missing
    if match.status != MatchStatus.INTRODUCED:
        raise StaleProposal(f"This match is already {match.get_status_display().lower()}")
    referral_start(
        by=by,
        referral_id=match.referral_id,
        expected=Status.WAITING,
        note="Introduction made, support started",
    )
    match.status = MatchStatus.STARTED
    match.started_at = timezone.now()
    match.save(update_fields=["status", "started_at", "updated_at"])
    audit_record(by=by, action="matching.match_started", target=match)
    return match


def suggestions_viewed(*, by: Acting, count: int) -> None:
    """Seeing suggestions shows people's details together: audited like reading a record."""
    audit_record(by=by, action="matching.suggestions_viewed", detail={"proposals": count})


@transaction.atomic
def weights_save(*, by: Acting, values: dict[str, float]) -> MatchingWeights:
    """Set how much each part of a match counts for the organisation acted for. Checked by the
    engine's Weights (all 0 or more; something other than distance above 0)."""
    from kindred.matching.engine.scoring import COMPONENTS
    from kindred.matching.selectors import weights_from

    if by.organisation is None:
        raise MatchingError("Choose an organisation to act for first")
    try:
        weights_from(values)
    except (KeyError, ValueError) as bad:
        raise MatchingError(str(bad).capitalize()) from bad
    stored, _ = MatchingWeights.objects.update_or_create(
        organisation=by.organisation,
        defaults={name: float(values[name]) for name in COMPONENTS},
    )
    audit_record(
        by=by,
        action="matching.weights_saved",
        target=stored,
        detail={name: float(values[name]) for name in COMPONENTS},
    )
    return stored
