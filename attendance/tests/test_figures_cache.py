"""The dashboard's figures over many days are cached, and forgotten as soon as they change."""

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.scoping import EVERYTHING
from attendance import calendar, selectors, services
from attendance.tests.factories import AttendanceRecordFactory
from core.testing import shared_cache_cost
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
    assert len(again) == shared_cache_cost()[0]  # only the days' versions, if anything
    assert "attendance_attendancerecord" not in " ".join(q["sql"] for q in again)
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


def test_marking_today_recomputes_today_only(client, admin_user):
    """While a roster is being marked the dashboard adds up the other 29 days from the
    cache and sums today alone: one query, whatever the window."""
    client.force_login(admin_user)
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(5, -1, -1)]
    employee = EmployeeFactory(employee_id="E1", date_joined=days[0])
    for day in days[:-1]:
        AttendanceRecordFactory(employee=employee, date=day, status="absent")
    assert selectors.period_rate(days, scope=EVERYTHING) == 0.0
    client.post(
        "/attendance/mark/", {"date": today.isoformat(), "status_E1": "present", "seen_E1": ""}
    )
    with CaptureQueriesContext(connection) as queries:
        assert selectors.period_rate(days, scope=EVERYTHING) == pytest.approx(100 / 6)
    sums = [q["sql"] for q in queries if "attendance_attendancerecord" in q["sql"]]
    assert len(queries) == 1 + shared_cache_cost()[0]  # the sums, and the days' versions
    assert len(sums) == 1
    assert today.isoformat() in sums[0]
    assert not any(day.isoformat() in sums[0] for day in days[:-1])
    assert selectors.daily_rates(days, scope=EVERYTHING)[-2:] == [(days[-2], 0.0), (today, 100.0)]


def test_marking_a_range_forgets_the_days_it_marked():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    days = calendar.last_working_days(3, until=yesterday)
    employee = EmployeeFactory(date_joined=days[0])
    AttendanceRecordFactory(employee=employee, date=days[0], status="absent")
    assert selectors.daily_rates(days, scope=EVERYTHING) == [
        (days[0], 0.0),
        (days[1], None),
        (days[2], None),
    ]
    services.attendance_mark_range(
        employee=employee, start=days[0], end=days[-1], status="present", overwrite=True
    )
    assert selectors.daily_rates(days, scope=EVERYTHING) == [(day, 100.0) for day in days]
    assert selectors.period_rate(days, scope=EVERYTHING) == 100.0


def test_the_admin_keeps_a_record_on_its_employee_and_day(client, admin_user):
    # Moving a record would leave the old day's cached figures (and history) behind.
    record = AttendanceRecordFactory()
    client.force_login(admin_user)
    page = client.get(f"/admin/attendance/attendancerecord/{record.pk}/change/").content.decode()
    assert 'name="status"' in page
    assert 'name="date"' not in page
    assert 'name="employee"' not in page


def test_the_receivers_that_forget_figures_stay_connected_in_production():
    """Signals hold receivers weakly: in a fresh process with production settings, after a
    garbage collection, the receivers for records and holidays are still there."""
    code = (
        "import gc; gc.collect(); "
        "from django.db.models.signals import post_delete, post_save; "
        "from attendance.models import AttendanceRecord, Holiday; "
        "print(sorted({r.__name__ for s in (post_save, post_delete) "
        "for m in (AttendanceRecord, Holiday) for r in s._live_receivers(m)[0]}))"
    )
    production = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "hr.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, **production},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "forget_the_records_day" in result.stdout
    assert "forget_every_day" in result.stdout
