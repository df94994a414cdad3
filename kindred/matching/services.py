"""Writes for matching profiles and conflicts. Each is audited, without personal data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.services import Acting, audit_record
from kindred.matching import hard_rules, selectors
from kindred.matching.models import (
    ACTIVE_MATCH,
    Conflict,
    Match,
    MatchingWeights,
    NetworkSharing,
    Rejection,
    SupporterProfile,
    WaitingProfile,
)
from kindred.people import identifiers
from kindred.people.models import Person
from kindred.referrals.models import Referral, Status
from kindred.relationships.models import Relationship
from kindred.relationships.selectors import can_support_pairs
from kindred.volunteers.models import Volunteer

if TYPE_CHECKING:
    from kindred.matching.suggest import Suggestion
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
    supporters_needed: int = 1


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
    if details.supporters_needed not in (1, 2):
        raise MatchingError("Choose one supporter or a pair of supporters")
    profile, created = WaitingProfile.objects.select_for_update().get_or_create(
        referral=referral, defaults={"organisation_id": referral.organisation_id}
    )
    profile.experiences = list(details.experiences)
    profile.interests = list(details.interests)
    profile.languages = list(details.languages)
    profile.modes = list(details.modes)
    profile.gender_preference = details.gender_preference
    profile.free_times = list(details.free_times)
    profile.supporters_needed = details.supporters_needed
    profile.save(
        update_fields=[
            "free_times",
            "supporters_needed",
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
        detail={"created": created, "supporters_needed": details.supporters_needed},
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


@dataclass(frozen=True)
class Accepted:
    """An accepted match: one Match per supporter, and the one relationship introducing them."""

    matches: list[Match]
    relationship: Relationship


def _scope(by: Acting, across_network: bool) -> list[Organisation]:
    """The organisations whose people and supporters this decision may touch: the one acted
    for, or (for a network admin) the sharing organisations of its network."""
    organisation = by.organisation
    if organisation is None:
        raise MatchingError("Choose an organisation to act for first")
    if not across_network:
        return [organisation]
    pool = selectors.sharing_organisations(organisation=organisation)
    if not pool:
        raise MatchingError("No organisation in your network shares for matching yet")
    return pool


def _locked(
    by: Acting, referral_id: uuid.UUID, volunteer_ids: list[uuid.UUID], across_network: bool
) -> tuple[Referral, list[Volunteer]]:
    scope = _scope(by, across_network)
    locked = {}
    try:
        # Lock the volunteers first, one by one in id order, then the referral: two decisions
        # touching the same supporter queue up and never deadlock.
        for volunteer_id in sorted(set(volunteer_ids)):
            locked[volunteer_id] = Volunteer.objects.select_for_update().get(
                pk=volunteer_id, organisation__in=scope
            )
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("person", "organisation")
            .get(pk=referral_id, organisation__in=scope)
        )
    except (Volunteer.DoesNotExist, Referral.DoesNotExist) as missing:
        raise MatchingError("That person or supporter is not in this organisation") from missing
    return referral, [locked[v] for v in volunteer_ids]


def _check_can_support_in(organisation: Organisation, volunteers: list[Volunteer]) -> None:
    """Refuse a supporter who signs in but cannot open the relationship in the person's
    organisation (`hard_rules.supporter_role_there`, which network suggestions use too)."""
    others = [v.user_id for v in volunteers if v.organisation_id != organisation.pk]
    can = can_support_pairs(organisation_ids=[organisation.pk], user_ids=others)
    for volunteer in volunteers:
        if reason := hard_rules.supporter_role_there(organisation, volunteer, can):
            raise MatchingError(reason)


@transaction.atomic
def match_accept(
    *,
    by: Acting,
    referral_id: uuid.UUID,
    volunteer_id: uuid.UUID,
    partner_id: uuid.UUID | None = None,
    across_network: bool = False,
) -> Accepted:
    """Accept a proposed supporter, or a pair of them (`partner_id`) for someone who needs two,
    in one decision; or an alternative (a swap). Every hard rule is checked again with the
    supporters' rows locked, counting their places from open relationships, so capacity is never
    exceeded even when two coordinators accept at once; a proposal that no longer holds raises
    StaleProposal and changes nothing. Accepting introduces the person to their supporters in
    the relationships app; support (and the referral) starts when the relationship begins.

    With `across_network` (a network admin), the person and supporters may come from any
    sharing organisation of the acting organisation's network; the match and the relationship
    are recorded in the person's organisation, and a supporter from another organisation who
    has an account needs a supporter role in the person's organisation."""
    from kindred.matching import suggest
    from kindred.relationships.services import RelationshipError, relationship_introduce

    wanted = [volunteer_id] if partner_id is None else [volunteer_id, partner_id]
    if len(set(wanted)) != len(wanted):
        raise MatchingError("Choose two different supporters")
    referral, volunteers = _locked(by, referral_id, wanted, across_network)
    organisation = referral.organisation
    name = referral.person.display_name
    if referral.status != Status.WAITING:
        raise StaleProposal(
            f"{name} is no longer waiting for a match ({referral.get_status_display().lower()})"
        )
    if Match.objects.filter(referral=referral, status__in=ACTIVE_MATCH).exists():
        raise StaleProposal(f"{name} has already been matched")
    profile = selectors.waiting_profile_of(referral=referral)
    need = suggest.needed(profile)
    if len(volunteers) != need:
        raise StaleProposal(
            f"{name} needs a pair of supporters, accepted together"
            if need == 2
            else f"{name} needs one supporter, not a pair"
        )
    if Rejection.objects.filter(referral=referral, volunteer__in=volunteers).exists():
        raise StaleProposal("This match was rejected before, so it cannot be accepted")
    _check_can_support_in(organisation, volunteers)
    person = selectors.as_waiting(referral, profile)
    taken = selectors.places_taken(v.pk for v in volunteers)
    conflicts = selectors.conflict_pairs_of(person_ids=[referral.person_id])
    ended_badly = selectors.ended_badly_pairs(person_ids=[referral.person_id])
    roles = []
    for volunteer in volunteers:
        theirs = selectors.supporter_profile_of(volunteer=volunteer)
        role = suggest.matching_role(organisation=volunteer.organisation)
        if theirs is None or role is None:
            raise StaleProposal(f"{volunteer.display_name} has no matching profile any more")
        eligible = any(
            v.pk == volunteer.pk for v in eligible_volunteers(volunteer.organisation, role)
        )
        supporter = selectors.as_supporter(
            volunteer, theirs, eligible=eligible, places_taken=taken.get(volunteer.pk, 0)
        )
        refused = hard_rules.refusals(
            person, supporter, conflicts=conflicts, ended_badly=ended_badly
        )
        if refused:
            raise StaleProposal(
                f"{volunteer.display_name} can no longer be matched with {name}: "
                f"{refused[0][:1].lower()}{refused[0][1:]}"
            )
        roles.append(role)
    found = suggest.candidates_for(referral=referral, volunteers=volunteers, profile=profile)
    chosen = [found[v.pk] for v in volunteers]
    if any(c is None for c in chosen):
        raise StaleProposal(f"No way of meeting suits {name} and these supporters any more")
    candidates = [c for c in chosen if c is not None]
    # Recorded in the person's organisation, whoever acts (a network admin acts for another).
    on_behalf = replace(by, organisation=organisation)
    matches = [
        Match.objects.create(
            organisation=organisation,
            referral=referral,
            volunteer=volunteer,
            score=candidate.score,
            explanation=(candidate.explanation or "Chosen by the coordinator")[:500],
            accepted_by=by.user,
        )
        for volunteer, candidate in zip(volunteers, candidates, strict=True)
    ]
    try:
        relationship = relationship_introduce(
            by=on_behalf,
            person=referral.person,
            volunteers=volunteers,
            kind=suggest.relationship_kind(roles[0]),
            usual_mode=suggest.usual_mode(candidates),
            referral=referral,
            matches=matches,
            across_network=any(v.organisation_id != organisation.pk for v in volunteers),
            note="Introduced from an accepted match",
        )
    except RelationshipError as refused:
        raise StaleProposal(str(refused)) from refused
    for match in matches:
        audit_record(
            by=on_behalf,
            action="matching.match_accepted",
            target=match,
            detail={
                "referral": str(referral.pk),
                "volunteer": str(match.volunteer_id),
                "relationship": str(relationship.pk),
                "pair": len(matches) == 2,
                "across_network": across_network,
                "acting_for": str(by.organisation.pk) if by.organisation else "",
            },
        )
    return Accepted(matches, relationship)


