"""How well one person and one supporter suit each other: a score in [0, 1] and why, in words.

Pure: plain data in, no Django, no database. The service layer applies the hard rules (mode,
travel distance, gender preference, language, conflicts) first; only allowed pairs are scored.

Six components, each in [0, 1]:

- shared lived experience: the share of the person's experiences the supporter shares;
- closeness (face-to-face only): 1 at 0 km, falling in a straight line to 0 at
  `Weights.distance_zero_km`; phone and video pairs have no distance component at all;
- shared interests: the number shared, full at `Weights.interests_for_full`;
- overlapping weekly availability: minutes free at the same time, full at
  `Weights.availability_minutes_for_full`;
- waiting time of the person: days waiting, full at `Weights.waiting_full_days`, so that the
  longer someone waits the more every pair of theirs is worth, and nobody waits forever;
- continuity: the person had this supporter before.

The score is the weighted mean of the components that apply to the pair (distance does not apply
to phone or video):

    score = sum(weight_i * component_i) / sum(weight_i)

so it is in [0, 1], and it never falls when one component rises. Each organisation can tune the
weights; `DEFAULT_WEIGHTS` documents the defaults (waiting weight: see ADR-011).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

MINUTES_IN_A_DAY = 24 * 60
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Parts of the day used in explanations: (name, first minute, minute after the last).
PARTS_OF_DAY = (
    ("morning", 0, 12 * 60),
    ("afternoon", 12 * 60, 17 * 60),
    ("evening", 17 * 60, 1440),
)


class Mode(StrEnum):
    """How a person and a supporter meet."""

    VISIT = "visit"
    MEET_OUT = "meet out"
    PHONE = "phone"
    VIDEO = "video"

    @property
    def face_to_face(self) -> bool:
        return self in (Mode.VISIT, Mode.MEET_OUT)


@dataclass(frozen=True)
class Weights:
    """How much each component counts. Any non-negative numbers; only their ratios matter.

    Defaults: among the quality components shared lived experience counts most (peer support is
    built on it), then distance for face-to-face (a befriender who can visit every couple of
    weeks), then availability and interests, then continuity. The waiting weight, 0.5 (two
    fifths of a face-to-face pair's total weight), was chosen with the fairness simulation
    (benchmarks/fairness.py, docs/adr/ADR-011-waiting-time-weight.md): with it nobody who had a
    feasible supporter waited over a year, and the quality of matches stayed within noise of
    matching with no waiting weight at all.
    """

    shared_experience: float = 0.30
    distance: float = 0.20
    interests: float = 0.10
    availability: float = 0.10
    waiting: float = 0.5
    continuity: float = 0.05
    #: Closeness reaches 0 at this distance (km).
    distance_zero_km: float = 20.0
    #: Shared interests for the full interests component.
    interests_for_full: int = 2
    #: Overlapping free minutes a week for the full availability component.
    availability_minutes_for_full: int = 120
    #: Days waiting for the full waiting component.
    waiting_full_days: int = 365

    def __post_init__(self) -> None:
        for name in COMPONENTS:
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"the {name.replace('_', ' ')} weight must be 0 or more")
        if not any(getattr(self, name) > 0 for name in COMPONENTS if name != "distance"):
            raise ValueError("at least one weight other than distance must be more than 0")
        if not (math.isfinite(self.distance_zero_km) and self.distance_zero_km > 0):
            raise ValueError("the distance at which closeness reaches 0 must be more than 0 km")
        for name in ("interests_for_full", "availability_minutes_for_full", "waiting_full_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', ' ')} must be 1 or more")


#: The components, in explanation order.
COMPONENTS = (
    "shared_experience",
    "distance",
    "interests",
    "availability",
    "waiting",
    "continuity",
)

DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True, order=True)
class Window:
    """A weekly time window: `day` 0 (Monday) to 6 (Sunday), minutes from midnight [start, end)."""

    day: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.day <= 6:
            raise ValueError(f"day must be 0 (Monday) to 6 (Sunday), not {self.day}")
        if not 0 <= self.start < self.end <= MINUTES_IN_A_DAY:
            raise ValueError(
                f"a window must start before it ends, within one day ({self.start}-{self.end})"
            )


@dataclass(frozen=True)
class Profile:
    """What scoring needs to know about a person or a supporter. Coordinates in metres (ONS
    eastings and northings); None when unknown (then a face-to-face pair has no closeness)."""

    experiences: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    availability: tuple[Window, ...] = ()
    easting: float | None = None
    northing: float | None = None


@dataclass(frozen=True)
class Components:
    """Each component in [0, 1], and the facts behind them for the explanation."""

    shared_experience: float
    distance: float | None  # None: does not apply (phone or video)
    interests: float
    availability: float
    waiting: float
    continuity: float
    shared_experiences: tuple[str, ...] = ()
    shared_interests: tuple[str, ...] = ()
    free_together: tuple[tuple[int, str], ...] = ()  # (day, part of day)
    distance_km: float | None = None
    waiting_days: int = 0


@dataclass(frozen=True)
class ScoredPair:
    score: float
    components: Components
    explanation: str = field(default="")


def score_pair(
    person: Profile,
    supporter: Profile,
    *,
    mode: Mode,
    waiting_days: int,
    same_supporter_before: bool = False,
    weights: Weights = DEFAULT_WEIGHTS,
) -> ScoredPair:
    """The score of one allowed pair, with its plain-English explanation."""
    parts = components(
        person,
        supporter,
        mode=mode,
        waiting_days=waiting_days,
        same_supporter_before=same_supporter_before,
        weights=weights,
    )
    return ScoredPair(weighted_score(parts, weights), parts, explain(parts, weights))


def components(
    person: Profile,
    supporter: Profile,
    *,
    mode: Mode,
    waiting_days: int,
    same_supporter_before: bool = False,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Components:
    if waiting_days < 0:
        raise ValueError(f"waiting days must be 0 or more, not {waiting_days}")
    shared = tuple(sorted(person.experiences & supporter.experiences))
    experience = len(shared) / len(person.experiences) if person.experiences else 0.0
    interests = tuple(sorted(person.interests & supporter.interests))
    minutes, together = overlap(person.availability, supporter.availability)
    distance_km: float | None = None
    closeness: float | None = None
    if mode.face_to_face:
        closeness = 0.0
        here, there = _point(person), _point(supporter)
        if here is not None and there is not None:
            distance_km = km_between(here, there)
            closeness = closeness_at(distance_km, weights)
    return Components(
        shared_experience=experience,
        distance=closeness,
        interests=min(1.0, len(interests) / weights.interests_for_full),
        availability=min(1.0, minutes / weights.availability_minutes_for_full),
        waiting=waiting_component(waiting_days, weights),
        continuity=1.0 if same_supporter_before else 0.0,
        shared_experiences=shared,
        shared_interests=interests,
        free_together=together,
        distance_km=distance_km,
        waiting_days=int(waiting_days),
    )


def weighted_score(parts: Components, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """The weighted mean of the components that apply, in [0, 1]."""
    total = 0.0
    weight_sum = 0.0
    for name in COMPONENTS:
        value = getattr(parts, name)
        if value is None:
            continue
        weight = getattr(weights, name)
        total += weight * value
        weight_sum += weight
    return min(1.0, max(0.0, total / weight_sum)) if weight_sum else 0.0


def score_arrays(
    weights: Weights,
    *,
    shared_experience: npt.ArrayLike,
    closeness: npt.ArrayLike,
    face_to_face: npt.ArrayLike,
    interests: npt.ArrayLike,
    availability: npt.ArrayLike,
    waiting: npt.ArrayLike,
    continuity: npt.ArrayLike,
) -> npt.NDArray[np.float64]:
    """`weighted_score` for many pairs at once (component arrays of one length; `closeness` is
    ignored where `face_to_face` is false)."""
    f2f = np.asarray(face_to_face, dtype=bool)
    total = (
        weights.shared_experience * np.asarray(shared_experience, dtype=np.float64)
        + weights.distance * np.where(f2f, np.asarray(closeness, dtype=np.float64), 0.0)
        + weights.interests * np.asarray(interests, dtype=np.float64)
        + weights.availability * np.asarray(availability, dtype=np.float64)
        + weights.waiting * np.asarray(waiting, dtype=np.float64)
        + weights.continuity * np.asarray(continuity, dtype=np.float64)
    )
    everything_but_distance = (
        weights.shared_experience
        + weights.interests
        + weights.availability
        + weights.waiting
        + weights.continuity
    )
    weight_sum = everything_but_distance + np.where(f2f, weights.distance, 0.0)
    result: npt.NDArray[np.float64] = np.clip(total / weight_sum, 0.0, 1.0)
    return result


def waiting_component(days: float, weights: Weights) -> float:
    """Days waiting as a component: rising in a straight line to 1 at `waiting_full_days`."""
    return min(1.0, max(0.0, float(days)) / weights.waiting_full_days)


def closeness_at(km: float, weights: Weights) -> float:
    return max(0.0, 1.0 - km / weights.distance_zero_km)


def _point(profile: Profile) -> tuple[float, float] | None:
    if profile.easting is None or profile.northing is None:
        return None
    return float(profile.easting), float(profile.northing)


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Straight-line distance in km between two points in metres (eastings, northings). The
    square root of the sum of squares, not `math.hypot`: numpy does the same operations, so
    the vectorised scores (engine.vectorised) and the hard rules agree with these to the bit."""
    dx = a[0] - b[0]
    dy = a[1] - b[1]
    return math.sqrt(dx * dx + dy * dy) / 1000.0


def overlap(
    first: Iterable[Window], second: Iterable[Window]
) -> tuple[int, tuple[tuple[int, str], ...]]:
    """Minutes a week both are free, and the (day, part of day) when they are."""
    mine = _merged(first)
    theirs = _merged(second)
    minutes = 0
    together: set[tuple[int, str]] = set()
    for day, spans in mine.items():
        for start, end in spans:
            for other_start, other_end in theirs.get(day, []):
                low, high = max(start, other_start), min(end, other_end)
                if low >= high:
                    continue
                minutes += high - low
                for name, part_start, part_end in PARTS_OF_DAY:
                    if max(low, part_start) < min(high, part_end):
                        together.add((day, name))
    part_order = {name: at for at, (name, _, _) in enumerate(PARTS_OF_DAY)}
    return minutes, tuple(sorted(together, key=lambda item: (item[0], part_order[item[1]])))


def _merged(windows: Iterable[Window]) -> dict[int, list[tuple[int, int]]]:
    """Each day's windows, overlapping ones merged, so no minute is counted twice."""
    by_day: dict[int, list[tuple[int, int]]] = {}
    for window in sorted(windows):
        spans = by_day.setdefault(window.day, [])
        if spans and window.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], window.end))
        else:
            spans.append((window.start, window.end))
    return by_day


