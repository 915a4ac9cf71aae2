"""The API's request and response shapes, as in the original HRMS Lite API description."""

import datetime
import uuid
from enum import Enum
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

from attendance.models import AttendanceRecord, Status

StatusLabel = Enum("StatusLabel", {status.name: status.label for status in Status}, type=str)
StatusLabel.__doc__ = "An attendance status, by its label."
SourceValue = Enum(
    "SourceValue", {source.name: source.value for source in AttendanceRecord.Source}, type=str
)
SourceValue.__doc__ = (
    "Where a status came from: hand (marked by HR; it wins) or clock (derived from the "
    "employee's punches and working pattern; the note says why)."
)

NOT_MARKED = "Not Marked"


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text may not contain a lone surrogate (\\ud800-\\udfff).") from None
    return value


# Any text a client sends: the web forms refuse NUL characters the same way, and no
# database can store them or a lone surrogate (which JSON's \u escapes can carry).
Text = Annotated[str, AfterValidator(_storable)]


class EmployeeIn(Schema):
    """The same rules as the employee form; every invalid field is reported at once (422)."""

    employee_id: Text = Field(
        ...,
        description="1–20 letters, digits, “-” or “_”; stored in capitals; unique.",
        examples=["EMP001"],
    )
    full_name: Text = Field(..., description="1–100 characters.", examples=["John Doe"])
    email: Text = Field(
        ..., description="Stored in lower case; unique in any case.", examples=["john@example.com"]
    )
    department: Text = Field(
        ..., description="An existing department's name (any case).", examples=["Engineering"]
    )
    job_title: Text = ""
    phone: Text = ""
    date_joined: datetime.date | None = Field(None, description="Today when left out.")
    manager: Text = Field(
        "", description="The employee code of the person they report to; empty for none."
    )


class EmployeeUpdate(Schema):
    full_name: Text | None = None
    email: Text | None = None
    department: Text | None = None
    manager: Text | None = Field(
        None, description="The employee code of their new manager; empty for none."
    )


class EmployeeOut(Schema):
    id: uuid.UUID
    employee_id: str
    full_name: str
    email: str
    department: str
    job_title: str
    phone: str
    date_joined: datetime.date
    date_left: datetime.date | None
    is_active: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime | None
    manager: str | None = Field(description="The employee code of the person they report to.")

    @staticmethod
    def resolve_department(employee) -> str:
        return employee.department.name

    @staticmethod
    def resolve_manager(employee) -> str | None:
        return employee.manager.employee_id if employee.manager_id else None


class EmployeeSummary(Schema):
    id: uuid.UUID
    employee_id: str
    full_name: str
    total_present: int
    total_absent: int
    total_half_day: int
    total_on_leave: int
    total_work_from_home: int
    total_marked: int
    attendance_rate: float | None = Field(
        ...,
        description="(Present + Work from home + ½ Half day) ÷ (marked − On leave) × 100, "
        "to one decimal; null when no day counts.",
    )


class DepartmentCount(Schema):
    name: str
    count: int


class TodayAttendance(Schema):
    present: int
    absent: int
    half_day: int
    on_leave: int
    work_from_home: int
    not_marked: int


class DashboardStats(Schema):
    total_employees: int
    departments: list[DepartmentCount]
    today_attendance: TodayAttendance
    overall_attendance_rate: float | None = Field(
        ..., description="The rate over the last 30 working days, as on the dashboard."
    )
    recent_employees: list[EmployeeOut]


class AttendanceIn(Schema):
    employee_id: uuid.UUID = Field(..., description="The employee's id (a UUID).")
    date: datetime.date
    status: StatusLabel
    note: Text = Field("", max_length=200)


class AttendanceUpdate(Schema):
    status: StatusLabel
    note: Text = Field("", max_length=200)


class AttendanceOut(Schema):
    id: int
    employee_id: uuid.UUID
    employee_name: str
    employee_employee_id: str
    date: datetime.date
    status: StatusLabel
    note: str
    source: SourceValue
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_employee_name(record) -> str:
        return record.employee.full_name

    @staticmethod
    def resolve_employee_employee_id(record) -> str:
        return record.employee.employee_id

    @staticmethod
    def resolve_status(record) -> str:
        return Status(record.status).label


class TodayOut(Schema):
    employee_id: uuid.UUID
    employee_code: str
    full_name: str
    department: str
    date: datetime.date
    status: str = Field(..., description="A status label, or “Not Marked”.")


class Me(Schema):
    username: str
    permissions: list[str] = Field(
        ...,
        description="The permissions this API's operations ask for that the user holds, "
        "as “app.codename”, sorted.",
        examples=[["attendance.view_attendancerecord", "employees.view_employee"]],
    )


class Message(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(Schema):
    detail: list[FieldError]


class JobOut(Schema):
    """A background job: an import's check, an import, an export."""

    id: uuid.UUID
    kind: str
    title: str
    state: str = Field(..., description="queued, running, succeeded, failed or cancelled.")
    phase: str
    done: int
    total: int | None
    percent: int | None
    message: str
    report: dict | None = Field(
        None, description="An import's counts, notes and first problems (row, column, message)."
    )
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    result_name: str = Field("", description="The file to download from …/result, if any.")
    expires_at: datetime.datetime | None = Field(None, description="When the file is deleted.")


class ImportOut(Schema):
    """An uploaded file: its check (a job), then, once confirmed, its import (a job)."""

    id: uuid.UUID
    kind: str
    filename: str
    check: JobOut | None
    import_job: JobOut | None = None
    imported_at: datetime.datetime | None = None
