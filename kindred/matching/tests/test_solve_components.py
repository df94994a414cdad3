"""The solver splits the candidate graph into connected components: the answer must be the one
the whole network gives (the solver before the split), on instances made of several pieces."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.matching.engine import Instance, solve
from kindred.matching.tests.oracles import brute_force, is_feasible, linear_programme

solve_module = importlib.import_module("kindred.matching.engine.solve")

# (people, supporters) of one piece: stars of one person or one supporter, single pairs, and
# pieces that need the flow solver.
pieces = st.one_of(
    st.tuples(st.just(1), st.integers(min_value=1, max_value=6)),
    st.tuples(st.integers(min_value=1, max_value=6), st.just(1)),
    st.tuples(st.integers(min_value=2, max_value=12), st.integers(min_value=2, max_value=8)),
)


@st.composite
def instances_in_pieces(draw: st.DrawFn) -> Instance:
    """Several pieces with no pair between them (they may still be connected inside, or fall
    apart further), people and supporters shuffled so that no piece is contiguous."""
    shapes = draw(st.lists(pieces, min_size=2, max_size=8))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    person_list, supporter_list = [], []
    people = supporters = 0
    for piece_people, piece_supporters in shapes:
        density = rng.uniform(0.2, 1.0)
        grid = rng.random((piece_people, piece_supporters)) < density
        grid[rng.integers(0, piece_people), rng.integers(0, piece_supporters)] = True
        p, s = np.nonzero(grid)
        person_list.append(p + people)
        supporter_list.append(s + supporters)
        people += piece_people
        supporters += piece_supporters
    person_order = rng.permutation(people)
    supporter_order = rng.permutation(supporters)
    person = person_order[np.concatenate(person_list)]
    supporter = supporter_order[np.concatenate(supporter_list)]
    shuffle = rng.permutation(person.size)
    # Ties and near-ties (1e-10 apart) as well as arbitrary floats.
    score = np.where(
        rng.random(person.size) < 0.5,
        rng.random(person.size),
        0.5 + rng.integers(0, 4, size=person.size) * 1e-10,
    )
    return Instance.from_arrays(
        person_ids=[f"p{i}" for i in range(people)],
        demand=rng.choice([0, 1, 1, 1, 2, 3], size=people),
        supporter_ids=[f"s{j}" for j in range(supporters)],
        capacity=rng.choice([0, 1, 1, 2, 3], size=supporters),
        candidate_person=person[shuffle],
        candidate_supporter=supporter[shuffle],
        candidate_score=score[shuffle],
    )


def monolithic(instance: Instance) -> tuple[int, float, float]:
    """The whole network in one OR-Tools call: the solver as it was before the split."""
    usable = (instance.demand[instance.candidate_person] > 0) & (
        instance.capacity[instance.candidate_supporter] > 0
    )
    candidates = np.flatnonzero(usable).astype(np.int64)
    if candidates.size == 0:
        return 0, 0.0, 0.0
    chosen, bound = solve_module._solve_network(instance, candidates)
    return int(chosen.size), float(np.sum(instance.candidate_score[chosen])), bound


@pytest.mark.parametrize("batch_arcs", [50_000, 1, 7])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances_in_pieces())
def test_the_split_solve_equals_the_whole_network_solve(batch_arcs, instance):
    # batch_arcs 1: every component in its own network; 7: small ones batched, others alone.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(solve_module, "_BATCH_ARCS", batch_arcs)
        result = solve(instance)
    places, total, bound = monolithic(instance)
    assert is_feasible(instance, result.chosen)
    assert result.places_filled == places
    assert result.total_score == pytest.approx(total, abs=1e-6)
    # Each answer is within its stated bound of the optimum, so of each other.
    assert result.score_error_bound is not None
    assert abs(result.total_score - total) <= result.score_error_bound + bound + 1e-9


@settings(max_examples=200, deadline=None)
@given(instance=instances_in_pieces().filter(lambda instance: instance.candidate_count <= 12))
def test_the_split_solve_matches_brute_force(instance):
    result = solve(instance)
    places, best = brute_force(instance)
    assert result.places_filled == places
    assert result.score_error_bound is not None
    assert best - result.total_score <= result.score_error_bound + 1e-12


def test_stars_alone_are_solved_exactly_without_rounding(monkeypatch):
    # One person with three supporters, one supporter with three people: each takes its best
    # pairs up to its demand or capacity, scores 1e-15 apart included; no network is built.
    monkeypatch.setattr(solve_module, "_solve_network", None)  # would fail if called
    instance = Instance.from_arrays(
        person_ids=["a", "b", "c", "d"],
        demand=[2, 1, 1, 1],
        supporter_ids=["s", "t", "u", "v"],
        capacity=[1, 1, 1, 2],
        candidate_person=[0, 0, 0, 1, 2, 3],
        candidate_supporter=[0, 1, 2, 3, 3, 3],
        candidate_score=[0.3, 0.3 + 1e-15, 0.9, 0.4, 0.4 + 1e-15, 0.1],
    )
    result = solve(instance)
    assert sorted(result.chosen.tolist()) == [1, 2, 3, 4]
    assert result.score_error_bound == 0.0


def test_a_large_instance_in_many_pieces_matches_linear_programming(monkeypatch):
    # 40 pieces of 30 people and 8 supporters (several batched per network) and 60 stars.
    rng = np.random.default_rng(11)
    person, supporter = [], []
    for piece in range(40):
        p = np.repeat(np.arange(30), 4)
        s = rng.integers(0, 8, size=p.size)
        keep = np.unique(p * 8 + s)
        person.append(keep // 8 + 30 * piece)
        supporter.append(keep % 8 + 8 * piece)
    person.append(np.repeat(np.arange(60), 3) + 1200)
    supporter.append(np.arange(180) + 320)
    person_index, supporter_index = np.concatenate(person), np.concatenate(supporter)
    instance = Instance.from_arrays(
        person_ids=[f"p{i}" for i in range(1260)],
        demand=rng.choice([0, 1, 1, 2], size=1260),
        supporter_ids=[f"s{j}" for j in range(500)],
        capacity=rng.integers(0, 4, size=500),
        candidate_person=person_index,
        candidate_supporter=supporter_index,
        candidate_score=rng.random(person_index.size),
    )
    monkeypatch.setattr(solve_module, "_BATCH_ARCS", 200)
    result = solve(instance)
    places, best = linear_programme(instance)
    assert is_feasible(instance, result.chosen)
    assert result.places_filled == places
    assert result.total_score == pytest.approx(best, abs=1e-6)
