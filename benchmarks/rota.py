"""How long the crisis line rota solver takes for 60 supporters over a month, beside a bare
CP-SAT model of the same size built in the same run.

    .venv/bin/python benchmarks/rota.py                   # 60 supporters, 31 days
    .venv/bin/python benchmarks/rota.py --supporters 120 --days 31 --pattern round-the-clock

The month's shifts come from the default weekly shifts (weekday nights 18:00 to 08:00, weekends
all day) or, with `--pattern round-the-clock`, a day and a night shift every day. Each shift wants
`--wanted` supporters (8). Each supporter can do a random 60% of the weekly shifts (seeded).

`solver`: `kindred.crisis.rota_solver.solve` (availability, at most 3 shifts a week, 11 hours'
rest after a night, no overlaps, gaps as a soft cost, fairness of nights, weekends and load).
`bare`: the same yes/no variables with only "no more than wanted on a shift" and "fill as many
places as possible": what CP-SAT costs with none of the rota's rules. Both get the same time
limit and workers. Prints JSON. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ortools.sat.python import cp_model

from benchmarks.machine import machine
from kindred.crisis.rota_solver import Rules, ShiftSlot, Supporter, solve

LONDON = ZoneInfo("Europe/London")


def month_of_shifts(start: dt.date, days: int, pattern: str, wanted: int) -> list[ShiftSlot]:
    shifts = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        times = [(dt.time(18), dt.time(8))]
        if pattern == "round-the-clock" or day.weekday() >= 5:
            times.append((dt.time(8), dt.time(18)))
        for begins, ends in times:
            starts_at = dt.datetime.combine(day, begins, tzinfo=LONDON)
            ends_on = day + dt.timedelta(days=1) if ends <= begins else day
            ends_at = dt.datetime.combine(ends_on, ends, tzinfo=LONDON)
            shifts.append(
                ShiftSlot(
                    f"{day.isoformat()}T{begins:%H%M}",
                    starts_at,
                    ends_at,
                    wanted,
                    night=ends <= begins,
                    weekend=day.weekday() >= 5 or (day.weekday() == 4 and begins.hour >= 17),
                )
            )
    return shifts


def supporters_for(shifts: list[ShiftSlot], count: int, share: float, seed: int) -> list[Supporter]:
    rng = random.Random(seed)
    weekly = sorted({(s.starts_at.weekday(), s.starts_at.hour) for s in shifts})
    people = []
    for index in range(count):
        can = {w for w in weekly if rng.random() < share}
        people.append(
            Supporter(
                f"s{index}",
                frozenset(
                    s.key for s in shifts if (s.starts_at.weekday(), s.starts_at.hour) in can
                ),
            )
        )
    return people


def bare(shifts: list[ShiftSlot], people: list[Supporter], limit: float, workers: int) -> dict:
    started = time.perf_counter()
    model = cp_model.CpModel()
    on_shift: dict[str, list[cp_model.IntVar]] = {s.key: [] for s in shifts}
    variables = 0
    for person in people:
        for shift in shifts:
            if shift.key in person.available:
                var = model.new_bool_var(f"x_{shift.key}_{person.key}")
                on_shift[shift.key].append(var)
                variables += 1
    for shift in shifts:
        if on_shift[shift.key]:
            model.add(sum(on_shift[shift.key]) <= shift.wanted)
    model.maximize(sum(v for vs in on_shift.values() for v in vs))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    seconds = time.perf_counter() - started
    filled = int(solver.objective_value) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else 0
    return {
        "seconds": round(seconds, 3),
        "status": solver.status_name(status).lower(),
        "variables": variables,
        "places_filled": filled,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supporters", type=int, default=60)
    parser.add_argument("--days", type=int, default=31)
    parser.add_argument("--wanted", type=int, default=8)
    parser.add_argument("--share", type=float, default=0.6)
    parser.add_argument("--pattern", choices=["nights-and-weekends", "round-the-clock"],
                        default="nights-and-weekends")  # fmt: skip
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2013)
    args = parser.parse_args()

    shifts = month_of_shifts(dt.date(2027, 3, 1), args.days, args.pattern, args.wanted)
    people = supporters_for(shifts, args.supporters, args.share, args.seed)
    rules = Rules(max_shifts_a_week=3, rest_hours=11, time_limit_seconds=args.time_limit,
                  workers=args.workers)  # fmt: skip
    solution = solve(shifts, people, rules)
    places = sum(s.wanted for s in shifts)
    filled = sum(len(v) for v in solution.assignments.values())
    counts = [solution.counts.get(p.key, 0) for p in people if p.available]
    result = {
        "benchmark": "rota",
        "machine": machine(),
        "ortools": metadata.version("ortools"),
        "size": {
            "supporters": args.supporters,
            "days": args.days,
            "shifts": len(shifts),
            "places_wanted": places,
            "pattern": args.pattern,
            "availability_share": args.share,
        },
        "time_limit_seconds": args.time_limit,
        "workers": args.workers,
        "solver": {
            "seconds": round(solution.seconds, 3),
            "status": solution.status,
            "variables": solution.variables,
            "places_filled": filled,
            "shifts_with_gaps": len(solution.gaps),
            "night_spread": solution.night_spread,
            "weekend_spread": solution.weekend_spread,
            "shifts_each_min_max": [min(counts, default=0), max(counts, default=0)],
        },
        "bare": bare(shifts, people, args.time_limit, args.workers),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
