"""Small-number suppression: worked examples and hypothesis properties.

The recoverability property is checked with integer programming (scipy.optimize.milp), formulated
independently of the module's own linear-programming audit: over every whole-number table
consistent with what was published, each suppressed figure must be able to take at least 5
different values (it cannot be pinned down more closely than rounding would).
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from kindred.outcomes.suppression import (
    SUPPRESSED,
    Cell,
    PublishedTable,
    publish_count,
    publish_counts,
    publish_share,
    publish_statistic,
    publish_table,
    round_to_5,
)


@pytest.mark.parametrize(
    ("count", "published"),
    [
        (0, 0),
        (1, "*"),
        (5, "*"),
        (7, "*"),
        (8, 10),
        (10, 10),
        (12, 10),
        (13, 15),
        (17, 15),
        (18, 20),
        (1234, 1235),
    ],
)
def test_publish_count(count, published):
    assert publish_count(count) == published


def test_bad_counts_are_refused():
    for bad in (-1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="count"):
            publish_count(bad)  # type: ignore[arg-type]


@given(st.integers(0, 100_000))
def test_no_published_count_is_one_to_seven_and_every_count_is_a_multiple_of_five(count):
    published = publish_count(count)
    if published == SUPPRESSED:
        assert 1 <= count <= 7
    else:
        assert isinstance(published, int)
        assert published % 5 == 0
        assert not 1 <= published <= 7
        assert abs(published - count) <= 2
        assert round_to_5(count) == published


def test_statistics_of_fewer_than_eight_people_are_suppressed():
    assert publish_statistic(21.537, 7) == SUPPRESSED
    assert publish_statistic(21.537, 8) == 21.5
    assert publish_statistic(21.537, 8, places=2) == 21.54
    assert publish_statistic(None, 10) is None
    with pytest.raises(ValueError, match="must be a number"):
        publish_statistic(float("nan"), 10)


def test_shares_hide_small_numerators_denominators_and_complements():
    assert publish_share(3, 100) == SUPPRESSED  # 3 people
    assert publish_share(95, 100) == SUPPRESSED  # 5 people did not
    assert publish_share(40, 45) == SUPPRESSED  # complement 5
    assert publish_share(8, 100) == 10  # from the rounded counts 10/100, not 8%
    assert publish_share(50, 100) == 50
    assert publish_share(0, 20) == 0
    assert publish_share(0, 0) is None
    assert publish_share(4, 6) == SUPPRESSED
    with pytest.raises(ValueError, match="larger than"):
        publish_share(5, 4)


def test_one_way_table_gets_a_second_suppression_so_the_total_gives_nothing_away():
    table = publish_counts({"GP": 3, "Self": 40, "Social prescriber": 12, "Other": 0})
    assert table.as_rows() == [
        ["", "GP", "Self", "Social prescriber", "Other", "Total"],
        ["Count", "*", "40", "*", "0", "55"],
    ]
    gp, _, prescriber, _ = table.cells[0]
    assert (gp.reason, prescriber.reason) == ("small", "secondary")


def test_a_total_that_would_pin_a_cell_is_itself_suppressed():
    # 3 and 9 (rounded 10) with total 12 (rounded 10): someone could tell the 3 is 1 to 4.
    table = publish_counts({"a": 3, "b": 9, "c": 0})
    assert table.as_rows()[1] == ["Count", "*", "*", "0", "*"]


def test_two_way_table_with_totals():
    table = publish_table([[3, 20], [20, 3]], ["North", "South"], ["Befriending", "Groups"])
    assert table.as_rows() == [
        ["", "Befriending", "Groups", "Total"],
        ["North", "*", "*", "25"],
        ["South", "*", "*", "25"],
        ["Total", "25", "25", "45"],
    ]


def test_a_table_without_small_numbers_is_only_rounded():
    table = publish_table([[50, 61], [33, 40]], ["a", "b"], ["x", "y"])
    assert table.as_rows()[1:] == [
        ["a", "50", "60", "110"],
        ["b", "35", "40", "75"],
        ["Total", "85", "100", "185"],
    ]


def test_bad_tables_are_refused():
    with pytest.raises(ValueError, match="2 rows of 2"):
        publish_table([[1, 2]], ["a", "b"], ["x", "y"])
    with pytest.raises(ValueError, match="at least one row"):
        publish_table([], [], ["x"])
    with pytest.raises(ValueError, match="negative"):
        publish_table([[-1]], ["a"], ["x"])


# --- Properties ----------------------------------------------------------------------------

counts = st.one_of(st.integers(0, 9), st.integers(0, 15))


@st.composite
def tables(draw, max_rows=3, max_columns=3):
    n_rows = draw(st.integers(1, max_rows))
    n_columns = draw(st.integers(1, max_columns))
    grid = [[draw(counts) for _ in range(n_columns)] for _ in range(n_rows)]
    row_totals = draw(st.booleans())
    column_totals = draw(st.booleans()) if n_rows > 1 else False
    return grid, row_totals, column_totals


def publish(grid, row_totals, column_totals):
    return publish_table(
        grid,
        [f"r{i}" for i in range(len(grid))],
        [f"c{j}" for j in range(len(grid[0]))],
        row_totals=row_totals,
        column_totals=column_totals,
    )


@settings(max_examples=80, deadline=None)
@given(tables(max_rows=4, max_columns=4))
def test_every_published_figure_is_suppressed_or_a_multiple_of_five(table):
    grid, row_totals, column_totals = table
    published = publish(grid, row_totals, column_totals)
    for value in published.published_values():
        assert value == SUPPRESSED or (value % 5 == 0 and not 1 <= value <= 7)
    # Unsuppressed figures are the rounded true figures (totals are not sums of rounded cells).
    for i, row in enumerate(grid):
        for j, count in enumerate(row):
            cell = published.cells[i][j]
            assert cell.suppressed or cell.value == round_to_5(count)
            if 1 <= count <= 7:
                assert cell.suppressed
        if row_totals:
            total = published.row_totals[i]
            assert total.suppressed or total.value == round_to_5(sum(row))
    if column_totals:
        for j in range(len(grid[0])):
            total = published.column_totals[j]
            assert total.suppressed or total.value == round_to_5(sum(row[j] for row in grid))


def attacker_bounds(value, true_count):
    """What someone holding the published table knows about one figure (they are even told which
    suppressed figures are small): whole numbers from low to high (None: no upper limit)."""
    if value == SUPPRESSED:
        return (1, 7) if true_count <= 7 else (8, None)
    if value == 0:
        return (0, 0)
    return (max(8, value - 2), value + 2)


def attacker_range(grid, published, row_totals, column_totals, target):
    """Smallest and largest whole-number value of ``target`` (a 0/1 weight per cell) over every
    table consistent with the published one, by integer programming (scipy.optimize.milp),
    written independently of the module's own audit."""
    n_rows, n_columns = len(grid), len(grid[0])
    size = n_rows * n_columns
    constraints = []

    def add(weights, value, true_count):
        low, high = attacker_bounds(value, true_count)
        constraints.append(
            LinearConstraint(np.array([weights]), low, np.inf if high is None else high)
        )

    def weights_of(cells):
        weights = np.zeros(size)
        for i, j in cells:
            weights[i * n_columns + j] = 1
        return weights

    for i in range(n_rows):
        for j in range(n_columns):
            add(weights_of([(i, j)]), published.cells[i][j].value, grid[i][j])
        if row_totals:
            add(
                weights_of([(i, j) for j in range(n_columns)]),
                published.row_totals[i].value,
                sum(grid[i]),
            )
    if column_totals:
        for j in range(n_columns):
            cells = [(i, j) for i in range(n_rows)]
            add(
                weights_of(cells),
                published.column_totals[j].value,
                sum(grid[i][j] for i in range(n_rows)),
            )
    if row_totals and column_totals:
        every = [(i, j) for i in range(n_rows) for j in range(n_columns)]
        add(weights_of(every), published.grand_total.value, sum(map(sum, grid)))
    objective = weights_of(target)
    ends = []
    for sign in (1, -1):
        result = milp(
            sign * objective,
            constraints=constraints,
            integrality=np.ones(size),
            bounds=Bounds(0, np.inf),
        )
        if result.status == 0:
            ends.append(sign * result.fun)
        else:
            assert sign == -1, result.message  # only the maximum can be unbounded
            ends.append(np.inf)
    return ends


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(max_rows=3, max_columns=3))
def test_no_suppressed_figure_can_be_worked_out_from_the_published_totals(table):
    grid, row_totals, column_totals = table
    published = publish(grid, row_totals, column_totals)
    n_rows, n_columns = len(grid), len(grid[0])
    targets = [
        [(i, j)]
        for i in range(n_rows)
        for j in range(n_columns)
        if published.cells[i][j].suppressed
    ]
    if row_totals:
        targets += [
            [(i, j) for j in range(n_columns)]
            for i in range(n_rows)
            if published.row_totals[i].suppressed
        ]
    if column_totals:
        targets += [
            [(i, j) for i in range(n_rows)]
            for j in range(n_columns)
            if published.column_totals[j].suppressed
        ]
    for target in targets:
        low, high = attacker_range(grid, published, row_totals, column_totals, target)
        true_value = sum(grid[i][j] for i, j in target)
        assert low <= true_value <= high
        # At least 5 possible values: no closer than rounding to the nearest 5 would give.
        assert high - low >= 4, (target, low, high, published.as_rows())


def test_without_secondary_suppression_the_total_would_give_a_cell_away():
    """The check above is not vacuous: rounding alone leaves a small cell recoverable."""
    grid = [[12, 7]]  # published alone: 10, *, total 20 -> the 7 must be 6 or 7
    naive = publish_table(grid, ["a"], ["x", "y"], row_totals=False, column_totals=False)
    assert [cell.value for cell in naive.cells[0]] == [10, SUPPRESSED]
    with_total = PublishedTable(naive.rows, naive.columns, naive.cells, (Cell(20),), None, None)
    low, high = attacker_range(grid, with_total, True, False, [(0, 1)])
    assert (low, high) == (6, 7)
    safe = publish_table(grid, ["a"], ["x", "y"])
    low, high = attacker_range(grid, safe, True, False, [(0, 1)])
    assert high - low >= 4
