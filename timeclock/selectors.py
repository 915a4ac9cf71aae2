"""Reads of the punch log."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from attendance.calendar import Calendar
from attendance.models import AttendanceRecord, Holiday
from employees.models import Employee

from .derivation import OFF, DayResult, PunchIn, derive, kept_mark, open_in, shift, window
from .models import (
    EXCEPTIONS,
    DayOutcome,
    DepartmentPattern,
    Direction,
    PatternAssignment,
    Punch,
    Resolution,
    WorkPatternDay,
)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `day` and of the day after, in the app's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
    return start, datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )


def punches_on(employee: Employee, day: datetime.date) -> QuerySet[Punch]:
    """`employee`'s punches on `day` that count (not voided), in time order."""
    start, end = day_bounds(day)
    return Punch.objects.filter(
        employee=employee, at__gte=start, at__lt=end, void__isnull=True
    ).order_by("at", "pk")


@dataclass(frozen=True)
class ClockState:
    punches: list[Punch]  # today's, in time order

    @property
    def last(self) -> Punch | None:
        return self.punches[-1] if self.punches else None

    @property
    def clocked_in(self) -> bool:
        """In since the last punch: their last punch today was an "in"."""
        return self.last is not None and self.last.direction == Direction.IN

    @property
    def next_direction(self) -> str:
        return Direction.OUT if self.clocked_in else Direction.IN


def clock_state(employee: Employee) -> ClockState:
    """Where `employee` stands today: their punches, and whether they are clocked in."""
    return ClockState(punches=list(punches_on(employee, timezone.localdate())))


# The records the derivation keeps as they are: HR's marks, and approved leave.
KEPT_SOURCES = (AttendanceRecord.Source.HAND, AttendanceRecord.Source.LEAVE)


def in_force(day: datetime.date) -> dict:
    """Which working pattern and time zone are in force for an employee on `day`, as
    annotations on an Employee queryset: their own latest change on or before `day`, else
    their department's pattern (from the day they joined, in the organisation's zone).
    The one place this rule lives; `pattern_of` reads the annotated row. Both the days'
    results (`days_results`) and the clock's panel (`today_at_the_clock`) use it."""
    own = PatternAssignment.objects.filter(employee=OuterRef("pk"), starts_on__lte=day)
    own = own.order_by("-starts_on")
    default = DepartmentPattern.objects.filter(department=OuterRef("department_id"))
    return {
        "own_pattern": Subquery(own.values("pattern_id")[:1]),
        "own_zone": Subquery(own.values("time_zone")[:1]),
        "default_pattern": Subquery(default.values("pattern_id")[:1]),
    }


def pattern_of(row: dict, day: datetime.date) -> tuple[int | None, zoneinfo.ZoneInfo]:
    """The pattern in force on `day` (None: none) and its zone, from a row annotated with
    `in_force(day)` that also holds the employee's `date_joined`."""
    pattern_id = row["own_pattern"]
    if pattern_id is None and day >= row["date_joined"]:
        pattern_id = row["default_pattern"]
    zone = zoneinfo.ZoneInfo(row["own_zone"]) if row["own_zone"] else None
    return pattern_id, zone or timezone.get_current_timezone()


WORKING, WEEKLY_OFF, HOLIDAY = "working", "weekly_off", "holiday"


def working_days(
    employee: Employee, start: datetime.date, end: datetime.date
) -> dict[datetime.date, str]:
    """{day: "working", "weekly_off" or "holiday"} for each day from `start` to `end`, by
    `employee`'s working pattern in force each day (`in_force`'s rule, `pattern_of`); on
    days with no pattern, by the organisation's calendar (attendance.calendar). Four
    queries however long the period: leave counts its days with this."""
    return working_days_of([(employee, start, end)])[0]


def working_days_of(
    periods: list[tuple[Employee, datetime.date, datetime.date]],
) -> list[dict[datetime.date, str]]:
    """`working_days` of each (employee, start, end) of `periods`, in their order. Four
    queries however many periods: approving leave in bulk counts its days with this."""
    if not periods:
        return []
    last = max(end for _, _, end in periods)
    own: dict = {}
    for employee_id, *row in (
        PatternAssignment.objects.filter(
            employee__in={employee.pk for employee, _, _ in periods}, starts_on__lte=last
        )
        .order_by("starts_on")
        .values_list("employee_id", "starts_on", "pattern_id", "time_zone")
    ):
        own.setdefault(employee_id, []).append(row)
    defaults = dict(
        DepartmentPattern.objects.filter(
            department_id__in={employee.department_id for employee, _, _ in periods}
        ).values_list("department_id", "pattern_id")
    )
    pattern_ids = {row[1] for rows in own.values() for row in rows} | set(defaults.values())
    working = set(
        WorkPatternDay.objects.filter(pattern__in=pattern_ids, working=True).values_list(
            "pattern_id", "weekday"
        )
    )
    calendar = Calendar.between(min(start for _, start, _ in periods), last)
    result = []
    for employee, start, end in periods:
        assigned = [row for row in own.get(employee.pk, []) if row[0] <= end]
        default = defaults.get(employee.department_id)
        kinds = {}
        for n in range((end - start).days + 1):
            day = start + datetime.timedelta(days=n)
            mine = [row for row in assigned if row[0] <= day]
            row = {
                "own_pattern": mine[-1][1] if mine else None,
                "own_zone": mine[-1][2] if mine else "",
                "default_pattern": default,
                "date_joined": employee.date_joined,
            }
            pattern_id, _ = pattern_of(row, day)
            if day in calendar.holidays:
                kinds[day] = HOLIDAY
            elif pattern_id is None:
                kinds[day] = calendar.kind(day)
            else:
                kinds[day] = WORKING if (pattern_id, day.weekday()) in working else WEEKLY_OFF
        result.append(kinds)
    return result


