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

What a coordinator reads comes from kindred.matching.reasons (ADR-094): each candidate's reasons
in words, most important first, never its score; a supporter who said this month that they are
struggling or not great is flagged, not silently proposed; and for one person nobody suits, why,
rule by rule, with the near misses.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from django.utils import timezone
from scipy.spatial import cKDTree

from kindred.accounts.models import Organisation
from kindred.matching import hard_rules, selectors
from kindred.matching import reasons as wording
from kindred.matching.engine import Instance, solve
from kindred.matching.engine.scoring import (
    Components,
    Profile,
    Weights,
    Window,
    components,
    weighted_score,
)
from kindred.matching.engine.scoring import (
    Mode as EngineMode,
)
from kindred.matching.engine.vectorised import PairScores, SupporterArrays, score_person
from kindred.matching.models import (
    PARTS,
    GenderPreference,
    Rejection,
    SupporterProfile,
    WaitingProfile,
)
from kindred.referrals.models import Referral
from kindred.relationships import selectors as relationships
from kindred.volunteers.models import (
    AvailabilityWindow,
    RoleKind,
    Stage,
    Volunteer,
    VolunteeringRole,
)
from kindred.volunteers.selectors import eligible_volunteers, requirements_of

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
#: Told how far suggestions have got: (people worked through, people waiting).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Candidate:
    volunteer: Volunteer
    #: The engine's score: what the solve maximises and what ranks alternatives. Never shown to
    #: coordinators (ADR-094): `reasons` say why instead.
    score: float
    #: The reasons as sentences, recorded on the match when it is accepted.
    explanation: str
    mode: str  # the way of meeting that scores best
    #: Every way of meeting this pair can use (within travel distance), face to face first.
    modes: tuple[str, ...] = ()
    #: Why this supporter, most important first (kindred.matching.wording.suggested_because).
    reasons: tuple[str, ...] = ()
    #: They said this month that they are struggling or not great: talk to them first.
    concern: wording.Concern | None = None

    @property
    def meeting(self) -> str:
        """How they would meet, in words ("phone calls")."""
        return wording.MEETING.get(self.mode, self.mode.replace("_", " "))


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
    #: How many supporters suit each person without one (by referral id): more than none means
    #: those who suit them are proposed for others, so that the most people get one.
    suitable: dict[object, int] = field(default_factory=dict)
    #: Why nobody suits each person without a supporter, by referral id: worked out when
    #: suggesting for one person (`explain`), as it checks every supporter against every rule.
    why: dict[object, wording.WhyNone] = field(default_factory=dict)


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
    explain: bool | None = None,
    progress: Progress | None = None,
) -> Suggestion:
    """The optimal set of proposals for everyone waiting in the organisation (or one person),
    with alternatives, scored with the organisation's weights unless others are given. With
    `explain` (by default, when suggesting for one person), why nobody suits each person left
    without a supporter."""
    return _suggest(
        [organisation],
        referral=referral,
        weights=weights,
        on=on,
        explain=referral is not None if explain is None else explain,
        progress=progress,
    )


def suggest_network(
    *,
    organisation: Organisation,
    referral: Referral | None = None,
    on: dt.date | None = None,
    explain: bool | None = None,
    progress: Progress | None = None,
) -> Suggestion:
    """The optimal set of proposals across the organisations of `organisation`'s network that
    agree to share (ADR-013). Each person is scored with their own organisation's weights."""
    pool = selectors.sharing_organisations(organisation=organisation)
    return _suggest(
        pool,
        referral=referral,
        weights=None,
        on=on,
        explain=referral is not None if explain is None else explain,
        progress=progress,
    )


