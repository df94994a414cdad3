"""The matching engine: pure Python (NumPy and OR-Tools), no Django.

    instance = parse_instance(json.load(stream))   # or Instance.from_arrays(...)
    result = solve(instance)                        # exact: most places, then best total score
    baseline = greedy(instance)                     # best pairs first, for comparison

The file contract is described in ADR-010 and `kindred match-file --help`.
"""

from kindred.matching.engine.greedy import greedy
from kindred.matching.engine.instance import Instance, MalformedInstance, parse_instance
from kindred.matching.engine.result import Assignment, MatchResult, Unfilled
from kindred.matching.engine.solve import SolverError, solve

__all__ = [
    "Assignment",
    "Instance",
    "MalformedInstance",
    "MatchResult",
    "SolverError",
    "Unfilled",
    "greedy",
    "parse_instance",
    "solve",
]
