"""Reads for matching. Every query starts from the organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.matching import hard_rules, reasons
from kindred.matching.engine.scoring import COMPONENTS, DEFAULT_WEIGHTS, Weights
from kindred.matching.experiences import CURATED
from kindred.matching.models import (
    ACTIVE_MATCH,
    Conflict,
    Experience,
    Match,
    MatchingWeights,
    NetworkSharing,
    SupporterProfile,
    WaitingProfile,
)
from kindred.people.models import Person
from kindred.referrals.models import Referral, Status
from kindred.relationships import selectors as relationships
from kindred.relationships.models import EndReason, Relationship
from kindred.relationships.models import Status as RelationshipStatus
from kindred.relationships.models import Supporter as SupporterLink
from kindred.volunteers import eligibility
from kindred.volunteers.models import (
    DbsCheck,
    RoleAssignment,
    Stage,
    TrainingRecord,
    Volunteer,
    VolunteeringRole,
    WellbeingCheckIn,
)
from kindred.volunteers.selectors import eligible_volunteers, struggling_this_month


def experience_choices(*, organisation: Organisation) -> list[tuple[str, str]]:
    """The curated lived experiences, then the organisation's own additions."""
    choices = [(c.key, c.name) for c in CURATED]
    known = {key for key, _ in choices}
    for extra in Experience.objects.filter(organisation=organisation).order_by("name"):
        if extra.key not in known:
            choices.append((extra.key, extra.name))
    return choices


def people_waiting(*, organisation: Organisation) -> QuerySet[Referral]:
    """Referrals waiting for a match, longest waiting first, with their matching profiles. Once a
    match is accepted they wait for the introduction instead (the relationships app), not here."""
    return (
        organisation.referrals.filter(status=Status.WAITING)
        .exclude(matches__status__in=ACTIVE_MATCH)
        .select_related("person", "matching_profile")
        .order_by("received_at")
    )


def waiting_referral_of(*, organisation: Organisation, person_id: uuid.UUID) -> Referral | None:
    """The person's referral waiting for a match, the longest waiting first, if there is one."""
    return (
        organisation.referrals.filter(person_id=person_id, status=Status.WAITING)
        .order_by("received_at")
        .first()
    )


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


def supporter_profile_of(*, volunteer: Volunteer) -> SupporterProfile | None:
    return SupporterProfile.objects.filter(
        organisation_id=volunteer.organisation_id, volunteer=volunteer
    ).first()


def conflict_pairs(*, organisation: Organisation) -> set[tuple[object, object]]:
    return set(
        Conflict.objects.filter(organisation=organisation).values_list("person_id", "volunteer_id")
    )


def conflict_pairs_of(*, person_ids: Iterable[object]) -> set[tuple[object, object]]:
    """Recorded conflicts of these people (each recorded in the person's organisation)."""
    return set(
        Conflict.objects.filter(person_id__in=list(person_ids)).values_list(
            "person_id", "volunteer_id"
        )
    )


def ended_badly_pairs(*, person_ids: Iterable[object]) -> set[tuple[object, object]]:
    """(person, volunteer) pairs whose support together ended because the match was not right:
    never matched again (a hard rule), whoever recorded the ending."""
    return set(
        SupporterLink.objects.filter(
            relationship__person_id__in=list(person_ids),
            relationship__end_reason=EndReason.NOT_RIGHT,
        ).values_list("relationship__person_id", "volunteer_id")
    )


def places_taken(volunteer_ids: Iterable[object]) -> dict[object, int]:
    """Each supporter's places taken: their open relationships, in any organisation."""
    return relationships.supporter_load(volunteer_ids)


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
    places_taken: int = 0,
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
        places_taken=places_taken,
        modes=frozenset(profile.modes),
        languages=frozenset(profile.languages),
        gender=profile.gender,
        max_travel_km=float(profile.max_travel_km),
        point=point,
    )


def supporters_to_explain(*, organisations: Iterable[Organisation]) -> list[SupporterProfile]:
    """Every supporter of these organisations (active or paused, with a matching profile, with
    their volunteer record): whom saying why nobody suits someone checks, in one query."""
    return list(
        SupporterProfile.objects.filter(
            volunteer__organisation__in=list(organisations),
            volunteer__stage__in=[Stage.ACTIVE, Stage.PAUSED],
        )
        .select_related("volunteer")
        # Only what explaining reads of the volunteer: it may read thousands.
        .only(
            *(f.name for f in SupporterProfile._meta.concrete_fields),
            "volunteer__organisation",
            "volunteer__user",
            "volunteer__given_name",
            "volunteer__family_name",
            "volunteer__stage",
        )
        .order_by("volunteer__family_name", "volunteer__given_name", "volunteer_id")
    )


def roles_held(volunteer_ids: Iterable[uuid.UUID]) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """(volunteer, role) for each role these volunteers hold, in one query."""
    return set(
        RoleAssignment.objects.filter(volunteer_id__in=list(volunteer_ids)).values_list(
            "volunteer_id", "role_id"
        )
    )


@dataclass(frozen=True)
class Evidence:
    """A volunteer's DBS checks and training, as the volunteers app's eligibility reads them."""

    dbs_checks: tuple[eligibility.DbsEvidence, ...] = ()
    training: tuple[eligibility.TrainingEvidence, ...] = ()


