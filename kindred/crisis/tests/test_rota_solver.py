"""The rota solver against small cases checked by hand (no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kindred.crisis.rota_solver import Rules, ShiftSlot, Supporter, clashes, solve

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2026, 6, 8)


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour), tzinfo=LONDON)


def day_shift(key: str, day: int, wanted: int = 1) -> ShiftSlot:
    return ShiftSlot(key, at(day, 8), at(day, 18), wanted)


def night(key: str, day: int, wanted: int = 1) -> ShiftSlot:
    return ShiftSlot(key, at(day, 18), at(day + 1, 8), wanted, night=True, weekend=day >= 4)


def person(key: str, *shifts: str) -> Supporter:
    return Supporter(key, frozenset(shifts))


def test_three_supporters_four_shifts_each_forced_into_place():
    # Cleo can only do Monday; only Ben can do Thursday; only Ava can do Tuesday; Wednesday
    # wants two, so it needs both Ava and Ben.
    shifts = [day_shift("mon", 0), day_shift("tue", 1), day_shift("wed", 2, wanted=2),
              day_shift("thu", 3)]  # fmt: skip
    people = [
        person("ava", "mon", "tue", "wed"),
        person("ben", "wed", "thu"),
        person("cleo", "mon"),
    ]
    solution = solve(shifts, people, Rules(max_shifts_a_week=2))
    assert solution.status == "optimal"
    assert solution.assignments == {
        "mon": ["cleo"], "tue": ["ava"], "wed": ["ava", "ben"], "thu": ["ben"]
    }  # fmt: skip
    assert solution.gaps == []


def test_impossible_month_comes_back_as_gaps_not_a_crash():
    # Nobody can do Tuesday; Wednesday wants three but only two can do it.
    shifts = [day_shift("mon", 0), day_shift("tue", 1), day_shift("wed", 2, wanted=3)]
    people = [person("ava", "mon", "wed"), person("ben", "wed")]
    solution = solve(shifts, people, Rules(max_shifts_a_week=5))
    assert solution.status == "optimal"
    assert {(g.shift, g.wanted, g.filled, g.missing) for g in solution.gaps} == {
        ("tue", 1, 0, 1),
        ("wed", 3, 2, 1),
    }
    assert solution.assignments["mon"] == ["ava"]


def test_no_supporters_at_all_is_all_gaps():
    shifts = [night("n1", 0, wanted=8)]
    solution = solve(shifts, [], Rules())
    assert solution.assignments == {"n1": []}
    assert [(g.shift, g.missing) for g in solution.gaps] == [("n1", 8)]


def test_nobody_is_on_two_overlapping_shifts():
    shifts = [ShiftSlot("a", at(0, 8), at(0, 14), 1), ShiftSlot("b", at(0, 12), at(0, 20), 1)]
    solution = solve(shifts, [person("ava", "a", "b")], Rules(rest_hours=0))
    assert sum(len(v) for v in solution.assignments.values()) == 1
    assert len(solution.gaps) == 1


def test_rest_after_a_night():
    # The night ends Tuesday 08:00; a shift at 18:00 Tuesday is 10 hours later.
    shifts = [night("night", 0), ShiftSlot("evening", at(1, 18), at(1, 22), 1)]
    only_ava = [person("ava", "night", "evening")]
    rested = solve(shifts, only_ava, Rules(rest_hours=11))
    assert sum(len(v) for v in rested.assignments.values()) == 1
    assert solve(shifts, only_ava, Rules(rest_hours=10)).gaps == []  # 10 hours is enough rest


def test_rest_does_not_follow_a_day_shift():
    shifts = [
        ShiftSlot("day", at(0, 8), at(0, 16), 1),
        ShiftSlot("evening", at(0, 17), at(0, 22), 1),
    ]
    assert solve(shifts, [person("ava", "day", "evening")], Rules(rest_hours=11)).gaps == []


def test_clashes_is_symmetric():
    first, second = night("n", 0), ShiftSlot("later", at(1, 12), at(1, 16), 1)
    rest = dt.timedelta(hours=11)
    assert clashes(first, second, rest) and clashes(second, first, rest)


def test_at_most_n_shifts_a_week():
    shifts = [day_shift(f"d{i}", i) for i in range(5)]
    solution = solve(shifts, [person("ava", *(s.key for s in shifts))], Rules(max_shifts_a_week=3))
    assert solution.counts == {"ava": 3}
    assert len(solution.gaps) == 2


def test_weeks_are_iso_weeks_of_the_local_start():
    # Sunday and the next Monday are in different weeks: one shift a week allows both.
    shifts = [day_shift("sun", 6), day_shift("mon", 7)]
    solution = solve(shifts, [person("ava", "sun", "mon")], Rules(max_shifts_a_week=1))
    assert solution.gaps == []


def test_nights_are_spread_fairly():
    # Four nights two days apart (so rest never bites), one supporter each: either could take
    # all four, but fairness gives two each.
    shifts = [night(f"n{i}", 2 * i) for i in range(4)]
    keys = [s.key for s in shifts]
    solution = solve(
        shifts, [person("ava", *keys), person("ben", *keys)], Rules(max_shifts_a_week=7)
    )
    assert solution.gaps == []
    assert solution.counts == {"ava": 2, "ben": 2}
    assert solution.night_spread == 0


def test_weekends_are_spread_fairly_even_when_total_load_is_equal():
    # Ava and Ben each do two shifts; two are weekend days. Fairness gives one weekend each
    # rather than both to one person.
    shifts = [day_shift("mon", 0), day_shift("tue", 1),
              ShiftSlot("sat", at(5, 8), at(5, 18), 1, weekend=True),
              ShiftSlot("sun", at(6, 8), at(6, 18), 1, weekend=True)]  # fmt: skip
    keys = [s.key for s in shifts]
    solution = solve(
        shifts, [person("ava", *keys), person("ben", *keys)], Rules(max_shifts_a_week=2)
    )
    weekend_of = {
        p: sum(p in solution.assignments[k] for k in ("sat", "sun")) for p in ("ava", "ben")
    }
    assert weekend_of == {"ava": 1, "ben": 1}
    assert solution.weekend_spread == 0


def test_coverage_comes_before_fairness():
    # Only Ava can do the nights; filling them beats spreading them.
    shifts = [night("n0", 0), night("n2", 2)]
    solution = solve(shifts, [person("ava", "n0", "n2"), person("ben")], Rules(max_shifts_a_week=7))
    assert solution.gaps == []
    assert solution.counts == {"ava": 2}


def test_places_fixed_by_hand_stay_and_count_against_the_week():
    shifts = [day_shift("mon", 0), day_shift("tue", 1)]
    # Ben was put on Monday by hand though he did not say he could; with one shift a week he
    # cannot also do Tuesday, so Ava does.
    solution = solve(
        shifts, [person("ava", "tue"), person("ben", "tue")], Rules(max_shifts_a_week=1),
        fixed=[("mon", "ben")],
    )  # fmt: skip
    assert solution.assignments == {"mon": ["ben"], "tue": ["ava"]}


def test_a_time_limit_is_respected():
    shifts = [night(f"n{i}", i, wanted=8) for i in range(28)]
    people = [person(f"p{j}", *(s.key for s in shifts)) for j in range(40)]
    solution = solve(shifts, people, Rules(time_limit_seconds=2.0))
    assert solution.status in {"optimal", "feasible"}
    assert solution.seconds < 10
