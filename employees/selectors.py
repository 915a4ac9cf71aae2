"""Reads of departments and employees, always within the reader's department scope."""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from accounts.scoping import Scope

from .models import Department, Employee


def departments(*, scope: Scope) -> QuerySet[Department]:
    """The departments the user may see."""
    return scope.limit(Department.objects.order_by(Lower("name")), "pk")


def department_choices(*, scope: Scope) -> QuerySet[Department]:
    """The departments a picker offers: their names only (250 whole rows with their
    timestamps cost a page several milliseconds to read)."""
    return departments(scope=scope).only("pk", "name")


def department_list(*, scope: Scope) -> QuerySet[Department]:
    """Departments with their number of employees, active and in all."""
    return departments(scope=scope).annotate(
        employee_count=Count("employees"),
        active_count=Count("employees", filter=Q(employees__is_active=True)),
    )


def employee_directory(*, scope: Scope) -> QuerySet[Employee]:
    return scope.limit(Employee.objects.select_related("department", "manager"), "department")


def employees_matching(employees: QuerySet[Employee], text: str) -> QuerySet[Employee]:
    """Narrow `employees` to those with `text` anywhere in their name, code or email.

    `icontains` is `UPPER(column) LIKE UPPER('%text%')` on PostgreSQL: the expressions
    of the trigram indexes of migration 0005, which answer it from three characters on.
    """
    return employees.filter(
        Q(full_name__icontains=text) | Q(employee_id__icontains=text) | Q(email__icontains=text)
    )


def employee_by_code(code: str, *, scope: Scope) -> Employee | None:
    return employee_directory(scope=scope).filter(employee_id=code.upper()).first()


def recent_employees(*, scope: Scope, limit: int = 5) -> QuerySet[Employee]:
    return employee_directory(scope=scope).order_by("-created_at", "-employee_id")[:limit]


def direct_reports(*, employee: Employee, scope: Scope, limit: int = 10) -> dict:
    """Who reports to `employee` now (current employees the reader may see): how many, and
    the first `limit` of them by name."""
    reports = scope.limit(employee.reports.filter(is_active=True), "department")
    first = list(reports.order_by("full_name", "employee_id")[:limit])
    count = len(first) if len(first) < limit else reports.count()
    return {"count": count, "first": first, "more": count - len(first)}
