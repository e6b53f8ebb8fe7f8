"""A tiny line of weekly values for the dashboard's cards: drawn on the server, hidden
from screen readers (the values are given as text beside it)."""

WIDTH, HEIGHT, PAD = 120, 28, 3


def sparkline(values: list[int]) -> dict:
    top = max(values, default=0) or 1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    coords = [
        (round(PAD + i * step, 1), round(HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD), 1))
        for i, v in enumerate(values)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "points": " ".join(f"{x},{y}" for x, y in coords),
        "last": coords[-1] if coords else None,
        "values": values,
    }
