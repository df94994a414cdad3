"""How long expanding group schedules takes: what the daily job does for every group.

    .venv/bin/python benchmarks/group_schedules.py              # 2,000 groups, 5 repeats

Expands a mix of the coordinator's patterns (weekly, fortnightly, 2nd and 4th weekday, monthly,
once) for an 8-week window with `kindred.groups.schedule.occurrences`, against a baseline of
dateutil's bare `rrulestr(...).between` on the same rules (no zone attached, no checks): the
difference is what Kindred adds. Prints JSON with the machine. Not a test: asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dateutil.rrule import rrulestr

from benchmarks.machine import machine
from kindred.groups import schedule

PATTERNS = [("weekly", ()), ("fortnightly", ()), ("nth", (2, 4)), ("monthly", ()), ("once", ())]


def rules(count: int, seed: int = 17) -> list[tuple[str, dt.date, dt.time]]:
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        pattern, nths = rng.choice(PATTERNS)
        first = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 300))
        made.append(
            (schedule.build_rule(pattern=pattern, first=first, nths=nths), first, dt.time(10))
        )
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    made = rules(args.groups)
    window = (dt.date(2026, 10, 1), dt.date(2026, 11, 26))  # across the October clock change

    def kindred() -> int:
        return sum(
            len(schedule.occurrences(rule=r, first=f, starts=s, ends=dt.time(12),
                                     window_from=window[0], window_to=window[1]))
            for r, f, s in made
        )  # fmt: skip

    def baseline() -> int:
        lower = dt.datetime.combine(window[0], dt.time.min)
        upper = dt.datetime.combine(window[1], dt.time.max)
        return sum(
            len(rrulestr(r, dtstart=dt.datetime.combine(f, s)).between(lower, upper, inc=True))
            for r, f, s in made
        )

    results = {}
    for name, run in (("baseline_dateutil", baseline), ("kindred_occurrences", kindred)):
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            sessions = run()
            times.append(time.perf_counter() - started)
        results[name] = {
            "sessions": sessions,
            "median_seconds": round(statistics.median(times), 4),
            "per_group_microseconds": round(statistics.median(times) / args.groups * 1e6, 1),
        }
    print(json.dumps({"benchmark": "group_schedules", "groups": args.groups,
                      "window": [str(d) for d in window], "results": results,
                      "machine": machine()}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
