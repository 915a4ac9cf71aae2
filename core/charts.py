"""Geometry for the dashboard's server-drawn SVG charts.

Templates only place what these functions compute; every chart also has a
table with the same numbers beside it, for screen readers and for reading.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Slice:
    key: str
    label: str
    value: int
    percent: float
    dasharray: str
    dashoffset: str


def donut(items: list[tuple[str, str, int]]) -> list[Slice]:
    """Slices of a donut drawn with circles of circumference 100 (r = 15.9155)."""
    total = sum(value for _, _, value in items)
    slices, start = [], 0.0
    for key, label, value in items:
        percent = 100 * value / total if total else 0.0
        slices.append(
            Slice(
                key=key,
                label=label,
                value=value,
                percent=percent,
                dasharray=f"{percent:.3f} {100 - percent:.3f}",
                # SVG circles start at 3 o'clock; 25 moves the first slice to 12.
                dashoffset=f"{25 - start:.3f}",
            )
        )
        start += percent
    return [s for s in slices if s.value]


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float


BAR_HEIGHT, BAR_GAP, BAR_AREA = 22, 10, 220


def bars(items: list[tuple[str, int]]) -> dict:
    """Horizontal bars, longest = full width; returns the bars and the chart's height."""
    top = max((value for _, value in items), default=0)
    drawn = [
        Bar(
            label=label,
            value=value,
            y=n * (BAR_HEIGHT + BAR_GAP),
            width=round(BAR_AREA * value / top, 1) if top else 0,
        )
        for n, (label, value) in enumerate(items)
    ]
    return {"bars": drawn, "height": max(len(items) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)}


@dataclass(frozen=True)
class Point:
    day: datetime.date
    rate: float | None
    x: float
    y: float | None


LINE_WIDTH, LINE_HEIGHT, LINE_PAD = 900, 180, 10


def rate_line(series: list[tuple[datetime.date, float | None]]) -> dict:
    """A 0–100 % line over days; days without data break the line."""
    step = (LINE_WIDTH - 2 * LINE_PAD) / max(len(series) - 1, 1)
    points = []
    for n, (day, rate) in enumerate(series):
        y = None if rate is None else LINE_PAD + (LINE_HEIGHT - 2 * LINE_PAD) * (1 - rate / 100)
        points.append(Point(day=day, rate=rate, x=round(LINE_PAD + n * step, 1), y=y))
    segments, current = [], []
    for point in points:
        if point.y is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{point.x},{point.y:.1f}")
    if current:
        segments.append(current)
    return {
        "points": points,
        "segments": [" ".join(segment) for segment in segments],
        "width": LINE_WIDTH,
        "height": LINE_HEIGHT,
        "gridlines": [
            {"label": f"{pct}%", "y": LINE_PAD + (LINE_HEIGHT - 2 * LINE_PAD) * (1 - pct / 100)}
            for pct in (0, 50, 100)
        ],
    }
