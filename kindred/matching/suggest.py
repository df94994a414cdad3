"""Suggested matches for an organisation, or across the sharing organisations of a network:
candidates, hard rules, the engine's scoring and its exact solve. Reads only; nothing here
decides anything (a coordinator or network admin accepts or rejects).

Candidates: for face-to-face, the k supporters nearest each person (SciPy cKDTree); for phone and
video, supporters who share one of the person's lived experiences (experience buckets), or any
supporter when the person has named none. Every candidate then passes the hard rules
(kindred.matching.hard_rules) and is scored by kindred.matching.engine.scoring, with continuity
from the relationships app (the same supporter as before, not ended badly).

Someone who needs a pair of supporters has demand 2 in the engine. A pair is proposed whole or
not at all: a person the optimum leaves with one of two is taken out and the rest solved again,
so their one supporter can go to someone else (ADR-012).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone
from scipy.spatial import cKDTree

from kindred.accounts.models import Organisation
from kindred.matching import hard_rules, selectors
from kindred.matching.engine import Instance, solve
from kindred.matching.engine.scoring import (
    Mode as EngineMode,
)
from kindred.matching.engine.scoring import (
    Profile,
    Weights,
    Window,
    components,
    explain,
    weighted_score,
)
from kindred.matching.models import (
    PARTS,
    Rejection,
    SupporterProfile,
    WaitingProfile,
)
from kindred.referrals.models import Referral
from kindred.relationships import selectors as relationships
from kindred.volunteers.models import AvailabilityWindow, RoleKind, Volunteer, VolunteeringRole
from kindred.volunteers.selectors import eligible_volunteers

NEAREST = 30
ALTERNATIVES = 3
ENGINE_MODE = {
    "visit": EngineMode.VISIT,
    "meet_out": EngineMode.MEET_OUT,
    "phone": EngineMode.PHONE,
    "video": EngineMode.VIDEO,
}
#: Ways of meeting, face to face first: a relationship's usual way is the first both can use.
MODE_ORDER = ("visit", "meet_out", "phone", "video")


@dataclass(frozen=True)
class Candidate:
    volunteer: Volunteer
    score: float
    explanation: str
    mode: str  # the way of meeting that scores best
    #: Every way of meeting this pair can use (within travel distance), face to face first.
    modes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposal:
    referral: Referral
    #: The proposed supporters: one, or two for someone who needs a pair (best first).
    supporters: tuple[Candidate, ...]
    alternatives: list[Candidate]

    @property
    def is_pair(self) -> bool:
        return len(self.supporters) == 2

    @property
    def cross_organisation(self) -> bool:
        return any(
            c.volunteer.organisation_id != self.referral.organisation_id for c in self.supporters
        )


@dataclass(frozen=True)
class Suggestion:
    role: VolunteeringRole | None
    proposals: list[Proposal] = field(default_factory=list)
    without_supporter: list[Referral] = field(default_factory=list)
    #: Supporters each person without one needs (2 for a pair), by referral id.
    needs: dict[object, int] = field(default_factory=dict)
    #: The organisations whose people and supporters were considered.
    organisations: list[Organisation] = field(default_factory=list)


def matching_role(*, organisation: Organisation) -> VolunteeringRole | None:
    """The role supporters are matched in: the organisation's befriender role, else its first."""
    roles = organisation.volunteering_roles.order_by("name")
    return roles.filter(kind=RoleKind.BEFRIENDER).first() or roles.first()


def relationship_kind(role: VolunteeringRole | None) -> str:
    """The kind of relationship a match in `role` makes: befriending, unless the role is named
    as peer mentoring (volunteering roles have no mentoring kind of their own)."""
    if role is not None and "mentor" in role.name.casefold():
        return "peer_mentoring"
    return "befriending"


def usual_mode(candidates: Sequence[Candidate]) -> str:
    """How a person and their supporters will usually meet: the first way, face to face first,
    that every supporter can use with them (else the first supporter's)."""
    shared = [m for m in MODE_ORDER if all(m in c.modes for c in candidates)]
    if shared:
        return shared[0]
    first = candidates[0]
    return first.modes[0] if first.modes else first.mode


