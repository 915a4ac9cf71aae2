"""Reads of attendance, and the attendance rate: computed in the database, here only."""

import datetime
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache, caches
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    FloatField,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from accounts.scoping import Scope
from core.formats import format_weekday_short
from employees.models import Department, Employee, employed_between
from employees.selectors import department_list
from employees.versions import EMPLOYEES_VERSION

from .calendar import HOLIDAY, WEEKLY_OFF, WORKING, Calendar, days, last_working_days, month_bounds
from .models import STATUS_CODES, AttendanceRecord

Status = AttendanceRecord.Status

# Statuses that count as a full day at work, and the ones left out of the rate.
FULL_DAY = [Status.PRESENT, Status.WORK_FROM_HOME]


def rate_parts(prefix: str = "", where: Q | None = None) -> tuple:
    """The two halves of the attendance rate, as database aggregates:
    attended = Present + Work from home + 0.5 × Half day, counted = marked days − On leave.
    """
    where = where or Q()

    def count(q: Q) -> Count:
        return Count(f"{prefix}pk", filter=where & q)

    def has(*statuses) -> Q:
        return Q(**{f"{prefix}status__in": list(statuses)})

    attended = (
        Cast(count(has(*FULL_DAY)), FloatField())
        + Cast(count(has(Status.HALF_DAY)), FloatField()) / 2
    )
    counted = count(Q(**{f"{prefix}pk__isnull": False})) - count(has(Status.ON_LEAVE))
    return attended, counted


def rate_of(attended: float, counted: int) -> float | None:
    """attended × 100 / counted, the same as attendance_figures' rate, for figures added up
    day by day; None ("no data") when no day counts."""
    return attended * 100 / counted if counted else None


def attendance_figures(prefix: str = "", where: Q | None = None) -> dict:
    """Aggregates of attendance records: a count per status, the marked days and the rate.

    Rate = (Present + Work from home + 0.5 × Half day) / (marked days − On leave) × 100,
    NULL ("no data") when no day counts. `prefix` reaches the records through a
    relation (e.g. "attendance__" from employees); `where` narrows them.
    """
    where = where or Q()
    figures = {
        status.value: Count(f"{prefix}pk", filter=where & Q(**{f"{prefix}status": status}))
        for status in Status
    }
    figures["marked"] = Count(f"{prefix}pk", filter=where & Q(**{f"{prefix}pk__isnull": False}))
    attended, counted = rate_parts(prefix, where)
    figures["rate"] = attended * 100 / Cast(NullIf(counted, 0), FloatField())
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
    return AttendanceRecord.objects.filter(employee=employee).select_related(
        "employee", "marked_by"
    )[:limit]


@dataclass(frozen=True)
class CalendarDay:
    """One day of an employee's month calendar."""

    date: datetime.date
    kind: str  # a status, or "unmarked", "holiday", "off", "future", "outside"
    code: str  # what the cell shows: a status code, "·", "Hol", "Off", or nothing
    label: str  # what the day was, in words: "Present", "Holiday: New Year's Day"
    is_today: bool

    @property
    def css_class(self) -> str:
        return calendar_class(self.kind)

    @property
    def spoken(self) -> str:
        """What a screen reader says for the day: "Wed 2 Dec"."""
        return format_weekday_short(self.date)


def calendar_class(kind: str) -> str:
    """The CSS class of a calendar cell: a status's colours (`status-present`) or `cal-<kind>`."""
    return f"status-{kind}" if kind in Status.values else f"cal-{kind}"


# (code, CSS class, meaning) of every kind of calendar cell, for the legend.
CALENDAR_LEGEND = [
    *((STATUS_CODES[s], calendar_class(s.value), s.label) for s in Status),
    ("·", calendar_class("unmarked"), "Working day, not marked"),
    ("Hol", calendar_class("holiday"), "Holiday"),
    ("Off", calendar_class("off"), "Weekly off day"),
    ("", calendar_class("future"), "In the future, or not employed"),
]


