"""Every write to departments and employees."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from accounts.scoping import EVERYTHING, Scope
from hrms.audit import log_bulk, snapshot
from hrms.db import save_validated
from hrms.spreadsheets import Column, ImportReport, Table

from . import selectors
from .models import Department, Employee

EMPLOYEE_FIELDS = (
    "employee_id",
    "full_name",
    "email",
    "department",
    "job_title",
    "phone",
    "date_joined",
    "date_left",
)


@transaction.atomic
def department_create(*, name: str) -> Department:
    department = Department(name=name)
    save_validated(department)
    return department


@transaction.atomic
def department_rename(*, department: Department, name: str) -> Department:
    department.name = name
    save_validated(department)
    return department


@transaction.atomic
def department_delete(*, department: Department) -> None:
    """Delete a department that no employee belongs to any more."""
    counts = Employee.objects.filter(department=department).aggregate(
        total=Count("pk"), inactive=Count("pk", filter=Q(is_active=False))
    )
    if counts["total"]:
        raise ValidationError(
            department_in_use_message(
                department, total=counts["total"], inactive=counts["inactive"]
            ),
            code="department_in_use",
        )
    department.delete()


def department_in_use_message(department: Department, *, total: int, inactive: int) -> str:
    people = "1 employee" if total == 1 else f"{total} employees"
    if inactive:
        people += f" ({inactive} of them inactive)"
    return (
        f"{department.name} cannot be deleted: it still has {people}. "
        "Move them to another department or delete them first."
    )


@transaction.atomic
def employee_create(
    *,
    employee_id: str,
    full_name: str,
    email: str,
    department: Department,
    job_title: str = "",
    phone: str = "",
    date_joined: datetime.date | None = None,
    date_left: datetime.date | None = None,
) -> Employee:
    employee = Employee(
        employee_id=employee_id,
        full_name=full_name,
        email=email,
        department=department,
        job_title=job_title,
        phone=phone,
        date_joined=date_joined or timezone.localdate(),
        date_left=date_left,
    )
    save_validated(employee)
    return employee


@transaction.atomic
def employee_update(*, employee: Employee, **changes) -> Employee:
    """Change any of the fields in EMPLOYEE_FIELDS."""
    for name, value in _employee_fields(changes).items():
        setattr(employee, name, value)
    _check_attendance_within_employment(employee)
    save_validated(employee)
    return employee


@transaction.atomic
def employee_deactivate(*, employee: Employee, date_left: datetime.date | None = None) -> Employee:
    """Mark an employee as no longer working here, from `date_left` (default today)."""
    if not employee.is_active:
        raise ValidationError(f"{employee} is already inactive.", code="already_inactive")
    employee.is_active = False
    employee.date_left = date_left or employee.date_left or timezone.localdate()
    _check_attendance_within_employment(employee)
    save_validated(employee)
    return employee


@transaction.atomic
def employee_reactivate(*, employee: Employee) -> Employee:
    """Bring a former employee back; their leaving date is cleared."""
    if employee.is_active:
        raise ValidationError(f"{employee} is already active.", code="already_active")
    employee.is_active = True
    employee.date_left = None
    save_validated(employee)
    return employee


@transaction.atomic
def employee_delete(*, employee: Employee) -> None:
    """Delete an employee and everything recorded about them."""
    employee.delete()


def _check_attendance_within_employment(employee: Employee) -> None:
    """Refuse employment dates that would leave attendance records outside them."""
    if employee.date_joined is None:
        return
    after_leaving = Q(date__gt=employee.date_left) if employee.date_left else Q(pk__in=[])
    outside = employee.attendance.aggregate(
        before=Count("pk", filter=Q(date__lt=employee.date_joined)),
        after=Count("pk", filter=after_leaving),
    )
    errors = {}
    if outside["before"]:
        errors["date_joined"] = (
            f"{employee.full_name} has {_records(outside['before'])} before "
            f"{employee.date_joined:%d %b %Y}. Choose an earlier joining date, or delete "
            "those records first."
        )
    if outside["after"]:
        errors["date_left"] = (
            f"{employee.full_name} has {_records(outside['after'])} after "
            f"{employee.date_left:%d %b %Y}. Choose a later leaving date, or delete those "
            "records first."
        )
    if errors:
        raise ValidationError(errors, code="records_outside_employment")


def _records(count: int) -> str:
    return "1 attendance record" if count == 1 else f"{count} attendance records"


def _employee_fields(fields: dict) -> dict:
    unknown = set(fields) - set(EMPLOYEE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown employee fields: {', '.join(sorted(unknown))}")
    return fields


IMPORT_COLUMNS = [
    Column("employee_id", "Employee code", ("code", "employee code", "emp id"), required=True),
    Column("full_name", "Full name", ("name", "employee name"), required=True),
    Column("email", "Email", ("email address", "e-mail"), required=True),
    Column("department", "Department", ("dept",), required=True),
    Column("job_title", "Job title", ("title", "position")),
    Column("phone", "Phone", ("phone number", "mobile")),
    Column("date_joined", "Date joined", ("joined", "joining date", "start date")),
    Column("date_left", "Date left", ("left", "leaving date", "end date")),
]
IMPORT_LABELS = {column.name: column.label for column in IMPORT_COLUMNS}


@transaction.atomic
def employees_import(
    *,
    table: Table,
    update_existing: bool = False,
    create_departments: bool = False,
    scope: Scope = EVERYTHING,
    by=None,
    dry_run: bool = False,
) -> ImportReport:
    """Add (and, if asked, update) employees from a file's rows: all of them, or none.

    Every row goes through the employee form's rules; codes and emails must be new
    (or, with `update_existing`, belong to the row's own employee) and appear once.
    With any error, or `dry_run`, nothing is written and the report says what would be.
    """
    from .forms import EmployeeImportForm  # forms import this module

    report = ImportReport(rows=len(table.rows))
    if table.ignored_columns:
        report.notes.append("Columns not used: " + ", ".join(table.ignored_columns) + ".")
    known = {d.name.lower(): d for d in selectors.departments(scope=scope)}
    if create_departments:
        _create_missing_departments(table, known, scope, report)

    codes = {data.get("employee_id", "").strip().upper() for _, data in table.rows}
    emails = {data.get("email", "").strip().lower() for _, data in table.rows}
    everyone = Employee.objects.filter(employee_id__in=codes)
    visible = {e.employee_id: e for e in scope.limit(everyone, "department")}
    taken = set(everyone.values_list("employee_id", flat=True))
    email_owner = dict(
        Employee.objects.filter(email__in=emails).values_list("email", "employee_id")
    )

    seen_codes, seen_emails = {}, {}
    to_create, to_update = [], []
    for number, data in table.rows:
        code = data.get("employee_id", "").strip().upper()
        existing = visible.get(code)
        if existing is None and code in taken:
            report.error(number, "Employee code", f"{code} is already taken by another employee.")
            continue
        if existing is not None and not update_existing:
            report.error(
                number,
                "Employee code",
                f"{code} already exists ({existing.full_name}). Choose “update existing "
                "employees” to update them from the file.",
            )
            continue
        before = snapshot(existing) if existing is not None else None
        form = EmployeeImportForm(_row_values(data, existing), departments=known, instance=existing)
        if not form.is_valid():
            for field, errors in form.errors.items():
                report.error(number, IMPORT_LABELS.get(field, "Row"), " ".join(errors))
            continue
        employee = form.instance
        if code in seen_codes:
            report.error(number, "Employee code", f"{code} is also on row {seen_codes[code]}.")
            continue
        if employee.email in seen_emails:
            report.error(
                number, "Email", f"{employee.email} is also on row {seen_emails[employee.email]}."
            )
            continue
        owner = email_owner.get(employee.email)
        if owner is not None and owner != code:
            report.error(number, "Email", f"{employee.email} is already the email of {owner}.")
            continue
        seen_codes[code], seen_emails[employee.email] = number, number
        (to_update if existing else to_create).append((before, employee))

    _check_updates_keep_attendance_inside(to_update, report, rows=seen_codes)
    report.created, report.updated = len(to_create), len(to_update)
    if report.errors or dry_run:
        transaction.set_rollback(True)
        return report
    Employee.objects.bulk_create([employee for _, employee in to_create], batch_size=500)
    Employee.objects.bulk_update(
        [employee for _, employee in to_update], [*EMPLOYEE_FIELDS, "updated_at"], batch_size=500
    )
    log_bulk([*((None, e) for _, e in to_create), *to_update], actor=by)
    return report


OPTIONAL_COLUMNS = ("job_title", "phone", "date_joined", "date_left")


def _row_values(data: dict, existing: Employee | None) -> dict:
    """A row's values for the form. Empty optional cells keep what an employee has, and a
    new employee joins today."""
    values = dict(data)
    for name in OPTIONAL_COLUMNS:
        if not values.get(name):
            if existing is not None:
                values[name] = getattr(existing, name) or ""
            elif name == "date_joined":
                values[name] = timezone.localdate()
    return values


def _create_missing_departments(table, known: dict, scope: Scope, report: ImportReport) -> None:
    missing = {}
    for number, data in table.rows:
        name = " ".join(data.get("department", "").split())
        if name and name.lower() not in known:
            missing.setdefault(name.lower(), (name, number))
    if missing and scope.is_limited:
        report.error(
            0,
            "Department",
            "Your account is limited to some departments, so it cannot create new ones.",
        )
        return
    for name, number in missing.values():
        try:
            known[name.lower()] = department_create(name=name)
            report.notes.append(f"New department: {name}.")
        except ValidationError as error:
            report.error(number, "Department", " ".join(error.messages))


def _check_updates_keep_attendance_inside(to_update, report: ImportReport, rows: dict) -> None:
    """Employment dates in the file must not leave attendance records outside them."""
    employees = {employee.pk: employee for _, employee in to_update}
    spans = Employee.objects.filter(pk__in=employees).annotate(
        first=Min("attendance__date"), last=Max("attendance__date")
    )
    for pk, first, last in spans.values_list("pk", "first", "last"):
        employee = employees[pk]
        number = rows.get(employee.employee_id, 0)
        if first and first < employee.date_joined:
            report.error(
                number,
                "Date joined",
                f"{employee.full_name} has attendance from {first:%d %b %Y}, before this date.",
            )
        if last and employee.date_left and last > employee.date_left:
            report.error(
                number,
                "Date left",
                f"{employee.full_name} has attendance until {last:%d %b %Y}, after this date.",
            )