def shifts_on(day: datetime.date, *, employee_ids=None) -> dict:
    """{employee id: (rule, zone, (from, until))}: for everyone employed on `day` who has
    a pattern in force (or only `employee_ids`), the rule of `day`'s weekday (OFF when the
    pattern has none), their time zone, and the instants whose punches belong to the day
    (derivation.window). Two queries: the people with their patterns, and the rules."""
    people = Employee.objects.employed_on(day)
    if employee_ids is not None:
        people = people.filter(pk__in=list(employee_ids))
    schedule = {}
    patterns = in_force(day)
    for row in people.annotate(**patterns).values("pk", "date_joined", *patterns).order_by():
        pattern_id, zone = pattern_of(row, day)
        if pattern_id is not None:
            schedule[row["pk"]] = (pattern_id, zone)
    if not schedule:
        return {}
    rules = {
        pattern_day.pattern_id: pattern_day.rule()
        for pattern_day in WorkPatternDay.objects.filter(
            weekday=day.weekday(), pattern__in={pattern_id for pattern_id, _ in schedule.values()}
        )
    }
    windows = {}
    for employee_id, (pattern_id, zone) in schedule.items():
        rule = rules.get(pattern_id, OFF)
        windows[employee_id] = (rule, zone, window(day, rule, zone))
    return windows


def still_in_after_shift(day: datetime.date, *, ended_before: datetime.datetime) -> dict:
    """{employee id: the end of their shift, in their time zone}: those whose shift on
    `day` ended before `ended_before` and who are still clocked in from it: their punches
    of the day leave an "in" with no "out" after it (derivation.open_in, the pairing the
    results use). Working days only: a holiday or a day off has no shift to end. Four
    queries whatever the number of people."""
    if Holiday.objects.filter(date=day).exists():
        return {}
    ends, windows = {}, {}
    for employee_id, (rule, zone, bounds) in shifts_on(day).items():
        if rule.working:
            end = shift(day, rule, zone)[1]
            if end < ended_before:
                ends[employee_id], windows[employee_id] = end.astimezone(zone), bounds
    if not ends:
        return {}
    earliest = min(start for start, _ in windows.values())
    latest = max(end for _, end in windows.values())
    punches: dict = {}
    found = Punch.objects.filter(at__gte=earliest, at__lt=latest, void__isnull=True)
    for employee_id, at, direction in found.order_by().values_list(
        "employee_id", "at", "direction"
    ):
        if employee_id in windows:
            start, end = windows[employee_id]
            if start <= at < end:
                punches.setdefault(employee_id, []).append(PunchIn(at, direction))
    return {
        employee_id: ends[employee_id]
        for employee_id, theirs in punches.items()
        if open_in(theirs) is not None
    }


@dataclass(frozen=True)
class Explained:
    """A day's result and where it comes from: the punches and the pattern, or HR's mark."""

    result: DayResult
    marked_by_hand: bool = False


def days_results(
    day: datetime.date,
    *,
    employee_ids=None,
    now: datetime.datetime | None = None,
) -> dict:
    """{employee id: Explained}: the result of `day` for everyone employed on it who has a
    pattern in force (or only `employee_ids`). HR's mark wins, and says so; otherwise it
    is derived from the punches, the pattern in force, the holiday, and an excuse given
    when resolving an exception. Read-only, and a fixed number of queries whatever the
    number of people: the people with their patterns, the rules, the holiday, the
    excuses, HR's marks, the punches."""
    now = now or timezone.now()
    windows = shifts_on(day, employee_ids=employee_ids)
    if not windows:
        return {}
    holiday = Holiday.objects.filter(date=day).values_list("name", flat=True).first() or ""
    mine = {"date": day}
    if employee_ids is not None:
        mine["employee__in"] = list(windows)
    excused = set(
        Resolution.objects.filter(**mine, action=Resolution.Action.EXCUSED).values_list(
            "employee_id", flat=True
        )
    )
    marks = {
        employee_id: (status, source, who, note)
        for employee_id, status, source, who, note in AttendanceRecord.objects.filter(
            **mine, source__in=KEPT_SOURCES
        ).values_list("employee_id", "status", "source", "marked_by__username", "note")
    }
    earliest = min(start for _, _, (start, _) in windows.values())
    latest = max(end for _, _, (_, end) in windows.values())
    found = Punch.objects.filter(at__gte=earliest, at__lt=latest, void__isnull=True)
    if employee_ids is not None:
        found = found.filter(employee__in=list(windows))
    punches: dict = {}
    for employee_id, at, direction in found.order_by().values_list(
        "employee_id", "at", "direction"
    ):
        if employee_id in windows:
            punches.setdefault(employee_id, []).append(PunchIn(at, direction))
    results = {}
    for employee_id, (rule, zone, (start, end)) in windows.items():
        if employee_id in marks:
            results[employee_id] = Explained(kept_mark(*marks[employee_id]), True)
            continue
        result = derive(
            day=day,
            rule=rule,
            zone=zone,
            punches=[p for p in punches.get(employee_id, ()) if start <= p.at < end],
            now=now,
            holiday=holiday,
            excused=employee_id in excused,
        )
        results[employee_id] = Explained(result)
    return results