@dataclass(frozen=True)
class MonthCalendar:
    """One month of one employee's attendance, as weeks from Monday to Sunday."""

    first: datetime.date
    weeks: list[list[CalendarDay | None]]  # None: a day of the month before or after

    @property
    def previous(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def following(self) -> datetime.date:
        return month_bounds(self.first)[1] + datetime.timedelta(days=1)

    @property
    def is_this_month(self) -> bool:
        return self.first == timezone.localdate().replace(day=1)


def employee_month(*, employee: Employee, month: datetime.date) -> MonthCalendar:
    """Each day of `month` for `employee`: their record, or why there is none (a day off,
    not marked, in the future, not employed). Two queries: the records, the holidays."""
    start, end = month_bounds(month)
    calendar = Calendar.between(start, end)
    records = {
        day: (status, note)
        for day, status, note in AttendanceRecord.objects.filter(
            employee=employee, date__range=(start, end)
        )
        .order_by()  # the default order joins the employee
        .values_list("date", "status", "note")
    }
    today = timezone.localdate()

    def describe(day: datetime.date) -> CalendarDay:
        kind = calendar.kind(day)
        holiday = calendar.holidays.get(day, "")
        if day in records:
            status, note = records[day]
            label = Status(status).label
            if kind == HOLIDAY:
                label += f" (holiday: {holiday})"
            elif kind == WEEKLY_OFF:
                label += " (weekly off day)"
            if note:
                label += f". Note: {note}"
            return CalendarDay(day, status, STATUS_CODES[status], label, day == today)
        if not employee.was_employed_on(day):
            return CalendarDay(day, "outside", "", "Not employed", day == today)
        if day > today:
            return CalendarDay(day, "future", "", "In the future", False)
        if kind == HOLIDAY:
            return CalendarDay(day, "holiday", "Hol", f"Holiday: {holiday}", day == today)
        if kind == WEEKLY_OFF:
            return CalendarDay(day, "off", "Off", "Weekly off day", day == today)
        return CalendarDay(day, "unmarked", "·", "Not marked", day == today)

    cells = [None] * start.weekday() + [describe(day) for day in days(start, end)]
    cells += [None] * (-len(cells) % 7)
    return MonthCalendar(first=start, weeks=[cells[n : n + 7] for n in range(0, len(cells), 7)])


def employee_history(employee: Employee) -> QuerySet[LogEntry]:
    """Changes to an employee and to their attendance records, newest first."""
    return (
        LogEntry.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(Employee), object_pk=str(employee.pk))
            | Q(
                content_type=ContentType.objects.get_for_model(AttendanceRecord),
                additional_data__employee=str(employee.pk),
            )
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


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
    *,
    day: datetime.date,
    department: Department | None = None,
    scope: Scope,
    codes: Collection[str] | None = None,
) -> QuerySet[Employee]:
    """Everyone employed on `day` (in `department`), with that day's record if any; only
    the employees of `codes` when given (the rows of a posted roster page)."""
    employees = _employed_on(day, department, scope)
    if codes is not None:
        employees = employees.filter(employee_id__in=codes)
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


@dataclass(frozen=True)
class DayOverview:
    """A day at a glance, for the dashboard and the API: its kind (working, weekly off,
    holiday); its figures (as `day_summary`'s); the departments, each with its employees
    (`employee_count`, `active_count`, `employed` that day); and who is not marked yet
    (`unmarked`: a few names, how many in each department, the total; None on a day off,
    when nobody is expected)."""

    kind: str
    figures: dict
    departments: list[Department]
    unmarked: dict | None


def day_overview(*, day: datetime.date, scope: Scope, names: int = 10) -> DayOverview:
    """The day at a glance in three queries, whatever the number of employees: each
    department's employees, the day's records counted per department, and the first few
    names of those not marked (none when everyone is). The morning, before anyone is
    marked, costs the least: the day's records are read from the index of days.

    Both halves are kept in each process's memory (the "local" cache) under versions kept
    in the shared cache, as the rate's figures are: the head counts until an employee or
    department changes (`employees.versions`), for an hour at most; the day's marks until
    that day's attendance changes (`figures_changed`), for a minute at most today.
    """
    kind = Calendar.between(day, day).kind(day)
    versions = cache.get_many([EMPLOYEES_VERSION, FIGURES_VERSION, _day_version_key(day)])
    staff = versions.get(EMPLOYEES_VERSION, 0)
    marks = f"{versions.get(FIGURES_VERSION, 0)}:{versions.get(_day_version_key(day), 0)}"
    where = f"{scope.key}:{day.isoformat()}"
    local = caches["local"]

    heads_key = f"attendance:head-counts:{staff}:{where}"
    departments = local.get(heads_key)
    if departments is None:
        departments = list(
            department_list(scope=scope).annotate(
                employed=Count("employees", filter=employed_between(day, day, "employees__"))
            )
        )
        local.set(heads_key, departments, FIGURES_TTL)

    marks_key = f"attendance:day-marks:{staff}:{marks}:{where}:{kind}:{names}"
    found = local.get(marks_key)
    if found is None:
        per_department = _marks_per_department(day, scope)
        unmarked = None
        if kind == WORKING:
            by_department = [
                {
                    "department_id": department.pk,
                    "department__name": department.name,
                    "count": department.employed
                    - per_department.get(department.pk, {}).get("marked", 0),
                }
                for department in departments
            ]
            by_department = [row for row in by_department if row["count"] > 0]
            unmarked = {
                "some": _first_unmarked(
                    day, scope, [row["department_id"] for row in by_department], names
                ),
                "by_department": by_department,
                "total": sum(row["count"] for row in by_department),
            }
        found = (per_department, unmarked)
        local.set(
            marks_key, found, TODAYS_FIGURES_TTL if day >= timezone.localdate() else FIGURES_TTL
        )
    per_department, unmarked = found
    rows = per_department.values()
    figures = {key: sum(row[key] for row in rows) for key in ["marked", *Status.values]}
    figures["total"] = sum(department.employed for department in departments)
    figures["rate"] = rate_of(sum(r["attended"] for r in rows), sum(r["counted"] for r in rows))
    figures["not_marked"] = figures["total"] - figures["marked"] if kind == WORKING else 0
    return DayOverview(kind=kind, figures=figures, departments=departments, unmarked=unmarked)