def _label(name: str) -> str:
    """How an experience reads inside a sentence ("Both have lived experience of COPD")."""
    first = name.split(" ", 1)[0]
    return name if first.isupper() else name[:1].lower() + name[1:]


def free_windows(keys: list[str] | tuple[str, ...]) -> tuple[Window, ...]:
    """A person's free times ("1-afternoon": Tuesday afternoon) as the engine's weekly windows."""
    spans = {key: (start, end) for key, _, start, end in PARTS}
    windows = []
    for key in keys:
        day, _, part = key.partition("-")
        if day.isdigit() and int(day) < 7 and part in spans:
            windows.append(Window(int(day), *spans[part]))
    return tuple(sorted(windows))


def _windows(volunteer_ids: list[object]) -> dict[object, tuple[Window, ...]]:
    found: dict[object, list[Window]] = defaultdict(list)
    for row in AvailabilityWindow.objects.filter(volunteer_id__in=volunteer_ids):
        start = row.starts_at.hour * 60 + row.starts_at.minute
        end = row.ends_at.hour * 60 + row.ends_at.minute
        if start < end:
            found[row.volunteer_id].append(Window(row.weekday, start, end))
    return {key: tuple(value) for key, value in found.items()}


def _names(organisations: Sequence[Organisation]) -> dict[str, str]:
    names: dict[str, str] = {}
    for organisation in organisations:
        for key, name in selectors.experience_choices(organisation=organisation):
            names.setdefault(key, _label(name))
    return names


def _profile_of(person: hard_rules.Waiting, profile: WaitingProfile | None) -> Profile:
    return Profile(
        availability=free_windows(profile.free_times if profile else ()),
        experiences=frozenset(profile.experiences if profile else ()),
        interests=frozenset(i.casefold() for i in (profile.interests if profile else ())),
        easting=person.point[0] if person.point else None,
        northing=person.point[1] if person.point else None,
    )


def needed(profile: WaitingProfile | None) -> int:
    """How many supporters the person needs (1; 2 for a pair)."""
    return profile.supporters_needed if profile is not None else 1


def suggest(
    *,
    organisation: Organisation,
    referral: Referral | None = None,
    weights: Weights | None = None,
    on: dt.date | None = None,
) -> Suggestion:
    """The optimal set of proposals for everyone waiting in the organisation (or one person),
    with alternatives, scored with the organisation's weights unless others are given."""
    return _suggest([organisation], referral=referral, weights=weights, on=on)


def suggest_network(
    *, organisation: Organisation, referral: Referral | None = None, on: dt.date | None = None
) -> Suggestion:
    """The optimal set of proposals across the organisations of `organisation`'s network that
    agree to share (ADR-013). Each person is scored with their own organisation's weights."""
    pool = selectors.sharing_organisations(organisation=organisation)
    return _suggest(pool, referral=referral, weights=None, on=on)


