"""Reads of departments and employees."""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from .models import Department, Employee


def department_list() -> QuerySet[Department]:
    """Departments with their number of employees, active and in all."""
    return Department.objects.annotate(
        employee_count=Count("employees"),
        active_count=Count("employees", filter=Q(employees__is_active=True)),
    ).order_by(Lower("name"))


def employee_directory() -> QuerySet[Employee]:
    return Employee.objects.select_related("department")


def employee_by_code(code: str) -> Employee | None:
    return employee_directory().filter(employee_id=code.upper()).first()


def recent_employees(*, limit: int = 5) -> QuerySet[Employee]:
    return employee_directory().order_by("-created_at", "-employee_id")[:limit]