# Some experiences read better as "Both stroke survivors" than "Both have lived experience of".
_BOTH = {
    "stroke": "Both stroke survivors",
    "cancer": "Both cancer survivors",
    "meningitis or septicaemia": "Both meningitis or septicaemia survivors",
    "heart disease": "Both live with heart disease",
    "bereavement": "Both bereaved",
    "caring for someone": "Both carers",
    "addiction recovery": "Both in recovery from addiction",
}


def explain(parts: Components, weights: Weights = DEFAULT_WEIGHTS) -> str:
    """Why this pair, in short plain sentences. Names every component that added to the score;
    for face-to-face pairs the distance is always given."""
    sentences: list[str] = []
    if parts.shared_experiences and weights.shared_experience > 0:
        sentences.append(shared_experience_words(parts.shared_experiences))
    if parts.distance is not None:
        if parts.distance_km is None:
            sentences.append("Distance not known")
        else:
            sentences.append(f"{km_words(parts.distance_km)} apart")
    if parts.shared_interests and weights.interests > 0:
        sentences.append(f"Both enjoy {and_list(parts.shared_interests)}")
    if parts.free_together and weights.availability > 0:
        sentences.append(free_together_words(parts.free_together))
    if parts.waiting_days > 0 and weights.waiting > 0:
        days = parts.waiting_days
        sentences.append(f"Waiting {days} day{'' if days == 1 else 's'}")
    if parts.continuity > 0 and weights.continuity > 0:
        sentences.append("Supported them before")
    return " ".join(f"{sentence}." for sentence in sentences)