def _suggest(
    organisations: list[Organisation],
    *,
    referral: Referral | None,
    weights: Weights | None,
    on: dt.date | None,
    explain: bool = False,
    progress: Progress | None = None,
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
    known = _Known(
        conflicts=selectors.conflict_pairs_of(person_ids=person_ids),
        ended_badly=selectors.ended_badly_pairs(person_ids=person_ids),
        before=relationships.previous_pairs(person_ids),
        rejected=set(
            Rejection.objects.filter(referral__in=[r.pk for r in waiting]).values_list(
                "referral_id", "volunteer_id"
            )
        ),
        weights={o.pk: weights or selectors.weights_of(organisation=o) for o in organisations},
        names=_names(organisations),
        concerns=selectors.supporters_struggling(organisations=organisations, on=on),
        by_id={o.pk: o for o in organisations},
        now=timezone.now(),
    )
    windows = _windows([s.volunteer_id for s in supporters])
    # Across a network, a supporter who signs in needs a supporter role in the person's
    # organisation (ADR-013): one query for every pair; within one organisation, none.
    can_support = _can_support(organisations, [s.volunteer for s in supporters])

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

    # Every supporter's features as arrays, once (ADR-101): each person's pairs are then checked
    # against the hard rules and scored together, not one pair at a time.
    arrays = SupporterArrays.of(
        [_them(f, p, windows) for f, p in zip(facts, supporters, strict=True)]
    )
    rules = _Rules.of(facts, supporters, organisations, can_support)
    row_of: dict[object, int] = {s.volunteer_id: i for i, s in enumerate(supporters)}
    refused = _rows_by(known.conflicts | known.ended_badly, row_of)
    had_before = _rows_by(known.before, row_of)
    turned_down = _rows_by(known.rejected, row_of)

    scored: dict[int, _Scored] = {}
    looked_at: dict[object, set[object]] = {}
    for p_index, ref in enumerate(waiting):
        if progress is not None:
            progress(p_index, len(waiting))
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
        looked_at[ref.pk] = {supporters[i].volunteer_id for i in pool}
        if not pool:
            continue
        rows = np.fromiter(sorted(pool), dtype=np.int64, count=len(pool))
        before = np.zeros(len(supporters), dtype=bool)
        before[had_before.get(ref.person_id, [])] = True
        pair = score_person(
            _profile_of(person, profile),
            arrays,
            waiting_days=max(0, (known.now - ref.received_at).days),
            before=before,
            weights=known.weights[ref.organisation_id],
        )
        allowed = rules.allowed(person, rows, pair.km[rows], organisation=ref.organisation_id)
        if ref.pk in turned_down or ref.person_id in refused:
            excluded = np.zeros(len(supporters), dtype=bool)
            excluded[turned_down.get(ref.pk, [])] = True
            excluded[refused.get(ref.person_id, [])] = True
            allowed &= ~excluded[rows]
        rows = rows[allowed]
        if len(rows):
            scored[p_index] = _Scored(rows, rules.best(person, rows, pair))

    def candidate(p_index: int, s_index: int) -> Candidate:
        """The words for one pair a coordinator will read: the scalar code, whose score the
        arrays gave already (to the bit)."""
        ref = waiting[p_index]
        profile = profiles.get(ref.pk)
        person = selectors.as_waiting(ref, profile)
        found = _best_mode(
            person,
            facts[s_index],
            supporters[s_index],
            _profile_of(person, profile),
            windows,
            max(0, (known.now - ref.received_at).days),
            known.weights[ref.organisation_id],
            known.names,
            before=(ref.person_id, facts[s_index].volunteer_id) in known.before,
            who=_who_wants(ref, profile),
            concern=known.concerns.get(supporters[s_index].volunteer_id),
        )
        if found is None:  # the rules allowed the pair, so a way of meeting works
            raise RuntimeError("a pair the hard rules allow has no way of meeting")
        return found

    needs = [needed(profiles.get(r.pk)) for r in waiting]
    result = _solved(role, waiting, needs, supporters, facts, scored, candidate, organisations)
    position = {r.pk: i for i, r in enumerate(waiting)}
    suitable: dict[object, int] = {
        r.pk: len(scored[position[r.pk]].rows) if position[r.pk] in scored else 0
        for r in result.without_supporter
    }
    why = (
        _why_none(
            result.without_supporter,
            profiles=profiles,
            needs={r.pk: needs[position[r.pk]] for r in result.without_supporter},
            looked_at=looked_at,
            eligible=eligible,
            roles=roles,
            known=known,
            on=on or timezone.localdate(),
        )
        if explain and result.without_supporter
        else {}
    )
    return replace(result, suitable=suitable, why=why)


MODE_BITS = {"visit": 1, "meet_out": 2, "phone": 4, "video": 8}
_FACE_BITS = MODE_BITS["visit"] | MODE_BITS["meet_out"]
_REMOTE_BITS = MODE_BITS["phone"] | MODE_BITS["video"]
_EVERY_MODE = _FACE_BITS | _REMOTE_BITS


def _mode_bits(modes: Iterable[str]) -> int:
    bits = 0
    for mode in modes:
        bits |= MODE_BITS.get(mode, 0)
    return bits


def _rows_by(
    pairs: Iterable[tuple[object, object]], row_of: Mapping[object, int]
) -> dict[object, list[int]]:
    """(someone, volunteer) pairs as each one's supporter rows."""
    found: dict[object, list[int]] = defaultdict(list)
    for key, volunteer_id in pairs:
        if (row := row_of.get(volunteer_id)) is not None:
            found[key].append(row)
    return dict(found)


@dataclass(frozen=True)
class _Scored:
    """One person's allowed supporters (rows, ascending) and each pair's score."""

    rows: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Rules:
    """The hard rules (kindred.matching.hard_rules) over arrays of supporters, one row each:
    what `refusals` and `supporter_role_there` decide pair by pair, for a person's pairs at
    once. Conflicts, pairs that ended badly and pairs turned down are left out by the caller."""

    eligible: npt.NDArray[np.bool_]
    modes: npt.NDArray[np.int64]
    max_travel_km: npt.NDArray[np.float64]
    gender: npt.NDArray[np.str_]
    language_index: dict[str, int]
    languages: npt.NDArray[np.bool_]
    #: By organisation (networks only): the supporters who may support someone there (ADR-013).
    role_there: dict[object, npt.NDArray[np.bool_]]

    @classmethod
    def of(
        cls,
        facts: Sequence[hard_rules.Supporter],
        supporters: Sequence[SupporterProfile],
        organisations: Sequence[Organisation],
        can_support: set[tuple[object, object]],
    ) -> _Rules:
        spoken = [frozenset(x.casefold() for x in f.languages) for f in facts]
        keys = sorted(set().union(*spoken)) if spoken else []
        index = {key: i for i, key in enumerate(keys)}
        languages = np.zeros((len(facts), len(keys)), dtype=bool)
        for row, said in enumerate(spoken):
            languages[row, [index[x] for x in said]] = True
        role_there: dict[object, npt.NDArray[np.bool_]] = {}
        if len(organisations) > 1:
            for organisation in organisations:
                role_there[organisation.pk] = np.array(
                    [
                        hard_rules.supporter_role_there(organisation, p.volunteer, can_support)
                        is None
                        for p in supporters
                    ],
                    dtype=bool,
                )
        return cls(
            eligible=np.array(
                [f.eligible and not f.paused and f.places_taken < f.capacity for f in facts],
                dtype=bool,
            ),
            modes=np.array([_mode_bits(f.modes) for f in facts], dtype=np.int64),
            max_travel_km=np.array([f.max_travel_km for f in facts], dtype=np.float64),
            gender=np.array([f.gender for f in facts], dtype=str),
            language_index=index,
            languages=languages,
            role_there=role_there,
        )

    def allowed(
        self,
        person: hard_rules.Waiting,
        rows: npt.NDArray[np.int64],
        km: npt.NDArray[np.float64],
        *,
        organisation: object,
    ) -> npt.NDArray[np.bool_]:
        """Which of `rows` pass every hard rule with `person` (`km` apart, NaN if not known)."""
        shared = self.modes[rows] & (_mode_bits(person.modes) or _EVERY_MODE)
        reachable = ~np.isnan(km) & (km <= self.max_travel_km[rows])
        ok: npt.NDArray[np.bool_] = self.eligible[rows] & (shared != 0)
        ok &= ((shared & _REMOTE_BITS) != 0) | reachable
        if person.gender_preference:
            ok &= self.gender[rows] == person.gender_preference
        if person.languages:
            columns = [
                self.language_index[x]
                for x in {language.casefold() for language in person.languages}
                if x in self.language_index
            ]
            spoken = self.languages[rows][:, np.array(columns, dtype=np.int64)]
            ok &= spoken.any(axis=1) if columns else np.zeros(len(rows), dtype=bool)
        if organisation in self.role_there:
            ok &= self.role_there[organisation][rows]
        return ok

    def best(
        self, person: hard_rules.Waiting, rows: npt.NDArray[np.int64], pair: PairScores
    ) -> npt.NDArray[np.float64]:
        """Each allowed pair's score in its best way of meeting, as `_best_mode` chooses it:
        face to face first, phone or video only if it scores more."""
        shared = self.modes[rows] & (_mode_bits(person.modes) or _EVERY_MODE)
        km = pair.km[rows]
        face = ((shared & _FACE_BITS) != 0) & ~np.isnan(km) & (km <= self.max_travel_km[rows])
        remote = (shared & _REMOTE_BITS) != 0
        near, far = pair.face_to_face[rows], pair.remote[rows]
        best: npt.NDArray[np.float64] = np.where(face & ~(remote & (far > near)), near, far)
        return best


@dataclass(frozen=True)
class _Known:
    """What suggestions know about the people waiting and the organisations, loaded once."""

    conflicts: set[tuple[object, object]]
    ended_badly: set[tuple[object, object]]
    before: set[tuple[object, object]]
    rejected: set[tuple[object, object]]  # (referral, volunteer)
    weights: dict[object, Weights]  # by organisation
    names: dict[str, str]  # lived experiences in words, by key
    concerns: Mapping[uuid.UUID, wording.Concern]  # by volunteer
    by_id: dict[object, Organisation]
    now: dt.datetime


def _can_support(
    organisations: Sequence[Organisation], volunteers: Sequence[Volunteer]
) -> set[tuple[object, object]]:
    if len(organisations) < 2:
        return set()
    return relationships.can_support_pairs(
        organisation_ids=[o.pk for o in organisations], user_ids=[v.user_id for v in volunteers]
    )


@dataclass(frozen=True)
class _Who:
    """The person, as the reasons for their suggestions name them."""

    name: str
    preferred: str  # the gender they would prefer, in words ("a woman"); "" for none


def _who_wants(referral: Referral, profile: WaitingProfile | None) -> _Who:
    """Within sentences about one person the name they go by is enough ("Supported Ada
    before"); headings name them in full."""
    person = referral.person
    preference = profile.gender_preference if profile else ""
    label = str(GenderPreference(preference).label) if preference else ""
    name = person.preferred_name or person.given_name or person.display_name
    return _Who(name, label[:1].lower() + label[1:])


def candidates_for(
    *,
    referral: Referral,
    volunteers: Sequence[Volunteer],
    profile: WaitingProfile | None,
    places_taken: dict[object, int] | None = None,
) -> dict[object, Candidate | None]:
    """The score, reasons and ways of meeting of these exact pairs (None where no way of meeting
    works), for recording an accepted match. The hard rules are checked by the caller, who may
    pass the supporters' places taken it counted (else they are counted here)."""
    organisation = referral.organisation
    weights = selectors.weights_of(organisation=organisation)
    person = selectors.as_waiting(referral, profile)
    me = _profile_of(person, profile)
    days = max(0, (timezone.now() - referral.received_at).days)
    before = relationships.previous_pairs([referral.person_id])
    windows = _windows([v.pk for v in volunteers])
    names = _names([organisation, *(v.organisation for v in volunteers)])
    if places_taken is None:
        places_taken = selectors.places_taken(v.pk for v in volunteers)
    found: dict[object, Candidate | None] = {}
    for volunteer in volunteers:
        theirs = selectors.supporter_profile_of(volunteer=volunteer)
        if theirs is None:
            found[volunteer.pk] = None
            continue
        supporter = selectors.as_supporter(
            volunteer, theirs, eligible=True, places_taken=places_taken.get(volunteer.pk, 0)
        )
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
            who=_who_wants(referral, profile),
        )
    return found


