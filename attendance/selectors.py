"""Reads of attendance, and the attendance rate: computed in the database, here only."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    FloatField,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast, NullIf

from accounts.scoping import Scope
from employees.models import Department, Employee

from .models import AttendanceRecord

Status = AttendanceRecord.Status

# Statuses that count as a full day at work, and the ones left out of the rate.
FULL_DAY = [Status.PRESENT, Status.WORK_FROM_HOME]


def attendance_figures(prefix: str = "", where: Q | None = None) -> dict:
    """Aggregates of attendance records: a count per status, the marked days and the rate.

    Rate = (Present + Work from home + 0.5 × Half day) / (marked days − On leave) × 100,
    NULL ("no data") when no day counts. `prefix` reaches the records through a
    relation (e.g. "attendance__" from employees); `where` narrows them.
    """
    where = where or Q()

    def count(q: Q) -> Count:
        return Count(f"{prefix}pk", filter=where & q)

    def has(*statuses) -> Q:
        return Q(**{f"{prefix}status__in": list(statuses)})

    figures = {status.value: count(has(status)) for status in Status}
    figures["marked"] = count(Q(**{f"{prefix}pk__isnull": False}))
    attended = (
        Cast(count(has(*FULL_DAY)), FloatField())
        + Cast(count(has(Status.HALF_DAY)), FloatField()) / 2
    )
    counted = NullIf(figures["marked"] - figures[Status.ON_LEAVE], 0)
    figures["rate"] = attended * 100 / Cast(counted, FloatField())
    return figures


@dataclass(frozen=True)
class Summary:
    """Counts per status, marked days and the rate (None when nothing counts)."""

    counts: dict[str, int]
    marked: int
    rate: float | None

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        return [(status.value, status.label, self.counts[status.value]) for status in Status]


def _summary(values: dict) -> Summary:
    return Summary(
        counts={status.value: values[status.value] for status in Status},
        marked=values["marked"],
        rate=values["rate"],
    )


def employee_summary(*, employee: Employee, start: datetime.date, end: datetime.date) -> Summary:
    records = AttendanceRecord.objects.filter(employee=employee, date__range=(start, end))
    return _summary(records.aggregate(**attendance_figures()))


def recent_records(*, employee: Employee, limit: int = 10) -> QuerySet[AttendanceRecord]:
    return AttendanceRecord.objects.filter(employee=employee).select_related("marked_by")[:limit]


def attendance_list(*, scope: Scope) -> QuerySet[AttendanceRecord]:
    records = scope.limit(AttendanceRecord.objects.all(), "employee__department")
    # Newest day first, then in the order the records were made (a roster is saved in
    # name order): an order the database reads straight from an index, at any size.
    return records.select_related("employee__department", "marked_by").order_by("-date", "pk")


def _employed_on(day: datetime.date, department: Department | None, scope: Scope):
    employees = scope.limit(Employee.objects.employed_on(day), "department")
    if department is not None:
        employees = employees.filter(department=department)
    return employees


def roster(
    *, day: datetime.date, department: Department | None = None, scope: Scope
) -> QuerySet[Employee]:
    """Everyone employed on `day` (in `department`), with that day's record if any."""
    employees = _employed_on(day, department, scope)
    return (
        employees.annotate(
            day_record=FilteredRelation("attendance", condition=Q(attendance__date=day))
        )
        .annotate(
            record_id=F("day_record__id"),
            status=F("day_record__status"),
            department_name=F("department__name"),
        )
        .only(
            "id",
            "employee_id",
            "full_name",
            "job_title",
            "department",
            "date_joined",
            "date_left",
            "is_active",
        )
        .order_by("full_name", "employee_id")
    )


def day_summary(*, day: datetime.date, department: Department | None = None, scope: Scope) -> dict:
    """A day at a glance: employees employed, each status, not marked, and the day's rate."""
    employees = _employed_on(day, department, scope)
    figures = employees.annotate(
        day_record=FilteredRelation("attendance", condition=Q(attendance__date=day))
    ).aggregate(total=Count("pk"), **attendance_figures("day_record__"))
    figures["not_marked"] = figures["total"] - figures["marked"]
    return figures


# Figures over many past days (the dashboard's 30 working days) are kept in the cache
# until attendance or holidays change (`figures_changed`), and for a minute at most.
FIGURES_VERSION = "attendance:figures-version"
FIGURES_TTL = 60


def figures_changed() -> None:
    """Forget cached figures: called whenever attendance or the working calendar changes."""
    try:
        cache.incr(FIGURES_VERSION)
    except ValueError:
        cache.set(FIGURES_VERSION, 1, None)


def _cached(name: str, days: list[datetime.date], scope: Scope, compute):
    version = cache.get(FIGURES_VERSION, 0)
    limit = (
        "all" if scope.department_ids is None else ",".join(map(str, sorted(scope.department_ids)))
    )
    window = f"{days[0]}:{days[-1]}:{len(days)}" if days else "none"
    key = f"attendance:{name}:{version}:{limit}:{window}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FIGURES_TTL)
    return value


def period_rate(days: list[datetime.date], *, scope: Scope) -> float | None:
    """The attendance rate over the given days, for everyone in scope."""

    def compute():
        records = scope.limit(
            AttendanceRecord.objects.filter(date__in=days), "employee__department"
        )
        return records.aggregate(rate=attendance_figures()["rate"])["rate"]

    # A rate of None ("no data") is cached as a string: the cache cannot hold None.
    rate = _cached("period-rate", days, scope, lambda: _or_none_text(compute()))
    return None if rate == "none" else rate


def _or_none_text(value):
    return "none" if value is None else value


def daily_rates(
    days: list[datetime.date], *, scope: Scope
) -> list[tuple[datetime.date, float | None]]:
    """The rate of each of the given days (None for a day with nothing that counts)."""

    def compute():
        records = scope.limit(
            AttendanceRecord.objects.filter(date__in=days), "employee__department"
        )
        return dict(
            records.values("date")
            .annotate(rate=attendance_figures()["rate"])
            .values_list("date", "rate")
        )

    rates = _cached("daily-rates", days, scope, compute)
    return [(day, rates.get(day)) for day in days]


def unmarked(*, day: datetime.date, scope: Scope, limit: int = 10) -> dict:
    """Who has no record on `day`: a few names, and how many in each department."""
    employees = (
        _employed_on(day, None, scope)
        .annotate(day_record=FilteredRelation("attendance", condition=Q(attendance__date=day)))
        .filter(day_record__isnull=True)
    )
    by_department = list(
        employees.values("department_id", "department__name")
        .annotate(count=Count("pk"))
        .order_by("department__name")
    )
    return {
        "some": list(employees.select_related("department").order_by("full_name")[:limit]),
        "by_department": by_department,
        "total": sum(row["count"] for row in by_department),
    }
