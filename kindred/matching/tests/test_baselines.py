"""The baselines the solver is compared with never beat it (pure: no database)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kindred.matching.engine import greedy, longest_waiting_first, parse_instance, solve
from kindred.matching.tests.oracles import is_feasible
from kindred.matching.tests.test_solve import random_instance, small_instances


@settings(max_examples=300, deadline=None)
@given(small_instances(), st.data())
def test_longest_waiting_first_is_never_better_than_the_solver(data, draw):
    instance = parse_instance(data)
    waited = draw.draw(
        st.lists(
            st.integers(0, 400), min_size=instance.people_count, max_size=instance.people_count
        )
    )
    optimal, by_hand = solve(instance), longest_waiting_first(instance, waited)
    assert is_feasible(instance, by_hand.chosen)
    assert by_hand.places_filled <= optimal.places_filled
    if by_hand.places_filled == optimal.places_filled:
        assert by_hand.total_score <= optimal.total_score + 1e-9


@pytest.mark.parametrize("seed", range(8))
def test_no_baseline_beats_the_solver_on_larger_random_instances(seed):
    instance = random_instance(seed, people=300, supporters=60, per_person=6)
    waited = np.random.default_rng(seed).integers(0, 400, size=instance.people_count)
    optimal = solve(instance)
    for baseline in (greedy(instance), longest_waiting_first(instance, waited)):
        assert is_feasible(instance, baseline.chosen)
        assert (baseline.places_filled, baseline.total_score) <= (
            optimal.places_filled,
            optimal.total_score + 1e-9,
        )


def test_the_longest_waiter_gets_their_best_supporter_first():
    instance = parse_instance(
        {
            "people": [{"id": "new"}, {"id": "old", "demand": 2}],
            "supporters": [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}],
            "candidates": [
                {"person": "new", "supporter": "s1", "score": 0.9},
                {"person": "old", "supporter": "s1", "score": 0.6},
                {"person": "old", "supporter": "s2", "score": 0.2},
                {"person": "old", "supporter": "s3", "score": 0.4},
            ],
        }
    )
    result = longest_waiting_first(instance, [3, 200])
    assert [(a.person, a.supporter) for a in result.assignments] == [
        ("old", "s1"),
        ("old", "s3"),
    ]
    assert result.score_error_bound is None
    # The solver fills three places where the coordinator's way fills two.
    assert solve(instance).places_filled == 3


def test_waiting_days_must_fit_the_instance():
    instance = random_instance(1, people=5, supporters=2, per_person=2)
    with pytest.raises(ValueError, match="one value per person"):
        longest_waiting_first(instance, [1, 2])
    with pytest.raises(ValueError, match="finite"):
        longest_waiting_first(instance, [1, 2, 3, 4, float("nan")])
