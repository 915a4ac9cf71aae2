"""Importing employees from a file: every row checked by the employee form's rules, the
file as a whole against the database and itself, then every row written or none.

The checks only read, outside any transaction (a long file does not hold the database's
write lock while it is checked); the writes happen in one transaction at the end, where
the database's constraints catch anything that changed in between.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from accounts.scoping import CANNOT_ADD_DEPARTMENTS, EVERYTHING, Scope
from core.audit import snapshot
from core.db import batched, one_writer_at_a_time
from core.formats import format_day
from core.spreadsheets import Column, ImportReport, Table

from . import selectors, services
from .forms import EmployeeImportForm
from .models import Department, Employee

IMPORT_COLUMNS = [
    Column("employee_id", "Employee code", ("code", "employee code", "emp id"), required=True),
    Column("full_name", "Full name", ("name", "employee name"), required=True),
    Column("email", "Email", ("email address", "e-mail"), required=True),
    Column("department", "Department", ("dept",), required=True),
    Column("job_title", "Job title", ("title", "position")),
    Column("phone", "Phone", ("phone number", "mobile")),
    Column("date_joined", "Date joined", ("joined", "joining date", "start date")),
    Column("date_left", "Date left", ("left", "leaving date", "end date")),
    Column("manager", "Manager code", ("manager", "reports to", "manager employee code")),
]
IMPORT_LABELS = {column.name: column.label for column in IMPORT_COLUMNS}


def employees_import(
    *,
    table: Table,
    update_existing: bool = False,
    create_departments: bool = False,
    scope: Scope = EVERYTHING,
    by=None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    before_write: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Add (and, if asked, update) employees from a file's rows: all of them, or none.

    Every row goes through the employee form's rules; codes and emails must be new
    (or, with `update_existing`, belong to the row's own employee) and appear once.
    With any error, or `dry_run`, nothing is written and the report says what would be.
    `progress(done, total)` hears of each row checked; `before_write(report)` is called inside
    the writing transaction, after the writes (to record the import in the same one).
    """
    report = ImportReport(rows=len(table.rows))
    if table.ignored_columns:
        report.notes.append("Columns not used: " + ", ".join(table.ignored_columns) + ".")
    known = {d.name.lower(): d for d in selectors.departments(scope=scope)}
    new_departments = []
    if create_departments:
        new_departments = _plan_missing_departments(table, known, scope, report)

    codes = {data.get("employee_id", "").strip().upper() for _, data in table.rows}
    emails = {data.get("email", "").strip().lower() for _, data in table.rows}
    visible, taken, email_owner = {}, set(), {}
    for some in batched(codes, LOOKUP_BATCH):  # a query's parameters are limited
        everyone = Employee.objects.filter(employee_id__in=some)
        visible.update((e.employee_id, e) for e in scope.limit(everyone, "department"))
        taken.update(everyone.values_list("employee_id", flat=True))
    for some in batched(emails, LOOKUP_BATCH):
        # Each email's holder: named only if the user may see them.
        holders = Employee.objects.filter(email__in=some)
        email_owner.update(
            (email, (code, scope.allows(department_id, pk)))
            for email, code, department_id, pk in holders.values_list(
                "email", "employee_id", "department_id", "pk"
            )
        )

    seen_codes, seen_emails = {}, {}
    to_create, to_update = [], []
    form = EmployeeImportForm(departments=known)
    total = len(table.rows)
    for done, (number, data) in enumerate(table.rows, start=1):
        if progress is not None:
            progress(done, total)
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
        if not form.check_row(_row_values(data, existing), instance=existing):
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
        owner, may_name = email_owner.get(employee.email, (None, False))
        if owner is not None and owner != code:
            holder = owner if may_name else "another employee"
            report.error(number, "Email", f"{employee.email} is already the email of {holder}.")
            continue
        seen_codes[code], seen_emails[employee.email] = number, number
        (to_update if existing else to_create).append((before, employee))

    _check_updates_keep_attendance_inside(to_update, report, rows=seen_codes)
    lines = _managers_from_file(table, [e for _, e in to_create + to_update], scope, report)
    report.created, report.updated = len(to_create), len(to_update)
    _check_no_reporting_loops(lines, report, rows=seen_codes)
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        if lines:
            # Checked again holding the reporting lines: another change since the check
            # must not close a loop with this file's.
            one_writer_at_a_time("employees:reporting-lines")
            _check_no_reporting_loops(lines, report, rows=seen_codes)
            if report.errors:
                raise ValidationError(report.errors[0].message, code="reporting_loop")
        for department in new_departments:  # the rows hold these very objects
            department.pk = services.department_create(name=department.name).pk
            department._state.adding = False
        services.employees_save_many(
            new=[employee for _, employee in to_create], changed=to_update, by=by
        )
        if before_write is not None:
            before_write(report)
    return report


