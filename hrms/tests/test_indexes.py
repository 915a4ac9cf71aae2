"""The lookups that would slow down as the data grows are answered from an index: the
database is asked (with sequential scans discouraged, as they would be on a big table)
how it would run the query the page sends."""

import pytest
from django.db import connection

from accounts.scoping import Scope
from activity import selectors as activity_selectors
from attendance import selectors
from employees import selectors as employee_selectors
from employees.tests.factories import EmployeeFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="expression indexes are PostgreSQL's"
    ),
]


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return "\n".join(queryset.explain().splitlines())


def test_an_employees_history_uses_the_audit_employee_index():
    employee = EmployeeFactory()
    assert "attendance_audit_employee_idx" in plan(selectors.employee_history(employee)[:20])


def test_a_department_limited_activity_page_uses_the_audit_department_index():
    employee = EmployeeFactory()
    scope = Scope(department_ids=frozenset({employee.department_id}))
    assert "attendance_audit_department_idx" in plan(
        activity_selectors.visible_entries(scope=scope)[:50]
    )


def test_the_attendance_list_reads_newest_first_from_its_index():
    records = selectors.attendance_list(scope=Scope(department_ids=None))[:50]
    assert "attendance_newest_first_idx" in plan(records)


def test_recently_added_employees_read_newest_first_from_an_index():
    recent = employee_selectors.recent_employees(scope=Scope(department_ids=None))
    assert "employee_newest_idx" in plan(recent)
