"""Every write to departments and employees."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.audit import log_bulk
from core.db import delete_once, insert_many, one_writer_at_a_time, save_validated
from core.formats import format_day

from .models import EMPLOYEE_FIELDS, Department, Employee
from .versions import employees_changed


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
    manager: Employee | None = None,
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
        manager=manager,
    )
    save_validated(employee)
    return employee


@transaction.atomic
def employee_update(*, employee: Employee, **changes) -> Employee:
    """Change any of the fields in EMPLOYEE_FIELDS."""
    line_before = employee.manager_id
    for name, value in _employee_fields(changes).items():
        setattr(employee, name, value)
    _check_attendance_within_employment(employee)
    if employee.manager_id != line_before:
        _check_reporting_line(employee)
    save_validated(employee)
    sign_in_follows_employment(employee)
    return employee


def _check_reporting_line(employee: Employee) -> None:
    """Refuse a new manager who reports to `employee`, directly or through others:
    reporting lines have no loops. Checked with the lines held against other writers
    until this change is committed, so two changes cannot each close half a loop."""
    if employee.manager_id is not None:
        one_writer_at_a_time("employees:reporting-lines")
    if loop := employee.reporting_loop():
        raise ValidationError({"manager": loop}, code="reporting_loop")


@transaction.atomic
def employee_deactivate(*, employee: Employee, date_left: datetime.date | None = None) -> Employee:
    """Mark an employee as no longer working here, from `date_left` (default today)."""
    if not employee.is_active:
        raise ValidationError(f"{employee} is already inactive.", code="already_inactive")
    employee.is_active = False
    employee.date_left = date_left or employee.date_left or timezone.localdate()
    _check_attendance_within_employment(employee)
    save_validated(employee)
    sign_in_follows_employment(employee)
    return employee


@transaction.atomic
def employee_reactivate(*, employee: Employee) -> Employee:
    """Bring a former employee back; their leaving date is cleared."""
    if employee.is_active:
        raise ValidationError(f"{employee} is already active.", code="already_active")
    employee.is_active = True
    employee.date_left = None
    save_validated(employee)
    sign_in_follows_employment(employee)
    return employee


@transaction.atomic
def employee_delete(*, employee: Employee) -> None:
    """Delete an employee and everything recorded about them; Employee.DoesNotExist if
    someone else deleted them first. Their account, if any, can no longer sign in."""
    delete_once(employee)
    if employee.user is not None:
        employee.user.is_active = False
        employee.user.save(update_fields=["is_active"])


def sign_in_follows_employment(employee: Employee) -> None:
    """Open or close the employee's account as they start or stop working here: someone
    deactivated, or past their last day, cannot sign in, and their open sessions end at
    their next request (Django signs out inactive users)."""
    user = employee.user
    if user is not None and user.is_active != employee.may_sign_in:
        user.is_active = employee.may_sign_in
        user.save(update_fields=["is_active"])


@transaction.atomic
def accounts_of_leavers_close(*, today: datetime.date | None = None) -> int:
    """Close the accounts of employees whose last day has passed (run every night; a
    deactivation closes them at once). Returns how many were closed."""
    today = today or timezone.localdate()
    leavers = Employee.objects.filter(Q(is_active=False) | Q(date_left__lt=today))
    return (
        get_user_model()
        .objects.filter(employee__in=leavers, is_active=True)
        .update(is_active=False)
    )


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
            f"{format_day(employee.date_joined)}. Choose an earlier joining date, or delete "
            "those records first."
        )
    if outside["after"]:
        errors["date_left"] = (
            f"{employee.full_name} has {_records(outside['after'])} after "
            f"{format_day(employee.date_left)}. Choose a later leaving date, or delete those "
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


@transaction.atomic
def employees_save_many(
    *, new: list[Employee], changed: list[tuple[Employee, Employee]], by=None
) -> None:
    """Write checked employees in bulk: insert `new`, update each (before, after) in
    `changed` with every editable field, and log each change as made by `by`."""
    insert_many(new)
    Employee.objects.bulk_update(
        [employee for _, employee in changed], [*EMPLOYEE_FIELDS, "updated_at"], batch_size=500
    )
    log_bulk([*((None, employee) for employee in new), *changed], actor=by)
    with_accounts = [employee for _, employee in changed if employee.user_id]
    for may_sign_in in (True, False) if with_accounts else ():
        get_user_model().objects.filter(
            employee__in=[e.pk for e in with_accounts if e.may_sign_in == may_sign_in]
        ).exclude(is_active=may_sign_in).update(is_active=may_sign_in)
    employees_changed()
