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

from typing import NamedTuple

# The one place the threshold lives: cells counting fewer people than this are hidden.
MIN_CELL = 5

SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"


class Cell(NamedTuple):
    """A count as the report may show it: `value` is None unless `state` is SHOWN.
    A tuple: the report builds thousands, and a frozen dataclass costs three times
    as much to make."""

    value: int | None
    state: str = SHOWN

    @property
    def is_suppressed(self) -> bool:
        return self.state != SHOWN


# Cell(value) without the call to the named tuple's __new__ written in Python: a
# table over hundreds of communities makes thousands.
_shown = tuple.__new__


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
    grid.append([sum(column) for column in zip(*grid, strict=True)] if grid else [0] * (width + 1))
    # Totals nobody sees are unknowns to the reader, but not suppressed counts.
    total_column_unseen, total_row_unseen = not row_totals, not column_totals

    def unseen(r: int, c: int) -> bool:
        return (c == width and total_column_unseen) or (r == height and total_row_unseen)

    # The suppressed entries, as a set: a report over hundreds of communities has
    # thousands of cells and few of them small, so everything below walks the lines
    # that hold an unknown, never the whole grid again.
    hidden = {
        (r, c)
        for r, line in enumerate(grid)
        for c, value in enumerate(line)
        if 0 < value < MIN_CELL  # _is_small, inline: this walks every cell
    }
    # How many unknown entries (suppressed, or a total nobody sees) each row and
    # column holds, kept up to date as cells are hidden.
    unknown_in_row = [int(total_column_unseen)] * height + [
        width + 1 if total_row_unseen else int(total_column_unseen)
    ]
    unknown_in_column = [int(total_row_unseen)] * width + [
        height + 1 if total_column_unseen else int(total_row_unseen)
    ]
    for r, c in hidden:
        if not unseen(r, c):
            unknown_in_row[r] += 1
            unknown_in_column[c] += 1

    def protect(line, is_row: bool) -> bool:
        """Hide a second entry of a line holding exactly one (the line's cells are
        all seen). Whether one was hidden."""
        # Prefer what cascades least (hiding an entry whose crossing line already
        # holds an unknown leaves that line with two), then a cell to a total (totals
        # are what a reader looks for), then the smallest.
        candidates = [
            (
                (unknown_in_column[c] if is_row else unknown_in_row[r]) == 0,
                r == height or c == width,
                grid[r][c],
                r,
                c,
            )
            for r, c in line
            if grid[r][c] and (r, c) not in hidden
        ]
        if not candidates:
            return False
        *_order, r, c = min(candidates)
        hidden.add((r, c))
        unknown_in_row[r] += 1
        unknown_in_column[c] += 1
        return True

    # A line holding a total nobody sees protects itself: only the others, whose
    # unknowns are all suppressed entries, can give one back.
    open_rows = [] if total_column_unseen else [*range(height), *([height] * column_totals)]
    open_columns = [] if total_row_unseen else [*range(width), *([width] * row_totals)]
    changed = True
    while changed:
        changed = False
        for r in open_rows:
            if unknown_in_row[r] == 1:
                changed |= protect([(r, c) for c in range(width + 1)], is_row=True)
        for c in open_columns:
            if unknown_in_column[c] == 1:
                changed |= protect([(r, c) for r in range(height + 1)], is_row=False)

    # Built shown, then the hidden entries replaced: a comprehension without a call
    # per cell (the levels table has thousands).
    table = [[_shown(Cell, (value, SHOWN)) for value in line] for line in grid]
    for r, c in hidden:
        table[r][c] = Cell(None, SMALL if _is_small(grid[r][c]) else HIDDEN)
    cells = [line[:width] for line in table[:height]]
    totals_by_row = [line[width] for line in table[:height]]
    return cells, totals_by_row, table[height][:width], table[height][width]


def suppress_count(count: int) -> Cell:
    """One count of people standing alone (rule 1 only)."""
    return Cell(None, SMALL) if _is_small(count) else Cell(count)


def suppress_series(values: list[int]) -> tuple[list[Cell], Cell]:
    """A one-line table with its total shown (e.g. members joined per month)."""
    cells, _rows, _columns, total = suppress_table([values], column_totals=False)
    return (cells[0] if cells else []), total
