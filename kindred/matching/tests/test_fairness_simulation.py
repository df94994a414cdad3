"""A small, seeded run of the fairness simulation (benchmarks/fairness.py): the policies compare
as ADR-011 says they do. Pure: no database."""

from __future__ import annotations

import pytest

from benchmarks.fairness import Scenario, build_world, policies, run, simulate

# 40 supporters (about 100 places) for 4 referrals a week (104 places needed): a little short.
SMALL = Scenario(supporters=40, referrals_per_week=4.0, weeks=156)
SEED = 1


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, float]]:
    world = build_world(SMALL, SEED)
    return {policy.name: simulate(world, SMALL, policy) for policy in policies([])}


def test_the_default_waiting_weight_keeps_everyone_under_a_year_where_no_weight_does_not(figures):
    assert figures["no_waiting_weight"]["waiting_over_a_year"] > 0
    assert figures["kindred_default"]["waiting_over_a_year"] == 0
    assert (
        figures["kindred_default"]["p95_days_to_match"]
        < figures["no_waiting_weight"]["p95_days_to_match"]
    )


def test_the_default_keeps_quality_close_to_matching_on_quality_alone(figures):
    best = figures["no_waiting_weight"]["mean_quality_per_matched"]
    assert figures["kindred_default"]["mean_quality_per_matched"] >= 0.97 * best
    # Longest-waiting first is fair but gives clearly worse matches.
    assert figures["longest_waiting_first"]["waiting_over_a_year"] == 0
    assert figures["longest_waiting_first"]["mean_quality_per_matched"] < 0.9 * best


def test_every_policy_sees_the_same_referrals_and_matches_nearly_all(figures):
    referrals = {row["referrals"] for row in figures.values()}
    assert len(referrals) == 1
    for row in figures.values():
        assert 0.9 <= row["share_matched"] <= 1.0
        assert row["no_feasible_supporter"] == figures["greedy"]["no_feasible_supporter"]


def test_the_simulation_is_deterministic_for_a_seed(figures):
    again = simulate(build_world(SMALL, SEED), SMALL, policies([])[0])
    first = dict(figures["kindred_default"])
    first.pop("matching_seconds")
    again.pop("matching_seconds")
    assert again == first


def test_the_report_has_every_policy_and_the_sweep():
    report = run(Scenario(supporters=10, referrals_per_week=1.0, weeks=20), [3, 4], [0.1])
    assert set(report["policies"]) == {
        "kindred_default",
        "no_waiting_weight",
        "greedy",
        "longest_waiting_first",
        "waiting_weight_0.1",
    }
    assert report["policies"]["waiting_weight_0.1"]["waiting_weight"] == 0.1
