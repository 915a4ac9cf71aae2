"""The monthly register: employees × days, with each employee's totals.

Totals come from the database (`attendance_figures`); the grid places each
employee's records on the month's calendar.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.scoping import Scope
from employees.models import Department, Employee

from .calendar import HOLIDAY, WEEKLY_OFF, Calendar, days, month_bounds
from .models import STATUS_CODES, AttendanceRecord
from .selectors import attendance_figures

Status = AttendanceRecord.Status


@dataclass(frozen=True)
class Cell:
    text: str  # what the cell shows: a status code, or "" / "·"
    kind: str  # css class: a status, "unmarked", "outside", "future", plus "off"/"holiday"
    title: str  # the full meaning, for tooltips and exports


@dataclass(frozen=True)
class Row:
    employee: Employee
    cells: list[Cell]
    counts: dict[str, int]
    not_marked: int
    rate: float | None


@dataclass(frozen=True)
class Day:
    date: datetime.date
    kind: str  # "working", "weekly_off" or "holiday"
    holiday: str


class Register:
    """One month of attendance for a set of employees."""

    def __init__(self, *, month: datetime.date, department: Department | None = None, scope: Scope):
        self.start, self.end = month_bounds(month)
        self.department = department
        self.scope = scope
        self.calendar = Calendar.between(self.start, self.end)
        self.today = timezone.localdate()
        self.days = [
            Day(date=d, kind=self.calendar.kind(d), holiday=self.calendar.holidays.get(d, ""))
            for d in days(self.start, self.end)
        ]
        self.working_days = [d.date for d in self.days if d.kind == "working"]

    def employees(self) -> QuerySet[Employee]:
        """Everyone employed at some point in the month, in name order."""
        employees = self.scope.limit(
            Employee.objects.employed_between(self.start, self.end), "department"
        )
        if self.department is not None:
            employees = employees.filter(department=self.department)
        return employees.select_related("department").order_by("full_name", "employee_id")

    def rows(self, employees: list[Employee]) -> list[Row]:
        """The grid rows of these employees: one query for their records, one for their
        totals (computed in the database, over this month's records only)."""
        in_month = AttendanceRecord.objects.filter(
            employee__in=employees, date__range=(self.start, self.end)
        ).order_by()  # no order needed, and the default one joins every employee
        records = {
            (employee_id, date): (status, note)
            for employee_id, date, status, note in in_month.values_list(
                "employee_id", "date", "status", "note"
            )
        }
        totals = {
            figures.pop("employee_id"): figures
            for figures in in_month.values("employee_id").annotate(
                **attendance_figures(),
                marked_working=Count("pk", filter=Q(date__in=self.working_days)),
            )
        }
        return [self._row(employee, records, totals.get(employee.pk)) for employee in employees]

    def iter_rows(self, chunk_size: int = 500) -> Iterator[Row]:
        """Every employee's row in name order, a chunk at a time: memory stays flat."""
        employees = self.employees()
        after = Q()
        while True:
            chunk = list(employees.filter(after)[:chunk_size])
            if not chunk:
                return
            yield from self.rows(chunk)
            last = chunk[-1]
            after = Q(full_name__gt=last.full_name) | Q(
                full_name=last.full_name, employee_id__gt=last.employee_id
            )

    def _row(self, employee: Employee, records: dict, totals: dict | None) -> Row:
        cells = []
        expected = 0
        for day in self.days:
            found = records.get((employee.pk, day.date))
            employed = employee.was_employed_on(day.date)
            calendar_class = {WEEKLY_OFF: " off", HOLIDAY: " holiday"}.get(day.kind, "")
            if found:
                status, note = found
                label = Status(status).label
                cells.append(
                    Cell(STATUS_CODES[status], status + calendar_class, _title(label, day, note))
                )
            elif not employed:
                cells.append(Cell("", "outside", "Not employed on this day"))
            elif day.date > self.today:
                cells.append(Cell("", "future" + calendar_class, "In the future"))
            elif day.kind != "working":
                name = day.holiday or "Weekly off day"
                cells.append(Cell("", day.kind.replace("weekly_", ""), name))
            else:
                cells.append(Cell("·", "unmarked", "Not marked"))
            if employed and day.kind == "working" and day.date <= self.today:
                expected += 1
        totals = totals or {"marked_working": 0, "rate": None}
        return Row(
            employee=employee,
            cells=cells,
            counts={status.value: totals.get(status.value, 0) for status in Status},
            not_marked=max(expected - totals["marked_working"], 0),
            rate=totals["rate"],
        )


def status_columns() -> list[tuple[str, str, str]]:
    """(status, label, code) of each total column of a month grid."""
    return [(s.value, s.label, STATUS_CODES[s]) for s in Status]


def register_legend() -> list[tuple[str, str, str]]:
    """(code, css class, meaning) for every kind of month grid cell."""
    return [
        *((STATUS_CODES[s], s.value, s.label) for s in Status),
        ("·", "unmarked", "Working day, not marked"),
        ("", "off", "Weekly off day"),
        ("", "holiday", "Holiday"),
        ("", "outside", "Before joining or after leaving"),
    ]


# In a downloaded register: NM = working day not marked, OFF = weekly off, HOL = holiday.
CELL_EXPORT_TEXT = {"unmarked": "NM", "off": "OFF", "holiday": "HOL"}


def export_table(sheet: Register) -> tuple[list[str], Iterator[list]]:
    """The whole register as a header and rows, for CSV and XLSX downloads."""
    header = [
        "Code",
        "Employee",
        "Department",
        *(day.date.isoformat() for day in sheet.days),
        *(STATUS_CODES[status] for status in Status),
        "Not marked",
        "Rate %",
    ]
    rows = (
        [
            row.employee.employee_id,
            row.employee.full_name,
            row.employee.department.name,
            *(_export_text(cell) for cell in row.cells),
            *(row.counts[status.value] for status in Status),
            row.not_marked,
            None if row.rate is None else round(row.rate, 1),
        ]
        for row in sheet.iter_rows()
    )
    return header, rows


def _export_text(cell: Cell) -> str:
    if cell.kind == "unmarked" or not cell.text:
        return CELL_EXPORT_TEXT.get(cell.kind.split()[0], "")
    return cell.text


def _title(label: str, day: Day, note: str) -> str:
    title = label
    if day.holiday:
        title += f" (holiday: {day.holiday})"
    elif day.kind == WEEKLY_OFF:
        title += " (weekly off day)"
    if note:
        title += f": {note}"
    return title