def shared_experience_words(shared: Iterable[str]) -> str:
    """Shared lived experience in words: "Both stroke survivors", "Both have lived experience of
    COPD and stroke"."""
    names = tuple(shared)
    if len(names) == 1 and names[0] in _BOTH:
        return _BOTH[names[0]]
    return f"Both have lived experience of {and_list(names)}"


def free_together_words(together: Iterable[tuple[int, str]]) -> str:
    """Times both are free in words: "Both free Tuesday afternoons and Friday mornings" (at most
    three times, then "other times")."""
    times = [f"{DAY_NAMES[day]} {part}s" for day, part in together]
    if len(times) > 3:
        times = [*times[:3], "other times"]
    return f"Both free {and_list(times)}"


def and_list(items: Iterable[str], *, joiner: str = "and") -> str:
    """Words in a list: "a", "a and b", "a, b and c" (or with another joiner: "a, b or c")."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def km_words(km: float) -> str:
    """A distance as a coordinator reads it: "Less than 0.1 km", "1.2 km", "14 km"."""
    if km < 0.1:
        return "Less than 0.1 km"
    return f"{km:.1f} km" if km < 10 else f"{km:.0f} km"


__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "Components",
    "Mode",
    "Profile",
    "ScoredPair",
    "Weights",
    "Window",
    "and_list",
    "components",
    "explain",
    "free_together_words",
    "km_words",
    "score_arrays",
    "score_pair",
    "shared_experience_words",
    "weighted_score",
]
