"""Demo data and the first-run set-up of `make run`."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from attendance.models import AttendanceRecord
from attendance.services import attendance_check
from employees.models import Department, Employee

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
            attendance_check(employee=record.employee, day=record.date)
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
