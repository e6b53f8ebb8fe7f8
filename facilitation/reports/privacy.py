"""Small-number suppression for every table of the leader report that counts people.

The rule (docs/facilitation.md, "The leader report"):

1. Primary: a count of people between 1 and MIN_CELL - 1 is not shown; the cell
   reads "fewer than 5". Zero is shown: it names no one.
2. Secondary: a table's rows and columns add up to totals that are shown (a
   community's member count, the "all communities" row). If such a line (totals
   included) holds exactly one suppressed entry, subtraction would give it back, so
   the smallest other non-zero cell of that line is hidden too ("not shown"), or its
   total when it has no other non-zero cell. This repeats until no line has exactly
   one suppressed entry.
3. Totals are true totals (never sums of the shown cells), suppressed by rules 1
   and 2 like any other entry.

Counts of things (threads, items, meetings, hours) are not suppressed.
"""

from dataclasses import dataclass

# The one place the threshold lives: cells counting fewer people than this are hidden.
MIN_CELL = 5

SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"


@dataclass(frozen=True)
class Cell:
    """A count as the report may show it: `value` is None unless `state` is SHOWN."""

    value: int | None
    state: str = SHOWN

    @property
    def is_suppressed(self) -> bool:
        return self.state != SHOWN


def _is_small(count: int) -> bool:
    return 0 < count < MIN_CELL


def suppress_table(
    rows: list[list[int]],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> tuple[list[list[Cell]], list[Cell], list[Cell], Cell]:
    """Apply the rule to a table of people counts.

    Returns (cells, row totals, column totals, grand total). `row_totals` and
    `column_totals` say whether those totals are shown (the grand total is shown when
    both are); the caller displays only those.

    The table is taken with its totals as one grid: every row and every column of it
    is a sum. A line in which exactly one entry is suppressed would give that entry
    back by subtraction, so another entry of the line is hidden too: its smallest
    non-zero cell, or its total if it has no other non-zero cell. Totals that are not
    shown are unknowns already, so a line holding one protects itself.
    """
    height = len(rows)
    width = len(rows[0]) if rows else 0
    # The grid with its totals: row `height` holds the column totals, column `width`
    # the row totals, and [height][width] the grand total.
    grid = [[*row, sum(row)] for row in rows]
    grid.append([sum(grid[r][c] for r in range(height)) for c in range(width + 1)])
    shown_total_column, shown_total_row = row_totals, column_totals
    hidden = [[_is_small(value) for value in line] for line in grid]
    # Totals nobody sees: unknown to the reader, but not suppressed counts.
    unseen = [[False] * (width + 1) for _line in grid]
    for r in range(height + 1):
        unseen[r][width] = not shown_total_column or (r == height and not shown_total_row)
    for c in range(width + 1):
        unseen[height][c] = unseen[height][c] or not shown_total_row

    # How many unknown entries (suppressed, or a total nobody sees) each row and
    # column holds, kept up to date as cells are hidden: the checks below then cost
    # nothing per entry, and the whole rule is linear in the table's size (a report
    # over hundreds of communities has hundreds of rows).
    unknown_in_row = [
        sum(hidden[r][c] or unseen[r][c] for c in range(width + 1)) for r in range(height + 1)
    ]
    unknown_in_column = [
        sum(hidden[r][c] or unseen[r][c] for r in range(height + 1)) for c in range(width + 1)
    ]
    lines = [(True, r, [(r, c) for c in range(width + 1)]) for r in range(height + 1)]
    lines += [(False, c, [(r, c) for r in range(height + 1)]) for c in range(width + 1)]
    changed = True
    while changed:
        changed = False
        for is_row, index, line in lines:
            if (unknown_in_row if is_row else unknown_in_column)[index] != 1:
                continue
            r, c = next((r, c) for r, c in line if hidden[r][c] or unseen[r][c])
            if unseen[r][c]:
                continue

            # Hiding an entry whose crossing line already has an unknown leaves that
            # line with two: no new line to protect, so no cascade.
            def crossing_is_safe(r, c, is_row=is_row):
                return (unknown_in_column[c] if is_row else unknown_in_row[r]) > 0

            # Prefer what cascades least, then a cell to a total (totals are what a
            # reader looks for), then the smallest.
            candidates = sorted(
                (not crossing_is_safe(r, c), (r == height or c == width), grid[r][c], r, c)
                for r, c in line
                if not hidden[r][c] and not unseen[r][c] and grid[r][c]
            )
            if candidates:
                *_order, r, c = candidates[0]
                hidden[r][c] = True
                unknown_in_row[r] += 1
                unknown_in_column[c] += 1
                changed = True

    def cell(r: int, c: int) -> Cell:
        value = grid[r][c]
        if not hidden[r][c]:
            return Cell(value)
        return Cell(None, SMALL if _is_small(value) else HIDDEN)

    cells = [[cell(r, c) for c in range(width)] for r in range(height)]
    totals_by_row = [cell(r, width) for r in range(height)]
    totals_by_column = [cell(height, c) for c in range(width)]
    return cells, totals_by_row, totals_by_column, cell(height, width)


def suppress_count(count: int) -> Cell:
    """One count of people standing alone (rule 1 only)."""
    return Cell(None, SMALL) if _is_small(count) else Cell(count)


def suppress_series(values: list[int]) -> tuple[list[Cell], Cell]:
    """A one-line table with its total shown (e.g. members joined per month)."""
    cells, _rows, _columns, total = suppress_table([values], column_totals=False)
    return (cells[0] if cells else []), total
