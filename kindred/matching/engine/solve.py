"""The exact matching solver: as many places filled as possible, then the best total score.

The problem is a maximum-flow, minimum-cost problem on a bipartite network, solved by OR-Tools'
`SimpleMinCostFlow` (a cost-scaling push-relabel algorithm working in exact 64-bit integers):

    source --(capacity: demand)--> person --(1, cost from score)--> supporter
    supporter --(capacity: capacity)--> sink

One unit of flow on a person->supporter arc is one chosen pair; the arc's capacity of 1 means a
pair is used at most once. `solve_max_flow_with_min_cost` first finds the maximum flow (the most
places that can be filled), then the cheapest flow of that size, so the order of objectives in
the contract (places, then score) is exact and needs no weighting.

Precision guarantee
-------------------
The solver needs integer costs. With an even integer scale `S`, score `s` becomes the integer
`w = rint(s * S)` and the arc costs `S/2 - w`, in [-S/2, S/2]. Computing `s * S` in float64 is
within a relative 2**-53 of the exact product, so each pair's rounding error is
`|s - w/S| <= 1/(2S) + 2**-53 =: d`. All maximum flows have the same number `F` of pairs, so
minimising total cost over them is maximising `sum(w)` exactly. For the solver's choice `A` and
any other choice `O` of `F` pairs, only the pairs in one and not the other count:

    score(O) - score(A) = sum_O (s - w/S) + (sum_O w - sum_A w) / S + sum_A (w/S - s)
                       <= |O - A| d + 0 + |A - O| d  <=  2 F d  =  F/S + F * 2**-52.

`MatchResult.score_error_bound` reports this figure for each solve, so `S` should be as large as
the solver allows. OR-Tools multiplies every cost by `n + 1` (`n`: nodes in its network) and
refuses any cost above `(2**63 - 1) / (2 (n + 1))`; during the solve its node prices fall below
zero, and if one would pass the 64-bit floor it stops with BAD_COST_RANGE (it detects overflow
rather than answering wrongly). How far prices fall depends on the instance, so the costs start a
factor `_HEADROOM` (8) below that limit, and each BAD_COST_RANGE halves the scale and solves
again. With headroom `H`, `S ~ 2**63 / (H (n + 1))` and

    bound ~ F (n + 1) H / 2**63   (F: places filled; n: people and supporters in a usable pair,
                                   plus 4), i.e. F (n + 1) * 8.7e-19 at H = 8.

That is under the contract's 1e-6 whenever `F (n + 1) <= 1.15e12` and no retry is needed. On
instances with real geography (benchmarks/matching.py) a headroom of 4 overflowed at 200,000
people x 50,000 supporters and 8 was enough up to a million people x 200,000 supporters
(F = 445,434, bound 4.6e-7); random instances needed less. Each retry doubles the bound, and the
result always states the bound actually achieved (`kindred match-file` warns on standard error if
it exceeds 1e-6). Small instances cap `S` at 2**52, so their bound is tiny. Reported totals never
use the rounded scores: `total_score` is the exact sum of the original ones.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from kindred.matching.engine.instance import Instance
from kindred.matching.engine.result import MatchResult, build_result

#: The contract: the total score is optimal to within this.
CONTRACT_TOLERANCE = 1e-6

_INT64_MAX = 2**63 - 1
_INT32_MAX = 2**31 - 1
_HEADROOM = 8
_MAX_SCALE = 2**52
_RETRIES = 40


class SolverError(RuntimeError):
    """OR-Tools could not solve the network (never expected for a checked instance)."""


def solve(instance: Instance) -> MatchResult:
    """The exactly optimal matching: most places filled, then highest total score."""
    started = time.perf_counter()
    chosen, bound = optimal_pairs(instance)
    return build_result(instance, chosen, started=started, score_error_bound=bound)


def scale_for(nodes: int) -> int:
    """The (even) score scale used for a network of `nodes` nodes, including OR-Tools' own
    source and sink. See the module docstring."""
    largest_cost = _INT64_MAX // (2 * (nodes + 1)) // _HEADROOM
    return min(_MAX_SCALE, 2 * largest_cost)


def optimal_pairs(instance: Instance) -> tuple[npt.NDArray[np.int64], float]:
    """Positions of the chosen candidates, and the score error bound of the choice."""
    person = instance.candidate_person
    supporter = instance.candidate_supporter
    # Only people and supporters who can take part get a node: fewer nodes, larger scale.
    usable = (instance.demand[person] > 0) & (instance.capacity[supporter] > 0)
    candidates = np.flatnonzero(usable).astype(np.int64)
    if candidates.size == 0:
        return candidates, 0.0
    people, person_node = np.unique(person[candidates], return_inverse=True)
    supporters, supporter_node = np.unique(supporter[candidates], return_inverse=True)

    source = 0
    person_node = person_node.astype(np.int64) + 1
    supporter_node = supporter_node.astype(np.int64) + 1 + people.size
    sink = 1 + people.size + supporters.size
    nodes = sink + 1 + 2  # SimpleMinCostFlow adds a source and a sink of its own
    arcs = candidates.size + people.size + supporters.size
    if nodes > _INT32_MAX or arcs + 2 > _INT32_MAX:
        raise SolverError("the instance is too large for the solver's 32-bit node and arc indices")

    demand = instance.demand[people]
    capacity = instance.capacity[supporters]
    supply = int(min(demand.sum(), capacity.sum(), candidates.size))
    # Candidate arcs first, so that arc k is candidate k; then source arcs, then sink arcs.
    tails = np.concatenate(
        [
            person_node,
            np.full(people.size, source, dtype=np.int64),
            np.arange(supporters.size, dtype=np.int64) + 1 + people.size,
        ]
    ).astype(np.int32)
    heads = np.concatenate(
        [
            supporter_node,
            np.arange(people.size, dtype=np.int64) + 1,
            np.full(supporters.size, sink, dtype=np.int64),
        ]
    ).astype(np.int32)
    capacities = np.concatenate([np.ones(candidates.size, dtype=np.int64), demand, capacity])
    scores = instance.candidate_score[candidates]

    scale = scale_for(nodes)
    for _attempt in range(_RETRIES):
        weights = np.rint(scores * scale).astype(np.int64)
        costs = np.concatenate(
            [scale // 2 - weights, np.zeros(people.size + supporters.size, dtype=np.int64)]
        )
        network = min_cost_flow.SimpleMinCostFlow()
        network.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
        network.set_nodes_supplies(
            np.array([source, sink], dtype=np.int32), np.array([supply, -supply], dtype=np.int64)
        )
        status = network.solve_max_flow_with_min_cost()
        if status == network.OPTIMAL:
            break
        if status != network.BAD_COST_RANGE or scale < 4:
            raise SolverError(f"the min-cost flow solver stopped with status {status.name}")
        scale = scale // 4 * 2  # halved, and still even
    else:
        raise SolverError("the min-cost flow solver could not work at any safe cost scale")

    flows = np.asarray(network.flows(np.arange(candidates.size, dtype=np.int32)), dtype=np.int64)
    chosen = candidates[flows > 0]
    _check(instance, chosen, flows, int(network.maximum_flow()))
    bound = chosen.size / scale + chosen.size * 2.0**-52
    return chosen, bound


def _check(
    instance: Instance, chosen: npt.NDArray[np.int64], flows: npt.NDArray[np.int64], total: int
) -> None:
    """Cheap checks that the solver's flow is a valid choice of pairs."""
    if flows.size and (flows.min() < 0 or flows.max() > 1):
        raise SolverError("the solver used a pair more than once")
    if chosen.size != total:
        raise SolverError("the solver's flow does not add up")
    per_person = np.bincount(instance.candidate_person[chosen], minlength=instance.people_count)
    per_supporter = np.bincount(
        instance.candidate_supporter[chosen], minlength=instance.supporter_count
    )
    if np.any(per_person > instance.demand) or np.any(per_supporter > instance.capacity):
        raise SolverError("the solver's flow breaks a demand or capacity")
