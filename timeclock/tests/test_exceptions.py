"""The exceptions inbox: days that need attention, for whoever may see those people."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from employees.tests.factories import DepartmentFactory, EmployeeFactory
from timeclock.models import DayOutcome
from timeclock.services import attention_keep

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() - datetime.timedelta(days=1)


def outcome(employee, status, **fields):
    """A kept result, and whether it needs attention, as days_derive keeps them."""
    kept = DayOutcome.objects.create(
        employee=employee,
        date=fields.pop("date", DAY),
        status=status,
        reason=fields.pop("reason", status),
        derived_at=timezone.now(),
        **fields,
    )
    attention_keep(kept.date, employee_ids=[employee.pk])
    return kept


@pytest.fixture
def days():
    sales, ops = DepartmentFactory(name="Sales"), DepartmentFactory(name="Ops")
    ann = EmployeeFactory(full_name="Ann Forgot", department=sales)
    ben = EmployeeFactory(full_name="Ben Late", department=sales)
    cat = EmployeeFactory(full_name="Cat Fine", department=sales)
    dan = EmployeeFactory(full_name="Dan Elsewhere", department=ops)
    outcome(
        ann, "missing_checkout", reason="in 09:00, no check-out: not counted until it is resolved"
    )
    outcome(ben, "present", late_minutes=12, reason="in 09:12, out 17:40; late by 12 min")
    outcome(cat, "present")
    outcome(dan, "absent", reason="No punches; expected 09:00–17:00.")
    outcome(cat, "absent", date=DAY - datetime.timedelta(days=1), marked_by_hand=True)
    return {"sales": sales, "ann": ann, "ben": ben, "cat": cat, "dan": dan}


def test_the_days_that_need_attention_with_their_reasons(client, user_with, days):
    user_with("attendance.view_attendancerecord")
    page = client.get("/attendance/exceptions/")
    assertContains(page, "3 exceptions")
    assertContains(page, "in 09:00, no check-out: not counted until it is resolved")
    assertContains(page, "late by 12 min")
    assertContains(page, "Dan Elsewhere")
    assertNotContains(page, "Cat Fine")  # a good day, and an absence HR marked


def test_filtered_by_kind_and_department(client, user_with, days):
    user_with("attendance.view_attendancerecord", "employees.view_department")
    page = client.get("/attendance/exceptions/", {"kind": "missing_checkout"})
    assert [d.employee.full_name for d in page.context["page"]] == ["Ann Forgot"]
    page = client.get("/attendance/exceptions/", {"department": days["sales"].pk, "kind": "late"})
    assert [d.employee.full_name for d in page.context["page"]] == ["Ben Late"]


def test_a_limited_user_sees_their_departments_only(client, limited_hr):
    outcome(EmployeeFactory(full_name="In Side", department=limited_hr.inside), "absent")
    outcome(EmployeeFactory(full_name="Out Side", department=limited_hr.outside), "absent")
    client.force_login(limited_hr.user)
    page = client.get("/attendance/exceptions/")
    assertContains(page, "In Side")
    assertNotContains(page, "Out Side")


def test_the_page_costs_the_same_however_many(client, user_with, days):
    user_with("attendance.view_attendancerecord")

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get("/attendance/exceptions/")
        return len(queries)

    few = count()
    for _ in range(20):
        outcome(EmployeeFactory(department=days["sales"]), "missing_checkout")
    assert count() == few
