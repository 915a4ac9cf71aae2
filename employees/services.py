"""Every write to departments and employees."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from hrms.db import save_validated

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
    save_validated(employee)
    return employee


@transaction.atomic
def employee_deactivate(*, employee: Employee, date_left: datetime.date | None = None) -> Employee:
    """Mark an employee as no longer working here, from `date_left` (default today)."""
    if not employee.is_active:
        raise ValidationError(f"{employee} is already inactive.", code="already_inactive")
    employee.is_active = False
    employee.date_left = date_left or employee.date_left or timezone.localdate()
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


def _employee_fields(fields: dict) -> dict:
    unknown = set(fields) - set(EMPLOYEE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown employee fields: {', '.join(sorted(unknown))}")
    return fields