@transaction.atomic
def match_reject(
    *,
    by: Acting,
    referral_id: uuid.UUID,
    volunteer_id: uuid.UUID,
    reason: str,
    across_network: bool = False,
) -> Rejection:
    """Turn one supporter down for a person, with a reason: that pair is never proposed again
    (for a pair of supporters, each is rejected on their own)."""
    reason = " ".join(reason.split())
    if not reason:
        raise MatchingError("Enter why this match is not right")
    referral, [volunteer] = _locked(by, referral_id, [volunteer_id], across_network)
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
        by=replace(by, organisation=referral.organisation),
        action="matching.match_rejected",
        target=rejection,
        detail={
            "referral": str(referral.pk),
            "volunteer": str(volunteer.pk),
            "new": created,
            "across_network": across_network,
        },
    )
    return rejection


@transaction.atomic
def sharing_save(*, by: Acting, shares: bool) -> NetworkSharing:
    """An organisation admin agrees (or stops agreeing) that the network's admins may match the
    organisation's people waiting and supporters with those of other sharing organisations."""
    organisation = by.organisation
    if organisation is None:
        raise MatchingError("Choose an organisation to act for first")
    if organisation.network_id is None:
        raise MatchingError(
            f"{organisation.name} is not part of a network, so has nobody to share with"
        )
    sharing, _ = NetworkSharing.objects.select_for_update().get_or_create(organisation=organisation)
    before = sharing.shares
    sharing.shares = shares
    sharing.changed_by = by.user
    sharing.changed_at = timezone.now()
    sharing.save(update_fields=["shares", "changed_by", "changed_at", "updated_at"])
    audit_record(
        by=by,
        action="matching.network_sharing_changed",
        target=sharing,
        detail={"shares": shares, "before": before},
    )
    return sharing


