"""The day's result from punches, pattern, holidays and leave: a table of cases.

Times are wall-clock times in the employee's zone (Europe/London, which has daylight
saving, unless a case says otherwise); "+1" means the next day.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from timeclock import derivation as d

LONDON = ZoneInfo("Europe/London")
KOLKATA = ZoneInfo("Asia/Kolkata")

DAY = d.DayRule(
    working=True,
    start=datetime.time(9),
    end=datetime.time(17),
    break_minutes=60,
    grace_minutes=5,
    full_day_minutes=420,
    half_day_minutes=240,
)
NIGHT = d.DayRule(
    working=True,
    start=datetime.time(22),
    end=datetime.time(6),
    break_minutes=30,
    grace_minutes=5,
    full_day_minutes=360,
    half_day_minutes=180,
)
WED = datetime.date(2026, 12, 2)


def at(day, hhmm, zone=LONDON, plus_days=0):
    hours, minutes = map(int, hhmm.split(":"))
    local = datetime.datetime.combine(
        day + datetime.timedelta(days=plus_days), datetime.time(hours, minutes), tzinfo=zone
    )
    return local.astimezone(datetime.UTC)


def punches(day, *spec, zone=LONDON):
    """("in", "09:00"), ("out", "17:00", 1) → PunchIn, the last number being +days."""
    return [d.PunchIn(at(day, hhmm, zone, *rest), direction) for direction, hhmm, *rest in spec]


LATER = datetime.timedelta(days=3)

CASES = [
    # (name, day, rule, zone, punches, extra, expected fields)
    (
        "on time, a full day",
        WED,
        DAY,
        LONDON,
        [("in", "09:00"), ("out", "17:00")],
        {},
        {
            "status": d.PRESENT,
            "worked_minutes": 420,
            "late_minutes": 0,
            "overtime_minutes": 0,
            "reason": "in 09:00, out 17:00, 7h00m worked",
        },
    ),
    (
        "late beyond the grace, and stayed on",
        WED,
        DAY,
        LONDON,
        [("in", "09:12"), ("out", "17:40")],
        {},
        {
            "status": d.PRESENT,
            "late_minutes": 12,
            "worked_minutes": 448,
            "overtime_minutes": 28,
            "reason": "in 09:12, out 17:40, 7h28m worked; late by 12 min after 5 min grace; "
            "0h28m overtime",
        },
    ),
    (
        "lateness excused when resolved: said, not counted",
        WED,
        DAY,
        LONDON,
        [("in", "09:12"), ("out", "17:40")],
        {"excused": True},
        {
            "status": d.PRESENT,
            "late_minutes": 0,
            "reason": "in 09:12, out 17:40, 7h28m worked; late by 12 min after 5 min grace "
            "(excused); 0h28m overtime",
        },
    ),
    (
        "leaving early excused: the hours still make it a half day",
        WED,
        DAY,
        LONDON,
        [("in", "09:00"), ("out", "15:00")],
        {"excused": True},
        {
            "status": d.HALF_DAY,
            "early_minutes": 0,
            "reason": "in 09:00, out 15:00, 5h00m worked; left 120 min early (excused); "
            "a half day: under the 7h00m of a full day",
        },
    ),
    (
        "late within the grace is not late",
        WED,
        DAY,
        LONDON,
        [("in", "09:04"), ("out", "17:00")],
        {},
        {"status": d.PRESENT, "late_minutes": 0},
    ),
    (
        "left early beyond the grace: a half day by hours",
        WED,
        DAY,
        LONDON,
        [("in", "09:00"), ("out", "15:00")],
        {},
        {
            "status": d.HALF_DAY,
            "early_minutes": 120,
            "worked_minutes": 300,
            "reason": "in 09:00, out 15:00, 5h00m worked; left 120 min early; a half day: "
            "under the 7h00m of a full day",
        },
    ),
    (
        "a morning's work keeps its break: a half day",
        WED,
        DAY,
        LONDON,
        [("in", "09:00"), ("out", "13:00")],
        {},
        {"status": d.HALF_DAY, "worked_minutes": 240},
    ),
    (
        "too little for a half day",
        WED,
        DAY,
        LONDON,
        [("in", "09:00"), ("out", "11:00")],
        {},
        {"status": d.ABSENT, "worked_minutes": 120},
    ),
    (
        "a punched lunch break is not taken twice; directions read from the order",
        WED,
        DAY,
        LONDON,
        [("unknown", "08:58"), ("unknown", "12:00"), ("unknown", "12:45"), ("unknown", "17:05")],
        {},
        {"status": d.PRESENT, "worked_minutes": 427, "overtime_minutes": 7, "late_minutes": 0},
    ),
    (
        "a stray out before the in changes nothing",
        WED,
        DAY,
        LONDON,
        [("out", "08:00"), ("in", "09:00"), ("out", "17:00")],
        {},
        {"status": d.PRESENT, "worked_minutes": 420},
    ),
    (
        "an in with no out, once the day has closed: missing check-out, nothing counted",
        WED,
        DAY,
        LONDON,
        [("in", "09:00")],
        {},
        {
            "status": d.MISSING_CHECKOUT,
            "worked_minutes": 0,
            "reason": "in 09:00, no check-out: not counted until it is resolved",
        },
    ),
    (
        "an in with no out, during the day: still in",
        WED,
        DAY,
        LONDON,
        [("in", "09:00")],
        {"now": at(WED, "15:00")},
        {"status": d.IN_PROGRESS, "reason": "in 09:00, still in", "late_minutes": 0},
    ),
    (
        "late, and still in: late already, the exceptions show it today",
        WED,
        DAY,
        LONDON,
        [("in", "09:40")],
        {"now": at(WED, "15:00")},
        {
            "status": d.IN_PROGRESS,
            "reason": "in 09:40, still in; late by 40 min after 5 min grace",
            "late_minutes": 40,
        },
    ),
    (
        "out and in again may still come: nothing is final before the day closes",
        WED,
        DAY,
        LONDON,
        [("in", "09:00"), ("out", "12:00")],
        {"now": at(WED, "12:30")},
        {
            "status": d.IN_PROGRESS,
            "reason": "in 09:00, out 12:00, 3h00m worked; left 300 min "
            "early; under the 4h00m of a half day",
        },
    ),
    (
        "no punches on a closed working day: absent, saying what was expected",
        WED,
        DAY,
        LONDON,
        [],
        {},
        {"status": d.ABSENT, "reason": "No punches; expected 09:00–17:00."},
    ),
    (
        "no punches yet, the day still open",
        WED,
        DAY,
        LONDON,
        [],
        {"now": at(WED, "10:00")},
        {"status": d.IN_PROGRESS},
    ),
    (
        "a night shift across the month's end belongs to the day it starts",
        datetime.date(2026, 1, 31),
        NIGHT,
        LONDON,
        [("in", "21:58"), ("out", "06:02", 1)],
        {},
        {
            "status": d.PRESENT,
            "worked_minutes": 454,
            "overtime_minutes": 4,
            "reason": "in 21:58, out 06:02 (next day), 7h34m worked; 0h04m overtime",
        },
    ),
    (
        "a night shift as the clocks go forward lasts an hour less",
        datetime.date(2026, 3, 28),
        NIGHT,
        LONDON,
        [("in", "22:00"), ("out", "06:00", 1)],
        {},
        {"status": d.PRESENT, "worked_minutes": 390, "early_minutes": 0, "overtime_minutes": 0},
    ),
    (
        "a night shift as the clocks go back lasts an hour more, and it is no overtime",
        datetime.date(2026, 10, 24),
        NIGHT,
        LONDON,
        [("in", "22:00"), ("out", "06:00", 1)],
        {},
        {"status": d.PRESENT, "worked_minutes": 510, "overtime_minutes": 0},
    ),
    (
        "a night shift with no check-out",
        datetime.date(2026, 1, 31),
        NIGHT,
        LONDON,
        [("in", "22:00")],
        {},
        {"status": d.MISSING_CHECKOUT},
    ),
    (
        "an employee in another zone is on time by their own clock",
        WED,
        DAY,
        KOLKATA,
        [("in", "09:03"), ("out", "17:00")],
        {},
        {"status": d.PRESENT, "late_minutes": 0, "reason": "in 09:03, out 17:00, 6h57m worked"},
    ),
    (
        "a holiday",
        WED,
        DAY,
        LONDON,
        [],
        {"holiday": "Founders' Day"},
        {"status": d.HOLIDAY, "reason": "The holiday Founders' Day."},
    ),
    (
        "a weekly off day",
        WED,
        d.OFF,
        LONDON,
        [],
        {},
        {"status": d.WEEKLY_OFF, "reason": "A weekly off day."},
    ),
    (
        "work on a weekly off day is all overtime",
        WED,
        d.OFF,
        LONDON,
        [("in", "10:00"), ("out", "14:00")],
        {},
        {
            "status": d.PRESENT,
            "overtime_minutes": 240,
            "reason": "in 10:00, out 14:00, 4h00m worked on a weekly off day: all overtime",
            "outside_pattern": True,
        },
    ),
    (
        "an in with no out on a weekly off day, once it is over: missing check-out",
        WED,
        d.OFF,
        LONDON,
        [("in", "10:00")],
        {},
        {
            "status": d.MISSING_CHECKOUT,
            "reason": "in 10:00 on a weekly off day, no check-out",
            "outside_pattern": True,
        },
    ),
    (
        "approved leave wins over punches",
        WED,
        DAY,
        LONDON,
        [("in", "09:00"), ("out", "10:00")],
        {"on_leave": True},
        {"status": d.ON_LEAVE},
    ),
]


@pytest.mark.parametrize(
    ("day", "rule", "zone", "spec", "extra", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_day(day, rule, zone, spec, extra, expected):
    extra = {"now": at(day, "12:00", zone) + LATER, **extra}
    result = d.derive(
        day=day, rule=rule, zone=zone, punches=punches(day, *spec, zone=zone), **extra
    )
    assert {key: getattr(result, key) for key in expected} == expected


def test_the_same_inputs_give_the_same_result_in_any_order():
    spec = [("in", "09:12"), ("out", "12:00"), ("in", "12:30"), ("out", "17:40")]
    forward = punches(WED, *spec)
    now = at(WED, "12:00") + LATER
    results = {
        d.derive(day=WED, rule=DAY, zone=LONDON, punches=order, now=now)
        for order in (forward, forward[::-1], forward[1:] + forward[:1])
    }
    assert len(results) == 1


def test_more_work_never_counts_for_less():
    now = at(WED, "12:00") + LATER
    worked = [
        d.derive(
            day=WED,
            rule=DAY,
            zone=LONDON,
            punches=[
                d.PunchIn(at(WED, "09:00"), "in"),
                d.PunchIn(at(WED, "09:00") + datetime.timedelta(minutes=m), "out"),
            ],
            now=now,
        ).worked_minutes
        for m in range(0, 600, 7)
    ]
    assert worked == sorted(worked)


def test_a_shifts_punches_are_those_around_it():
    start, end = d.window(datetime.date(2026, 1, 31), NIGHT, LONDON)
    assert start == at(datetime.date(2026, 1, 31), "18:00")
    assert end == at(datetime.date(2026, 1, 31), "14:00", plus_days=1)
    # The next night's window starts where this one ends: no punch belongs to two days.
    assert d.window(datetime.date(2026, 2, 1), NIGHT, LONDON)[0] > end