def _suggest(
    organisations: list[Organisation],
    *,
    referral: Referral | None,
    weights: Weights | None,
    on: dt.date | None,
) -> Suggestion:
    roles = {o.pk: matching_role(organisation=o) for o in organisations}
    role = next((r for r in roles.values() if r is not None), None)
    waiting = [r for o in organisations for r in selectors.people_waiting(organisation=o)]
    if referral is not None:
        waiting = [r for r in waiting if r.pk == referral.pk]
    if role is None or not waiting:
        return Suggestion(role, [], waiting, organisations=organisations)
    # people_waiting already leaves out anyone with an accepted match.
    profiles = {
        p.referral_id: p
        for p in WaitingProfile.objects.filter(referral__in=[r.pk for r in waiting])
    }
    eligible: set[object] = set()
    for organisation in organisations:
        if (own_role := roles[organisation.pk]) is not None:
            eligible |= {v.pk for v in eligible_volunteers(organisation, own_role, on=on)}
    supporters = list(
        SupporterProfile.objects.filter(volunteer_id__in=eligible)
        .select_related("volunteer__organisation")
        .order_by("volunteer__family_name", "volunteer__given_name", "volunteer_id")
    )
    taken = selectors.places_taken(s.volunteer_id for s in supporters)
    person_ids = [r.person_id for r in waiting]
    conflicts = selectors.conflict_pairs_of(person_ids=person_ids)
    ended_badly = selectors.ended_badly_pairs(person_ids=person_ids)
    before = relationships.previous_pairs(person_ids)
    rejected = set(
        Rejection.objects.filter(referral__in=[r.pk for r in waiting]).values_list(
            "referral_id", "volunteer_id"
        )
    )
    org_weights = {o.pk: weights or selectors.weights_of(organisation=o) for o in organisations}
    names = _names(organisations)
    windows = _windows([s.volunteer_id for s in supporters])
    now = timezone.now()
    by_id = {o.pk: o for o in organisations}
    # Across a network, a supporter who signs in needs a supporter role in the person's
    # organisation (ADR-013): one query for every pair; within one organisation, none.
    can_support: set[tuple[object, object]] = (
        relationships.can_support_pairs(
            organisation_ids=list(by_id), user_ids=[s.volunteer.user_id for s in supporters]
        )
        if len(organisations) > 1
        else set()
    )

    facts = [
        selectors.as_supporter(
            s.volunteer, s, eligible=True, places_taken=taken.get(s.volunteer_id, 0)
        )
        for s in supporters
    ]
    open_supporters = [i for i, f in enumerate(facts) if f.places_taken < f.capacity]
    placed = [i for i in open_supporters if facts[i].point is not None]
    tree = cKDTree(np.array([facts[i].point for i in placed])) if placed else None
    buckets: dict[str, set[int]] = defaultdict(set)
    for i in open_supporters:
        for key in supporters[i].experiences:
            buckets[key].add(i)

    scored: dict[int, list[tuple[int, Candidate]]] = defaultdict(list)
    for p_index, ref in enumerate(waiting):
        profile = profiles.get(ref.pk)
        person = selectors.as_waiting(ref, profile)
        modes = person.modes or frozenset(MODE_ORDER)
        pool: set[int] = set()
        if modes & hard_rules.FACE_TO_FACE and tree is not None and person.point is not None:
            k = min(NEAREST, len(placed))
            _, near = tree.query(person.point, k=k)
            pool |= {placed[int(j)] for j in np.atleast_1d(near)}
        if modes - hard_rules.FACE_TO_FACE:
            wanted = set(profile.experiences) if profile else set()
            pool |= (
                set().union(*(buckets[key] for key in wanted)) if wanted else set(open_supporters)
            )
        me = _profile_of(person, profile)
        days = max(0, (now - ref.received_at).days)
        for s_index in sorted(pool):
            supporter = facts[s_index]
            if (ref.pk, supporter.volunteer_id) in rejected:
                continue
            if hard_rules.refusals(person, supporter, conflicts=conflicts, ended_badly=ended_badly):
                continue
            if hard_rules.supporter_role_there(
                by_id[ref.organisation_id], supporters[s_index].volunteer, can_support
            ):
                continue
            candidate = _best_mode(
                person,
                supporter,
                supporters[s_index],
                me,
                windows,
                days,
                org_weights[ref.organisation_id],
                names,
                before=(ref.person_id, supporter.volunteer_id) in before,
            )
            if candidate is not None:
                scored[p_index].append((s_index, candidate))

    needs = [needed(profiles.get(r.pk)) for r in waiting]
    return _solved(role, waiting, needs, supporters, facts, scored, organisations)


def candidates_for(
    *, referral: Referral, volunteers: Sequence[Volunteer], profile: WaitingProfile | None
) -> dict[object, Candidate | None]:
    """The score, explanation and ways of meeting of these exact pairs (None where no way of
    meeting works), for recording an accepted match. The hard rules are checked by the caller."""
    organisation = referral.organisation
    weights = selectors.weights_of(organisation=organisation)
    person = selectors.as_waiting(referral, profile)
    me = _profile_of(person, profile)
    days = max(0, (timezone.now() - referral.received_at).days)
    before = relationships.previous_pairs([referral.person_id])
    windows = _windows([v.pk for v in volunteers])
    names = _names([organisation, *(v.organisation for v in volunteers)])
    found: dict[object, Candidate | None] = {}
    for volunteer in volunteers:
        theirs = selectors.supporter_profile_of(volunteer=volunteer)
        if theirs is None:
            found[volunteer.pk] = None
            continue
        supporter = selectors.as_supporter(volunteer, theirs, eligible=True)
        found[volunteer.pk] = _best_mode(
            person,
            supporter,
            theirs,
            me,
            windows,
            days,
            weights,
            names,
            before=(referral.person_id, volunteer.pk) in before,
        )
    return found


