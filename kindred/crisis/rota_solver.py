"""The rota solver: who goes on which crisis line shift, with OR-Tools CP-SAT (ADR-116).

Pure Python and OR-Tools, no Django: the worker's build task gathers the shifts, the eligible
supporters and their availability, calls `solve`, and saves what comes back.

The model, for each (shift, supporter) pair the supporter is available for, a yes/no choice:

- hard: no more supporters than wanted on a shift; nobody on two overlapping shifts; nobody on a
  shift starting within `rest_hours` of a night shift of theirs ending; at most
  `max_shifts_a_week` shifts in an ISO week (by the shift's local start date); places fixed by hand
  stay;
- soft, in order of weight: fill every place (each empty place is a gap, reported, never a crash);
  spread nights and weekend shifts fairly (minimise the most minus the fewest, among the supporters
  who can do any); then spread all shifts the same way.

Coverage is soft, so the model always has an answer (nobody anywhere is one): an impossible month
comes back as gaps.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

#: Weights: one empty place costs more than any fairness gain can repay.
GAP_WEIGHT = 1000
NIGHT_SPREAD_WEIGHT = 10
WEEKEND_SPREAD_WEIGHT = 10
LOAD_SPREAD_WEIGHT = 1


@dataclass(frozen=True)
class ShiftSlot:
    key: str
    starts_at: dt.datetime  # local (aware) time: the ISO week is taken from its date
    ends_at: dt.datetime
    wanted: int
    night: bool = False
    weekend: bool = False


@dataclass(frozen=True)
class Supporter:
    key: str
    available: frozenset[str]  # the keys of the shifts they can do


@dataclass(frozen=True)
class Rules:
    max_shifts_a_week: int = 3
    rest_hours: float = 11
    time_limit_seconds: float = 10.0
    workers: int = 2
    seed: int = 1


@dataclass(frozen=True)
class Gap:
    shift: str
    wanted: int
    filled: int

    @property
    def missing(self) -> int:
        return self.wanted - self.filled


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal", "feasible" (stopped at the time limit) or "unknown" (no answer)
    assignments: dict[str, list[str]]  # shift key -> supporter keys, in the order given
    gaps: list[Gap]
    seconds: float
    night_spread: int = 0
    weekend_spread: int = 0
    variables: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # supporter key -> shifts


def clashes(first: ShiftSlot, second: ShiftSlot, rest: dt.timedelta) -> bool:
    """Whether one person cannot do both: they overlap, or one is a night and the other starts
    within `rest` of it ending."""
    if first.starts_at < second.ends_at and second.starts_at < first.ends_at:
        return True
    for night, other in ((first, second), (second, first)):
        if night.night and night.ends_at <= other.starts_at < night.ends_at + rest:
            return True
    return False


def _spread(
    model: cp_model.CpModel, counts: list[cp_model.LinearExpr], top: int, name: str
) -> cp_model.IntVar | None:
    """A variable >= max(counts) - min(counts)."""
    if len(counts) < 2:
        return None
    most = model.new_int_var(0, top, f"{name}_most")
    fewest = model.new_int_var(0, top, f"{name}_fewest")
    for count in counts:
        model.add(most >= count)
        model.add(fewest <= count)
    spread = model.new_int_var(0, top, f"{name}_spread")
    model.add(spread == most - fewest)
    return spread


def solve(
    shifts: Sequence[ShiftSlot],
    supporters: Sequence[Supporter],
    rules: Rules = Rules(),
    *,
    fixed: Iterable[tuple[str, str]] = (),
) -> Solution:
    """Place supporters on shifts. `fixed` (shift key, supporter key) places are kept as they are
    (a coordinator's hand edits), counted against the same limits."""
    started = time.perf_counter()
    by_key = {s.key: s for s in shifts}
    fixed_pairs = {(s, p) for s, p in fixed if s in by_key}
    model = cp_model.CpModel()
    x: dict[tuple[str, str], cp_model.IntVar] = {}
    for person in supporters:
        for shift in shifts:
            if shift.key in person.available or (shift.key, person.key) in fixed_pairs:
                var = model.new_bool_var(f"x_{shift.key}_{person.key}")
                x[shift.key, person.key] = var
                if (shift.key, person.key) in fixed_pairs:
                    model.add(var == 1)

    on_shift: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    of_person: dict[str, list[tuple[ShiftSlot, cp_model.IntVar]]] = defaultdict(list)
    for (shift_key, person_key), var in x.items():
        on_shift[shift_key].append(var)
        of_person[person_key].append((by_key[shift_key], var))

    shortfall: dict[str, cp_model.IntVar] = {}
    for shift in shifts:
        placed = sum(on_shift[shift.key]) if on_shift[shift.key] else 0
        wanted = max(shift.wanted, len([1 for s, _ in fixed_pairs if s == shift.key]))
        model.add(placed <= wanted)
        short = model.new_int_var(0, wanted, f"short_{shift.key}")
        model.add(short == wanted - placed)
        shortfall[shift.key] = short

    rest = dt.timedelta(hours=rules.rest_hours)
    nights: list[cp_model.LinearExpr] = []
    weekends: list[cp_model.LinearExpr] = []
    loads: list[cp_model.LinearExpr] = []
    for person in supporters:
        mine = sorted(of_person[person.key], key=lambda pair: pair[0].starts_at)
        for i, (first, first_var) in enumerate(mine):
            for second, second_var in mine[i + 1 :]:
                if second.starts_at >= first.ends_at + max(rest, dt.timedelta(0)):
                    break  # sorted by start: nothing later can clash with `first`
                if clashes(first, second, rest):
                    model.add_at_most_one([first_var, second_var])
        weeks: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for shift, var in mine:
            iso = shift.starts_at.date().isocalendar()
            weeks[iso[0], iso[1]].append(var)
        for week_vars in weeks.values():
            if len(week_vars) > rules.max_shifts_a_week:
                model.add(sum(week_vars) <= rules.max_shifts_a_week)
        night_vars = [var for shift, var in mine if shift.night]
        weekend_vars = [var for shift, var in mine if shift.weekend]
        if night_vars:
            nights.append(cp_model.LinearExpr.sum(night_vars))
        if weekend_vars:
            weekends.append(cp_model.LinearExpr.sum(weekend_vars))
        if mine:
            loads.append(cp_model.LinearExpr.sum([var for _, var in mine]))

    top = len(shifts)
    night_spread = _spread(model, nights, top, "nights")
    weekend_spread = _spread(model, weekends, top, "weekends")
    load_spread = _spread(model, loads, top, "load")
    objective = GAP_WEIGHT * sum(shortfall.values())
    if night_spread is not None:
        objective += NIGHT_SPREAD_WEIGHT * night_spread
    if weekend_spread is not None:
        objective += WEEKEND_SPREAD_WEIGHT * weekend_spread
    if load_spread is not None:
        objective += LOAD_SPREAD_WEIGHT * load_spread
    model.minimize(objective)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = rules.time_limit_seconds
    solver.parameters.num_workers = max(1, rules.workers)
    solver.parameters.random_seed = rules.seed
    status = solver.solve(model)
    seconds = time.perf_counter() - started

    order = {p.key: i for i, p in enumerate(supporters)}
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution(
            status="unknown",
            assignments={s.key: [] for s in shifts},
            gaps=[Gap(s.key, s.wanted, 0) for s in shifts if s.wanted > 0],
            seconds=seconds,
            variables=len(x),
        )
    assignments: dict[str, list[str]] = {s.key: [] for s in shifts}
    counts: dict[str, int] = defaultdict(int)
    for (shift_key, person_key), var in x.items():
        if solver.boolean_value(var):
            assignments[shift_key].append(person_key)
            counts[person_key] += 1
    for keys in assignments.values():
        keys.sort(key=order.__getitem__)
    gaps = [
        Gap(s.key, s.wanted, len(assignments[s.key]))
        for s in shifts
        if len(assignments[s.key]) < s.wanted
    ]
    return Solution(
        status="optimal" if status == cp_model.OPTIMAL else "feasible",
        assignments=assignments,
        gaps=gaps,
        seconds=seconds,
        night_spread=int(solver.value(night_spread)) if night_spread is not None else 0,
        weekend_spread=int(solver.value(weekend_spread)) if weekend_spread is not None else 0,
        variables=len(x),
        counts=dict(counts),
    )
