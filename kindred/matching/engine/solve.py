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
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

from kindred.matching.engine.instance import Instance
from kindred.matching.engine.result import MatchResult, build_result

#: The contract: the total score is optimal to within this.
CONTRACT_TOLERANCE = 1e-6

_INT64_MAX = 2**63 - 1
_INT32_MAX = 2**31 - 1
_HEADROOM = 8
_MAX_SCALE = 2**52
_RETRIES = 40
#: Components smaller than this many candidates are solved together in one network.
_BATCH_ARCS = 50_000


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
    """Positions of the chosen candidates, and the score error bound of the choice.

    The candidate graph is split into its connected components (see the module docstring):
    stars are solved exactly by sorting, the rest by OR-Tools, small components batched
    together and each large one on its own."""
    person = instance.candidate_person
    supporter = instance.candidate_supporter
    # Only people and supporters who can take part get a node: fewer nodes, larger scale.
    usable = (instance.demand[person] > 0) & (instance.capacity[supporter] > 0)
    candidates = np.flatnonzero(usable).astype(np.int64)
    if candidates.size == 0:
        return candidates, 0.0
    component, star_limit = _components(instance, candidates)

    star = star_limit[component] > 0
    parts = [_best_of_stars(instance, candidates[star], component[star], star_limit)]
    bound = 0.0
    rest = np.flatnonzero(~star)
    if rest.size:
        rest_component = component[rest]
        order = np.argsort(rest_component, kind="stable")
        rest = rest[order]
        rest_component = rest_component[order]
        starts = np.flatnonzero(np.r_[True, rest_component[1:] != rest_component[:-1]])
        ends = np.r_[starts[1:], rest.size]
        for first, last in _batches(starts, ends):
            chosen, part_bound = _solve_network(instance, candidates[rest[first:last]])
            parts.append(chosen)
            bound += part_bound
    chosen = np.concatenate(parts)
    _check(instance, chosen)
    return chosen, bound


def _components(
    instance: Instance, candidates: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For each candidate, its component's label; and each component's star limit: how many
    pairs it can take if it has a single person or a single supporter, otherwise 0."""
    # Nodes: people by position, then supporters; those with no usable pair stay isolated.
    people = instance.people_count
    nodes = people + instance.supporter_count
    person = instance.candidate_person[candidates]
    order = np.argsort(person, kind="stable")  # usually sorted already: cheap
    indptr = np.zeros(nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(person, minlength=people), out=indptr[1 : people + 1])
    indptr[people + 1 :] = candidates.size
    adjacency = csr_array(
        (
            np.ones(candidates.size, dtype=np.int8),
            instance.candidate_supporter[candidates][order].astype(np.int64) + people,
            indptr,
        ),
        shape=(nodes, nodes),
    )
    count, labels = connected_components(adjacency, directed=True, connection="weak")
    component = labels[person].astype(np.int64)
    used_people = np.zeros(people, dtype=bool)
    used_people[person] = True
    used_supporters = np.zeros(instance.supporter_count, dtype=bool)
    used_supporters[instance.candidate_supporter[candidates]] = True
    person_label = labels[:people][used_people]
    supporter_label = labels[people:][used_supporters]
    people_in = np.bincount(person_label, minlength=count)
    supporters_in = np.bincount(supporter_label, minlength=count)
    no_limit = np.iinfo(np.int64).max
    limit = np.full(count, no_limit, dtype=np.int64)
    one_person = people_in[person_label] == 1
    limit[person_label[one_person]] = instance.demand[used_people][one_person]
    one_supporter = supporters_in[supporter_label] == 1
    limit[supporter_label[one_supporter]] = np.minimum(
        limit[supporter_label[one_supporter]],
        instance.capacity[used_supporters][one_supporter],
    )
    limit[limit == no_limit] = 0
    return component, limit


def _best_of_stars(
    instance: Instance,
    candidates: npt.NDArray[np.int64],
    component: npt.NDArray[np.int64],
    limit: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """The exact optimum of every star component at once: its `limit` best pairs.

    Proof. In a component with a single person `p`, every candidate joins `p` to a different
    supporter (a pair is listed once) whose capacity is at least 1 (only usable candidates are
    here), so a set of its candidates is feasible exactly when it has at most `demand(p)`
    members: no supporter's capacity can bind. The most places is therefore `min(demand(p),
    candidates)`, and among sets of that size the one with the largest total score is the
    `demand(p)` highest-scoring candidates (any other set of that size can swap a lower score
    for a higher one without losing feasibility). A component with a single supporter is the
    same with `capacity(s)` for `demand(p)`; one with one of each is a single pair, taken (both
    limits are at least 1). Components share no person or supporter, so the optimum of the
    whole instance is the union of the components' optima, and no rounding is involved: the
    choice is exact, whatever the scores.
    """
    if candidates.size == 0:
        return candidates
    order = np.lexsort((candidates, -instance.candidate_score[candidates], component))
    ordered_component = component[order]
    first = np.flatnonzero(np.r_[True, ordered_component[1:] != ordered_component[:-1]])
    run = np.diff(np.r_[first, ordered_component.size])
    rank = np.arange(ordered_component.size) - np.repeat(first, run)
    return candidates[order[rank < limit[ordered_component]]]


def _batches(starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """Consecutive components grouped into networks of about `_BATCH_ARCS` candidates or more,
    as (first, last) positions: one OR-Tools call per tiny component would cost more than the
    solve, and a large component is best solved alone (fewer nodes give a larger scale)."""
    batches: list[tuple[int, int]] = []
    first = 0
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if end - start >= _BATCH_ARCS:  # a large component: alone, after the batch before it
            if start > first:
                batches.append((first, start))
            batches.append((start, end))
            first = end
        elif end - first >= _BATCH_ARCS:
            batches.append((first, end))
            first = end
    if ends.size and first < int(ends[-1]):
        batches.append((first, int(ends[-1])))
    return batches


def _solve_network(
    instance: Instance, candidates: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], float]:
    """The optimum over `candidates` (whole components, usable pairs only) by OR-Tools."""
    people, person_node = _numbered(instance.candidate_person[candidates], instance.people_count)
    supporters, supporter_node = _numbered(
        instance.candidate_supporter[candidates], instance.supporter_count
    )

    source = 0
    person_node = person_node + 1
    supporter_node = supporter_node + 1 + people.size
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
    if flows.size and (flows.min() < 0 or flows.max() > 1):
        raise SolverError("the solver used a pair more than once")
    chosen = candidates[flows > 0]
    if chosen.size != int(network.maximum_flow()):
        raise SolverError("the solver's flow does not add up")
    bound = chosen.size / scale + chosen.size * 2.0**-52
    return chosen, bound


def _numbered(
    positions: npt.NDArray[np.int32], count: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The distinct positions in increasing order, and each entry's rank among them (what
    `np.unique(..., return_inverse=True)` gives, by a lookup table instead of a sort)."""
    present = np.zeros(count, dtype=bool)
    present[positions] = True
    rank = np.cumsum(present, dtype=np.int64) - 1
    return np.flatnonzero(present).astype(np.int64), rank[positions]


def _check(instance: Instance, chosen: npt.NDArray[np.int64]) -> None:
    """Cheap checks that the chosen pairs, from every component, are a valid choice."""
    per_person = np.bincount(instance.candidate_person[chosen], minlength=instance.people_count)
    per_supporter = np.bincount(
        instance.candidate_supporter[chosen], minlength=instance.supporter_count
    )
    if np.any(per_person > instance.demand) or np.any(per_supporter > instance.capacity):
        raise SolverError("the solver's flow breaks a demand or capacity")
