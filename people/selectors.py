"""Reads for invitations and for an employee's own pages."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.scoping import Scope
from attendance.calendar import HOLIDAY, WEEKLY_OFF, Calendar
from attendance.models import AttendanceRecord
from employees.models import Department, Employee, team_of


def not_invited(*, scope: Scope, department: Department | None = None) -> QuerySet[Employee]:
    """Current employees with no account yet (the reader's departments, or one of them)."""
    today = timezone.localdate()
    found = Employee.objects.filter(
        Q(date_left__isnull=True) | Q(date_left__gte=today), is_active=True, user__isnull=True
    )
    if department is not None:
        found = found.filter(department=department)
    return scope.limit(found, "department").order_by("full_name", "employee_id")


def chosen_employees(*, scope: Scope, codes: list[str]) -> QuerySet[Employee]:
    """The employees with these codes, of those the reader sees, in name order."""
    found = Employee.objects.filter(employee_id__in=codes).select_related("user")
    return scope.limit(found, "department").order_by("full_name", "employee_id")


def own_employee(user) -> Employee | None:
    """The employee whose account `user` is, if any."""
    return Employee.objects.select_related("department").filter(user=user).first()


def team_members(*, me: Employee, user, scope: Scope, day: datetime.date) -> QuerySet[Employee]:
    """Everyone who reports to `me`, directly or through others, and works here on `day`,
    in name order; within what `scope` shows (for an employee, the scope is this team)."""
    team = scope.employee_ids if scope.own_team_only else team_of(user.pk)
    found = Employee.objects.employed_on(day).filter(pk__in=team or ()).exclude(pk=me.pk)
    found = found.select_related("department", "manager")
    return scope.limit(found, "department").order_by("full_name", "employee_id")


@dataclass(frozen=True)
class DayStatus:
    kind: str  # a status, "unmarked", "off" or "holiday": the badge's css class
    text: str


def statuses_on(employees: list[Employee], day: datetime.date) -> dict:
    """Each employee's status on `day` (employee pk -> DayStatus): their record's, or why
    there is none. Two queries however many employees: their records, the holidays."""
    marked = dict(
        AttendanceRecord.objects.filter(employee__in=employees, date=day)
        .order_by()
        .values_list("employee_id", "status")
    )
    kind = Calendar.between(day, day).kind(day)
    if kind == HOLIDAY:
        blank = DayStatus("holiday", "Holiday")
    elif kind == WEEKLY_OFF:
        blank = DayStatus("off", "Weekly off day")
    else:
        blank = DayStatus("unmarked", "Not marked")
    statuses = {}
    for employee in employees:
        status = marked.get(employee.pk)
        if status is None:
            statuses[employee.pk] = blank
        else:
            statuses[employee.pk] = DayStatus(status, AttendanceRecord.Status(status).label)
    return statuses
