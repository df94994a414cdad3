"""The solver against independent answers: brute force, linear programming, the contract's example."""

from __future__ import annotations

import importlib
import json
import math
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.graph.python import min_cost_flow

from kindred.matching.engine import Instance, greedy, parse_instance, solve
from kindred.matching.engine.cli import match_file
from kindred.matching.tests.oracles import brute_force, is_feasible, linear_programme

# The package exports the function `solve`, which hides the module of the same name.
solve_module = importlib.import_module("kindred.matching.engine.solve")

CONTRACT_EXAMPLE = {
    "people": [{"id": "p1", "demand": 1}, {"id": "p2", "demand": 2}],
    "supporters": [{"id": "s1", "capacity": 3}, {"id": "s2", "capacity": 1}],
    "candidates": [
        {"person": "p1", "supporter": "s1", "score": 0.82},
        {"person": "p2", "supporter": "s1", "score": 0.40},
        {"person": "p2", "supporter": "s2", "score": 0.65},
    ],
}

# Scores that make ties, near-ties far below any sensible rounding, and awkward floats.
scores = st.one_of(
    st.floats(min_value=0.0, max_value=1.0),
    st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.7, 1.0]),
    st.integers(min_value=0, max_value=8).map(lambda step: 0.5 + step * 1e-10),
)


@st.composite
def small_instances(draw: st.DrawFn, max_candidates: int = 11) -> dict[str, Any]:
    people = draw(st.integers(min_value=1, max_value=4))
    supporters = draw(st.integers(min_value=1, max_value=4))
    pairs = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=people - 1),
                st.integers(min_value=0, max_value=supporters - 1),
            ),
            unique=True,
            max_size=max_candidates,
        )
    )
    return {
        "people": [
            {"id": f"p{i}", "demand": draw(st.integers(min_value=0, max_value=3))}
            for i in range(people)
        ],
        "supporters": [
            {"id": f"s{j}", "capacity": draw(st.integers(min_value=0, max_value=3))}
            for j in range(supporters)
        ],
        "candidates": [
            {"person": f"p{i}", "supporter": f"s{j}", "score": draw(scores)} for i, j in pairs
        ],
    }


def random_instance(seed: int, people: int, supporters: int, per_person: int) -> Instance:
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(people), per_person)
    supporter = rng.integers(0, supporters, size=person.size)
    pairs = np.unique(person * supporters + supporter)
    return Instance.from_arrays(
        person_ids=[f"p{i}" for i in range(people)],
        demand=rng.choice([0, 1, 1, 1, 2], size=people),
        supporter_ids=[f"s{j}" for j in range(supporters)],
        capacity=rng.integers(0, 4, size=supporters),
        candidate_person=pairs // supporters,
        candidate_supporter=pairs % supporters,
        candidate_score=np.round(rng.random(pairs.size), rng.integers(1, 17)),
    )