def _them(
    supporter: hard_rules.Supporter,
    profile: SupporterProfile,
    windows: dict[object, tuple[Window, ...]],
) -> Profile:
    return Profile(
        experiences=frozenset(profile.experiences),
        interests=frozenset(i.casefold() for i in profile.interests),
        availability=windows.get(profile.volunteer_id, ()),
        easting=supporter.point[0] if supporter.point else None,
        northing=supporter.point[1] if supporter.point else None,
    )


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
    who: _Who,
    concern: wording.Concern | None = None,
) -> Candidate | None:
    them = _them(supporter, profile, windows)
    km = hard_rules.km_apart(person, supporter)
    best: tuple[float, str, Components] | None = None
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
        if best is None or score > best[0]:
            best = (score, mode, parts)
    if best is None:
        return None
    score, mode, parts = best
    readable = replace(
        parts, shared_experiences=tuple(names.get(key, key) for key in parts.shared_experiences)
    )
    because = wording.suggested_because(
        readable,
        weights,
        person=who.name,
        languages=wording.languages_shared(person.languages, supporter.languages),
        preferred=who.preferred,
        room=supporter.capacity - supporter.places_taken,
    )
    return Candidate(
        profile.volunteer,
        score,
        " ".join(f"{sentence}." for sentence in because),
        mode,
        tuple(usable),
        because,
        concern,
    )


