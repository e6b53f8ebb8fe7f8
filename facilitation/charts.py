"""Charts drawn on the server as inline SVG: no file from outside the repository,
no script. Each chart is shown with its data as a table (the accessible version and
the one screen readers read); the SVG is `aria-hidden`.

`line_chart` takes time series that share labels; `bar_chart` takes labelled values.
Both return a plain dict for templates/facilitation/charts/*.html.
"""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 16, 16, 40
# Distinguishable for the common colour-vision deficiencies (Okabe-Ito), and each
# series also has its own dash pattern so colour is never the only cue.
DASH = "\N{EN DASH}"  # shown for a missing value
PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#e69f00", "#000000"]
DASHES = ["", "6 4", "2 3", "8 3 2 3", "1 2", "10 4", "4 4"]


@dataclass
class Series:
    name: str
    values: list[float | int | None]
    colour: str = ""
    dash: str = ""
    points: str = ""
    segments: list[str] = field(default_factory=list)
    dots: list[tuple[float, float]] = field(default_factory=list)


def _nice_max(value: float) -> float:
    if value <= 0:
        # An empty chart still gets whole-number ticks (0 to 4), not 0.2, 0.5 ...
        return 4
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    magnitude = 10 ** (len(str(int(value))) - 1)
    return ((int(value) // magnitude) + 1) * magnitude


def _ticks(top: float) -> list[float]:
    return [top * i / 4 for i in range(5)]


def line_chart(
    title: str, labels: list[str], series: dict[str, list], *, unit: str = "", missing: str = DASH
) -> dict:
    """Several series over the same labels (e.g. weeks). None values leave a gap, and
    read as `missing` in the table (e.g. "fewer than 5" where a count was suppressed)."""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    all_values = [v for values in series.values() for v in values if v is not None]
    top = _nice_max(max(all_values, default=0))
    step = plot_w / max(len(labels) - 1, 1)

    def y(value):
        return PAD_TOP + plot_h - (value / top) * plot_h

    drawn = []
    for index, (name, values) in enumerate(series.items()):
        s = Series(name, list(values), PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)])
        coords = [
            (round(PAD_LEFT + i * step, 1), round(y(v), 1))
            for i, v in enumerate(values)
            if v is not None
        ]
        s.points = " ".join(f"{cx},{cy}" for cx, cy in coords)
        s.dots = coords
        # One polyline per run of known values, so a missing value is a real gap
        # rather than a line drawn across it.
        runs, current = [], []
        for i, v in enumerate(values):
            if v is None:
                runs.append(current)
                current = []
            else:
                current.append(f"{round(PAD_LEFT + i * step, 1)},{round(y(v), 1)}")
        runs.append(current)
        s.segments = [" ".join(run) for run in runs if len(run) > 1]
        drawn.append(s)
    # At most ~8 x labels, so they never overlap.
    every = max(1, -(-len(labels) // 8))
    x_labels = [
        (round(PAD_LEFT + i * step, 1), label) for i, label in enumerate(labels) if i % every == 0
    ]
    y_ticks = [(round(y(t), 1), _format(t)) for t in _ticks(top)]
    rows = [(label, [s.values[i] for s in drawn]) for i, label in enumerate(labels)]
    return {
        "kind": "line",
        "title": title,
        "unit": unit,
        "width": WIDTH,
        "height": HEIGHT,
        "left": PAD_LEFT,
        "right": WIDTH - PAD_RIGHT,
        "bottom": HEIGHT - PAD_BOTTOM,
        "label_y": HEIGHT - PAD_BOTTOM + 18,
        "series": drawn,
        "x_labels": x_labels,
        "y_ticks": y_ticks,
        "table_rows": rows,
        "missing": missing,
    }


def bar_chart(
    title: str, bars: list[tuple[str, float | int | None]], *, unit: str = "", missing: str = DASH
) -> dict:
    """Horizontal bars, one per label; None is shown as suppressed (`missing`)."""
    bar_h, gap, label_w = 22, 8, 200
    height = PAD_TOP + len(bars) * (bar_h + gap) + 8
    plot_w = WIDTH - label_w - PAD_RIGHT - 48
    top = max((v for _label, v in bars if v is not None), default=0) or 1
    drawn = []
    for index, (label, value) in enumerate(bars):
        y = PAD_TOP + index * (bar_h + gap)
        width = 0 if value is None else round(plot_w * value / top, 1)
        drawn.append(
            {
                "label": label,
                "value": value,
                "shown": missing if value is None else _format(value),
                "y": y,
                "text_y": y + bar_h * 0.7,
                "width": width,
                "value_x": label_w + width + 6,
            }
        )
    return {
        "kind": "bar",
        "title": title,
        "unit": unit,
        "width": WIDTH,
        "height": height,
        "label_w": label_w,
        "label_x": label_w - 8,
        "bar_h": bar_h,
        "bars": drawn,
        "colour": PALETTE[0],
    }


def _format(value: float) -> str:
    if value is None:
        return DASH
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"
