"""The matching engine: pure Python (NumPy and OR-Tools), no Django.

    instance = parse_instance(json.load(stream))   # or Instance.from_arrays(...)
    result = solve(instance)                        # exact: most places, then best total score
    baseline = greedy(instance)                     # best pairs first, for comparison
    by_hand = longest_waiting_first(instance, days) # what coordinators do by hand

Pair scores and their explanations come from `kindred.matching.engine.scoring`.

The file contract is described in ADR-010 and `kindred match-file --help`.
"""

from kindred.matching.engine.greedy import greedy
from kindred.matching.engine.instance import Instance, MalformedInstance, parse_instance
from kindred.matching.engine.result import Assignment, MatchResult, Unfilled
from kindred.matching.engine.solve import SolverError, solve
from kindred.matching.engine.waiting import longest_waiting_first

__all__ = [
    "Assignment",
    "Instance",
    "MalformedInstance",
    "MatchResult",
    "SolverError",
    "Unfilled",
    "greedy",
    "longest_waiting_first",
    "parse_instance",
    "solve",
]