def _suits(
    person: hard_rules.Waiting,
    supporter: hard_rules.Supporter,
    them: Profile,
    me: Profile,
    days: int,
    weights: Weights,
    *,
    before: bool,
) -> float:
    """How well a supporter would suit the person were the one rule they fail met: the
    engine's score for the best way of meeting, distance and ways of meeting set aside. Puts
    near misses in order; never shown."""
    modes = hard_rules.shared_modes(person, supporter) or person.modes or frozenset(MODE_ORDER)
    return max(
        weighted_score(
            components(
                me,
                them,
                mode=ENGINE_MODE[mode],
                waiting_days=days,
                same_supporter_before=before,
                weights=weights,
            ),
            weights,
        )
        for mode in modes
    )


def _why_none(
    referrals: Sequence[Referral],
    *,
    profiles: Mapping[uuid.UUID, WaitingProfile],
    needs: dict[object, int],
    looked_at: dict[object, set[object]],
    eligible: set[object],
    roles: Mapping[uuid.UUID, VolunteeringRole | None],
    known: _Known,
    on: dt.date,
) -> dict[object, wording.WhyNone]:
    """Why nobody suits each of `referrals`: every supporter of the organisations (active or
    paused, with a matching profile, eligible or not) checked against every rule. A fixed
    number of queries however many supporters there are (ADR-094)."""
    organisations = list(known.by_id.values())
    everyone = selectors.supporters_to_explain(organisations=organisations)
    taken = selectors.places_taken(p.volunteer_id for p in everyone)
    windows = _windows([p.volunteer_id for p in everyone])
    can_support = _can_support(organisations, [p.volunteer for p in everyone])
    requirements = {key: requirements_of(role) for key, role in roles.items() if role is not None}
    network = len(organisations) > 1

    # What each supporter is, whoever they are checked for.
    held = selectors.roles_held(p.volunteer_id for p in everyone)
    holding = {
        p.volunteer_id
        for p in everyone
        if (role := roles.get(p.volunteer.organisation_id)) is not None
        and (p.volunteer_id, role.pk) in held
    }
    evidence = selectors.evidence_of(key for key in holding if key not in eligible)
    supporters: list[tuple[SupporterProfile, hard_rules.Supporter, str, bool, tuple[str, ...]]] = []
    for theirs in everyone:
        volunteer = theirs.volunteer
        role = roles.get(volunteer.organisation_id)
        holds = volunteer.pk in holding
        not_cleared: tuple[str, ...] = ()
        if volunteer.pk in eligible:
            cleared = True
        elif not holds or role is None:
            cleared = False
        else:
            not_cleared = selectors.not_cleared_for(
                evidence=evidence[volunteer.pk],
                requirements=requirements[volunteer.organisation_id],
                on=on,
            )
            # Paused, they may take the role again once active: the pause is the reason.
            cleared = volunteer.stage == Stage.PAUSED and not not_cleared
        facts = selectors.as_supporter(
            volunteer, theirs, eligible=cleared, places_taken=taken.get(volunteer.pk, 0)
        )
        words = _label(role.name) if role is not None else "supporter"
        supporters.append((theirs, facts, words, holds, not_cleared))

    explained: dict[object, wording.WhyNone] = {}
    for referral in referrals:
        profile = profiles.get(referral.pk)
        person = selectors.as_waiting(referral, profile)
        me = _profile_of(person, profile)
        who = _who_wants(referral, profile)
        wanted = list(profile.experiences) if profile else []
        organisation = known.by_id[referral.organisation_id]
        weights = known.weights[referral.organisation_id]
        days = max(0, (known.now - referral.received_at).days)
        asked = wording.Asked(
            name=who.name,
            facts=person,
            experiences=tuple(known.names.get(key, key) for key in wanted),
            preferred=who.preferred,
            needs=needs.get(referral.pk, 1),
            organisation=organisation.name,
        )
        seen = []
        for theirs, facts, words, holds, not_cleared in supporters:
            volunteer = theirs.volunteer
            shares = tuple(known.names.get(k, k) for k in wanted if k in theirs.experiences)
            open_to_look = volunteer.pk in eligible and facts.places_taken < facts.capacity
            failed = wording.rules_failed(
                asked,
                facts,
                shares=bool(shares),
                considered=volunteer.pk in looked_at[referral.pk] if open_to_look else None,
                conflicts=known.conflicts,
                ended_badly=known.ended_badly,
                turned_down=(referral.pk, volunteer.pk) in known.rejected,
                role_there=hard_rules.supporter_role_there(organisation, volunteer, can_support)
                is not None,
            )
            near_miss = len(failed) == 1 and failed[0] not in wording.DECISIONS
            seen.append(
                wording.Seen(
                    volunteer_id=volunteer.pk,
                    name=f"{volunteer.display_name} ({known.by_id[volunteer.organisation_id].name})"
                    if network and volunteer.organisation_id != referral.organisation_id
                    else volunteer.display_name,
                    facts=facts,
                    failed=failed,
                    role=words,
                    holds_role=holds,
                    not_cleared=not_cleared,
                    shares=shares,
                    km=hard_rules.km_apart(person, facts),
                    suits=_suits(
                        person,
                        facts,
                        _them(facts, theirs, windows),
                        me,
                        days,
                        weights,
                        before=(referral.person_id, volunteer.pk) in known.before,
                    )
                    if near_miss
                    else 0.0,
                )
            )
        explained[referral.pk] = wording.why_none(asked, seen, nearest=NEAREST)
    return explained


