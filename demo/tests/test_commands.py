"""Demo data and the first-run set-up of `make run`."""

import collections
import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from attendance.calendar import last_working_days
from attendance.models import AttendanceRecord, Closures
from attendance.services import attendance_check
from attendance.tests.factories import AttendanceRecordFactory
from employees.models import Department, Employee
from timeclock.models import DayOutcome

pytestmark = pytest.mark.django_db


class TestSeedDemo:
    def test_creates_departments_employees_and_attendance(self):
        call_command("seed_demo", employees=25, departments=4, days=14, seed=3)
        assert Department.objects.count() == 4
        assert Employee.objects.count() == 25
        for employee in Employee.objects.all():
            employee.full_clean()  # demo data obeys every rule
        records = AttendanceRecord.objects.select_related("employee")
        assert records.exists()
        for record in records:
            # (The demo's closed month came after its days were written.)
            attendance_check(employee=record.employee, day=record.date, closures=Closures({}))
            assert record.date.weekday() < 5
            assert record.date < timezone.localdate()

    def test_same_seed_gives_the_same_people(self):
        call_command("seed_demo", employees=5, seed=7)
        first = list(Employee.objects.order_by("employee_id").values_list("full_name", flat=True))
        Employee.objects.all().delete()
        Department.objects.all().delete()
        call_command("seed_demo", employees=5, seed=7)
        second = list(Employee.objects.order_by("employee_id").values_list("full_name", flat=True))
        assert first == second

    def test_marks_everyone_employed_on_each_working_day(self):
        call_command("seed_demo", employees=60, departments=3, days=20, punch_days=0, seed=2)
        working = last_working_days(20, until=timezone.localdate() - datetime.timedelta(days=1))
        marked = collections.Counter(AttendanceRecord.objects.values_list("date", flat=True))
        assert marked == {
            day: Employee.objects.employed_on(day).count() for day in working
        }  # one record per person per day, none before joining or after leaving
        statuses = collections.Counter(AttendanceRecord.objects.values_list("status", flat=True))
        assert set(statuses) == set(AttendanceRecord.Status.values)
        assert 0.7 < statuses["present"] / marked.total() < 0.9

    def test_the_last_days_come_from_the_time_clock(self):
        call_command("seed_demo", employees=60, departments=3, days=20, punch_days=5, seed=2)
        working = last_working_days(20, until=timezone.localdate() - datetime.timedelta(days=1))
        clock_days = set(
            AttendanceRecord.objects.filter(source="clock").values_list("date", flat=True)
        )
        assert clock_days == set(working[-5:])
        hand_days = set(
            AttendanceRecord.objects.filter(source="hand").values_list("date", flat=True)
        )
        assert hand_days == set(working[:-5])
        kinds = set(DayOutcome.objects.values_list("status", flat=True))
        assert {"present", "half_day", "absent", "missing_checkout"} <= kinds  # the inbox has some
        assert DayOutcome.objects.filter(late_minutes__gt=0).exists()
        # A forgotten check-out is never counted: that day has no record until resolved.
        forgot = DayOutcome.objects.filter(status="missing_checkout").first()
        assert not AttendanceRecord.objects.filter(
            employee=forgot.employee, date=forgot.date
        ).exists()

    def test_same_seed_gives_the_same_attendance(self):
        def seeded():
            with transaction.atomic():
                call_command("seed_demo", employees=30, departments=3, days=15, seed=5)
                records = list(
                    AttendanceRecord.objects.order_by("employee__employee_id", "date").values_list(
                        "employee__employee_id", "date", "status"
                    )
                )
                transaction.set_rollback(True)
            return records

        first = seeded()
        assert first
        assert seeded() == first

    def test_puts_back_every_index_and_constraint(self):
        table = AttendanceRecord._meta.db_table
        with connection.cursor() as cursor:
            before = connection.introspection.get_constraints(cursor, table)
        call_command("seed_demo", employees=20, departments=2, days=5)
        with connection.cursor() as cursor:
            assert connection.introspection.get_constraints(cursor, table) == before
        record = AttendanceRecord.objects.first()
        with pytest.raises(IntegrityError), transaction.atomic():
            AttendanceRecord.objects.create(
                employee=record.employee, date=record.date, status=record.status
            )

    def test_adds_to_a_table_that_has_records(self):
        kept = AttendanceRecordFactory()
        call_command("seed_demo", employees=20, departments=2, days=5, force=True)
        assert AttendanceRecord.objects.filter(pk=kept.pk).exists()
        assert AttendanceRecord.objects.count() > 1

    def test_refuses_a_database_that_has_employees(self):
        call_command("seed_demo", employees=1)
        with pytest.raises(CommandError, match="already has employees"):
            call_command("seed_demo", employees=1)


