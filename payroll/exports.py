"""The payroll export: one row per employee for a month closed for payroll, written by a
job (`jobs.exports`), within the scope of whoever started it."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.http import QueryDict
from django.utils.text import slugify

from accounts.scoping import Scope
from core.formats import format_month
from employees.models import Department
from jobs.exports import Export, exporter
from jobs.runner import JobFailed

from .selectors import (
    export_leave_types,
    month_figures,
    payroll_employees,
    unclosed_departments,
)

PAYROLL = "payroll"


def export_query(*, month: datetime.date, department: Department | None) -> QueryDict:
    """What the export job keeps of its request: the month, and the department if any."""
    query = QueryDict(mutable=True)
    query["month"] = month.isoformat()[:7]
    if department is not None:
        query["department"] = str(department.pk)
    return query


def not_closed_message(month: datetime.date, names: list[str]) -> str:
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return (
        f"{format_month(month)} is not closed for payroll for {shown}, so its figures may "
        "still change. Close the month first (for the organisation, or for each of these "
        "departments), then export it."
    )


@exporter(PAYROLL)
def payroll_export(*, scope: Scope, query) -> Export:
    """The month's figures of everyone in the scope (and the department) employed in it.
    Refused (JobFailed) unless the month is closed for every department in it: the view
    checks first, and the job again when it runs, as the month may have been reopened."""
    month = datetime.date.fromisoformat(f"{query['month']}-01")
    department = None
    if query.get("department"):
        department = scope.limit(Department.objects.all(), "pk").get(pk=query["department"])
    missing = unclosed_departments(month=month, department=department, scope=scope)
    if missing:
        raise JobFailed(not_closed_message(month, missing))
    employees = payroll_employees(month=month, department=department, scope=scope)
    types = export_leave_types(month)
    header = [
        "Code",
        "Employee",
        "Department",
        "Days present",
        "Work from home",
        "Half days",
        "Absences",
        *(f"{leave_type.name} (days)" for leave_type in types),
        "Other leave (days)",
        "Unpaid leave, all types (days)",
        "Overtime (minutes)",
    ]
    name = f"payroll-{query['month']}"
    what = f"payroll of {format_month(month)}"
    if department is not None:
        name += "-" + slugify(department.name)
        what += f", {department.name}"
    return Export(
        name=name,
        title=f"Payroll {query['month']}",
        header=header,
        rows=_rows(employees, month, types),
        row_count=employees.count,
        what=what,
    )


def _rows(employees, month: datetime.date, types) -> Iterator[list]:
    """Each employee's row, in code order: the figures added up in the database first
    (month_figures: three queries), then the employees read in chunks."""
    figures = month_figures(employees=employees, month=month)
    unpaid = [leave_type.pk for leave_type in types if not leave_type.paid]
    for pk, code, full_name, department in (
        employees.order_by("employee_id")
        .values_list("pk", "employee_id", "full_name", "department__name")
        .iterator(chunk_size=2000)
    ):
        counts = figures.attendance.get(pk, {})
        leave = [figures.leave.get((pk, leave_type.pk), Decimal(0)) for leave_type in types]
        yield [
            code,
            full_name,
            department,
            counts.get("present", 0),
            counts.get("wfh", 0),
            counts.get("half_day", 0),
            counts.get("absent", 0),
            *(_days(days) for days in leave),
            _days(counts.get("other_leave", 0)),
            _days(sum((figures.leave.get((pk, t), Decimal(0)) for t in unpaid), Decimal(0))),
            figures.overtime.get(pk) or 0,
        ]


def _days(days) -> int | float:
    """Days as a spreadsheet reads them: 2, or 1.5 for a half."""
    days = Decimal(days)
    return int(days) if days == days.to_integral_value() else float(days)
