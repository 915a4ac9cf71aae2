"""Reads for payroll: which months are closed (and the history of closing and
reopening them), what still waits for a decision in each, and each employee's month in
figures for the payroll export."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from accounts.scoping import Scope
from approvals.models import Request
from attendance.calendar import month_bounds
from attendance.models import AttendanceRecord, ClosedMonth, closures_between
from employees.models import Department, Employee
from leave.models import Leave, LeaveType
from timeclock.models import DayOutcome

Status = AttendanceRecord.Status
Source = AttendanceRecord.Source
MONTHS_SHOWN = 12  # the months before this one that the payroll page lists


def visible_history(*, scope: Scope) -> QuerySet[ClosedMonth]:
    """The closures (closed now or reopened since) the payroll page shows: those of the
    user's departments, and the organisation's."""
    closures = ClosedMonth.objects.select_related("department", "closed_by", "reopened_by")
    if scope.is_limited:
        departments = scope.limit(Department.objects.all(), "pk")
        return closures.filter(Q(department__isnull=True) | Q(department__in=departments))
    return closures


def visible_closures(*, scope: Scope) -> QuerySet[ClosedMonth]:
    """The closures a user may reopen: the organisation's only if they see every
    department (as only they may close it)."""
    closures = visible_history(scope=scope)
    return closures.filter(department__isnull=False) if scope.is_limited else closures


@dataclass
class MonthRow:
    """One month on the payroll page: closed (for whom), what waits, and its history."""

    month: datetime.date
    pending: int = 0
    closures: list = field(default_factory=list)  # ClosedMonth, newest first

    @property
    def closed(self) -> list[ClosedMonth]:
        return [c for c in self.closures if c.is_closed]

    @property
    def closed_for_everyone(self) -> bool:
        return any(c.department_id is None for c in self.closed)

    @property
    def reopened(self) -> list[ClosedMonth]:
        return [c for c in self.closures if not c.is_closed]


def months_overview(*, scope: Scope, today: datetime.date | None = None) -> list[MonthRow]:
    """The MONTHS_SHOWN months before this one, and any older month ever closed, newest
    first, with their closures and the requests for their days that still wait. Two
    queries, whatever the number of months and closures."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    rows: dict[datetime.date, MonthRow] = {}
    month = first
    for _ in range(MONTHS_SHOWN):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        rows[month] = MonthRow(month=month)
    for closure in visible_history(scope=scope).order_by("-month", "-closed_at"):
        rows.setdefault(closure.month, MonthRow(month=closure.month)).closures.append(closure)
    for month, count in pending_requests(scope=scope, months=list(rows)).items():
        rows[month].pending = count
    return sorted(rows.values(), key=lambda row: row.month, reverse=True)


def pending_requests(
    *, scope: Scope, months: list[datetime.date], department: Department | None = None
) -> dict[datetime.date, int]:
    """For each month, how many requests in the scope (and `department`) still wait for a
    decision with a day in it. One query."""
    if not months:
        return {}
    waiting = scope.limit(
        Request.objects.filter(status=Request.Status.PENDING), "employee__department"
    )
    if department is not None:
        waiting = waiting.filter(employee__department=department)
    counts = {}
    for index, month in enumerate(months):
        start, end = month_bounds(month)
        counts[f"m{index}"] = Count("pk", filter=Q(start__lte=end, end__gte=start))
    totals = waiting.aggregate(**counts)
    return {month: totals[f"m{index}"] for index, month in enumerate(months)}


def payroll_employees(
    *, month: datetime.date, department: Department | None, scope: Scope
) -> QuerySet[Employee]:
    """Everyone in the scope (and `department`) employed on some day of `month`."""
    start, end = month_bounds(month)
    employees = scope.limit(Employee.objects.employed_between(start, end), "department")
    if department is not None:
        employees = employees.filter(department=department)
    return employees


