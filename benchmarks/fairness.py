"""Fairness over time: a rolling simulation of weekly matching rounds, policy against policy.

    .venv/bin/python benchmarks/fairness.py                 # 20 seeds, three years, ~30 s
    .venv/bin/python benchmarks/fairness.py --seeds 10 --sweep 0,0.1,0.25,0.5

One matching round on one instance says nothing about who waits longest over months. Here a
service with 100 peer supporters (each taking 1 to 4 people, 2.5 on average) receives about 10
referrals a week (Poisson) for three years: a service a little short of places (about 250 for
the 260 that ten six-month relationships a week need), which is when the order of the waiting
list matters. Each week the people waiting are matched with the
supporters who have room; a relationship lasts about six months (gamma distributed, 4 weeks at
least), then the supporter's place frees up.

People and supporters are synthetic but shaped like a real service: places in a 30 km square
clustered around a few towns, one to three lived experiences from the curated list (common ones
commoner), interests, weekly free time, and how they will meet (face-to-face only, remote only,
or either; supporters travel 3 to 15 km). The hard rules keep a pair only if a way of meeting
suits both (face-to-face within the supporter's travel distance, or phone/video both accept).
Pairs are scored with `kindred.matching.engine.scoring` from their profiles, so the waiting-time
component, and with it every score, changes week by week.

Policies (all see exactly the same referrals, supporters and relationship lengths):

- `kindred_default`: the exact solver (`solve`) on scores with Kindred's default weights;
- `no_waiting_weight`: the exact solver, waiting weight 0 (the best matches each week);
- `greedy`: best pairs first, on the default scores;
- `longest_waiting_first`: what coordinators do by hand, best volunteer by quality;
- `waiting_weight_W` for each W in `--sweep`: the exact solver with that waiting weight.

For each it reports the share of referrals matched, the 95th percentile of days to a match
(people still waiting at the end count with their wait so far), how many waited over a year
although a supporter was feasible for them, how many had no feasible supporter at all (the same
for every policy), and the mean quality per matched referral: the pair's score without the
waiting component, so that policies are compared on the same yardstick (and the same per
referral, counting a referral never matched as 0). Means over seeds, and
the worst seed for waits over a year. Prints JSON. Not a test: nothing here asserts a result.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine as shared_machine
from kindred.matching.engine import Instance, MatchResult, greedy, longest_waiting_first, solve
from kindred.matching.engine.scoring import (
    DEFAULT_WEIGHTS,
    Mode,
    Profile,
    Weights,
    Window,
    components,
    score_arrays,
    waiting_component,
)

EXPERIENCES = (
    "depression",
    "anxiety",
    "bereavement",
    "caring for someone",
    "chronic pain",
    "diabetes",
    "COPD",
    "cancer",
    "heart disease",
    "stroke",
    "dementia",
    "fibromyalgia",
    "addiction recovery",
    "bipolar",
    "psychosis",
    "personality disorder",
    "HIV",
    "meningitis or septicaemia",
)
INTERESTS = (
    "gardening",
    "walking",
    "reading",
    "football",
    "cooking",
    "music",
    "crafts",
    "films",
    "history",
    "animals",
    "chess",
    "fishing",
)
YEAR_DAYS = 365


@dataclass(frozen=True)
class Scenario:
    supporters: int = 100
    referrals_per_week: float = 10.0
    weeks: int = 156
    mean_relationship_weeks: float = 26.0
    capacities: tuple[int, ...] = (1, 2, 3, 4)
    capacity_shares: tuple[float, ...] = (0.2, 0.3, 0.3, 0.2)
    area_km: float = 30.0


@dataclass
class World:
    """Everything random about one seed, drawn once and shared by every policy."""

    capacity: np.ndarray  # per supporter
    arrival_day: np.ndarray  # per referral
    length_weeks: np.ndarray  # per referral: how long their relationship will last
    feasible: np.ndarray  # referrals x supporters, bool
    face_to_face: np.ndarray  # referrals x supporters, bool (the pair would meet in person)
    parts: dict[str, np.ndarray]  # static components, referrals x supporters


def _profile(rng: np.random.Generator, towns: np.ndarray, scenario: Scenario) -> Profile:
    popularity = 1.0 / np.arange(1, len(EXPERIENCES) + 1)
    count = int(rng.choice([1, 2, 3], p=[0.6, 0.3, 0.1]))
    experiences = rng.choice(
        len(EXPERIENCES), size=count, replace=False, p=popularity / popularity.sum()
    )
    interests = rng.choice(len(INTERESTS), size=int(rng.integers(1, 4)), replace=False)
    windows = []
    for _ in range(int(rng.integers(1, 4))):
        start = int(rng.choice([9, 10, 13, 14, 18])) * 60
        windows.append(Window(int(rng.integers(0, 7)), start, start + int(rng.choice([120, 180]))))
    town = towns[rng.integers(0, len(towns))]
    x, y = np.clip(town + rng.normal(0.0, 3.0, size=2), 0.0, scenario.area_km) * 1000.0
    return Profile(
        experiences=frozenset(EXPERIENCES[k] for k in experiences),
        interests=frozenset(INTERESTS[k] for k in interests),
        availability=tuple(windows),
        easting=float(x),
        northing=float(y),
    )


def build_world(scenario: Scenario, seed: int, weights: Weights = DEFAULT_WEIGHTS) -> World:
    rng = np.random.default_rng(seed)
    towns = rng.uniform(3.0, scenario.area_km - 3.0, size=(5, 2))
    supporters = [_profile(rng, towns, scenario) for _ in range(scenario.supporters)]
    # Supporters: in person (travelling 3-15 km), by phone or video, or both.
    s_in_person = rng.random(scenario.supporters) < 0.8
    s_remote = ~s_in_person | (rng.random(scenario.supporters) < 0.5)
    travel_km = rng.uniform(3.0, 15.0, size=scenario.supporters)
    capacity = rng.choice(
        scenario.capacities, size=scenario.supporters, p=np.array(scenario.capacity_shares)
    )

    arrivals = rng.poisson(scenario.referrals_per_week, size=scenario.weeks)
    arrival_day = np.concatenate(
        [7 * week + rng.integers(0, 7, size=count) for week, count in enumerate(arrivals)]
    )
    referrals = arrival_day.size
    shape = 4.0
    length_weeks = np.maximum(
        4, np.rint(rng.gamma(shape, scenario.mean_relationship_weeks / shape, size=referrals))
    ).astype(np.int64)
    # Referrals: half will only meet in person, a quarter only remotely, a quarter either.
    way = rng.choice(3, size=referrals, p=[0.5, 0.25, 0.25])
    r_in_person, r_remote = way != 1, way != 0

    feasible = np.zeros((referrals, scenario.supporters), dtype=bool)
    face = np.zeros_like(feasible)
    names = ("shared_experience", "closeness", "interests", "availability")
    parts = {name: np.zeros((referrals, scenario.supporters)) for name in names}
    no_wait = dataclasses.replace(weights, waiting=0.0)
    for r in range(referrals):
        person = _profile(rng, towns, scenario)
        for s, supporter in enumerate(supporters):
            assert person.easting is not None and supporter.easting is not None
            assert person.northing is not None and supporter.northing is not None
            km = math.hypot(
                person.easting - supporter.easting, person.northing - supporter.northing
            )
            in_person = r_in_person[r] and s_in_person[s] and km / 1000.0 <= travel_km[s]
            remote = r_remote[r] and s_remote[s]
            if not (in_person or remote):
                continue
            mode = Mode.VISIT if in_person else Mode.PHONE
            found = components(person, supporter, mode=mode, waiting_days=0, weights=no_wait)
            feasible[r, s] = True
            face[r, s] = in_person
            parts["shared_experience"][r, s] = found.shared_experience
            parts["closeness"][r, s] = found.distance or 0.0
            parts["interests"][r, s] = found.interests
            parts["availability"][r, s] = found.availability
    return World(capacity, arrival_day, length_weeks, feasible, face, parts)


Matcher = Callable[[Instance, np.ndarray], MatchResult]


@dataclass(frozen=True)
class Policy:
    name: str
    weights: Weights
    matcher: Matcher


def policies(sweep: list[float]) -> list[Policy]:
    exact: Matcher = lambda instance, _waited: solve(instance)  # noqa: E731
    chosen = [
        Policy("kindred_default", DEFAULT_WEIGHTS, exact),
        Policy("no_waiting_weight", dataclasses.replace(DEFAULT_WEIGHTS, waiting=0.0), exact),
        Policy("greedy", DEFAULT_WEIGHTS, lambda instance, _waited: greedy(instance)),
        # Waiting order comes from the days; "best volunteer" from the quality score.
        Policy(
            "longest_waiting_first",
            dataclasses.replace(DEFAULT_WEIGHTS, waiting=0.0),
            longest_waiting_first,
        ),
    ]
    for weight in sweep:
        chosen.append(
            Policy(
                f"waiting_weight_{weight:g}",
                dataclasses.replace(DEFAULT_WEIGHTS, waiting=weight),
                exact,
            )
        )
    return chosen


def simulate(world: World, scenario: Scenario, policy: Policy) -> dict[str, float]:
    """Run weekly rounds for one policy; the figures for this seed."""
    referrals = world.arrival_day.size
    quality_weights = dataclasses.replace(policy.weights, waiting=0.0)
    load = np.zeros(world.capacity.size, dtype=np.int64)
    ends: dict[int, list[int]] = {}
    matched_day = np.full(referrals, -1, dtype=np.int64)
    quality = np.zeros(referrals)
    solver_seconds = 0.0
    has_any = world.feasible.any(axis=1)
    for week in range(1, scenario.weeks + 1):
        today = 7 * week
        for supporter in ends.pop(week, []):
            load[supporter] -= 1
        waiting = np.flatnonzero((world.arrival_day < today) & (matched_day < 0) & has_any)
        room = world.capacity - load
        if waiting.size == 0 or not np.any(room > 0):
            continue
        usable = world.feasible[waiting] & (room > 0)[None, :]
        rows, supporters = np.nonzero(usable)
        if rows.size == 0:
            continue
        people = waiting[rows]
        waited = (today - world.arrival_day[waiting]).astype(np.float64)
        waits = np.array([waiting_component(d, policy.weights) for d in waited])
        common = {
            "shared_experience": world.parts["shared_experience"][people, supporters],
            "closeness": world.parts["closeness"][people, supporters],
            "face_to_face": world.face_to_face[people, supporters],
            "interests": world.parts["interests"][people, supporters],
            "availability": world.parts["availability"][people, supporters],
            "continuity": np.zeros(rows.size),
        }
        scores = score_arrays(policy.weights, waiting=waits[rows], **common)
        instance = Instance.from_arrays(
            person_ids=[str(r) for r in waiting],
            demand=np.ones(waiting.size, dtype=np.int64),
            supporter_ids=[str(s) for s in range(world.capacity.size)],
            capacity=np.maximum(room, 0),
            candidate_person=rows,
            candidate_supporter=supporters,
            candidate_score=scores,
        )
        result = policy.matcher(instance, waited)
        solver_seconds += result.seconds
        pair_quality = score_arrays(quality_weights, waiting=np.zeros(rows.size), **common)
        for at in result.chosen.tolist():
            referral, supporter = int(people[at]), int(supporters[at])
            matched_day[referral] = today
            quality[referral] = pair_quality[at]
            load[supporter] += 1
            ends.setdefault(week + int(world.length_weeks[referral]), []).append(supporter)

    end = 7 * scenario.weeks
    arrived = world.arrival_day < end
    matched = matched_day >= 0
    wait = np.where(matched, matched_day, end) - world.arrival_day
    eligible = arrived & has_any
    return {
        "referrals": int(arrived.sum()),
        "no_feasible_supporter": int((arrived & ~has_any).sum()),
        "share_matched": float(matched.sum() / arrived.sum()),
        "p95_days_to_match": float(np.percentile(wait[eligible], 95)),
        "waiting_over_a_year": int((eligible & (wait > YEAR_DAYS)).sum()),
        "still_waiting_at_end": int((eligible & ~matched).sum()),
        "mean_quality_per_matched": float(quality[matched].mean()) if matched.any() else 0.0,
        "mean_quality_per_referral": float(quality[arrived].sum() / arrived.sum()),
        "matching_seconds": solver_seconds,
    }


def run(scenario: Scenario, seeds: list[int], sweep: list[float]) -> dict[str, Any]:
    chosen = policies(sweep)
    per_seed: dict[str, list[dict[str, float]]] = {policy.name: [] for policy in chosen}
    world_seconds = 0.0
    for seed in seeds:
        started = time.perf_counter()
        world = build_world(scenario, seed)
        world_seconds += time.perf_counter() - started
        for policy in chosen:
            per_seed[policy.name].append(simulate(world, scenario, policy))
    report: dict[str, Any] = {}
    for policy in chosen:
        rows = per_seed[policy.name]
        summary: dict[str, Any] = {
            key: round(float(np.mean([row[key] for row in rows])), 4) for key in rows[0]
        }
        summary["waiting_over_a_year_worst_seed"] = max(row["waiting_over_a_year"] for row in rows)
        # Longest-waiting first orders people by days, not by a weight.
        summary["waiting_weight"] = (
            None if policy.name == "longest_waiting_first" else policy.weights.waiting
        )
        report[policy.name] = summary
    return {"world_seconds": round(world_seconds, 2), "policies": report}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=20, help="how many seeds (default 20)")
    parser.add_argument("--first-seed", type=int, default=2026)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--supporters", type=int, default=100)
    parser.add_argument("--referrals-per-week", type=float, default=10.0)
    parser.add_argument(
        "--sweep",
        default="0.05,0.1,0.15,0.2,0.3,0.35,0.4,0.5,0.6",
        help="other waiting weights to try with the exact solver (comma-separated; '' for none)",
    )
    args = parser.parse_args()
    scenario = Scenario(
        supporters=args.supporters, referrals_per_week=args.referrals_per_week, weeks=args.weeks
    )
    sweep = [float(w) for w in args.sweep.split(",") if w.strip()]
    started = time.perf_counter()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    outcome = run(scenario, seeds, sweep)
    print(
        json.dumps(
            {
                "machine": {
                    **shared_machine(),
                    "ortools": metadata.version("ortools"),
                    "numpy": metadata.version("numpy"),
                },
                "scenario": dataclasses.asdict(scenario),
                "seeds": seeds,
                "default_weights": dataclasses.asdict(DEFAULT_WEIGHTS),
                **outcome,
                "seconds": round(time.perf_counter() - started, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
