"""import_employees: the same service and rules as the import page."""

import pytest
from django.core.management import CommandError, call_command

from employees.models import Department, Employee

from .factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db
HEADER = "employee_id,full_name,email,department"


def test_imports_a_file(tmp_path, capsys):
    DepartmentFactory(name="Sales")
    file = tmp_path / "people.csv"
    file.write_text(f"{HEADER}\nE1,Jane,jane@example.com,Sales\nE2,John,john@example.com,Sales\n")
    call_command("import_employees", str(file))
    assert "Imported 2 rows: 2 added, 0 updated." in capsys.readouterr().out
    assert Employee.objects.count() == 2


def test_update_and_create_departments(tmp_path):
    EmployeeFactory(employee_id="E1", full_name="Old Name")
    file = tmp_path / "people.csv"
    file.write_text(f"{HEADER}\nE1,New Name,e1@example.com,Research\n")
    with pytest.raises(CommandError):
        call_command("import_employees", str(file))
    call_command("import_employees", str(file), "--update", "--create-departments")
    employee = Employee.objects.get()
    assert (employee.full_name, employee.department.name) == ("New Name", "Research")


def test_errors_exit_non_zero_and_import_nothing(tmp_path, command_errors):
    DepartmentFactory(name="Sales")
    file = tmp_path / "people.csv"
    file.write_text(f"{HEADER}\nE1,Jane,jane@example.com,Sales\nE2,,bad,Sales\n")
    errors = command_errors("import_employees", str(file), match="nothing was imported")
    assert "Row 3, Full name: Enter the employee's full name." in errors
    assert "Row 3, Email: Enter a valid email address" in errors
    assert not Employee.objects.exists()


def test_dry_run(tmp_path, capsys):
    file = tmp_path / "people.csv"
    file.write_text(f"{HEADER}\nE1,Jane,jane@example.com,Research\n")
    call_command("import_employees", str(file), "--dry-run", "--create-departments")
    assert "Would import 1 rows" in capsys.readouterr().out
    assert not Employee.objects.exists()
    assert not Department.objects.exists()


def test_a_file_that_is_not_a_spreadsheet(tmp_path):
    file = tmp_path / "photo.png"
    file.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CommandError, match="not a CSV or Excel"):
        call_command("import_employees", str(file))


def test_a_progress_line_on_request(tmp_path, capsys):
    file = tmp_path / "people.csv"
    file.write_text(
        "employee_id,full_name,email,department\nE1,Jane,jane@example.com,Sales\n"
        "E2,John,john@example.com,Sales\n"
    )
    call_command("import_employees", str(file), "--create-departments", "--progress")
    assert "\rChecking rows: 2 of 2 (100%)" in capsys.readouterr().err
    assert Employee.objects.count() == 2
