"""The dashboard's figures over many days are cached, and forgotten as soon as they change."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.scoping import EVERYTHING
from attendance import selectors
from attendance.tests.factories import AttendanceRecordFactory
from employees.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_window_figures_are_cached_until_attendance_changes():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    employee = EmployeeFactory(date_joined=yesterday - datetime.timedelta(days=10))
    record = AttendanceRecordFactory(employee=employee, date=yesterday, status="absent")
    days = [yesterday]
    assert selectors.period_rate(days, scope=EVERYTHING) == 0.0
    with CaptureQueriesContext(connection) as again:
        assert selectors.period_rate(days, scope=EVERYTHING) == 0.0
    assert len(again) == 0
    record.status = "present"
    record.save()  # any change forgets the cached figures
    assert selectors.period_rate(days, scope=EVERYTHING) == 100.0
    assert selectors.daily_rates(days, scope=EVERYTHING) == [(yesterday, 100.0)]


def test_a_bulk_roster_save_forgets_them_too(client, admin_user):
    client.force_login(admin_user)
    today = timezone.localdate()
    EmployeeFactory(employee_id="E1", date_joined=today)
    assert selectors.period_rate([today], scope=EVERYTHING) is None
    client.post(
        "/attendance/mark/", {"date": today.isoformat(), "status_E1": "present", "seen_E1": ""}
    )
    assert selectors.period_rate([today], scope=EVERYTHING) == 100.0