class TestBootstrapDemo:
    def test_first_run_creates_admin_and_data_and_prints_the_password(self, tmp_path, capsys):
        secret = tmp_path / "admin-password"
        call_command("bootstrap_demo", credentials_file=str(secret), url="http://127.0.0.1:9000/")
        out = capsys.readouterr().out
        password = secret.read_text().strip()
        assert get_user_model().objects.get(username="admin").check_password(password)
        assert f"Password:  {password}" in out
        assert "http://127.0.0.1:9000/" in out
        assert Employee.objects.count() == 40

    def test_later_runs_print_the_same_password_and_add_nothing(self, tmp_path, capsys):
        secret = tmp_path / "admin-password"
        call_command("bootstrap_demo", credentials_file=str(secret))
        password = secret.read_text().strip()
        capsys.readouterr()
        call_command("bootstrap_demo", credentials_file=str(secret))
        assert f"Password:  {password}" in capsys.readouterr().out
        assert Employee.objects.count() == 40

    def test_a_lost_password_file_gives_a_new_password(self, tmp_path):
        secret = tmp_path / "admin-password"
        call_command("bootstrap_demo", credentials_file=str(secret))
        old = secret.read_text().strip()
        secret.unlink()
        call_command("bootstrap_demo", credentials_file=str(secret))
        new = secret.read_text().strip()
        assert new != old
        assert get_user_model().objects.get(username="admin").check_password(new)

    def test_a_manager_and_their_report_sign_in_with_the_same_password(self, tmp_path, capsys):
        secret = tmp_path / "admin-password"
        call_command("bootstrap_demo", credentials_file=str(secret))
        out = capsys.readouterr().out
        password = secret.read_text().strip()
        manager = Employee.objects.get(user__username=re.search(r"as a manager: (\S+)", out)[1])
        report = Employee.objects.get(user__username=re.search(r"reports to them: (\S+)", out)[1])
        assert report.manager == manager
        for person in (manager, report):
            assert person.user.check_password(password)
            assert person.user.email == person.email
            assert person.user.groups.get().name == "Employee"
        # The team's other accounts (their requests are the demo's) cannot sign in.
        others = get_user_model().objects.filter(employee__isnull=False)
        others = others.exclude(pk__in=[manager.user_id, report.user_id])
        assert others.exists()
        assert not any(user.has_usable_password() or user.email for user in others)

    def test_the_office_kiosk_and_a_pin_to_try_it(self, tmp_path, capsys):
        from django.contrib.auth.hashers import check_password

        secret = tmp_path / "admin-password"
        call_command("bootstrap_demo", credentials_file=str(secret))
        out = capsys.readouterr().out
        password = secret.read_text().strip()
        kiosk = get_user_model().objects.get(username="kiosk")
        assert kiosk.check_password(password)
        assert [g.name for g in kiosk.groups.all()] == ["Kiosk"]
        report = Employee.objects.get(user__username=re.search(r"reports to them: (\S+)", out)[1])
        assert check_password("4826", report.kiosk_pin.pin)
        assert "office kiosk: kiosk (at http://127.0.0.1:8000/kiosk/" in out
        assert f"employee code {report.employee_id}, PIN 4826" in out
        call_command("bootstrap_demo", credentials_file=str(secret))  # again: nothing new
        assert get_user_model().objects.filter(username="kiosk").count() == 1