def _marks_per_department(day: datetime.date, scope: Scope) -> dict[int, dict]:
    """The day's records of people employed that day, counted per department: per status,
    marked, and the two halves of the rate."""
    attended, counted = rate_parts()
    records = scope.limit(
        AttendanceRecord.objects.filter(employed_between(day, day, "employee__"), date=day),
        "employee__department",
    )
    return {
        row.pop("employee__department_id"): row
        for row in records.order_by()
        .values("employee__department_id")
        .annotate(
            marked=Count("pk"),
            attended=attended,
            counted=counted,
            **{status.value: Count("pk", filter=Q(status=status)) for status in Status},
        )
    }


def _first_unmarked(day, scope: Scope, department_ids: list[int], limit: int) -> list[Employee]:
    """The first people by name with no record on `day`. "Not among the day's records" (a
    hashed list on PostgreSQL) along the index of names stops at the first few in the
    morning, and costs one pass over the names when only a few are left."""
    if not department_ids or not limit:
        return []
    marked = AttendanceRecord.objects.filter(date=day).values("employee_id")
    return list(
        _employed_on(day, None, scope)
        .filter(department_id__in=department_ids)
        .exclude(pk__in=marked)
        .select_related("department")
        .order_by("full_name", "employee_id")[:limit]
    )


# The overall attendance rate (the dashboard's and the API's) covers this many working
# days, up to and including today.
RATE_WINDOW = 30


def rate_window(*, until: datetime.date) -> list[datetime.date]:
    return last_working_days(RATE_WINDOW, until=until)


# The dashboard's figures over many days (its 30 working days) are added up from each
# day's figures, which are kept until that day's attendance changes (`figures_changed`),
# and for an hour at most (today's for a minute): marking today costs one day's sums.
# The figures are kept in each process's memory (the "local" cache), under the day's
# version, which is kept in the shared cache (Redis, or the database): a change saved by
# any process gives the day a new version, so every process computes it afresh, and none
# serves stale figures.
FIGURES_VERSION = "attendance:figures-version"
FIGURES_TTL = 60 * 60
TODAYS_FIGURES_TTL = 60
# Forgetting more days than this at once forgets every day (one cache write, not many).
MAX_DAYS_FORGOTTEN_ONE_BY_ONE = 31


def figures_changed(days=None) -> None:
    """Forget cached figures of these days, or of every day (the default): called whenever
    attendance or the working calendar changes."""
    days = None if days is None else set(days)
    if days is None or len(days) > MAX_DAYS_FORGOTTEN_ONE_BY_ONE:
        keys = [FIGURES_VERSION]
    else:
        keys = [_day_version_key(day) for day in days]
    # A new random version (one write), rather than a counter (a read and a write).
    cache.set_many(dict.fromkeys(keys, uuid.uuid4().hex[:12]), None)


def _day_version_key(day: datetime.date) -> str:
    return f"{FIGURES_VERSION}:{day.isoformat()}"


def _day_figures(days: list[datetime.date], scope: Scope) -> dict:
    """(attended, counted) for each day, from the cache or, for the days missing, from one
    grouped query."""
    if not days:
        return {}
    limit = scope.key
    versions = cache.get_many([FIGURES_VERSION, *(_day_version_key(day) for day in days)])
    everything = versions.get(FIGURES_VERSION, 0)
    keys = {
        day: f"attendance:day-figures:{everything}:"
        f"{versions.get(_day_version_key(day), 0)}:{limit}:{day.isoformat()}"
        for day in days
    }
    local = caches["local"]
    found = local.get_many(list(keys.values()))
    figures = {day: found[key] for day, key in keys.items() if key in found}
    missing = [day for day in days if day not in figures]
    if missing:
        attended_sum, counted_sum = rate_parts()
        rows = (
            scope.limit(AttendanceRecord.objects.filter(date__in=missing), "employee__department")
            .order_by()
            .values("date")
            .annotate(attended=attended_sum, counted=counted_sum)
            .values_list("date", "attended", "counted")
        )
        computed = dict.fromkeys(missing, (0.0, 0))
        computed.update({day: (attended, counted) for day, attended, counted in rows})
        today = timezone.localdate()
        for ttl, chosen in (
            (FIGURES_TTL, {keys[d]: v for d, v in computed.items() if d < today}),
            (TODAYS_FIGURES_TTL, {keys[d]: v for d, v in computed.items() if d >= today}),
        ):
            if chosen:
                local.set_many(chosen, ttl)
        figures.update(computed)
    return figures


def period_rate(days: list[datetime.date], *, scope: Scope) -> float | None:
    """The attendance rate over the given days, for everyone in scope."""
    figures = _day_figures(days, scope).values()
    return rate_of(sum(a for a, _ in figures), sum(c for _, c in figures))


def daily_rates(
    days: list[datetime.date], *, scope: Scope
) -> list[tuple[datetime.date, float | None]]:
    """The rate of each of the given days (None for a day with nothing that counts)."""
    figures = _day_figures(days, scope)
    return [(day, rate_of(*figures[day])) for day in days]
