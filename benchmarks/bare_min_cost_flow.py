"""The bare script `kindred match-file` is measured against: what someone would write in an
afternoon to solve a matching instance file (the format in docs: people, supporters,
candidates) with OR-Tools, and no checks.

    python benchmarks/bare_min_cost_flow.py INSTANCE.json RESULT.json

`json.load`, one min-cost-flow network (source -> person -> supporter -> sink, plus a bypass arc
so that people may go without), "big-M" costs so that filling one more place always beats any
score (cost of a pair: -(M + score x 10^6), M above the largest possible total score), arcs added
from NumPy arrays in one call, then the result in the file format. Exact only while the scores'
rounding to 10^-6 breaks no tie; no validation at all. Used by benchmarks/matching.py
(--match-file); never by Kindred.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow

SCALE = 1_000_000


def main(path_in: str, path_out: str) -> None:
    started = time.perf_counter()
    with open(path_in, encoding="utf-8") as stream:
        data = json.load(stream)
    read = time.perf_counter() - started
    people = data["people"]
    supporters = data["supporters"]
    person_at = {p["id"]: i for i, p in enumerate(people)}
    supporter_at = {s["id"]: j for j, s in enumerate(supporters)}
    demand = np.array([p.get("demand", 1) for p in people], dtype=np.int64)
    capacity = np.array([s.get("capacity", 1) for s in supporters], dtype=np.int64)
    candidates = data["candidates"]
    person = np.array([person_at[c["person"]] for c in candidates], dtype=np.int64)
    supporter = np.array([supporter_at[c["supporter"]] for c in candidates], dtype=np.int64)
    score = np.array([c["score"] for c in candidates], dtype=np.float64)
    del data, candidates

    n, m = len(people), len(supporters)
    source, sink = n + m, n + m + 1
    big = int(demand.sum()) * SCALE + 1
    tails = np.concatenate([np.full(n, source), person, n + np.arange(m), [source]])
    heads = np.concatenate([np.arange(n), n + supporter, np.full(m, sink), [sink]])
    capacities = np.concatenate(
        [demand, np.ones(len(score), dtype=np.int64), capacity, [demand.sum()]]
    )
    costs = np.concatenate(
        [
            np.zeros(n, dtype=np.int64),
            -(big + np.rint(score * SCALE).astype(np.int64)),
            np.zeros(m, dtype=np.int64),
            [0],
        ]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(n + m + 2, dtype=np.int64)
    supplies[source] = demand.sum()
    supplies[sink] = -demand.sum()
    flow.set_nodes_supplies(np.arange(n + m + 2), supplies)
    if flow.solve() != flow.OPTIMAL:
        raise SystemExit("not solved")
    pair_arcs = np.arange(n, n + len(score))
    chosen = np.flatnonzero(flow.flows(pair_arcs) > 0)
    assignments = [
        {
            "person": people[int(person[k])]["id"],
            "supporter": supporters[int(supporter[k])]["id"],
            "score": float(score[k]),
        }
        for k in chosen
    ]
    result = {
        "assignments": assignments,
        "places_filled": len(assignments),
        "total_score": float(np.sum(score[chosen])),
        "read_seconds": round(read, 3),
        "seconds": round(time.perf_counter() - started, 3),
    }
    with open(path_out, "w", encoding="utf-8") as stream:
        json.dump(result, stream, indent=2)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
