"""Reads of the punch log."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from attendance.calendar import Calendar
from attendance.models import AttendanceRecord, Holiday
from employees.models import Employee

from .derivation import OFF, DayResult, DayRule, PunchIn, derive, marked_by_hand, rule_for, window
from .models import (
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


@dataclass(frozen=True)
class Schedule:
    """Someone's working patterns over time: what each day's result is measured against."""

    # (from which day, {weekday: rule}, time zone), oldest first.
    periods: list[tuple[datetime.date, dict[int, DayRule], zoneinfo.ZoneInfo]]

    def on(self, day: datetime.date) -> tuple[DayRule | None, zoneinfo.ZoneInfo]:
        """The rule of `day` (None: no pattern yet) and the zone it is kept in."""
        rule = rule_for(day, [(starts_on, rules) for starts_on, rules, _ in self.periods])
        zone = timezone.get_current_timezone()
        for starts_on, _, period_zone in self.periods:
            if starts_on <= day:
                zone = period_zone
        return rule, zone


def schedule_of(employee: Employee) -> Schedule:
    """`employee`'s patterns over time, or their department's pattern from the day they
    joined when they have none of their own. Two queries (three without their own)."""
    organisation = timezone.get_current_timezone()
    assignments = list(
        PatternAssignment.objects.filter(employee=employee)
        .select_related("pattern")
        .prefetch_related("pattern__days")
        .order_by("starts_on")
    )
    if assignments:
        return Schedule(
            [
                (
                    a.starts_on,
                    a.pattern.rules(),
                    zoneinfo.ZoneInfo(a.time_zone) if a.time_zone else organisation,
                )
                for a in assignments
            ]
        )
    default = (
        DepartmentPattern.objects.filter(department_id=employee.department_id)
        .select_related("pattern")
        .prefetch_related("pattern__days")
        .first()
    )
    if default is None:
        return Schedule([])
    return Schedule([(employee.date_joined, default.pattern.rules(), organisation)])


@dataclass(frozen=True)
class Explained:
    """A day's result and where it comes from: the punches and the pattern, or HR's mark."""

    result: DayResult
    marked_by_hand: bool = False


def day_result(employee: Employee, day: datetime.date, *, now=None) -> Explained | None:
    """`employee`'s result on `day`: HR's mark if there is one (it wins, and says so),
    else derived from the punches, their pattern, the holidays; None without a pattern."""
    record = (
        AttendanceRecord.objects.filter(employee=employee, date=day)
        .select_related("marked_by")
        .first()
    )
    if record is not None:
        who = record.marked_by.get_username() if record.marked_by else None
        return Explained(marked_by_hand(record.status, who), marked_by_hand=True)
    rule, zone = schedule_of(employee).on(day)
    if rule is None:
        return None
    start, end = window(day, rule, zone)
    punches = [
        PunchIn(at, direction)
        for at, direction in Punch.objects.filter(
            employee=employee, at__gte=start, at__lt=end, void__isnull=True
        )
        .order_by()
        .values_list("at", "direction")
    ]
    holiday = Calendar.between(day, day).holidays.get(day, "")
    return Explained(
        derive(
            day=day,
            rule=rule,
            zone=zone,
            punches=punches,
            now=now or timezone.now(),
            holiday=holiday,
        )
    )


def today_at_the_clock(employee: Employee, *, now=None) -> tuple[ClockState, Explained | None]:
    """Where `employee` stands now and today's result so far: what the clock's panel
    shows on every page an employee lands on, so three queries in all. The same rules as
    `clock_state` and `day_result`: one query reads HR's mark, the holiday, and the
    pattern and zone in force (their own latest change, else their department's from
    joining); one the rule of today's weekday; one the punches of both today and its
    shift, split here."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    own = PatternAssignment.objects.filter(employee=OuterRef("pk"), starts_on__lte=day)
    own = own.order_by("-starts_on")
    default = DepartmentPattern.objects.filter(department=OuterRef("department_id"))
    mark = AttendanceRecord.objects.filter(employee=OuterRef("pk"), date=day)
    facts = (
        Employee.objects.filter(pk=employee.pk)
        .annotate(
            own_pattern=Subquery(own.values("pattern_id")[:1]),
            zone=Subquery(own.values("time_zone")[:1]),
            default_pattern=Subquery(default.values("pattern_id")[:1]),
            holiday=Subquery(Holiday.objects.filter(date=day).values("name")[:1]),
            mark_status=Subquery(mark.values("status")[:1]),
            mark_by=Subquery(mark.values("marked_by__username")[:1]),
        )
        .values("own_pattern", "zone", "default_pattern", "holiday", "mark_status", "mark_by")
        .get()
    )
    pattern_id = facts["own_pattern"]
    if pattern_id is None and day >= employee.date_joined:
        pattern_id = facts["default_pattern"]
    zone = zoneinfo.ZoneInfo(facts["zone"]) if facts["zone"] else timezone.get_current_timezone()
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
        result = marked_by_hand(facts["mark_status"], facts["mark_by"])
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
    )
    return clock, Explained(result)


# The kinds of exception, and what makes a day one.
EXCEPTION_KINDS = {
    "missing_checkout": ("Missing check-out", Q(status=DayOutcome.Status.MISSING_CHECKOUT)),
    "absent": ("Absent", Q(status=DayOutcome.Status.ABSENT, marked_by_hand=False)),
    "late": ("Late", Q(late_minutes__gt=0)),
    "early": ("Left early", Q(early_minutes__gt=0)),
    "outside": ("Outside the pattern", Q(outside_pattern=True)),
}


def exceptions(*, scope, resolved: bool | None = False) -> QuerySet:
    """Days that need someone's attention (a missing check-out, an absence nobody marked,
    late, left early, punches on a day off), newest first, of the people `scope` shows:
    those not resolved yet (`resolved` False), those resolved (True), or both (None). A
    day HR has marked by hand is theirs: it needs nobody's attention."""
    any_exception = Q()
    for _, condition in EXCEPTION_KINDS.values():
        any_exception |= condition
    day = {"employee": OuterRef("employee"), "date": OuterRef("date")}
    marked = Exists(AttendanceRecord.objects.filter(**day, source=AttendanceRecord.Source.HAND))
    found = DayOutcome.objects.annotate(
        resolution_action=Subquery(Resolution.objects.filter(**day).values("action")[:1])
    )
    # A resolved day is listed as resolved, whatever it has become since.
    is_resolved = Q(resolution_action__isnull=False)
    is_open = any_exception & Q(resolution_action__isnull=True) & ~marked
    found = found.filter(
        is_open if resolved is False else is_resolved if resolved else is_open | is_resolved
    )
    found = found.select_related("employee", "employee__department")
    return scope.limit(found, "employee__department").order_by("-date", "employee__full_name", "pk")
