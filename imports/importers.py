"""What can be imported: for each kind, its columns, the function that checks and writes
the rows, the permission it needs and where the user goes afterwards."""

from collections.abc import Callable
from dataclasses import dataclass

from attendance import imports as attendance_imports
from attendance.models import AttendanceRecord
from core.spreadsheets import Column, ImportReport
from employees import imports as employee_imports
from employees.models import Employee

from .models import ImportBatch


@dataclass(frozen=True)
class Importer:
    title: str
    permission: str
    columns: list[Column]
    run: Callable[..., ImportReport]
    model: type  # the records it writes, for the audit trail
    options: tuple[str, ...]
    done_url: str
    example: list[str]


IMPORTERS = {
    ImportBatch.Kind.EMPLOYEES: Importer(
        title="Import employees",
        permission="employees.import_employee",
        columns=employee_imports.IMPORT_COLUMNS,
        run=employee_imports.employees_import,
        model=Employee,
        options=("update_existing", "create_departments"),
        done_url="employees:list",
        example=[
            "EMP-001",
            "Jane Smith",
            "jane.smith@example.com",
            "Engineering",
            "Engineer",
            "+44 20 7946 0000",
            "2024-01-15",
            "",
            "",
        ],
    ),
    ImportBatch.Kind.ATTENDANCE: Importer(
        title="Import attendance",
        permission="attendance.import_attendancerecord",
        columns=attendance_imports.IMPORT_COLUMNS,
        run=attendance_imports.attendance_import,
        model=AttendanceRecord,
        options=("update_existing",),
        done_url="attendance:list",
        example=["EMP-001", "2026-03-02", "Present", ""],
    ),
}


def done_message(report: ImportReport) -> str:
    return f"Imported {report.rows:,} rows: {report.created:,} added, {report.updated:,} updated."
