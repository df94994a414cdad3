"""A baseline to compare the solver with: best pairs first.

Candidates are taken in order of score, best first (ties in instance order), and a pair is kept
if its person still needs a supporter and its supporter still has room. Quick and simple, but
neither the most places nor the best total is guaranteed: a high-scoring pair can take the only
supporter two other people could have had.
"""

from __future__ import annotations

import time

import numpy as np

from kindred.matching.engine.instance import Instance
from kindred.matching.engine.result import MatchResult, build_result


def greedy(instance: Instance) -> MatchResult:
    """Best pairs first. `score_error_bound` is None: nothing is guaranteed."""
    started = time.perf_counter()
    order = np.argsort(-instance.candidate_score, kind="stable")
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
