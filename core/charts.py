"""Geometry for the dashboard's server-drawn charts.

Templates only place what these functions compute; every chart also has a
table with the same numbers beside it, for screen readers and for reading.
The SVGs hold only shapes, stretched to any width: their words and numbers are
HTML beside them, so text keeps its size on a phone.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


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
    percent: float  # the bar's length, as a share of the longest


def largest(items: list[T], keep: int, size: Callable[[T], int]) -> tuple[list[T], list[T]]:
    """The `keep` largest items, largest first (ties in the order given), and the others.
    A chart of 250 departments is read by nobody and costs a page 250 rows to draw: it
    shows the largest and one bar for the rest. Nothing is cut for a single left-over item."""
    ordered = sorted(items, key=lambda item: -size(item))
    if len(ordered) <= keep + 1:
        return ordered, []
    return ordered[:keep], ordered[keep:]


def bars(items: list[tuple[str, int]]) -> list[Bar]:
    """Horizontal bars: the longest is 100 % of the width."""
    top = max((value for _, value in items), default=0)
    return [
        Bar(label=label, value=value, percent=round(100 * value / top, 1) if top else 0)
        for label, value in items
    ]


@dataclass(frozen=True)
class Point:
    day: datetime.date
    rate: float | None
    x: float
    y: float | None


def rate_line(series: list[tuple[datetime.date, float | None]]) -> dict:
    """A 0–100 % line over days, in a 100 × 100 box (x: the days, left to right;
    y: 100 − rate, so 100 % is at the top); days without data break the line."""
    step = 100 / max(len(series) - 1, 1)
    points = [
        Point(day=day, rate=rate, x=round(n * step, 2), y=None if rate is None else 100 - rate)
        for n, (day, rate) in enumerate(series)
    ]
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
        "gridlines": [{"label": f"{pct}%", "percent": pct, "y": 100 - pct} for pct in (100, 50, 0)],
    }
