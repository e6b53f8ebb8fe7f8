"""Small-count suppression: no count of 1 to 4 people is shown, and none can be
recovered by subtracting shown cells from a shown total."""

import random

from facilitation.reports.privacy import (
    HIDDEN,
    MIN_CELL,
    SMALL,
    Cell,
    suppress_count,
    suppress_series,
    suppress_table,
)


def test_the_threshold_is_five():
    assert MIN_CELL == 5


def test_counts_of_one_to_four_people_are_suppressed_and_zero_is_shown():
    assert suppress_count(0) == Cell(0)
    assert suppress_count(4) == Cell(None, SMALL)
    assert suppress_count(5) == Cell(5)


def test_one_small_cell_in_a_row_with_a_total_takes_the_next_smallest_with_it():
    cells, totals, _columns, _grand = suppress_table([[3, 20, 40]], column_totals=False)
    assert cells[0] == [Cell(None, SMALL), Cell(None, HIDDEN), Cell(40)]
    assert totals == [Cell(63)]


def test_a_column_total_that_would_give_back_the_only_hidden_cell_is_hidden():
    # One community (7 members: 2 core, 5 peripheral) and an empty pool row.
    cells, members, by_level, everyone = suppress_table([[2, 0, 5], [0, 0, 0]])
    assert cells[0] == [Cell(None, SMALL), Cell(0), Cell(None, HIDDEN)]
    assert members[0] == Cell(7)
    assert by_level[0].is_suppressed and by_level[2].is_suppressed
    assert everyone == Cell(7)


def test_a_series_hides_a_second_month_when_one_is_small():
    cells, total = suppress_series([0, 2, 9, 12])
    assert [c.state for c in cells] == ["shown", SMALL, HIDDEN, "shown"]
    assert total == Cell(23)


def _unknown_alone(values, cells, row_totals, column_totals):
    """Lines (with their shown totals) holding exactly one suppressed entry."""
    cells_, by_row, by_column, grand = cells
    height, width = len(values), len(values[0])
    grid = [[*cells_[r], by_row[r] if row_totals else None] for r in range(height)]
    grid.append([*by_column, grand if row_totals and column_totals else None])
    if not column_totals:
        grid[-1] = [None] * (width + 1)
    lines = [grid[r] for r in range(height + 1)]
    lines += [[grid[r][c] for r in range(height + 1)] for c in range(width + 1)]
    found = []
    for line in lines:
        unknowns = [c for c in line if c is None or c.is_suppressed]
        suppressed = [c for c in line if c is not None and c.is_suppressed]
        if len(unknowns) == 1 and suppressed:
            found.append(line)
    return found


def test_no_suppressed_count_can_be_back_computed_on_random_tables():
    rng = random.Random(6)  # noqa: S311 - repeatable test data
    for _round in range(400):
        height, width = rng.randint(1, 6), rng.randint(1, 5)
        values = [
            [rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 20]) for _c in range(width)]
            for _r in range(height)
        ]
        row_totals, column_totals = rng.choice([True, False]), rng.choice([True, False])
        result = suppress_table(values, row_totals=row_totals, column_totals=column_totals)
        for r in range(height):
            for c in range(width):
                cell = result[0][r][c]
                assert cell.value in (None, values[r][c])
                if 0 < values[r][c] < MIN_CELL:
                    assert cell.is_suppressed
        assert _unknown_alone(values, result, row_totals, column_totals) == []
