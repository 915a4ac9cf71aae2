"""Reads for invitations."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.scoping import Scope
from employees.models import Department, Employee


def not_invited(*, scope: Scope, department: Department | None = None) -> QuerySet[Employee]:
    """Current employees with no account yet (the reader's departments, or one of them)."""
    today = timezone.localdate()
    found = Employee.objects.filter(
        Q(date_left__isnull=True) | Q(date_left__gte=today), is_active=True, user__isnull=True
    )
    if department is not None:
        found = found.filter(department=department)
    return scope.limit(found, "department").order_by("full_name", "employee_id")
