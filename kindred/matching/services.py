"""Writes for matching: profiles, conflicts, accepting and rejecting matches, sharing across a
network, weights; and keeping matches in step with the relationships they made (the
relationships app tells when support began or ended: `kindred.matching.receivers`, ADR-086).
Each is audited, without personal data."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.db import IntegrityError, transaction
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.services import Acting, audit_record, audit_view
from kindred.core.transitions import DomainError
from kindred.matching import audit_actions, hard_rules, selectors, suggest
from kindred.matching.engine.scoring import COMPONENTS
from kindred.matching.models import (
    ACTIVE_MATCH,
    MATCH_MACHINE,
    Conflict,
    Match,
    MatchingWeights,
    MatchStatus,
    NetworkSharing,
    Rejection,
    RunStatus,
    SuggestionRun,
    SupporterProfile,
    WaitingProfile,
)
from kindred.people import identifiers
from kindred.people.merging import moving_between
from kindred.people.models import Person
from kindred.referrals.models import Referral, Status
from kindred.referrals.services import referral_lock
from kindred.relationships.models import Relationship
from kindred.relationships.selectors import can_support_pairs, supporter_links_of
from kindred.relationships.services import relationship_introduce
from kindred.volunteers.models import Volunteer
from kindred.volunteers.selectors import eligible_volunteers


class MatchingError(DomainError):
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
        action=audit_actions.WAITING_PROFILE_SAVED,
        target=referral,
        detail={"created": created, "supporters_needed": details.supporters_needed},
    )
    return profile


@transaction.atomic
def supporter_profile_save(
    *,
    by: Acting,
    volunteer: Volunteer,
    details: SupporterDetails,
    place: tuple[int, int] | None = None,
) -> SupporterProfile:
    """Save what matters in matching a volunteer. Where they are (ONS eastings and northings, in
    metres) comes from their postcode, or from `place` when it is known otherwise (demo data,
    whose volunteers live where its people do)."""
    _same_organisation(by, volunteer.organisation_id)
    if details.capacity < 0 or details.capacity > 20:
        raise MatchingError("Capacity must be between 0 and 20 people")
    profile, created = SupporterProfile.objects.select_for_update().get_or_create(
        volunteer=volunteer, defaults={"organisation_id": volunteer.organisation_id}
    )
    easting: int | None = None
    northing: int | None = None
    if place is not None:
        easting, northing = place
    elif volunteer.postcode:
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
        action=audit_actions.SUPPORTER_PROFILE_SAVED,
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
        action=audit_actions.MATCH_CONFLICT_RECORDED,
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


def _in_scope(
    scope: list[Organisation], referral_id: uuid.UUID, volunteer_ids: list[uuid.UUID]
) -> tuple[Referral, list[Volunteer]]:
    """The referral and the volunteers, if each is in one of the organisations of `scope`."""
    found = {
        v.pk: v
        for v in Volunteer.objects.select_related("organisation").filter(
            pk__in=volunteer_ids, organisation__in=scope
        )
    }
    try:
        referral = Referral.objects.select_related("person", "organisation").get(
            pk=referral_id, organisation__in=scope
        )
    except Referral.DoesNotExist as missing:
        raise MatchingError("That person or supporter is not in this organisation") from missing
    if set(volunteer_ids) - set(found):
        raise MatchingError("That person or supporter is not in this organisation")
    return referral, [found[v] for v in volunteer_ids]


def _lock_profiles(volunteers: Sequence[Volunteer]) -> dict[object, SupporterProfile | None]:
    """Each supporter's matching profile, which holds their capacity, locked until the end of
    the transaction, one by one in volunteer id order: two decisions about the same supporter
    queue up (the second counts the first's places) and never deadlock."""
    return {
        volunteer.pk: SupporterProfile.objects.select_for_update()
        .filter(volunteer=volunteer)
        .first()
        for volunteer in sorted(volunteers, key=lambda v: str(v.pk))
    }


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
    has an account needs a supporter role in the person's organisation. Which organisations
    share is matching's to decide: it tells the relationships app (ADR-013, ADR-086)."""
    wanted = [volunteer_id] if partner_id is None else [volunteer_id, partner_id]
    if len(set(wanted)) != len(wanted):
        raise MatchingError("Choose two different supporters")
    scope = _scope(by, across_network)
    referral, volunteers = _in_scope(scope, referral_id, wanted)
    profiles = _lock_profiles(volunteers)
    referral = referral_lock(referral=referral)
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
        theirs = profiles[volunteer.pk]
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
    found = suggest.candidates_for(
        referral=referral, volunteers=volunteers, profile=profile, places_taken=dict(taken)
    )
    chosen = [found[v.pk] for v in volunteers]
    if any(c is None for c in chosen):
        raise StaleProposal(f"No way of meeting suits {name} and these supporters any more")
    candidates = [c for c in chosen if c is not None]
    # Recorded in the person's organisation, whoever acts (a network admin acts for another).
    on_behalf = replace(by, organisation=organisation)
    try:
        relationship = relationship_introduce(
            by=on_behalf,
            person=referral.person,
            volunteers=volunteers,
            kind=suggest.relationship_kind(roles[0]),
            usual_mode=suggest.usual_mode(candidates),
            referral=referral,
            supporter_organisations=scope,
            note="Introduced from an accepted match",
        )
    except DomainError as refused:
        raise StaleProposal(str(refused)) from refused
    links = {link.volunteer_id: link for link in supporter_links_of(relationship=relationship)}
    matches = [
        Match.objects.create(
            organisation=organisation,
            referral=referral,
            volunteer=volunteer,
            score=candidate.score,
            explanation=(candidate.explanation or "Chosen by the coordinator")[:500],
            accepted_by=by.user,
            supporter_link=links[volunteer.pk],
        )
        for volunteer, candidate in zip(volunteers, candidates, strict=True)
    ]
    for match in matches:
        audit_record(
            by=on_behalf,
            action=audit_actions.MATCH_ACCEPTED,
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


def _matches_of(relationship: Relationship, to: str) -> list[Match]:
    """The matches that introduced this relationship's supporters and may move to `to`, locked."""
    return list(
        Match.objects.select_for_update()
        .filter(
            supporter_link__relationship_id=relationship.pk,
            status__in=[s for s in MatchStatus.values if MATCH_MACHINE.can(s, to)],
        )
        .order_by("pk")
    )


@transaction.atomic
def matches_started(*, by: Acting, relationship: Relationship) -> list[Match]:
    """Support has begun in the relationship these matches made: each is marked started (the
    relationships app says so: `kindred.relationships.signals.support_began`)."""
    matches = _matches_of(relationship, MatchStatus.STARTED)
    now = timezone.now()
    for match in matches:
        match.status, match.started_at = MatchStatus.STARTED, now
        match.save(update_fields=["status", "started_at", "updated_at"])
    return matches


@transaction.atomic
def matches_ended(*, by: Acting, relationship: Relationship) -> list[Match]:
    """The relationship these matches made has ended: so have they (the relationships app says
    so: `kindred.relationships.signals.relationship_ended`)."""
    matches = _matches_of(relationship, MatchStatus.ENDED)
    for match in matches:
        match.status = MatchStatus.ENDED
        match.save(update_fields=["status", "updated_at"])
    return matches


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
    referral, [volunteer] = _in_scope(_scope(by, across_network), referral_id, [volunteer_id])
    _lock_profiles([volunteer])  # after an acceptance of the same supporter, or before it
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
        action=audit_actions.MATCH_REJECTED,
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
        action=audit_actions.NETWORK_SHARING_CHANGED,
        target=sharing,
        detail={"shares": shares, "before": before},
    )
    return sharing


def network_suggestions_viewed(*, by: Acting, suggestion: suggest.Suggestion) -> None:
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
    audit_view(by=by, entity=audit_actions.MATCH_SUGGESTIONS, detail=detail)
    for organisation in suggestion.organisations:
        if organisation.pk in shown and (acting_for is None or organisation.pk != acting_for.pk):
            audit_view(
                by=replace(by, organisation=organisation),
                entity=audit_actions.MATCH_SUGGESTIONS,
                detail={
                    "proposals": shown[organisation.pk],
                    "across_network": True,
                    "acting_for": str(acting_for.pk) if acting_for else "",
                },
            )


def proposals_record(*, by: Acting, proposals: Sequence[suggest.Proposal]) -> None:
    """Suggested matches worked out without a coordinator (`manage.py match`), recorded for the
    coordinators to decide on: one entry per proposal, on the referral."""
    for proposal in proposals:
        audit_record(
            by=by,
            action=audit_actions.MATCH_PROPOSED,
            target=proposal.referral,
            detail={
                "volunteers": [str(c.volunteer.pk) for c in proposal.supporters],
                "scores": [round(c.score, 4) for c in proposal.supporters],
            },
        )


@transaction.atomic
def weights_save(*, by: Acting, values: dict[str, float]) -> MatchingWeights:
    """Set how much each part of a match counts for the organisation acted for. Checked by the
    engine's Weights (all 0 or more; something other than distance above 0)."""
    if by.organisation is None:
        raise MatchingError("Choose an organisation to act for first")
    try:
        selectors.weights_from(values)
    except (KeyError, ValueError) as bad:
        raise MatchingError(str(bad).capitalize()) from bad
    stored, _ = MatchingWeights.objects.update_or_create(
        organisation=by.organisation,
        defaults={name: float(values[name]) for name in COMPONENTS},
    )
    audit_record(
        by=by,
        action=audit_actions.MATCHING_WEIGHTS_SAVED,
        target=stored,
        detail={name: float(values[name]) for name in COMPONENTS},
    )
    return stored


# Merging two records of one person (people.merging, ADR-090)


def person_conflicts_held(*, person: Person) -> int:
    """How many supporters the record says must never be matched with the person."""
    return person.matching_conflicts.count()


@transaction.atomic
def person_conflicts_move(*, by: Acting, merged: Person, survivor: Person) -> int:
    """Two records of one person are being merged: each supporter recorded as never to be
    matched with the merged record is then never matched with the survivor. A conflict with a
    supporter the survivor already has one with stays on the merged record (the pair is recorded
    once; the survivor's record of it holds). Matching profiles and matches hang on referrals,
    which move with the referrals app. Called by people.merging.person_merge only, inside its
    transaction. Returns how many moved."""
    organisation = moving_between(by=by, merged=merged, survivor=survivor)
    already = Conflict.objects.filter(person=survivor).values("volunteer_id")
    return (
        Conflict.objects.filter(organisation=organisation, person=merged)
        .exclude(volunteer_id__in=already)
        .update(person=survivor)
    )


# --- Suggestions worked out by the worker (ADR-101) ----------------------------------------


def suggestions_queue(
    *,
    by: Acting,
    organisation: Organisation,
    network: bool = False,
    referral: Referral | None = None,
) -> SuggestionRun:
    """Ask the worker to work suggestions out again for `organisation` (or across its network,
    or for one person). Only one run per organisation, scope and person is queued or running at
    a time (a constraint): if one is, that run is returned and nothing new is queued."""
    from kindred.matching import tasks  # the task runs suggest, which imports these services

    try:
        with transaction.atomic():
            run = SuggestionRun.objects.create(
                organisation=organisation,
                network=network,
                referral=referral,
                asked_by=by.user,
                queued_at=timezone.now(),
            )
            tasks.work_out_suggestions.enqueue(str(run.pk))
    except IntegrityError:
        active = SuggestionRun.objects.filter(
            organisation=organisation,
            network=network,
            referral=referral,
            status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
        ).first()
        if active is None:  # it finished in between: ask again
            return suggestions_queue(
                by=by, organisation=organisation, network=network, referral=referral
            )
        return active
    run.refresh_from_db()
    return run


def suggestion_run_started(*, run_id: uuid.UUID) -> SuggestionRun | None:
    """The worker takes a queued run (None if it is not queued: taken or finished already)."""
    with transaction.atomic():
        run = SuggestionRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.QUEUED:
            return None
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at", "updated_at"])
        return run


def suggestion_run_progress(*, run: SuggestionRun, done: int, total: int) -> None:
    run.done, run.total = done, total
    SuggestionRun.objects.filter(pk=run.pk).update(
        done=done, total=total, updated_at=timezone.now()
    )


def suggestion_run_finished(
    *, run: SuggestionRun, proposals: dict[str, object] | None, error: str = ""
) -> None:
    """The run is done, with what it worked out, or failed with `error`."""
    run.status = RunStatus.FAILED if error else RunStatus.DONE
    run.finished_at = timezone.now()
    run.proposals = proposals
    run.error = error[:500]
    if not error:
        run.done = run.total
    run.save(update_fields=["status", "finished_at", "proposals", "error", "done", "updated_at"])