def _solved(
    role: VolunteeringRole,
    waiting: list[Referral],
    needs: list[int],
    supporters: list[SupporterProfile],
    facts: list[hard_rules.Supporter],
    scored: dict[int, _Scored],
    candidate: Callable[[int, int], Candidate],
    organisations: list[Organisation],
) -> Suggestion:
    """The exact solve over every allowed pair's score; words (`candidate`) only for the pairs
    proposed and the next best few."""
    got: dict[int, list[int]] = {}
    if scored:
        people = sorted(scored)
        person_index = np.concatenate(
            [np.full(len(scored[p].rows), p, dtype=np.int64) for p in people]
        )
        supporter_index = np.concatenate([scored[p].rows for p in people])
        scores = np.concatenate([scored[p].scores for p in people])
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
        picked = sorted((candidate(p_index, s) for s in chosen), key=lambda c: -c.score)
        mine = scored[p_index]
        order = np.argsort(-mine.scores, kind="stable")  # best first; ties as the rows come
        others = [int(mine.rows[i]) for i in order if int(mine.rows[i]) not in chosen]
        alternatives = [candidate(p_index, s) for s in others[:ALTERNATIVES]]
        proposals.append(Proposal(waiting[p_index], tuple(picked), alternatives))
    proposals.sort(key=lambda p: p.referral.received_at)
    unmatched = [r for i, r in enumerate(waiting) if i not in got]
    return Suggestion(
        role,
        proposals,
        unmatched,
        needs={r.pk: needs[i] for i, r in enumerate(waiting) if i not in got},
        organisations=organisations,
    )