def unclosed_departments(
    *, month: datetime.date, department: Department | None, scope: Scope
) -> list[str]:
    """The names of the departments whose people the export would hold (or `department`)
    but for which `month` is not closed: none, when it may be exported. Two queries."""
    start, _ = month_bounds(month)
    closures = closures_between(start, start)
    if department is not None:  # that department's month, whoever is in it
        return [] if closures.closing(department.pk, start) else [department.name]
    if closures.closing(None, start) is not None:  # closed for the organisation
        return []
    wanted = payroll_employees(month=month, department=department, scope=scope)
    names = (
        Department.objects.filter(pk__in=wanted.values("department"))
        .exclude(pk__in=[d for (_, d) in closures.closed if d is not None])
        .order_by("name")
        .values_list("name", flat=True)
    )
    return list(names)


def export_leave_types(month: datetime.date) -> list[LeaveType]:
    """The leave types with a column in the month's export: every active one, and any
    other with approved leave in the month. One query."""
    start, end = month_bounds(month)
    used = Leave.objects.filter(state=Leave.State.APPROVED, start__lte=end, end__gte=start)
    return list(
        LeaveType.objects.filter(Q(is_active=True) | Q(pk__in=used.values("leave_type")))
        .order_by("name")
        .only("pk", "name", "paid")
    )


@dataclass(frozen=True)
class MonthFigures:
    """Each employee's month in figures: {employee pk: ...}."""

    attendance: dict  # counts per status, and "other_leave" (leave not from a request)
    leave: dict  # {(employee pk, leave type pk): days}
    overtime: dict  # minutes


HALF = Decimal("0.5")
ONE = Decimal(1)


def month_figures(*, employees: QuerySet[Employee], month: datetime.date) -> MonthFigures:
    """The figures of `employees` in `month`, added up in the database: three queries,
    whatever the number of employees.

    Leave days are attendance records written by approved leave (source "leave"): a day on
    leave counts 1, a half day 0.5, under the type of the approved leave that covers it.
    A day marked on leave by hand (or whose leave is gone) counts as other leave. A half
    day's leave is also a half day (the status of the day: half of it worked)."""
    start, end = month_bounds(month)
    people = employees.values("pk")
    records = AttendanceRecord.objects.filter(date__range=(start, end), employee__in=people)
    from_leave = Q(source=Source.LEAVE)
    attendance = {
        row.pop("employee_id"): row
        for row in records.order_by()
        .values("employee_id")
        .annotate(
            present=Count("pk", filter=Q(status=Status.PRESENT)),
            wfh=Count("pk", filter=Q(status=Status.WORK_FROM_HOME)),
            half_day=Count("pk", filter=Q(status=Status.HALF_DAY)),
            absent=Count("pk", filter=Q(status=Status.ABSENT)),
            other_leave=Count("pk", filter=Q(status=Status.ON_LEAVE) & ~from_leave),
        )
    }
    covering = Leave.objects.filter(
        employee=OuterRef("employee_id"),
        state=Leave.State.APPROVED,
        start__lte=OuterRef("date"),
        end__gte=OuterRef("date"),
    ).order_by("-pk")
    leave = {}
    for employee_id, leave_type_id, days in (
        records.filter(from_leave, status__in=[Status.ON_LEAVE, Status.HALF_DAY])
        .order_by()
        .annotate(leave_type=Subquery(covering.values("leave_type")[:1]))
        .values("employee_id", "leave_type")
        .annotate(
            days=Sum(
                Case(
                    When(status=Status.HALF_DAY, then=Value(HALF)),
                    default=Value(ONE),
                    output_field=DecimalField(max_digits=5, decimal_places=1),
                )
            )
        )
        .values_list("employee_id", "leave_type", "days")
    ):
        if leave_type_id is None:  # no approved leave covers it any more
            figures = attendance.setdefault(employee_id, {})
            figures["other_leave"] = figures.get("other_leave", 0) + days
        else:
            leave[(employee_id, leave_type_id)] = Decimal(days)
    overtime = dict(
        DayOutcome.objects.filter(date__range=(start, end), employee__in=people)
        .order_by()
        .values("employee_id")
        .annotate(minutes=Sum("overtime_minutes"))
        .values_list("employee_id", "minutes")
    )
    return MonthFigures(attendance=attendance, leave=leave, overtime=overtime)
