"""Small-number suppression for everything that leaves the server (issue 19, item 6; ADR-121).

Rules:

1. A count of 1 to 7 is published as ``"*"`` (primary suppression). 0 is published as 0.
2. Every other count is rounded to the nearest 5 (8 -> 10, 12 -> 10, 13 -> 15), so no published
   count is exact and none is 1 to 7.
3. A mean, median or other statistic of fewer than 8 people is published as ``"*"``; the number
   of people behind it is published as a count under rules 1 and 2.
4. A share (a percentage) is published as ``"*"`` when its numerator, its denominator or their
   difference is 1 to 7, and otherwise is worked out from the rounded counts, so it cannot give
   back the exact count.
5. Totals are the rounded true totals (never sums of rounded cells), and no suppressed cell can
   be worked out from them: in a table with totals, any row or column (with its total) that has
   exactly one suppressed figure gets another one (secondary suppression: the smallest non-zero
   figure left in that line), and then every suppressed figure is audited. The audit works out,
   as someone holding only the published table could, the smallest and largest value each
   suppressed figure can take given every published figure (each rounded figure anywhere within
   its rounding, each primary-suppressed one 1 to 7, each secondary one 8 or more). If that range
   spans fewer than 5 whole numbers (that is, the figure could be pinned down more closely than
   rounding would), another figure in its row or column is suppressed and the audit runs again.

The audit uses linear programming (``scipy.optimize.linprog``); the constraint matrix of a table
with row, column and grand totals is totally unimodular, so the bounds it finds are the exact
whole-number bounds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

__all__ = [
    "MIN_PEOPLE_FOR_STATISTIC",
    "MIN_RANGE",
    "ROUND_TO",
    "SMALL_MAX",
    "SUPPRESSED",
    "Cell",
    "PublishedTable",
    "feasible_ranges",
    "publish_count",
    "publish_counts",
    "publish_share",
    "publish_statistic",
    "publish_table",
    "round_to_5",
]

SUPPRESSED = "*"
#: Counts from 1 to this are suppressed.
SMALL_MAX = 7
#: Other counts are rounded to a multiple of this.
ROUND_TO = 5
#: A mean or median needs at least this many people.
MIN_PEOPLE_FOR_STATISTIC = 8
#: A suppressed figure's possible values must span at least this much (5 whole numbers).
MIN_RANGE = 4

Published = int | str


def _check_count(count: int) -> None:
    if isinstance(count, bool) or not isinstance(count, int | np.integer):
        raise ValueError(f"A count must be a whole number, not {count!r}")
    if count < 0:
        raise ValueError(f"A count cannot be negative ({count})")


def round_to_5(count: int) -> int:
    """Round a whole number to the nearest multiple of 5 (no ties are possible)."""
    _check_count(count)
    return ROUND_TO * ((int(count) + ROUND_TO // 2) // ROUND_TO)


def publish_count(count: int) -> Published:
    """0 -> 0; 1 to 7 -> "*"; otherwise rounded to the nearest 5."""
    _check_count(count)
    if 1 <= count <= SMALL_MAX:
        return SUPPRESSED
    return round_to_5(count)


def publish_statistic(value: float | None, people: int, places: int = 1) -> float | str | None:
    """A mean, median or percentile of ``people`` people: "*" below 8 people, else rounded."""
    _check_count(people)
    if people < MIN_PEOPLE_FOR_STATISTIC:
        return SUPPRESSED
    if value is None:
        return None
    if not math.isfinite(value):
        raise ValueError("A statistic must be a number")
    return round(float(value), places)


def publish_share(numerator: int, denominator: int) -> int | str | None:
    """A whole-number percentage safe to publish (rule 4), or None when the denominator is 0."""
    _check_count(numerator)
    _check_count(denominator)
    if numerator > denominator:
        raise ValueError("A share's numerator cannot be larger than its denominator")
    if denominator == 0:
        return None
    if any(1 <= n <= SMALL_MAX for n in (numerator, denominator, denominator - numerator)):
        return SUPPRESSED
    top, bottom = round_to_5(numerator), round_to_5(denominator)
    return min(100, math.floor(100 * top / bottom + 0.5))


@dataclass(frozen=True)
class Cell:
    """One published figure: ``value`` is what is shown (a multiple of 5, 0 or "*").

    ``reason`` says why a figure is suppressed: ``"small"`` (a count of 1 to 7) or
    ``"secondary"`` (hidden so that another cannot be worked out). It is for the server's own
    use (tests, audit); publish only ``value``.
    """

    value: Published
    reason: str | None = None

    @property
    def suppressed(self) -> bool:
        return self.value == SUPPRESSED


@dataclass(frozen=True)
class PublishedTable:
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...] | None
    column_totals: tuple[Cell, ...] | None
    grand_total: Cell | None

    def as_rows(self, total_label: str = "Total") -> list[list[str]]:
        """The table as text rows (a header first), as it goes into a CSV file or an HTML table."""
        header = ["", *self.columns]
        if self.row_totals is not None:
            header.append(total_label)
        out = [header]
        for index, label in enumerate(self.rows):
            line = [label, *(str(cell.value) for cell in self.cells[index])]
            if self.row_totals is not None:
                line.append(str(self.row_totals[index].value))
            out.append(line)
        if self.column_totals is not None:
            line = [total_label, *(str(cell.value) for cell in self.column_totals)]
            if self.row_totals is not None and self.grand_total is not None:
                line.append(str(self.grand_total.value))
            out.append(line)
        return out

    def published_values(self) -> list[Published]:
        """Every figure shown, totals included."""
        values = [cell.value for row in self.cells for cell in row]
        for extra in (self.row_totals or ()), (self.column_totals or ()):
            values.extend(cell.value for cell in extra)
        if self.grand_total is not None:
            values.append(self.grand_total.value)
        return values


# A figure's position: ("cell", i, j), ("row", i, -1), ("column", -1, j) or ("grand", -1, -1).
Key = tuple[str, int, int]


def _row_line(r: int, shape: tuple[int, int], row_totals: bool) -> list[Key]:
    line: list[Key] = [("cell", r, c) for c in range(shape[1])]
    return [*line, ("row", r, -1)] if row_totals else line


def _column_line(c: int, shape: tuple[int, int], column_totals: bool) -> list[Key]:
    line: list[Key] = [("cell", r, c) for r in range(shape[0])]
    return [*line, ("column", -1, c)] if column_totals else line


def _totals_row(shape: tuple[int, int]) -> list[Key]:
    return [*(("column", -1, c) for c in range(shape[1])), ("grand", -1, -1)]


def _totals_column(shape: tuple[int, int]) -> list[Key]:
    return [*(("row", r, -1) for r in range(shape[0])), ("grand", -1, -1)]


def _lines(
    key: Key, shape: tuple[int, int], row_totals: bool, column_totals: bool
) -> list[list[Key]]:
    """The lines that add up to a published total (a row with its total, a column with its
    total, the totals with the grand total) that a figure belongs to."""
    kind, i, j = key
    lines: list[list[Key]] = []
    if kind == "cell":
        if row_totals:
            lines.append(_row_line(i, shape, True))
        if column_totals:
            lines.append(_column_line(j, shape, True))
    elif kind == "row":
        lines.append(_row_line(i, shape, True))
        if column_totals:
            lines.append(_totals_column(shape))
    elif kind == "column":
        lines.append(_column_line(j, shape, True))
        if row_totals:
            lines.append(_totals_row(shape))
    else:
        lines.extend([_totals_row(shape), _totals_column(shape)])
    return lines


def _all_lines(shape: tuple[int, int], row_totals: bool, column_totals: bool) -> list[list[Key]]:
    lines: list[list[Key]] = []
    if row_totals:
        lines.extend(_row_line(r, shape, True) for r in range(shape[0]))
    if column_totals:
        lines.extend(_column_line(c, shape, True) for c in range(shape[1]))
    if row_totals and column_totals:
        lines.extend([_totals_row(shape), _totals_column(shape)])
    return lines


def _coefficients(key: Key, shape: tuple[int, int]) -> np.ndarray:
    n_rows, n_columns = shape
    grid = np.zeros(shape)
    kind, i, j = key
    if kind == "cell":
        grid[i, j] = 1
    elif kind == "row":
        grid[i, :] = 1
    elif kind == "column":
        grid[:, j] = 1
    else:
        grid[:, :] = 1
    return grid.reshape(n_rows * n_columns)


def _bounds(value: Published, reason: str | None) -> tuple[float, float | None]:
    """What someone holding only the published table knows about a figure (generously: they are
    told which suppressed figures are small and which are secondary)."""
    if value == SUPPRESSED:
        return (1, SMALL_MAX) if reason == "small" else (SMALL_MAX + 1, None)
    assert isinstance(value, int)
    if value == 0:
        return (0, 0)
    return (max(SMALL_MAX + 1, value - ROUND_TO // 2), value + ROUND_TO // 2)


def feasible_ranges(
    figures: Mapping[Key, Cell], shape: tuple[int, int]
) -> dict[Key, tuple[float, float]]:
    """For each suppressed figure, the smallest and largest value consistent with everything
    published (``inf`` when unbounded)."""
    n = shape[0] * shape[1]
    a_ub: list[np.ndarray] = []
    b_ub: list[float] = []
    for key, cell in figures.items():
        low, high = _bounds(cell.value, cell.reason)
        coefficients = _coefficients(key, shape)
        a_ub.append(-coefficients)
        b_ub.append(-low)
        if high is not None:
            a_ub.append(coefficients)
            b_ub.append(high)
    ranges: dict[Key, tuple[float, float]] = {}
    for key, cell in figures.items():
        if not cell.suppressed:
            continue
        objective = _coefficients(key, shape)
        ends = []
        for sign in (1, -1):
            result = linprog(
                sign * objective,
                A_ub=np.array(a_ub),
                b_ub=np.array(b_ub),
                bounds=[(0, None)] * n,
                method="highs",
            )
            if result.status == 3:  # unbounded
                ends.append(math.inf)
            elif result.status != 0:
                raise RuntimeError(f"The suppression audit could not be solved: {result.message}")
            else:
                ends.append(sign * result.fun)
        ranges[key] = (round(ends[0], 6), round(ends[1], 6) if math.isfinite(ends[1]) else math.inf)
    return ranges


def publish_table(
    counts: Sequence[Sequence[int]],
    rows: Sequence[str],
    columns: Sequence[str],
    row_totals: bool = True,
    column_totals: bool = True,
) -> PublishedTable:
    """Publish a table of counts with (optionally) row, column and grand totals."""
    n_rows, n_columns = len(rows), len(columns)
    if n_rows == 0 or n_columns == 0:
        raise ValueError("A table needs at least one row and one column")
    if len(counts) != n_rows or any(len(row) != n_columns for row in counts):
        raise ValueError(f"The counts must be {n_rows} rows of {n_columns}")
    for row in counts:
        for count in row:
            _check_count(count)
    grid = np.array(counts, dtype=np.int64).reshape(n_rows, n_columns)
    shape = (n_rows, n_columns)

    true: dict[Key, int] = {
        ("cell", i, j): int(grid[i, j]) for i in range(n_rows) for j in range(n_columns)
    }
    if row_totals:
        true.update({("row", i, -1): int(grid[i, :].sum()) for i in range(n_rows)})
    if column_totals:
        true.update({("column", -1, j): int(grid[:, j].sum()) for j in range(n_columns)})
    if row_totals and column_totals:
        true[("grand", -1, -1)] = int(grid.sum())

    figures: dict[Key, Cell] = {}
    for key, count in true.items():
        value = publish_count(count)
        figures[key] = Cell(value, "small" if value == SUPPRESSED else None)

    def suppress_one_more(line: Sequence[Key]) -> bool:
        """Suppress the smallest non-zero published figure in the line, cells before totals."""
        candidates = [key for key in line if not figures[key].suppressed and true[key] > 0]
        if not candidates:
            return False
        chosen = min(candidates, key=lambda key: (key[0] != "cell", true[key], key))
        figures[chosen] = Cell(SUPPRESSED, "secondary")
        return True

    lines = _all_lines(shape, row_totals, column_totals)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(figures[key].suppressed for key in line) == 1 and suppress_one_more(line):
                changed = True
        if changed:
            continue
        for key, (low, high) in feasible_ranges(figures, shape).items():
            if high - low >= MIN_RANGE:
                continue
            for line in _lines(key, shape, row_totals, column_totals) or [list(true)]:
                if suppress_one_more(line):
                    changed = True
                    break
            else:
                changed = suppress_one_more(list(true))
            if changed:
                break

    return PublishedTable(
        rows=tuple(rows),
        columns=tuple(columns),
        cells=tuple(
            tuple(figures[("cell", i, j)] for j in range(n_columns)) for i in range(n_rows)
        ),
        row_totals=tuple(figures[("row", i, -1)] for i in range(n_rows)) if row_totals else None,
        column_totals=(
            tuple(figures[("column", -1, j)] for j in range(n_columns)) if column_totals else None
        ),
        grand_total=figures[("grand", -1, -1)] if row_totals and column_totals else None,
    )


def publish_counts(
    counts: Mapping[str, int], label: str = "Count", total: bool = True
) -> PublishedTable:
    """Publish a one-way breakdown (for example referrals by source) with its total.

    The categories are the table's columns and the total is the row total.
    """
    return publish_table(
        [list(counts.values())], [label], list(counts), row_totals=total, column_totals=False
    )