def suggestions_viewed(*, by: Acting, count: int) -> None:
    """Seeing suggestions shows people's details together: audited like reading a record."""
    audit_record(by=by, action="matching.suggestions_viewed", detail={"proposals": count})


def network_suggestions_viewed(*, by: Acting, suggestion: Suggestion) -> None:
    """A network admin saw suggestions across the network: recorded in the acting
    organisation's audit log and in that of each organisation whose people or supporters were
    shown, so every organisation can see who looked at its records."""
    shown: dict[object, int] = {}
    for proposal in suggestion.proposals:
        for organisation_id in {
            proposal.referral.organisation_id,
            *(c.volunteer.organisation_id for c in proposal.supporters),
            *(c.volunteer.organisation_id for c in proposal.alternatives),
        }:
            shown[organisation_id] = shown.get(organisation_id, 0) + 1
    for referral in suggestion.without_supporter:
        shown.setdefault(referral.organisation_id, 0)
    acting_for = by.organisation
    detail = {"proposals": len(suggestion.proposals), "across_network": True}
    audit_record(by=by, action="matching.suggestions_viewed", detail=detail)
    for organisation in suggestion.organisations:
        if organisation.pk in shown and (acting_for is None or organisation.pk != acting_for.pk):
            audit_record(
                by=replace(by, organisation=organisation),
                action="matching.suggestions_viewed",
                detail={
                    "proposals": shown[organisation.pk],
                    "across_network": True,
                    "acting_for": str(acting_for.pk) if acting_for else "",
                },
            )


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
