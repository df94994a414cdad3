"""Suggested matches for an organisation: candidates, hard rules, the engine's scoring and its
exact solve. Reads only; nothing here decides anything (a coordinator accepts or rejects).

Candidates: for face-to-face, the k supporters nearest each person (SciPy cKDTree); for phone and
video, supporters who share one of the person's lived experiences (experience buckets), or any
supporter when the person has named none. Every candidate then passes the hard rules
(kindred.matching.hard_rules) and is scored by kindred.matching.engine.scoring.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count
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
    ACTIVE_MATCH,
    PARTS,
    Match,
    Rejection,
    SupporterProfile,
    WaitingProfile,
)
from kindred.referrals.models import Referral
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
MODE_ORDER = ("visit", "meet_out", "phone", "video")


@dataclass(frozen=True)
class Candidate:
    volunteer: Volunteer
    score: float
    explanation: str
    mode: str


@dataclass(frozen=True)
class Proposal:
    referral: Referral
    chosen: Candidate
    alternatives: list[Candidate]


@dataclass(frozen=True)
class Suggestion:
    role: VolunteeringRole | None
    proposals: list[Proposal] = field(default_factory=list)
    without_supporter: list[Referral] = field(default_factory=list)


def matching_role(*, organisation: Organisation) -> VolunteeringRole | None:
    """The role supporters are matched in: the organisation's befriender role, else its first."""
    roles = organisation.volunteering_roles.order_by("name")
    return roles.filter(kind=RoleKind.BEFRIENDER).first() or roles.first()


def active_matches(*, organisation: Organisation) -> dict[object, int]:
    counts = (
        Match.objects.filter(organisation=organisation, status__in=ACTIVE_MATCH)
        .values("volunteer_id")
        .annotate(n=Count("id"))
    )
    return {row["volunteer_id"]: row["n"] for row in counts}


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


def suggest(
    *,
    organisation: Organisation,
    referral: Referral | None = None,
    weights: Weights | None = None,
    on: dt.date | None = None,
) -> Suggestion:
    """The optimal set of proposals for everyone waiting (or one person), with alternatives,
    scored with the organisation's weights unless others are given."""
    weights = weights or selectors.weights_of(organisation=organisation)
    role = matching_role(organisation=organisation)
    waiting = list(selectors.people_waiting(organisation=organisation))
    if referral is not None:
        waiting = [r for r in waiting if r.pk == referral.pk]
    if role is None or not waiting:
        return Suggestion(role, [], waiting)
    already = set(
        Match.objects.filter(organisation=organisation, status__in=ACTIVE_MATCH).values_list(
            "referral_id", flat=True
        )
    )
    waiting = [r for r in waiting if r.pk not in already]
    profiles = {
        p.referral_id: p
        for p in WaitingProfile.objects.filter(
            organisation=organisation, referral__in=[r.pk for r in waiting]
        )
    }
    eligible = {v.pk for v in eligible_volunteers(organisation, role, on=on)}
    busy = active_matches(organisation=organisation)
    supporters = list(
        SupporterProfile.objects.filter(
            organisation=organisation, volunteer_id__in=eligible
        ).select_related("volunteer")
    )
    conflicts = selectors.conflict_pairs(organisation=organisation)
    rejected = set(
        Rejection.objects.filter(organisation=organisation).values_list(
            "referral_id", "volunteer_id"
        )
    )
    names = {
        key: _label(name) for key, name in selectors.experience_choices(organisation=organisation)
    }
    windows = _windows([s.volunteer_id for s in supporters])
    today = timezone.now()

    facts = [
        selectors.as_supporter(
            s.volunteer, s, eligible=True, active_matches=busy.get(s.volunteer_id, 0)
        )
        for s in supporters
    ]
    open_supporters = [i for i, f in enumerate(facts) if f.active_matches < f.capacity]
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
        me = Profile(
            availability=free_windows(profile.free_times if profile else ()),
            experiences=frozenset(profile.experiences if profile else ()),
            interests=frozenset(i.casefold() for i in (profile.interests if profile else ())),
            easting=person.point[0] if person.point else None,
            northing=person.point[1] if person.point else None,
        )
        days = max(0, (today - ref.received_at).days)
        for s_index in sorted(pool):
            supporter = facts[s_index]
            if (ref.pk, supporter.volunteer_id) in rejected:
                continue
            if hard_rules.refusals(person, supporter, conflicts=conflicts):
                continue
            candidate = _best_mode(
                person, supporter, supporters[s_index], me, windows, days, weights, names
            )
            if candidate is not None:
                scored[p_index].append((s_index, candidate))

    return _solved(role, waiting, supporters, facts, scored)


def _best_mode(
    person: hard_rules.Waiting,
    supporter: hard_rules.Supporter,
    profile: SupporterProfile,
    me: Profile,
    windows: dict[object, tuple[Window, ...]],
    days: int,
    weights: Weights,
    names: dict[str, str],
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
    for mode in MODE_ORDER:
        if mode not in hard_rules.shared_modes(person, supporter):
            continue
        if mode in hard_rules.FACE_TO_FACE and (km is None or km > supporter.max_travel_km):
            continue
        parts = components(me, them, mode=ENGINE_MODE[mode], waiting_days=days, weights=weights)
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
    return best


def _solved(
    role: VolunteeringRole,
    waiting: list[Referral],
    supporters: list[SupporterProfile],
    facts: list[hard_rules.Supporter],
    scored: dict[int, list[tuple[int, Candidate]]],
) -> Suggestion:
    person_index, supporter_index, scores, by_pair = [], [], [], {}
    for p_index, pairs in scored.items():
        for s_index, candidate in pairs:
            person_index.append(p_index)
            supporter_index.append(s_index)
            scores.append(candidate.score)
            by_pair[(p_index, s_index)] = candidate
    if not scores:
        return Suggestion(role, [], waiting)
    instance = Instance.from_arrays(
        person_ids=[str(r.pk) for r in waiting],
        demand=[1] * len(waiting),
        supporter_ids=[str(s.volunteer_id) for s in supporters],
        capacity=[max(0, f.capacity - f.active_matches) for f in facts],
        candidate_person=person_index,
        candidate_supporter=supporter_index,
        candidate_score=scores,
    )
    result = solve(instance)
    position = {str(r.pk): i for i, r in enumerate(waiting)}
    column = {str(s.volunteer_id): i for i, s in enumerate(supporters)}
    proposals = []
    matched = set()
    for assignment in result.assignments:
        p_index, s_index = position[assignment.person], column[assignment.supporter]
        matched.add(p_index)
        others = sorted((c for s, c in scored[p_index] if s != s_index), key=lambda c: -c.score)[
            :ALTERNATIVES
        ]
        proposals.append(Proposal(waiting[p_index], by_pair[(p_index, s_index)], others))
    proposals.sort(key=lambda p: p.referral.received_at)
    unmatched = [r for i, r in enumerate(waiting) if i not in matched]
    return Suggestion(role, proposals, unmatched)
