"""What a matching run chose, in the shape of the file contract's result."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from kindred.matching.engine.instance import Instance


@dataclass(frozen=True)
class Assignment:
    person: str
    supporter: str
    score: float


@dataclass(frozen=True)
class Unfilled:
    person: str
    missing: int


@dataclass(frozen=True, eq=False)
class MatchResult:
    """The chosen pairs of one instance.

    `chosen` holds candidate positions, ordered by person (instance order), then best score
    first, then supporter (instance order). `assignments` and `unfilled` are built from it on
    first use, so a million-pair result costs nothing until someone reads it.

    `score_error_bound` is what the method guarantees: the best possible total score (among
    choices filling as many places) exceeds `total_score` by at most this much. None for
    heuristics, which guarantee nothing.
    """

    instance: Instance = field(repr=False)
    chosen: npt.NDArray[np.int64] = field(repr=False)
    places_filled: int
    total_score: float
    seconds: float
    score_error_bound: float | None

    @cached_property
    def assignments(self) -> tuple[Assignment, ...]:
        people = self.instance.person_ids
        supporters = self.instance.supporter_ids
        return tuple(
            Assignment(people[p], supporters[s], score)
            for p, s, score in zip(
                self.instance.candidate_person[self.chosen].tolist(),
                self.instance.candidate_supporter[self.chosen].tolist(),
                self.instance.candidate_score[self.chosen].tolist(),
                strict=True,
            )
        )

    @cached_property
    def unfilled(self) -> tuple[Unfilled, ...]:
        instance = self.instance
        filled = np.bincount(
            instance.candidate_person[self.chosen], minlength=instance.people_count
        ).astype(np.int64)
        missing = instance.demand - filled
        short = np.flatnonzero(missing > 0)
        return tuple(
            Unfilled(instance.person_ids[at], count)
            for at, count in zip(short.tolist(), missing[short].tolist(), strict=True)
        )

    def to_json(self) -> dict[str, Any]:
        """The result object of the file contract."""
        return {
            "assignments": [
                {"person": a.person, "supporter": a.supporter, "score": a.score}
                for a in self.assignments
            ],
            "places_filled": self.places_filled,
            "total_score": self.total_score,
            "unfilled": [{"person": u.person, "missing": u.missing} for u in self.unfilled],
            "seconds": round(self.seconds, 6),
        }


def build_result(
    instance: Instance,
    chosen: npt.NDArray[np.int64],
    *,
    started: float,
    score_error_bound: float | None,
) -> MatchResult:
    """A result from the chosen candidate positions (any order): sorted, totalled exactly.
    `seconds` runs from `started` (a `time.perf_counter()` reading) to now."""
    chosen = np.asarray(chosen, dtype=np.int64)
    order = np.lexsort(
        (
            instance.candidate_supporter[chosen],
            -instance.candidate_score[chosen],
            instance.candidate_person[chosen],
        )
    )
    chosen = chosen[order]
    # fsum: the correctly rounded sum of the original scores, whatever their order.
    total_score = math.fsum(instance.candidate_score[chosen].tolist())
    return MatchResult(
        instance=instance,
        chosen=chosen,
        places_filled=int(chosen.size),
        total_score=total_score,
        seconds=time.perf_counter() - started,
        score_error_bound=score_error_bound,
    )