def evidence_of(volunteer_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Evidence]:
    """These volunteers' DBS checks and training, in two queries (none for nobody): plain
    values, not model instances, as explaining may read thousands."""
    ids = list(volunteer_ids)
    checks: dict[uuid.UUID, list[eligibility.DbsEvidence]] = {}
    for volunteer_id, level, issued_on in DbsCheck.objects.filter(volunteer_id__in=ids).values_list(
        "volunteer_id", "level", "issued_on"
    ):
        checks.setdefault(volunteer_id, []).append(eligibility.DbsEvidence(level, issued_on))
    training: dict[uuid.UUID, list[eligibility.TrainingEvidence]] = {}
    for volunteer_id, kind, completed_on, expires_on in TrainingRecord.objects.filter(
        volunteer_id__in=ids
    ).values_list("volunteer_id", "course__kind", "completed_on", "expires_on"):
        training.setdefault(volunteer_id, []).append(
            eligibility.TrainingEvidence(kind, completed_on, expires_on)
        )
    return {key: Evidence(tuple(checks.get(key, ())), tuple(training.get(key, ()))) for key in ids}


def not_cleared_for(
    *, evidence: Evidence, requirements: eligibility.RoleRequirements, on: dt.date
) -> tuple[str, ...]:
    """Why a volunteer holding a role may not take it yet, were they active (the volunteers
    app's words: "They need a basic DBS check"). Whether they are eligible is still the
    volunteers app's answer (`eligible_volunteers`); this only says why not."""
    return eligibility.check_eligibility(
        requirements,
        active=True,
        dbs_checks=evidence.dbs_checks,
        training=evidence.training,
        on=on,
    ).reasons


def supporters_struggling(
    *, organisations: Iterable[Organisation], on: dt.date | None = None
) -> dict[uuid.UUID, reasons.Concern]:
    """Supporters who said in this month's check-in that they are struggling or not great (the
    volunteers app's `struggling_this_month`), with when they said so (their latest answer this
    month): one query for each organisation."""
    found: dict[uuid.UUID, reasons.Concern] = {}
    for organisation in organisations:
        for check_in in struggling_this_month(organisation=organisation, on=on):
            found[check_in.volunteer_id] = reasons.Concern(
                said_on=timezone.localtime(check_in.updated_at).date(),
                struggling=check_in.feeling == WellbeingCheckIn.Feeling.STRUGGLING,
            )
    return found


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
    profiles = list(
        SupporterProfile.objects.filter(
            organisation=organisation, volunteer__stage__in=[Stage.ACTIVE, Stage.PAUSED]
        )
        .select_related("volunteer")
        .order_by("volunteer__family_name", "volunteer__given_name")
    )
    taken = places_taken(p.volunteer_id for p in profiles)
    ended_badly = ended_badly_pairs(person_ids=[referral.person_id])
    for profile in profiles:
        volunteer = profile.volunteer
        supporter = as_supporter(
            volunteer,
            profile,
            eligible=volunteer.pk in eligible,
            places_taken=taken.get(volunteer.pk, 0),
        )
        refused = hard_rules.refusals(
            person, supporter, conflicts=conflicts, ended_badly=ended_badly
        )
        checked.append(Checked(volunteer, refused))
    return checked


def introductions_of(*, organisation: Organisation) -> QuerySet[Relationship]:
    """Relationships introduced from accepted matches whose support has not begun yet, oldest
    first, with their supporters (one or two)."""
    return (
        relationships.for_organisation(organisation=organisation)
        .filter(status=RelationshipStatus.INTRODUCED, supporter_links__match__isnull=False)
        .distinct()
        .order_by("introduced_on", "created_at")
    )


def introduction_of(*, organisation: Organisation, relationship_id: uuid.UUID) -> Relationship:
    """A relationship of this organisation made from a match (Relationship.DoesNotExist else)."""
    return (
        relationships.for_organisation(organisation=organisation)
        .filter(supporter_links__match__isnull=False)
        .distinct()
        .get(pk=relationship_id)
    )


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
        .select_related("volunteer__organisation", "supporter_link")
        .order_by("-created_at")
    )


def shares_with_network(*, organisation: Organisation) -> NetworkSharing | None:
    """The organisation's choice about matching across its network (None: never chosen, so
    not shared)."""
    return NetworkSharing.objects.filter(organisation=organisation).first()


def sharing_organisations(*, organisation: Organisation) -> list[Organisation]:
    """The active organisations of `organisation`'s network that agree to match across it: what
    a network admin acting for `organisation` may match. Empty outside a network. Another
    network's organisations are never included."""
    if organisation.network_id is None:
        return []
    return list(
        Organisation.objects.filter(
            network_id=organisation.network_id,
            is_active=True,
            matching_sharing__shares=True,
        ).order_by("name")
    )


def network_referral_of(*, organisation: Organisation, referral_id: uuid.UUID) -> Referral:
    """A referral of a sharing organisation of `organisation`'s network (DoesNotExist else)."""
    return Referral.objects.select_related("person", "organisation").get(
        pk=referral_id, organisation__in=sharing_organisations(organisation=organisation)
    )


def network_supporter_of(*, organisation: Organisation, volunteer_id: uuid.UUID) -> Volunteer:
    """A volunteer of a sharing organisation of `organisation`'s network (DoesNotExist else)."""
    return Volunteer.objects.select_related("organisation").get(
        pk=volunteer_id, organisation__in=sharing_organisations(organisation=organisation)
    )
