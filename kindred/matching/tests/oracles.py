"""Independent ways to find the optimum, for checking the solver on small and medium instances."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array, vstack

from kindred.matching.engine import Instance


def is_feasible(instance: Instance, chosen: np.ndarray) -> bool:
    """Each chosen pair is a listed candidate used once, within every demand and capacity."""
    chosen = np.asarray(chosen, dtype=np.int64)
    if len(set(chosen.tolist())) != chosen.size:
        return False
    people = np.bincount(instance.candidate_person[chosen], minlength=instance.people_count)
    supporters = np.bincount(
        instance.candidate_supporter[chosen], minlength=instance.supporter_count
    )
    return bool(np.all(people <= instance.demand) and np.all(supporters <= instance.capacity))


def brute_force(instance: Instance) -> tuple[int, float]:
    """(most places, best total score among those) by trying every set of candidates."""
    count = instance.candidate_count
    scores = instance.candidate_score.tolist()
    for size in range(count, -1, -1):
        totals = [
            math.fsum(scores[k] for k in subset)
            for subset in combinations(range(count), size)
            if is_feasible(instance, np.array(subset, dtype=np.int64))
        ]
        if totals:
            return size, max(totals)
    raise AssertionError("the empty choice is always feasible")


def linear_programme(instance: Instance) -> tuple[int, float]:
    """(most places, best total score) from two linear programmes solved by HiGHS.

    The constraint matrix (people rows, supporter rows, and the all-ones row of the second stage)
    is totally unimodular, so the simplex method's vertex optimum is a 0/1 choice of pairs."""
    count = instance.candidate_count
    if count == 0:
        return 0, 0.0
    columns = np.arange(count)
    people = csr_array(
        (np.ones(count), (instance.candidate_person, columns)),
        shape=(instance.people_count, count),
    )
    supporters = csr_array(
        (np.ones(count), (instance.candidate_supporter, columns)),
        shape=(instance.supporter_count, count),
    )
    rows = vstack([people, supporters]).tocsr()
    limits = np.concatenate([instance.demand, instance.capacity]).astype(float)
    first = linprog(-np.ones(count), A_ub=rows, b_ub=limits, bounds=(0, 1), method="highs-ds")
    assert first.status == 0, first.message
    places = round(-first.fun)
    every = csr_array(-np.ones((1, count)))
    second = linprog(
        -instance.candidate_score,
        A_ub=vstack([rows, every]).tocsr(),
        b_ub=np.concatenate([limits, [-places]]),
        bounds=(0, 1),
        method="highs-ds",
    )
    assert second.status == 0, second.message
    chosen = np.flatnonzero(second.x > 0.5)
    assert np.allclose(second.x, np.round(second.x), atol=1e-6), "not a vertex"
    assert chosen.size == places and is_feasible(instance, chosen)
    return places, math.fsum(instance.candidate_score[chosen].tolist())
