"""A day's result from its punches: a pure function, no database.

`derive` takes one employee's day (its date, the rule of their working pattern for it,
their time zone, the punches that belong to it, whether it is a holiday or approved
leave, and what time it is now) and returns the result with a one-line reason. The same
inputs always give the same result, so it is recomputed whenever one changes.

- A shift belongs to the day it starts on: a night shift from 22:00 to 06:00 is the day
  of its 22:00. Its punches are those from `EARLY` before its start to `LATE` after its
  end (`window`).
- Durations are measured between instants (UTC), never between wall-clock times, so a
  shift across a daylight-saving change is as long as it really was.
- Grace: arriving up to `grace_minutes` late is not late; later, "late by" counts from
  the start. Leaving early is counted the same way from the end, and a full day may be
  as many minutes short.
- Full day and half day are by hours worked, net of the break: at least
  `full_day_minutes` is present, at least `half_day_minutes` a half day, less is absent.
  The break is what the punches do not already leave out, taken after a half day's work
  (so a half day's worker loses none of it, and working longer never counts for less).
- Late arrival and early leaving that HR or the manager excused (resolving the
  exception) are said, and not counted; the hours worked still decide the status.
- An "in" with no "out" after it is never counted as worked time: until the day closes
  (`CLOSE_AFTER` after the shift's end) the person is still in; after, the day is
  "missing check-out", for HR or the manager to resolve. Until it closes, any result is
  "so far": another punch may still change it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.formats import format_clock

UTC = datetime.UTC
# Punches this long before a shift's start, and after its end, still belong to it.
EARLY = datetime.timedelta(hours=4)
LATE = datetime.timedelta(hours=8)
# A day closes this long after its shift's end: then no punch means absent.
CLOSE_AFTER = datetime.timedelta(hours=4)

PRESENT = "present"
HALF_DAY = "half_day"
ABSENT = "absent"
ON_LEAVE = "on_leave"
HOLIDAY = "holiday"
WEEKLY_OFF = "weekly_off"
MISSING_CHECKOUT = "missing_checkout"
IN_PROGRESS = "in_progress"  # the day has not closed yet
STATUSES = (PRESENT, HALF_DAY, ABSENT, ON_LEAVE, HOLIDAY, WEEKLY_OFF, MISSING_CHECKOUT, IN_PROGRESS)

# In words: these, and HR's statuses (a day HR marked by hand keeps its own status).
LABELS = {
    PRESENT: "Present",
    HALF_DAY: "Half day",
    ABSENT: "Absent",
    ON_LEAVE: "On leave",
    HOLIDAY: "Holiday",
    WEEKLY_OFF: "Weekly off",
    MISSING_CHECKOUT: "Missing check-out",
    IN_PROGRESS: "So far",
    "wfh": "Work from home",
}

IN, OUT, UNKNOWN = "in", "out", "unknown"


@dataclass(frozen=True)
class DayRule:
    """One weekday of a working pattern."""

    working: bool
    start: datetime.time | None = None
    end: datetime.time | None = None  # at or before `start`: the next day (a night shift)
    break_minutes: int = 0
    grace_minutes: int = 0
    full_day_minutes: int = 0
    half_day_minutes: int = 0


OFF = DayRule(working=False)


@dataclass(frozen=True)
class PunchIn:
    """A punch, as the derivation sees it."""

    at: datetime.datetime  # aware
    direction: str = UNKNOWN


@dataclass(frozen=True)
class DayResult:
    status: str
    reason: str
    first_in: datetime.datetime | None = None
    last_out: datetime.datetime | None = None
    worked_minutes: int = 0
    late_minutes: int = 0
    early_minutes: int = 0
    overtime_minutes: int = 0
    # Punches on a day the pattern has off (a weekly off day or a holiday).
    outside_pattern: bool = False

    @property
    def label(self) -> str:
        return LABELS.get(self.status, self.status)


def marked_by_hand(status: str, who: str | None) -> DayResult:
    """The result of a day HR marked by hand (`who`: their user name): it wins over the
    punches, and says so."""
    label = LABELS.get(status, status)
    return DayResult(status, f"Marked {label} by {who or 'HR'}: it wins over the punches.")


def kept_mark(status: str, source: str, who: str | None, note: str = "") -> DayResult:
    """The result of a day whose record the derivation keeps: HR's mark (`marked_by_hand`)
    or approved leave (its record's note says which leave; a half day's leave is a half
    day)."""
    if source == "leave":
        return DayResult(status, note or "On approved leave.")
    return marked_by_hand(status, who)


def recorded_status(result: DayResult) -> str | None:
    """The attendance status (attendance.models.Status) a derived day shows on the
    attendance list, the register, the dashboard, exports and the API; None for none.
    Holidays, weekly off days and days not begun have none; nor has a missing check-out
    until it is resolved, so it is never counted as present. A day not closed yet counts
    as present once the person has clocked in."""
    if result.status in (PRESENT, HALF_DAY, ABSENT, ON_LEAVE):
        return result.status
    if result.status == IN_PROGRESS and result.first_in is not None:
        return PRESENT
    return None


def shift(day: datetime.date, rule: DayRule, zone: ZoneInfo):
    """The instants a working day's shift starts and ends (the end may be the next day)."""
    start = datetime.datetime.combine(day, rule.start, tzinfo=zone)
    end_day = day if rule.end > rule.start else day + datetime.timedelta(days=1)
    end = datetime.datetime.combine(end_day, rule.end, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def window(day: datetime.date, rule: DayRule, zone: ZoneInfo):
    """From when until when punches belong to `day`: around the shift on a working day,
    the calendar day in the employee's zone on any other."""
    if rule.working:
        start, end = shift(day, rule, zone)
        return start - EARLY, end + LATE
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def derive(
    *,
    day: datetime.date,
    rule: DayRule,
    zone: ZoneInfo,
    punches: list[PunchIn],
    now: datetime.datetime,
    holiday: str = "",
    on_leave: bool = False,
    excused: bool = False,
) -> DayResult:
    """The result of `day` for one employee (see the module's notes)."""
    spans, open_in = _spans(sorted(punches, key=lambda p: p.at))
    first_in = spans[0][0] if spans else open_in
    last_out = spans[-1][1] if spans else None
    worked = _minutes(sum((out - in_ for in_, out in spans), datetime.timedelta()))
    times = _times(first_in, last_out, day, zone)

    if on_leave:
        return DayResult(ON_LEAVE, "On approved leave.")
    if not rule.working or holiday:
        kind = f"the holiday {holiday}" if holiday else "a weekly off day"
        if not punches:
            return DayResult(HOLIDAY if holiday else WEEKLY_OFF, f"{kind[0].upper()}{kind[1:]}.")
        if open_in is not None and not spans:
            return DayResult(
                MISSING_CHECKOUT if _closed_off_day(day, zone, now) else IN_PROGRESS,
                f"{times[0]} on {kind}, no check-out",
                first_in=first_in,
                outside_pattern=True,
            )
        return DayResult(
            PRESENT,
            f"{times[0]}, {times[1]}, {_hours(worked)} worked on {kind}: all overtime",
            first_in=first_in,
            last_out=last_out,
            worked_minutes=worked,
            overtime_minutes=worked,
            outside_pattern=True,
        )

    start, end = shift(day, rule, zone)
    closed = now >= end + CLOSE_AFTER
    expected = _hhmm(start, zone) + "–" + _hhmm(end, zone)
    if not punches:
        if closed:
            return DayResult(ABSENT, f"No punches; expected {expected}.")
        return DayResult(IN_PROGRESS, f"No punches yet; expected {expected}.")
    late = _minutes(first_in - start)
    late = late if late > rule.grace_minutes and not excused else 0
    if open_in is not None:  # in, and no out after it: known to be late already
        said = f"; late by {late} min after {rule.grace_minutes} min grace" if late else ""
        if not closed:
            return DayResult(
                IN_PROGRESS,
                f"in {_hhmm(open_in, zone)}, still in{said}",
                first_in=first_in,
                last_out=last_out,
                worked_minutes=worked,
                late_minutes=late,
            )
        return DayResult(
            MISSING_CHECKOUT,
            f"in {_hhmm(open_in, zone)}, no check-out: not counted until it is resolved{said}",
            first_in=first_in,
            last_out=last_out,
            worked_minutes=worked,
            late_minutes=late,
        )

    # Net of the break: of what the punches do not already leave out, as much as was
    # worked beyond a half day (the break comes after it), so more work never counts less.
    gaps = _minutes(last_out - first_in) - worked
    unpunched_break = max(0, rule.break_minutes - gaps)
    net = worked - min(unpunched_break, max(0, worked - rule.half_day_minutes))
    late = _minutes(first_in - start)
    late = late if late > rule.grace_minutes else 0
    early = _minutes(end - last_out)
    early = early if early > rule.grace_minutes else 0
    full_shift = _minutes(end - start) - rule.break_minutes
    overtime = max(0, net - full_shift)
    if net + rule.grace_minutes >= rule.full_day_minutes:  # the grace forgives short, too
        status = PRESENT
    elif net >= rule.half_day_minutes:
        status = HALF_DAY
    else:
        status = ABSENT
    parts = [f"{times[0]}, {times[1]}, {_hours(net)} worked"]
    said = " (excused)" if excused else ""  # resolved as excused: said, and not counted
    if late:
        parts.append(f"late by {late} min after {rule.grace_minutes} min grace{said}")
    if early:
        parts.append(f"left {early} min early{said}")
    if excused:
        late = early = 0
    if overtime:
        parts.append(f"{_hours(overtime)} overtime")
    if status == HALF_DAY:
        parts.append(f"a half day: under the {_hours(rule.full_day_minutes)} of a full day")
    elif status == ABSENT:
        parts.append(f"under the {_hours(rule.half_day_minutes)} of a half day")
    return DayResult(
        status if closed else IN_PROGRESS,  # nothing is final until the day closes
        "; ".join(parts),
        first_in=first_in,
        last_out=last_out,
        worked_minutes=net,
        late_minutes=late,
        early_minutes=early,
        overtime_minutes=overtime,
    )


def _spans(punches: list[PunchIn]):
    """Pair the punches into (in, out) spans, in time order; an unknown direction is
    whichever the pairing expects next. Returns the spans and a last "in" left open."""
    spans, open_in = [], None
    for punch in punches:
        direction = punch.direction
        if direction == UNKNOWN:
            direction = OUT if open_in is not None else IN
        if direction == IN:
            if open_in is None:  # a second "in" while in: the first one stands
                open_in = punch.at
        elif open_in is not None:
            spans.append((open_in.astimezone(UTC), punch.at.astimezone(UTC)))
            open_in = None
        # an "out" while out: nothing to close (a stray punch)
    return spans, open_in


def open_in(punches: list[PunchIn]) -> datetime.datetime | None:
    """The "in" that `punches` leave open (no "out" after it), paired as `derive` pairs
    them; None when the person is out."""
    return _spans(sorted(punches, key=lambda p: p.at))[1]


def _closed_off_day(day: datetime.date, zone: ZoneInfo, now: datetime.datetime) -> bool:
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    return now >= end.astimezone(UTC) + CLOSE_AFTER


def _minutes(delta: datetime.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _hours(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}m"


def _hhmm(instant: datetime.datetime, zone: ZoneInfo) -> str:
    return format_clock(instant.astimezone(zone))


def _times(first_in, last_out, day: datetime.date, zone: ZoneInfo) -> tuple[str, str]:
    """ "in 09:12" and "out 17:40" (with "next day" when it is)."""
    shown = []
    for word, instant in (("in", first_in), ("out", last_out)):
        if instant is None:
            shown.append(f"no {word}")
            continue
        local = instant.astimezone(zone)
        suffix = (
            "" if local.date() == day else " (next day)" if local.date() > day else " (day before)"
        )
        shown.append(f"{word} {format_clock(local)}{suffix}")
    return shown[0], shown[1]