def today_at_the_clock(employee: Employee, *, now=None) -> tuple[ClockState, Explained | None]:
    """Where `employee` stands now and today's result so far: what the clock's panel
    shows on every page an employee lands on, so three queries in all. The same rules as
    `clock_state` and `days_results`: one query reads HR's mark, the holiday, an excuse,
    and the pattern and zone in force (`in_force`); one the rule of today's weekday; one
    the punches of both today and its shift, split here."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    mark = AttendanceRecord.objects.filter(
        employee=OuterRef("pk"), date=day, source__in=KEPT_SOURCES
    )
    excused = Resolution.objects.filter(
        employee=OuterRef("pk"), date=day, action=Resolution.Action.EXCUSED
    )
    facts = (
        Employee.objects.filter(pk=employee.pk)
        .annotate(
            **in_force(day),
            holiday=Subquery(Holiday.objects.filter(date=day).values("name")[:1]),
            mark_status=Subquery(mark.values("status")[:1]),
            mark_by=Subquery(mark.values("marked_by__username")[:1]),
            mark_source=Subquery(mark.values("source")[:1]),
            mark_note=Subquery(mark.values("note")[:1]),
            excused=Exists(excused),
        )
        .values(
            "date_joined",
            *in_force(day),
            "holiday",
            "mark_status",
            "mark_by",
            "excused",
            "mark_source",
            "mark_note",
        )
        .get()
    )
    pattern_id, zone = pattern_of(facts, day)
    rule = None
    if pattern_id is not None:
        found = WorkPatternDay.objects.filter(pattern_id=pattern_id, weekday=day.weekday()).first()
        rule = found.rule() if found is not None else OFF
    # Today's punches, and those of today's shift (which may reach into tomorrow).
    day_start, day_end = day_bounds(day)
    start, end = window(day, rule, zone) if rule is not None else (day_start, day_end)
    punches = list(
        Punch.objects.filter(
            employee=employee,
            at__gte=min(start, day_start),
            at__lt=max(end, day_end),
            void__isnull=True,
        ).order_by("at", "pk")
    )
    clock = ClockState(punches=[p for p in punches if day_start <= p.at < day_end])
    if facts["mark_status"] is not None:
        result = kept_mark(
            facts["mark_status"], facts["mark_source"], facts["mark_by"], facts["mark_note"]
        )
        return clock, Explained(result, marked_by_hand=True)
    if rule is None:
        return clock, None
    result = derive(
        day=day,
        rule=rule,
        zone=zone,
        punches=[PunchIn(p.at, p.direction) for p in punches if start <= p.at < end],
        now=now,
        holiday=facts["holiday"] or "",
        excused=facts["excused"],
    )
    return clock, Explained(result)


# The kinds of exception, and what makes a day one.
EXCEPTION_KINDS = {
    kind: (label, EXCEPTIONS[kind])
    for kind, label in (
        ("missing_checkout", "Missing check-out"),
        ("absent", "Absent"),
        ("late", "Late"),
        ("early", "Left early"),
        ("outside", "Outside the pattern"),
    )
}


def exceptions(*, scope, resolved: bool | None = False) -> QuerySet:
    """Days that need someone's attention (a missing check-out, an absence nobody marked,
    late, left early, punches on a day off), newest first, of the people `scope` shows:
    those not resolved yet (`resolved` False), those resolved (True), or both (None). A
    day HR has marked by hand is theirs: it needs nobody's attention (days_derive keeps
    which days need it)."""
    resolutions = Resolution.objects.filter(
        employee=OuterRef("employee"), date=OuterRef("date")
    ).order_by()
    # Open: kept with each day (DayOutcome.needs_attention, indexed). A resolved day is
    # listed as resolved, whatever it has become since.
    is_resolved = Exists(resolutions)
    is_open = Q(needs_attention=True)
    found = DayOutcome.objects.filter(
        is_open if resolved is False else is_resolved if resolved else is_open | is_resolved
    )
    found = found.annotate(resolution_action=Subquery(resolutions.values("action")[:1]))
    found = found.select_related("employee", "employee__department")
    return scope.limit(found, "employee__department").order_by("-date", "employee__full_name", "pk")