def test_the_contract_example_fills_three_places_scoring_1_87():
    result = solve(parse_instance(CONTRACT_EXAMPLE))
    assert result.places_filled == 3
    assert result.total_score == pytest.approx(1.87, abs=1e-12)
    assert result.unfilled == ()
    assert result.to_json()["assignments"] == [
        {"person": "p1", "supporter": "s1", "score": 0.82},
        {"person": "p2", "supporter": "s2", "score": 0.65},
        {"person": "p2", "supporter": "s1", "score": 0.40},
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_solver_matches_brute_force(data):
    instance = parse_instance(data)
    result = solve(instance)
    places, best = brute_force(instance)
    assert is_feasible(instance, result.chosen)
    assert result.places_filled == places
    assert result.total_score == pytest.approx(best, abs=1e-6)
    # Sharper than the contract: the documented rounding bound holds (plus summation slack).
    assert result.score_error_bound is not None  # the exact solver always states its bound
    assert best - result.total_score <= result.score_error_bound + 1e-12
    assert result.total_score == math.fsum(a.score for a in result.assignments)


@settings(max_examples=300, deadline=None)
@given(small_instances())
def test_greedy_is_never_better_than_the_solver(data):
    instance = parse_instance(data)
    optimal, baseline = solve(instance), greedy(instance)
    assert is_feasible(instance, baseline.chosen)
    assert baseline.places_filled <= optimal.places_filled
    if baseline.places_filled == optimal.places_filled:
        assert baseline.total_score <= optimal.total_score + 1e-9


def test_greedy_can_be_worse_on_places_and_the_solver_is_not():
    # s1 is p1's only option; greedy gives s1 to p2 for the best score and strands p1.
    data = {
        "people": [{"id": "p1"}, {"id": "p2"}],
        "supporters": [{"id": "s1"}, {"id": "s2"}],
        "candidates": [
            {"person": "p1", "supporter": "s1", "score": 0.5},
            {"person": "p2", "supporter": "s1", "score": 0.9},
            {"person": "p2", "supporter": "s2", "score": 0.1},
        ],
    }
    optimal, baseline = solve(parse_instance(data)), greedy(parse_instance(data))
    assert optimal.places_filled == 2 and optimal.total_score == pytest.approx(0.6)
    assert baseline.places_filled == 1 and baseline.total_score == pytest.approx(0.9)
    assert [(u.person, u.missing) for u in baseline.unfilled] == [("p1", 1)]


def test_more_places_beat_a_higher_score():
    data = {
        "people": [{"id": "p1"}, {"id": "p2"}],
        "supporters": [{"id": "s1"}, {"id": "s2"}],
        "candidates": [
            {"person": "p1", "supporter": "s1", "score": 1.0},
            {"person": "p1", "supporter": "s2", "score": 0.0},
            {"person": "p2", "supporter": "s1", "score": 0.0},
        ],
    }
    result = solve(parse_instance(data))
    assert result.places_filled == 2
    assert result.total_score == 0.0


@pytest.mark.parametrize("seed", range(6))
def test_solver_matches_linear_programming_on_medium_instances(seed):
    instance = random_instance(seed, people=120, supporters=40, per_person=6)
    result = solve(instance)
    places, best = linear_programme(instance)
    assert is_feasible(instance, result.chosen)
    assert result.places_filled == places
    assert result.total_score == pytest.approx(best, abs=1e-6)


def test_near_ties_far_below_a_millionth_are_still_resolved():
    # 400 people each choose between two supporters whose scores differ by 1e-9: the contract
    # tolerance (1e-6) would forgive every wrong choice at once, the solver makes none.
    people = 400
    person = np.repeat(np.arange(people), 2)
    supporter = np.tile([0, 1], people) + 2 * np.repeat(np.arange(people), 2)
    score = np.tile([0.3, 0.3 + 1e-9], people)
    instance = Instance.from_arrays(
        person_ids=[f"p{i}" for i in range(people)],
        demand=1,
        supporter_ids=[f"s{j}" for j in range(2 * people)],
        capacity=1,
        candidate_person=person,
        candidate_supporter=supporter,
        candidate_score=score,
    )
    result = solve(instance)
    assert np.all(instance.candidate_supporter[result.chosen] % 2 == 1)
    assert result.score_error_bound is not None and result.score_error_bound < 1e-9


def test_unfilled_lists_each_person_left_short_with_how_many():
    data = {
        "people": [{"id": "a", "demand": 2}, {"id": "b"}, {"id": "c", "demand": 0}],
        "supporters": [{"id": "s", "capacity": 2}],
        "candidates": [
            {"person": "a", "supporter": "s", "score": 0.9},
            {"person": "b", "supporter": "s", "score": 0.1},
            {"person": "c", "supporter": "s", "score": 1.0},
        ],
    }
    result = solve(parse_instance(data))
    assert result.places_filled == 2
    assert [(u.person, u.missing) for u in result.unfilled] == [("a", 1)]


def test_an_instance_with_nothing_to_choose_fills_nothing():
    result = solve(parse_instance({"people": [{"id": "p"}], "supporters": [], "candidates": []}))
    assert (result.places_filled, result.total_score) == (0, 0.0)
    assert result.to_json()["unfilled"] == [{"person": "p", "missing": 1}]


def test_the_scale_shrinks_as_the_network_grows_within_what_or_tools_accepts():
    assert solve_module.scale_for(10) == 2**52
    nodes = 1_200_004  # a million people and 200,000 supporters
    scale = solve_module.scale_for(nodes)
    assert scale % 2 == 0
    assert scale // 2 <= (2**63 - 1) // (2 * (nodes + 1)) // 8
    # 445,434 places, as filled in the benchmark at that size: under the contract's 1e-6.
    assert 445_434 / scale + 445_434 * 2.0**-52 < 1e-6


class RecordingNetwork:
    """OR-Tools' SimpleMinCostFlow, recording the status of each solve."""

    statuses: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self._network = min_cost_flow.SimpleMinCostFlow()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._network, name)

    def solve_max_flow_with_min_cost(self) -> Any:
        status = self._network.solve_max_flow_with_min_cost()
        RecordingNetwork.statuses.append(status.name)
        return status


def test_a_cost_range_refusal_is_retried_at_a_smaller_scale(monkeypatch):
    # Costs eight times larger than OR-Tools accepts: it answers BAD_COST_RANGE (it never
    # overflows silently), and the solver must retry at smaller scales and still be right.
    monkeypatch.setattr(
        solve_module, "scale_for", lambda nodes: 16 * ((2**63 - 1) // (2 * (nodes + 1)))
    )
    monkeypatch.setattr(
        solve_module, "min_cost_flow", SimpleNamespace(SimpleMinCostFlow=RecordingNetwork)
    )
    RecordingNetwork.statuses = []
    instance = random_instance(3, people=60, supporters=20, per_person=5)
    result = solve(instance)
    places, best = linear_programme(instance)
    assert result.places_filled == places
    assert result.total_score == pytest.approx(best, abs=1e-6)
    assert RecordingNetwork.statuses[:3] == ["BAD_COST_RANGE"] * 3
    assert RecordingNetwork.statuses[-1] == "OPTIMAL"


def test_match_file_warns_when_the_bound_is_above_a_millionth(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(solve_module, "scale_for", lambda nodes: 1000)
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(CONTRACT_EXAMPLE))
    assert match_file(instance, tmp_path / "result.json") == 0
    assert capsys.readouterr().err == (
        "kindred match-file: note: the total score is optimal to within 0.003 "
        "(the solver's number range is stretched by this instance's size)\n"
    )
    assert json.loads((tmp_path / "result.json").read_text())["places_filled"] == 3


def test_arrays_and_json_give_the_same_instance_and_answer():
    instance = random_instance(7, people=30, supporters=10, per_person=4)
    data = {
        "people": [
            {"id": pid, "demand": int(d)}
            for pid, d in zip(instance.person_ids, instance.demand, strict=True)
        ],
        "supporters": [
            {"id": sid, "capacity": int(c)}
            for sid, c in zip(instance.supporter_ids, instance.capacity, strict=True)
        ],
        "candidates": [
            {"person": instance.person_ids[p], "supporter": instance.supporter_ids[s], "score": x}
            for p, s, x in zip(
                instance.candidate_person.tolist(),
                instance.candidate_supporter.tolist(),
                instance.candidate_score.tolist(),
                strict=True,
            )
        ],
    }
    parsed = parse_instance(data)
    assert solve(parsed).to_json()["assignments"] == solve(instance).to_json()["assignments"]