def _best_mode(
    person: hard_rules.Waiting,
    supporter: hard_rules.Supporter,
    profile: SupporterProfile,
    me: Profile,
    windows: dict[object, tuple[Window, ...]],
    days: int,
    weights: Weights,
    names: dict[str, str],
    *,
    before: bool = False,
) -> Candidate | None:
    them = Profile(
        experiences=frozenset(profile.experiences),
        interests=frozenset(i.casefold() for i in profile.interests),
        availability=windows.get(profile.volunteer_id, ()),
        easting=supporter.point[0] if supporter.point else None,
        northing=supporter.point[1] if supporter.point else None,
    )
    km = hard_rules.km_apart(person, supporter)
    best: Candidate | None = None
    usable: list[str] = []
    for mode in MODE_ORDER:
        if mode not in hard_rules.shared_modes(person, supporter):
            continue
        if mode in hard_rules.FACE_TO_FACE and (km is None or km > supporter.max_travel_km):
            continue
        usable.append(mode)
        parts = components(
            me,
            them,
            mode=ENGINE_MODE[mode],
            waiting_days=days,
            same_supporter_before=before,
            weights=weights,
        )
        score = weighted_score(parts, weights)
        if best is None or score > best.score:
            readable = parts.__class__(
                **{
                    **parts.__dict__,
                    "shared_experiences": tuple(
                        names.get(key, key) for key in parts.shared_experiences
                    ),
                }
            )
            best = Candidate(profile.volunteer, score, explain(readable, weights), mode)
    if best is None:
        return None
    return Candidate(best.volunteer, best.score, best.explanation, best.mode, tuple(usable))


def _solved(
    role: VolunteeringRole,
    waiting: list[Referral],
    needs: list[int],
    supporters: list[SupporterProfile],
    facts: list[hard_rules.Supporter],
    scored: dict[int, list[tuple[int, Candidate]]],
    organisations: list[Organisation],
) -> Suggestion:
    person_index, supporter_index, scores, by_pair = [], [], [], {}
    for p_index, pairs in scored.items():
        for s_index, candidate in pairs:
            person_index.append(p_index)
            supporter_index.append(s_index)
            scores.append(candidate.score)
            by_pair[(p_index, s_index)] = candidate
    got: dict[int, list[int]] = {}
    if scores:
        demand = list(needs)
        while True:
            instance = Instance.from_arrays(
                person_ids=[str(r.pk) for r in waiting],
                demand=demand,
                supporter_ids=[str(s.volunteer_id) for s in supporters],
                capacity=[max(0, f.capacity - f.places_taken) for f in facts],
                candidate_person=person_index,
                candidate_supporter=supporter_index,
                candidate_score=scores,
            )
            result = solve(instance)
            position = {str(r.pk): i for i, r in enumerate(waiting)}
            column = {str(s.volunteer_id): i for i, s in enumerate(supporters)}
            got = defaultdict(list)
            for assignment in result.assignments:
                got[position[assignment.person]].append(column[assignment.supporter])
            # Half a pair is no proposal: take such people out and solve again, so their one
            # supporter can go to someone else. Each round takes someone out, so it ends.
            partial = [p for p, chosen in got.items() if len(chosen) < demand[p]]
            if not partial:
                break
            for p_index in partial:
                demand[p_index] = 0
    proposals = []
    for p_index, chosen in got.items():
        picked = sorted((by_pair[(p_index, s)] for s in chosen), key=lambda c: -c.score)
        others = sorted((c for s, c in scored[p_index] if s not in chosen), key=lambda c: -c.score)
        proposals.append(Proposal(waiting[p_index], tuple(picked), others[:ALTERNATIVES]))
    proposals.sort(key=lambda p: p.referral.received_at)
    unmatched = [r for i, r in enumerate(waiting) if i not in got]
    return Suggestion(
        role,
        proposals,
        unmatched,
        needs={r.pk: needs[i] for i, r in enumerate(waiting) if i not in got},
        organisations=organisations,
    )
