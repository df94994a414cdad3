"""A matching instance, parsed and checked exactly as the file contract of `kindred match-file`
describes it (the matching instance format; summarised in docs/adr/ADR-010-matching-solver.md).

An instance says who needs how many supporters (`demand`, default 1), who can take on how many
people (`capacity`, default 1) and which pairs are allowed, each with a score in [0, 1]. Anything
else is refused with `MalformedInstance` (unknown fields too, so that a misspelt "capcity" is
not silently read as the default), whose message names the *first* problem in document order
(people, then supporters, then candidates; within an entry: unknown fields, then the id, then
the numbers), for example ``candidates[3]: unknown supporter "s9"``. Demand and capacity must be
JSON whole numbers; scores JSON numbers (NaN and Infinity are refused).

The checked instance keeps its numbers in NumPy arrays (people and supporters by position,
candidates as three parallel arrays) so that the solver and the benchmarks never loop over
Python objects. `Instance.from_arrays` builds one from arrays directly, with the same checks done
vectorised, for callers (benchmarks, the service layer) that never had JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

#: The largest demand or capacity accepted: far beyond any real caseload, and small enough that
#: sums over a million people stay well inside the solver's 64-bit flow arithmetic.
MAX_COUNT = 2**31 - 1

_TOP_LEVEL = ("people", "supporters", "candidates")
_PERSON_FIELDS = ("id", "demand")
_SUPPORTER_FIELDS = ("id", "capacity")
_CANDIDATE_FIELDS = ("person", "supporter", "score")


class MalformedInstance(ValueError):
    """The instance breaks the file contract. The message names the first problem."""


@dataclass(frozen=True, eq=False)
class Instance:
    """A checked instance. Candidates refer to people and supporters by position."""

    person_ids: tuple[str, ...]
    demand: npt.NDArray[np.int64]
    supporter_ids: tuple[str, ...]
    capacity: npt.NDArray[np.int64]
    candidate_person: npt.NDArray[np.int32]
    candidate_supporter: npt.NDArray[np.int32]
    candidate_score: npt.NDArray[np.float64]

    @property
    def people_count(self) -> int:
        return len(self.person_ids)

    @property
    def supporter_count(self) -> int:
        return len(self.supporter_ids)

    @property
    def candidate_count(self) -> int:
        return int(self.candidate_score.shape[0])

    @classmethod
    def from_arrays(
        cls,
        *,
        person_ids: Sequence[str],
        demand: npt.ArrayLike,
        supporter_ids: Sequence[str],
        capacity: npt.ArrayLike,
        candidate_person: npt.ArrayLike,
        candidate_supporter: npt.ArrayLike,
        candidate_score: npt.ArrayLike,
    ) -> Instance:
        """An instance from arrays (candidates by position), checked like a parsed file."""
        people = tuple(person_ids)
        supporters = tuple(supporter_ids)
        _check_ids("people", people)
        _check_ids("supporters", supporters)
        demands = _counts("people", "demand", demand, len(people))
        capacities = _counts("supporters", "capacity", capacity, len(supporters))
        person_index = _indices("person", candidate_person, len(people))
        supporter_index = _indices("supporter", candidate_supporter, len(supporters))
        scores = np.asarray(candidate_score)
        if scores.ndim != 1 or not (
            np.issubdtype(scores.dtype, np.floating) or np.issubdtype(scores.dtype, np.integer)
        ):
            raise MalformedInstance("candidate scores must be a one-dimensional array of numbers")
        scores = scores.astype(np.float64, copy=False)
        if not person_index.shape == supporter_index.shape == scores.shape:
            raise MalformedInstance(
                "candidate person, supporter and score arrays must have the same length"
            )
        problems: list[tuple[int, str]] = []
        for role, index, bound in (
            ("person", person_index, len(people)),
            ("supporter", supporter_index, len(supporters)),
        ):
            bad = np.flatnonzero((index < 0) | (index >= bound))
            if bad.size:
                at = int(bad[0])
                problems.append((at, f"unknown {role} (position {int(index[at])})"))
        bad = np.flatnonzero(~((scores >= 0.0) & (scores <= 1.0)))  # NaN fails both tests
        if bad.size:
            at = int(bad[0])
            problems.append((at, _score_problem(float(scores[at]))))
        if problems:
            at, message = min(problems, key=lambda problem: problem[0])
            raise MalformedInstance(f"candidates[{at}]: {message}")
        duplicate = _first_duplicate_pair(person_index, supporter_index, len(supporters))
        if duplicate is not None:
            at, first = duplicate
            raise MalformedInstance(
                f"candidates[{at}]: duplicate pair {_quote(people[person_index[at]])} and "
                f"{_quote(supporters[supporter_index[at]])} (also candidates[{first}])"
            )
        return cls(
            person_ids=people,
            demand=demands,
            supporter_ids=supporters,
            capacity=capacities,
            candidate_person=person_index.astype(np.int32),
            candidate_supporter=supporter_index.astype(np.int32),
            candidate_score=np.ascontiguousarray(scores),
        )


def parse_instance(data: object) -> Instance:
    """Check a decoded JSON instance and return it, or raise MalformedInstance."""
    if not isinstance(data, dict):
        raise MalformedInstance(f"the instance must be a JSON object, not {_json_type(data)}")
    _check_fields("", data, _TOP_LEVEL)
    for key in _TOP_LEVEL:
        if key not in data:
            raise MalformedInstance(f'missing "{key}"')
        if not isinstance(data[key], list):
            raise MalformedInstance(f"{key}: must be an array, not {_json_type(data[key])}")

    person_ids, demand, person_at = _parse_side(data["people"], "people", "demand")
    supporter_ids, capacity, supporter_at = _parse_side(
        data["supporters"], "supporters", "capacity"
    )

    candidates: list[Any] = data["candidates"]
    count = len(candidates)
    person_index = np.empty(count, dtype=np.int32)
    supporter_index = np.empty(count, dtype=np.int32)
    scores = np.empty(count, dtype=np.float64)
    seen: dict[tuple[int, int], int] = {}
    for at, entry in enumerate(candidates):
        where = f"candidates[{at}]"
        if not isinstance(entry, dict):
            raise MalformedInstance(f"{where}: must be an object, not {_json_type(entry)}")
        _check_fields(where, entry, _CANDIDATE_FIELDS)
        for key in _CANDIDATE_FIELDS:
            if key not in entry:
                raise MalformedInstance(f'{where}: missing "{key}"')
        person = _lookup(where, "person", entry["person"], person_at)
        supporter = _lookup(where, "supporter", entry["supporter"], supporter_at)
        score = entry["score"]
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise MalformedInstance(f"{where}: score must be a number, not {_json_type(score)}")
        if not 0.0 <= score <= 1.0:
            raise MalformedInstance(f"{where}: {_score_problem(float(score))}")
        first = seen.setdefault((person, supporter), at)
        if first != at:
            raise MalformedInstance(
                f"{where}: duplicate pair {_quote(entry['person'])} and "
                f"{_quote(entry['supporter'])} (also candidates[{first}])"
            )
        person_index[at] = person
        supporter_index[at] = supporter
        scores[at] = float(score)
    return Instance(
        person_ids=person_ids,
        demand=demand,
        supporter_ids=supporter_ids,
        capacity=capacity,
        candidate_person=person_index,
        candidate_supporter=supporter_index,
        candidate_score=scores,
    )


def _parse_side(
    entries: list[Any], side: str, count_field: str
) -> tuple[tuple[str, ...], npt.NDArray[np.int64], dict[str, int]]:
    fields = _PERSON_FIELDS if side == "people" else _SUPPORTER_FIELDS
    ids: list[str] = []
    counts = np.ones(len(entries), dtype=np.int64)
    at_of: dict[str, int] = {}
    for at, entry in enumerate(entries):
        where = f"{side}[{at}]"
        if not isinstance(entry, dict):
            raise MalformedInstance(f"{where}: must be an object, not {_json_type(entry)}")
        _check_fields(where, entry, fields)
        if "id" not in entry:
            raise MalformedInstance(f'{where}: missing "id"')
        identifier = entry["id"]
        if not isinstance(identifier, str):
            raise MalformedInstance(f"{where}: id must be a string, not {_json_type(identifier)}")
        if not identifier:
            raise MalformedInstance(f"{where}: id must not be empty")
        first = at_of.setdefault(identifier, at)
        if first != at:
            raise MalformedInstance(
                f"{where}: duplicate id {_quote(identifier)} (also {side}[{first}])"
            )
        ids.append(identifier)
        if count_field in entry:
            counts[at] = _count(where, count_field, entry[count_field])
    return tuple(ids), counts, at_of


def _count(where: str, field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        shown = _json_type(value) if not isinstance(value, float) else repr(value)
        raise MalformedInstance(f"{where}: {field} must be a whole number, not {shown}")
    if value < 0:
        raise MalformedInstance(f"{where}: {field} must not be negative ({value})")
    if value > MAX_COUNT:
        raise MalformedInstance(f"{where}: {field} {value} is too large (at most {MAX_COUNT})")
    return value


def _lookup(where: str, role: str, value: object, at_of: dict[str, int]) -> int:
    if not isinstance(value, str):
        raise MalformedInstance(f"{where}: {role} must be a string id, not {_json_type(value)}")
    found = at_of.get(value)
    if found is None:
        raise MalformedInstance(f"{where}: unknown {role} {_quote(value)}")
    return found


def _check_fields(where: str, entry: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in entry:
        if key not in allowed:
            prefix = f"{where}: " if where else ""
            raise MalformedInstance(f"{prefix}unknown field {_quote(key)}")


def _score_problem(score: float) -> str:
    if math.isnan(score):
        return "score NaN is not a number in [0, 1]"
    return f"score {score!r} is outside [0, 1]"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _quote(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _check_ids(side: str, ids: tuple[str, ...]) -> None:
    at_of: dict[str, int] = {}
    for at, identifier in enumerate(ids):
        if not isinstance(identifier, str) or not identifier:
            raise MalformedInstance(f"{side}[{at}]: id must be a non-empty string")
        first = at_of.setdefault(identifier, at)
        if first != at:
            raise MalformedInstance(
                f"{side}[{at}]: duplicate id {_quote(identifier)} (also {side}[{first}])"
            )


def _counts(side: str, field: str, values: npt.ArrayLike, length: int) -> npt.NDArray[np.int64]:
    array = np.asarray(values)
    if array.ndim == 0:
        array = np.full(length, array)
    if array.shape != (length,):
        raise MalformedInstance(f"{side}: {field} must have one value per entry")
    if not np.issubdtype(array.dtype, np.integer):
        raise MalformedInstance(f"{side}: {field} must be whole numbers")
    bad = np.flatnonzero((array < 0) | (array > MAX_COUNT))
    if bad.size:
        at = int(bad[0])
        value = int(array[at])
        if value < 0:
            raise MalformedInstance(f"{side}[{at}]: {field} must not be negative ({value})")
        raise MalformedInstance(f"{side}[{at}]: {field} {value} is too large (at most {MAX_COUNT})")
    return array.astype(np.int64)


def _indices(role: str, values: npt.ArrayLike, bound: int) -> npt.NDArray[np.int64]:
    array = np.asarray(values)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise MalformedInstance(f"candidate {role}s must be a one-dimensional array of positions")
    return array.astype(np.int64)


def _first_duplicate_pair(
    person: npt.NDArray[np.int64], supporter: npt.NDArray[np.int64], supporters: int
) -> tuple[int, int] | None:
    """(position of the first repeated pair, position of its first occurrence), or None."""
    if person.size < 2:
        return None
    key = person * max(supporters, 1) + supporter
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    repeated = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    if not repeated.size:
        return None
    # Within a run of equal keys the stable sort keeps document order, so each repeat's first
    # occurrence is the start of its run; the earliest repeat in the document is the answer.
    later = order[repeated]
    pick = int(np.argmin(later))
    at = int(later[pick])
    run_start = int(repeated[pick])
    while run_start > 0 and ordered[run_start - 1] == ordered[run_start]:
        run_start -= 1
    return at, int(order[run_start])
