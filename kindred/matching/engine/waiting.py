"""A baseline to compare the solver with: longest-waiting first, best volunteer.

What coordinators do by hand: take the person who has waited longest, give them the best-scoring
supporter who still has room, then the next person. A person needing two supporters gets their
best two. Fair to the longest waiters, but neither the most places nor the best total is
guaranteed: the longest waiter can take the only supporter someone else could have had.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from kindred.matching.engine.instance import Instance
from kindred.matching.engine.result import MatchResult, build_result


def longest_waiting_first(instance: Instance, waiting_days: npt.ArrayLike) -> MatchResult:
    """People in order of days waited, longest first (ties in instance order), each taking their
    best-scoring supporters with room. `score_error_bound` is None: nothing is guaranteed."""
    started = time.perf_counter()
    waited = np.asarray(waiting_days, dtype=np.float64)
    if waited.shape != (instance.people_count,):
        raise ValueError("waiting_days must have one value per person")
    if not np.all(np.isfinite(waited)):
        raise ValueError("waiting_days must be finite numbers")
    # Candidates grouped by person in waiting order, best score first within each person.
    rank = np.empty(instance.people_count, dtype=np.int64)
    rank[np.argsort(-waited, kind="stable")] = np.arange(instance.people_count)
    order = np.lexsort(
        (
            np.arange(instance.candidate_count),
            -instance.candidate_score,
            rank[instance.candidate_person],
        )
    )
    wants = instance.demand.tolist()
    room = instance.capacity.tolist()
    chosen: list[int] = []
    for at, person, supporter in zip(
        order.tolist(),
        instance.candidate_person[order].tolist(),
        instance.candidate_supporter[order].tolist(),
        strict=True,
    ):
        if wants[person] > 0 and room[supporter] > 0:
            wants[person] -= 1
            room[supporter] -= 1
            chosen.append(at)
    return build_result(
        instance, np.array(chosen, dtype=np.int64), started=started, score_error_bound=None
    )