# Codes or emails looked up in one query: SQLite takes at most 32,766 parameters.
LOOKUP_BATCH = 10_000

OPTIONAL_COLUMNS = ("job_title", "phone", "date_joined", "date_left")


def _managers_from_file(
    table: Table, employees: list[Employee], scope: Scope, report: ImportReport
) -> dict[Employee, Employee]:
    """Each row's manager, by code: someone already here (whom the user may see) or
    someone else in the file. An empty cell keeps an employee's manager (a new employee
    has none). Returns the employees whose manager the file sets, and to whom."""
    by_code = {employee.employee_id: employee for employee in employees}
    wanted = {}
    for number, data in table.rows:
        code = data.get("employee_id", "").strip().upper()
        manager_code = (data.get("manager") or "").strip().upper()
        if manager_code and code in by_code:
            wanted[by_code[code]] = (number, manager_code)
    missing = {m for _, m in wanted.values() if m not in by_code}
    here = {}
    for some in batched(missing, LOOKUP_BATCH):
        found = scope.limit(Employee.objects.filter(employee_id__in=some), "department")
        here.update(
            (e.employee_id, e) for e in found.only("pk", "employee_id", "full_name", "is_active")
        )
    lines = {}
    for employee, (number, manager_code) in wanted.items():
        manager = by_code.get(manager_code) or here.get(manager_code)
        if manager is None:
            report.error(
                number,
                "Manager code",
                f"No employee has the code {manager_code}, here or in the file.",
            )
        elif manager.pk == employee.pk:
            report.error(number, "Manager code", "An employee cannot be their own manager.")
        elif not manager.is_active and manager.pk != employee.manager_id:
            report.error(
                number,
                "Manager code",
                f"{manager.full_name} no longer works here: choose a current employee.",
            )
        else:
            employee.manager = manager
            lines[employee] = manager
    return lines


def _check_no_reporting_loops(
    lines: dict[Employee, Employee], report: ImportReport, *, rows: dict
) -> None:
    """Refuse managers that would make a loop in the reporting lines, with the file's
    changes laid over everyone's current managers (read in one query)."""
    if not lines:
        return
    above = dict(Employee.objects.exclude(manager=None).values_list("pk", "manager_id"))
    above.update((employee.pk, manager.pk) for employee, manager in lines.items())
    for employee, manager in lines.items():
        seen, current = {employee.pk}, manager.pk
        while current is not None and current not in seen:
            seen.add(current)
            current = above.get(current)
        if current == employee.pk:
            report.error(
                rows.get(employee.employee_id, 0),
                "Manager code",
                f"{manager.full_name} reports to {employee.full_name} (directly or through "
                f"others), so cannot also be {employee.full_name}'s manager.",
            )


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


def _plan_missing_departments(
    table, known: dict, scope: Scope, report: ImportReport
) -> list[Department]:
    """The departments the file names that do not exist yet, checked but not saved: the
    rows can name them, and they are created with the employees."""
    missing = {}
    for number, data in table.rows:
        name = " ".join(data.get("department", "").split())
        if name and name.lower() not in known:
            missing.setdefault(name.lower(), (name, number))
    if missing and not scope.may_add_departments:
        report.error(0, "Department", CANNOT_ADD_DEPARTMENTS)
        return []
    planned = []
    for name, number in missing.values():
        department = Department(name=name)
        try:
            department.full_clean()
        except ValidationError as error:
            report.error(number, "Department", " ".join(error.messages))
            continue
        known[name.lower()] = department
        planned.append(department)
        report.notes.append(f"New department: {name}.")
    return planned


def _check_updates_keep_attendance_inside(to_update, report: ImportReport, rows: dict) -> None:
    """Employment dates in the file must not leave attendance records outside them."""
    employees = {employee.pk: employee for _, employee in to_update}
    spans = [
        span
        for some in batched(employees, LOOKUP_BATCH)
        for span in Employee.objects.filter(pk__in=some)
        .annotate(first=Min("attendance__date"), last=Max("attendance__date"))
        .values_list("pk", "first", "last")
    ]
    for pk, first, last in spans:
        employee = employees[pk]
        number = rows.get(employee.employee_id, 0)
        if first and first < employee.date_joined:
            report.error(
                number,
                "Date joined",
                f"{employee.full_name} has attendance from {format_day(first)}, before this date.",
            )
        if last and employee.date_left and last > employee.date_left:
            report.error(
                number,
                "Date left",
                f"{employee.full_name} has attendance until {format_day(last)}, after this date.",
            )
