"""Scoring many pairs at once: `scoring.components` and `scoring.weighted_score`, over arrays.

Pure: numpy, no Django, no database. Suggestions score every person waiting against hundreds or
thousands of supporters; a Python loop per pair took 30 s for 987 x 3,000 (issue 14). Here the
supporters' features are built into arrays once per run (`SupporterArrays`), and each person's
pairs are scored together, in the same floating-point operations, in the same order, as the
scalar code: the scores are equal to the last bit (kindred/matching/tests/test_vectorised.py
checks it with hypothesis), so the exact solve chooses the same matches.

What the arrays leave out are the words (which experiences, interests and times are shared):
they are worked out by the scalar code for the few pairs a coordinator reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kindred.matching.engine.scoring import MINUTES_IN_A_DAY, Profile, Weights, Window

Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def merged_week(windows: Iterable[Window]) -> list[tuple[int, int]]:
    """Weekly windows as merged [start, end) minutes from Monday midnight: what
    `scoring.overlap` counts, as intervals of one line."""
    spans: list[tuple[int, int]] = []
    for window in sorted(windows):
        start = window.day * MINUTES_IN_A_DAY + window.start
        end = window.day * MINUTES_IN_A_DAY + window.end
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _index(sets: Sequence[frozenset[str]]) -> tuple[dict[str, int], Bools]:
    keys = sorted(set().union(*sets)) if sets else []
    index = {key: i for i, key in enumerate(keys)}
    matrix = np.zeros((len(sets), len(keys)), dtype=bool)
    for row, values in enumerate(sets):
        for value in values:
            matrix[row, index[value]] = True
    return index, matrix


@dataclass(frozen=True)
class SupporterArrays:
    """The supporters of one run, as arrays (one row per supporter, in the order given)."""

    experience_index: dict[str, int]
    experiences: Bools  # (supporters, experiences)
    interest_index: dict[str, int]
    interests: Bools  # (supporters, interests)
    easting: Floats  # NaN where not known
    northing: Floats
    window_owner: Ints  # each merged free window's supporter
    window_start: Ints  # minutes from Monday midnight
    window_end: Ints

    @classmethod
    def of(cls, profiles: Sequence[Profile]) -> SupporterArrays:
        experience_index, experiences = _index([p.experiences for p in profiles])
        interest_index, interests = _index([p.interests for p in profiles])
        owner: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        for row, profile in enumerate(profiles):
            for start, end in merged_week(profile.availability):
                owner.append(row)
                starts.append(start)
                ends.append(end)
        known = [p.easting is not None and p.northing is not None for p in profiles]
        return cls(
            experience_index=experience_index,
            experiences=experiences,
            interest_index=interest_index,
            interests=interests,
            easting=np.array(
                [float(p.easting) if k else np.nan for p, k in zip(profiles, known, strict=True)],  # type: ignore[arg-type]
                dtype=np.float64,
            ),
            northing=np.array(
                [float(p.northing) if k else np.nan for p, k in zip(profiles, known, strict=True)],  # type: ignore[arg-type]
                dtype=np.float64,
            ),
            window_owner=np.array(owner, dtype=np.int64),
            window_start=np.array(starts, dtype=np.int64),
            window_end=np.array(ends, dtype=np.int64),
        )

    @property
    def count(self) -> int:
        return len(self.easting)

    def _shared(self, matrix: Bools, index: dict[str, int], wanted: frozenset[str]) -> Ints:
        columns = [index[key] for key in wanted if key in index]
        if not columns:
            return np.zeros(self.count, dtype=np.int64)
        counts: Ints = matrix[:, columns].sum(axis=1, dtype=np.int64)
        return counts

    def shared_experiences(self, wanted: frozenset[str]) -> Ints:
        """How many of `wanted` each supporter has."""
        return self._shared(self.experiences, self.experience_index, wanted)

    def shared_interests(self, wanted: frozenset[str]) -> Ints:
        return self._shared(self.interests, self.interest_index, wanted)

    def free_together(self, availability: Iterable[Window]) -> Ints:
        """Minutes a week each supporter is free at the same time as `availability`."""
        spans = merged_week(availability)
        if not spans or not len(self.window_owner):
            return np.zeros(self.count, dtype=np.int64)
        starts = np.array([s for s, _ in spans], dtype=np.int64)
        ends = np.array([e for _, e in spans], dtype=np.int64)
        low = np.maximum(self.window_start[:, None], starts[None, :])
        high = np.minimum(self.window_end[:, None], ends[None, :])
        per_window = np.clip(high - low, 0, None).sum(axis=1)
        minutes: Ints = np.bincount(
            self.window_owner, weights=per_window, minlength=self.count
        ).astype(np.int64)
        return minutes

    def km_from(self, easting: float | None, northing: float | None) -> Floats:
        """Straight-line km to each supporter (NaN where either point is not known), as
        `scoring.km_between` works it out."""
        if easting is None or northing is None:
            return np.full(self.count, np.nan)
        dx = float(easting) - self.easting
        dy = float(northing) - self.northing
        km: Floats = np.sqrt(dx * dx + dy * dy) / 1000.0
        return km


@dataclass(frozen=True)
class PairScores:
    """Each supporter's score with one person: face to face (closeness counted) and by phone
    or video (no closeness), and the km between them (NaN if not known)."""

    face_to_face: Floats
    remote: Floats
    km: Floats


def score_person(
    person: Profile,
    supporters: SupporterArrays,
    *,
    waiting_days: int,
    before: Bools,
    weights: Weights,
) -> PairScores:
    """`weighted_score(components(person, supporter, ...))` for every supporter, face to face
    and not: the same operations in the same order, so the same floats. `before` marks the
    supporters the person had before (continuity)."""
    if waiting_days < 0:
        raise ValueError(f"waiting days must be 0 or more, not {waiting_days}")
    wanted = len(person.experiences)
    shared = supporters.shared_experiences(person.experiences)
    experience = shared / wanted if wanted else np.zeros(supporters.count)
    interests = np.minimum(
        1.0, supporters.shared_interests(person.interests) / weights.interests_for_full
    )
    availability = np.minimum(
        1.0, supporters.free_together(person.availability) / weights.availability_minutes_for_full
    )
    waiting = min(1.0, max(0.0, float(waiting_days)) / weights.waiting_full_days)
    continuity = np.where(before, 1.0, 0.0)
    km = supporters.km_from(person.easting, person.northing)
    closeness = np.where(np.isnan(km), 0.0, np.maximum(0.0, 1.0 - km / weights.distance_zero_km))

    # weighted_score adds component by component in COMPONENTS order; so does this.
    head = 0.0 + weights.shared_experience * experience
    with_distance = head + weights.distance * closeness
    remote = _rest(head, interests, availability, waiting, continuity, weights)
    near = _rest(with_distance, interests, availability, waiting, continuity, weights)
    remote_sum = _weight_sum(weights, distance=False)
    near_sum = _weight_sum(weights, distance=True)
    return PairScores(
        face_to_face=np.clip(near / near_sum, 0.0, 1.0) if near_sum else np.zeros(len(km)),
        remote=np.clip(remote / remote_sum, 0.0, 1.0) if remote_sum else np.zeros(len(km)),
        km=km,
    )


def _rest(
    total: Floats,
    interests: Floats,
    availability: Floats,
    waiting: float,
    continuity: Floats,
    weights: Weights,
) -> Floats:
    total = total + weights.interests * interests
    total = total + weights.availability * availability
    total = total + weights.waiting * waiting
    result: Floats = total + weights.continuity * continuity
    return result


def _weight_sum(weights: Weights, *, distance: bool) -> float:
    total = 0.0
    total += weights.shared_experience
    if distance:
        total += weights.distance
    total += weights.interests
    total += weights.availability
    total += weights.waiting
    total += weights.continuity
    return total


__all__ = ["PairScores", "SupporterArrays", "merged_week", "score_person"]
