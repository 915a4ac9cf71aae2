"""The attendance commands: import, export, batch marking. Same rules as the pages."""

import csv
import datetime

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.utils import timezone

from attendance.models import AttendanceRecord
from employees.models import Employee
from employees.tests.factories import DepartmentFactory, EmployeeFactory

from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db


def d(day):
    return datetime.date(2025, 3, day)


@pytest.fixture
def amy():
    return EmployeeFactory(employee_id="E1", full_name="Amy", date_joined=datetime.date(2025, 1, 6))


class TestImportAttendance:
    def test_imports_and_prints_a_summary(self, tmp_path, amy, capsys):
        file = tmp_path / "march.csv"
        file.write_text("employee_id,date,status\nE1,2025-03-03,P\nE1,2025-03-04,Absent\n")
        call_command("import_attendance", str(file))
        assert "Imported 2 rows: 2 added, 0 updated." in capsys.readouterr().out
        assert AttendanceRecord.objects.count() == 2
        assert LogEntry.objects.get_for_model(AttendanceRecord).count() == 2

    def test_bad_rows_fail_with_every_reason_and_import_nothing(
        self, tmp_path, amy, command_errors
    ):
        file = tmp_path / "march.csv"
        file.write_text(
            "employee_id,date,status\nE1,2025-03-03,P\nE1,2024-01-01,P\nX,2025-03-04,P\n"
        )
        errors = command_errors("import_attendance", str(file), match="2 problem")
        assert "Row 3, Date: Amy (E1) joined on 6 Jan 2025" in errors
        assert "Row 4, Employee code: No employee has the code “X”." in errors
        assert not AttendanceRecord.objects.exists()

    def test_dry_run_changes_nothing(self, tmp_path, amy, capsys):
        file = tmp_path / "march.csv"
        file.write_text("employee_id,date,status\nE1,2025-03-03,P\n")
        call_command("import_attendance", str(file), "--dry-run")
        assert "Would import 1 rows: 1 added" in capsys.readouterr().out
        assert not AttendanceRecord.objects.exists()

    def test_missing_file(self):
        with pytest.raises(CommandError, match="There is no file at /nowhere.csv"):
            call_command("import_attendance", "/nowhere.csv")


class TestExportAttendance:
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_writes_the_register(self, tmp_path, amy, fmt, capsys):
        AttendanceRecordFactory(employee=amy, date=d(3), status="present")
        output = tmp_path / f"register.{fmt}"
        call_command("export_attendance", "--month", "2025-03", "--format", fmt, "-o", str(output))
        assert "Wrote 1 employees' March 2025 register" in capsys.readouterr().out
        if fmt == "csv":
            rows = list(csv.reader(output.open(encoding="utf-8-sig")))
        else:
            rows = list(openpyxl.load_workbook(output).active.iter_rows(values_only=True))
        assert rows[0][3] == "2025-03-01"
        assert rows[1][0] == "E1"
        assert rows[1][3 + 2] == "P"

    def test_department_by_name(self, tmp_path, amy):
        other = EmployeeFactory(department=DepartmentFactory(name="Ops"), date_joined=d(1))
        output = tmp_path / "ops.csv"
        call_command(
            "export_attendance", "--month", "2025-03", "--department", "ops", "-o", str(output)
        )
        rows = list(csv.reader(output.open(encoding="utf-8-sig")))
        assert [row[0] for row in rows[1:]] == [other.employee_id]

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--month", "March"], "Give the month as YYYY-MM"),
            (["--month", "2025-03", "--department", "Nope"], "There is no department named Nope"),
        ],
    )
    def test_mistakes_are_explained(self, tmp_path, args, message):
        with pytest.raises(CommandError, match=message):
            call_command("export_attendance", *args, "-o", str(tmp_path / "x.csv"))


class TestMarkAttendance:
    def test_only_unmarked(self, capsys):
        today = timezone.localdate()
        joined = today - datetime.timedelta(days=10)
        sales = DepartmentFactory(name="Sales")
        marked = EmployeeFactory(department=sales, date_joined=joined)
        AttendanceRecordFactory(employee=marked, date=today, status="on_leave")
        EmployeeFactory.create_batch(2, department=sales, date_joined=joined)
        EmployeeFactory(date_joined=joined)  # another department
        call_command(
            "mark_attendance",
            "--date",
            today.isoformat(),
            "--status",
            "present",
            "--department",
            "Sales",
            "--only-unmarked",
        )
        assert "Marked 2 employees Present" in capsys.readouterr().out
        assert AttendanceRecord.objects.get(employee=marked).status == "on_leave"
        assert AttendanceRecord.objects.filter(status="present").count() == 2

    def test_everyone(self):
        today = timezone.localdate()
        record = AttendanceRecordFactory(status="absent", employee__date_joined=today)
        EmployeeFactory(date_joined=today)
        call_command("mark_attendance", "--date", today.isoformat(), "--status", "W")
        record.refresh_from_db()
        assert record.status == "wfh"
        assert AttendanceRecord.objects.filter(status="wfh").count() == Employee.objects.count()

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--date", "2999-01-01", "--status", "P"], "is in the future"),
            (["--date", "yesterday", "--status", "P"], "Give the date as YYYY-MM-DD"),
            (["--date", "2025-03-03", "--status", "late"], "“late” is not a status"),
        ],
    )
    def test_mistakes_are_explained(self, args, message):
        with pytest.raises(CommandError, match=message):
            call_command("mark_attendance", *args)


class TestExportCommand:
    def test_writes_every_row_the_filter_keeps(self, tmp_path, capsys):
        AttendanceRecordFactory.create_batch(3, status="present")
        AttendanceRecordFactory(status="absent")
        out = tmp_path / "present.csv"
        call_command(
            "export", "attendance", "--filter", "status=present", "-o", str(out), "--progress"
        )
        with open(out, newline="", encoding="utf-8-sig") as file:
            rows = list(csv.reader(file))
        assert rows[0][:5] == ["Date", "Code", "Employee", "Department", "Status"]
        assert [row[4] for row in rows[1:]] == ["Present"] * 3
        captured = capsys.readouterr()
        assert "Wrote 3 rows to" in captured.out
        assert "\rWriting rows: 3 of 3 (100%)" in captured.err

    def test_the_directory_as_a_spreadsheet(self, tmp_path):
        EmployeeFactory.create_batch(2)
        out = tmp_path / "people.xlsx"
        call_command("export", "employees", "--format", "xlsx", "-o", str(out))
        sheet = openpyxl.load_workbook(out).active
        assert sheet.max_row == 3
