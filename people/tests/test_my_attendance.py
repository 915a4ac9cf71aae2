"""My attendance: an employee's own month, totals and records, and nobody else's."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from attendance.models import AttendanceRecord
from attendance.tests.factories import AttendanceRecordFactory
from employees.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client, django_user_model):
    """Jane, signed in with her own account, and nothing else: no role, no permission."""
    user = django_user_model.objects.create_user("jane@example.com", password="x-Pass-1234")
    jane = EmployeeFactory(
        employee_id="JANE",
        full_name="Jane Doe",
        user=user,
        date_joined=timezone.localdate() - datetime.timedelta(days=400),
    )
    client.force_login(user)
    return jane


def last_month_day(n: int) -> datetime.date:
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=n)


def test_an_employee_lands_on_their_own_month(client, me):
    assertRedirects(client.get("/"), "/me/")
    page = client.get("/me/")
    assertContains(page, "Jane Doe · JANE")
    assertContains(page, timezone.localdate().strftime("%B %Y"))


def test_earlier_months_with_their_totals_and_nobody_elses(client, me):
    AttendanceRecordFactory(employee=me, date=last_month_day(3), status="present")
    AttendanceRecordFactory(employee=me, date=last_month_day(4), status="absent")
    someone = EmployeeFactory(full_name="Someone Else")
    AttendanceRecordFactory(employee=someone, date=last_month_day(3), status="on_leave")
    month = last_month_day(1).strftime("%Y-%m")
    page = client.get("/me/", {"month": month})
    assert page.context["summary"].marked == 2
    assertContains(page, "50.0%")  # 1 present of 2 marked
    assertNotContains(page, "Someone Else")
    # The month's links work without JavaScript, and with htmx swap only the month.
    assertContains(page, f'href="?month={timezone.localdate().strftime("%Y-%m")}"')
    part = client.get("/me/", {"month": month}, headers={"HX-Request": "true"})
    assertNotContains(part, "<html")
    assertContains(part, 'id="month"')


def test_the_download_holds_ones_own_records_only(client, me):
    AttendanceRecordFactory(employee=me, date=last_month_day(3), status="present", note="ok")
    AttendanceRecordFactory(employee=EmployeeFactory(), date=last_month_day(3))
    response = client.get("/me/export/csv/")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows == [["Date", "Status", "Note"], [last_month_day(3).isoformat(), "Present", "ok"]]


def test_the_rest_of_the_app_stays_closed(client, me):
    other = EmployeeFactory(employee_id="OTHER")
    assert client.get("/employees/").status_code == 403
    assert client.get(f"/employees/{other.employee_id}/").status_code == 403
    assert client.get("/attendance/").status_code == 403


def test_an_account_without_an_employee_is_told_so(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("hr-only", password="x-Pass-1234"))
    assertContains(client.get("/me/"), "Your account is not linked to an employee record")
    assert client.get("/me/export/csv/").status_code == 404


def test_the_page_costs_the_same_whatever_the_records(client, me):
    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get("/me/")
        return len(queries)

    few = count()
    # Earlier days (today's mark, by HR, would take the place of today's result by the
    # time clock: another path, tested in timeclock/tests).
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(
            employee=me,
            date=timezone.localdate() - datetime.timedelta(days=n),
            status="present",
        )
        for n in range(1, 21)
    )
    assert count() == few
