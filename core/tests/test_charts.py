"""The dashboard charts' geometry: what the templates place, computed here."""

import datetime

import pytest

from core import charts


def test_bars_are_shares_of_the_longest():
    drawn = charts.bars([("Sales", 12), ("Ops", 3), ("Empty", 0)])
    assert [(bar.label, bar.value, bar.percent) for bar in drawn] == [
        ("Sales", 12, 100.0),
        ("Ops", 3, 25.0),
        ("Empty", 0, 0.0),
    ]
    assert charts.bars([("Nobody", 0)])[0].percent == 0


def test_largest_keeps_the_biggest_first_and_leaves_the_rest_for_one_bar():
    sizes = {"A": 5, "B": 9, "C": 1, "D": 9, "E": 3}
    kept, rest = charts.largest(list(sizes), 2, size=sizes.get)
    assert kept == ["B", "D"]  # ties in the order given
    assert rest == ["A", "E", "C"]
    # One item left over is shown rather than hidden in a bar of its own.
    assert charts.largest(list(sizes), 4, size=sizes.get) == (["B", "D", "A", "E", "C"], [])


def test_rate_line_spans_a_100_by_100_box_with_100_percent_at_the_top():
    day = datetime.date(2026, 3, 2)
    series = [(day + datetime.timedelta(days=n), rate) for n, rate in enumerate([100, 50, 0])]
    chart = charts.rate_line(series)
    assert [(p.x, p.y) for p in chart["points"]] == [(0, 0), (50, 50), (100, 100)]
    assert chart["segments"] == ["0.0,0.0 50.0,50.0 100.0,100.0"]
    assert [(g["label"], g["y"]) for g in chart["gridlines"]] == [
        ("100%", 0),
        ("50%", 50),
        ("0%", 100),
    ]


def test_days_without_data_break_the_line():
    day = datetime.date(2026, 3, 2)
    rates = [80.0, None, 60.0, 70.0, None]
    chart = charts.rate_line([(day + datetime.timedelta(days=n), r) for n, r in enumerate(rates)])
    assert chart["segments"] == ["0.0,20.0", "50.0,40.0 75.0,30.0"]
    assert [p.y for p in chart["points"]] == [pytest.approx(20), None, 40, 30, None]


def test_one_day_is_one_point():
    chart = charts.rate_line([(datetime.date(2026, 3, 2), 90.0)])
    assert [(p.x, p.y) for p in chart["points"]] == [(0, 10.0)]
