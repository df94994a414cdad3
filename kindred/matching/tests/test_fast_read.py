"""The fast reader (ADR-102) reads exactly what the strict one does, and leaves every file it is
not sure of to the strict one, which names the problem as the contract says."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kindred.matching.engine.fast_read import read_fast
from kindred.matching.engine.instance import parse_instance
from kindred.matching.tests.test_instance import MALFORMED, VALID, changed

FIELDS = (
    "demand",
    "capacity",
    "candidate_person",
    "candidate_supporter",
    "candidate_score",
)


def same(fast, strict) -> bool:
    return (
        fast.person_ids == strict.person_ids
        and fast.supporter_ids == strict.supporter_ids
        and all(
            np.array_equal(getattr(fast, name), getattr(strict, name))
            and getattr(fast, name).dtype == getattr(strict, name).dtype
            for name in FIELDS
        )
    )


def test_a_good_file_is_read_fast_and_the_same():
    raw = json.dumps(VALID).encode()
    fast = read_fast(raw)
    assert fast is not None
    assert same(fast, parse_instance(json.loads(raw)))


ids = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(
    people=st.lists(ids, min_size=1, max_size=5, unique=True),
    supporters=st.lists(ids, min_size=1, max_size=5, unique=True),
    pairs=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.floats(0, 1)), max_size=12),
    counts=st.lists(st.none() | st.integers(0, 4), min_size=10, max_size=10),
    spaced=st.booleans(),
)
def test_any_good_instance_is_read_the_same(people, supporters, pairs, counts, spaced):
    """Ids with ':' and any other character, demand and capacity given or not, any spacing."""
    seen = set()
    candidates = []
    for p, s, score in pairs:
        p, s = p % len(people), s % len(supporters)
        if (p, s) not in seen:
            seen.add((p, s))
            candidates.append({"person": people[p], "supporter": supporters[s], "score": score})
    data = {
        "people": [
            {"id": key} | ({} if counts[i] is None else {"demand": counts[i]})
            for i, key in enumerate(people)
        ],
        "supporters": [
            {"id": key} | ({} if counts[5 + i] is None else {"capacity": counts[5 + i]})
            for i, key in enumerate(supporters)
        ],
        "candidates": candidates,
    }
    raw = json.dumps(data, ensure_ascii=False, indent=1 if spaced else None).encode()
    if spaced:
        raw = raw.replace(b'": ', b'" : ')
    fast = read_fast(raw)
    assert fast is not None
    assert same(fast, parse_instance(json.loads(raw)))


@pytest.mark.parametrize("change, message", MALFORMED.values(), ids=MALFORMED.keys())
def test_every_malformed_instance_is_left_to_the_strict_reader(change, message):
    assert read_fast(json.dumps(changed(change)).encode()) is None


@pytest.mark.parametrize(
    "text",
    [
        # A repeated key, which msgspec alone would read as the last value.
        '{"people": [{"id": "p1", "id": "p2"}], "supporters": [], "candidates": []}',
        '{"people": [{"id": "p1"}], "supporters": [{"id": "s1", "capacity": 1, "capacity": 2}],'
        ' "candidates": []}',
        '{"people": [], "people": [], "supporters": [], "candidates": []}',
        '{"people": [{"id": "p1"}], "supporters": [{"id": "s1"}], "candidates": [{"person":'
        ' "p1", "supporter": "s1", "score": 0.5, "score": 0.7}]}',
        # A key spelt with an escape, and NaN.
        '{"people": [{"\\u0069d": "p1"}], "supporters": [], "candidates": []}',
        '{"people": [], "supporters": [], "candidates": [{"score": NaN}]}',
        '{"people": [{"id": "p1", "demand": 99999999999999999999999}], "supporters": [],'
        ' "candidates": []}',
    ],
)
def test_what_msgspec_would_let_through_is_left_to_the_strict_reader(text):
    assert read_fast(text.encode()) is None
