"""Reading a well-formed instance file fast (ADR-102): msgspec decodes it straight into typed
structs (no dicts, no Python floats checked one by one), and the contract's checks run over
NumPy arrays. Pure: no Django.

`read_fast` answers only when it is sure the file is well formed: it returns None for anything
else, and the caller reads the file again with the strict, slow reader
(`kindred.matching.engine.instance.parse_instance` after `json.loads`), which names the first
problem exactly as the contract says. So a malformed file is refused with the same message as
ever, and a good one is read in a fraction of the time.

What msgspec does not check itself, and how it is made sure of here:
- an object that repeats a key (msgspec keeps the last): without a backslash in the file every
  ':' is either a key's or inside an id, so the file's count of ':' must be exactly the keys
  decoded plus the ':'s inside the ids written; any other count, or any backslash, and the
  slow reader decides;
- ids empty or repeated, unknown ids in candidates, demand or capacity out of range, scores
  outside [0, 1], a pair listed twice: checked over arrays; any of them and the slow reader
  decides (and names it).
"""

from __future__ import annotations

from itertools import repeat
from operator import attrgetter

import msgspec
import numpy as np

from kindred.matching.engine.instance import MAX_COUNT, Instance


class _Person(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    id: str
    demand: int | msgspec.UnsetType = msgspec.UNSET


class _Supporter(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    id: str
    capacity: int | msgspec.UnsetType = msgspec.UNSET


class _Candidate(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    person: str
    supporter: str
    score: float


class _File(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    people: list[_Person]
    supporters: list[_Supporter]
    candidates: list[_Candidate]


_DECODER = msgspec.json.Decoder(_File)


def read_fast(raw: bytes) -> Instance | None:
    """The instance in `raw`, if it is certainly well formed; None to say "read it strictly"."""
    if b"\\" in raw:
        return None  # escapes could spell a key or a ':' in a way the count below would miss
    try:
        data = _DECODER.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    people, supporters, candidates = data.people, data.supporters, data.candidates
    del data

    person_ids = [p.id for p in people]
    supporter_ids = [s.id for s in supporters]
    person_at = {key: at for at, key in enumerate(person_ids)}
    supporter_at = {key: at for at, key in enumerate(supporter_ids)}
    if len(person_at) != len(person_ids) or len(supporter_at) != len(supporter_ids):
        return None  # a repeated id
    if "" in person_at or "" in supporter_at:
        return None
    demand = _counts([p.demand for p in people])
    capacity = _counts([s.capacity for s in supporters])
    if demand is None or capacity is None:
        return None
    given = sum(p.demand is not msgspec.UNSET for p in people) + sum(
        s.capacity is not msgspec.UNSET for s in supporters
    )
    del people, supporters

    count = len(candidates)
    person = np.fromiter(
        map(person_at.get, map(attrgetter("person"), candidates), repeat(-1)),
        dtype=np.int64,
        count=count,
    )
    supporter = np.fromiter(
        map(supporter_at.get, map(attrgetter("supporter"), candidates), repeat(-1)),
        dtype=np.int64,
        count=count,
    )
    score = np.fromiter(map(attrgetter("score"), candidates), dtype=np.float64, count=count)
    del candidates
    if count and (person.min() < 0 or supporter.min() < 0):
        return None  # an unknown id
    if not bool(np.all((score >= 0.0) & (score <= 1.0))):
        return None
    if count > 1:
        key = np.sort(person * max(len(supporter_ids), 1) + supporter)
        if bool(np.any(key[1:] == key[:-1])):
            return None  # a pair listed twice

    # Every ':' in the file is a key's or inside an id: any other count means a repeated key.
    keys = 3 + len(person_ids) + len(supporter_ids) + given + 3 * count
    person_colons = np.fromiter(map(str.count, person_ids, repeat(":")), np.int64, len(person_ids))
    supporter_colons = np.fromiter(
        map(str.count, supporter_ids, repeat(":")), np.int64, len(supporter_ids)
    )
    in_ids = int(person_colons.sum() + supporter_colons.sum())
    if count and in_ids:
        in_ids += int(person_colons[person].sum() + supporter_colons[supporter].sum())
    if raw.count(b":") != keys + in_ids:
        return None

    return Instance(
        person_ids=tuple(person_ids),
        demand=demand,
        supporter_ids=tuple(supporter_ids),
        capacity=capacity,
        candidate_person=person.astype(np.int32),
        candidate_supporter=supporter.astype(np.int32),
        candidate_score=score,
    )


def _counts(values: list[int | msgspec.UnsetType]) -> np.ndarray | None:
    """Demands or capacities (1 where not given), or None if one is out of range."""
    try:
        array = np.fromiter(
            (1 if value is msgspec.UNSET else value for value in values),
            dtype=np.int64,
            count=len(values),
        )
    except OverflowError:
        return None
    if len(array) and (array.min() < 0 or array.max() > MAX_COUNT):
        return None
    return array
