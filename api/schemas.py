"""The API's request and response shapes, as in the original HRMS Lite API description."""

import datetime
import uuid
from enum import Enum
from typing import Annotated, Literal

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


def _local(value: datetime.time) -> datetime.time:
    if value.tzinfo is not None:
        raise ValueError("Give a time of day without a zone (HH:MM): the organisation's own.")
    return value


# A time of day in the organisation's time zone.
LocalTime = Annotated[datetime.time, AfterValidator(_local)]

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


# Requests (leave, attendance corrections), their approval, leave balances and calendar

RequestKind = Literal["leave", "correction"]
RequestStatus = Literal["pending", "approved", "rejected", "cancelled", "revoked"]
RequestStage = Literal["manager", "hr"]
LeavePart = Literal["full", "morning", "afternoon"]
EventAction = Literal[
    "submitted", "skipped", "forwarded", "approved", "rejected", "cancelled", "revoked"
]
Reason = Annotated[Text, Field(min_length=1, max_length=500)]


class LeaveOfRequest(Schema):
    leave_type_id: int
    leave_type: str
    part: LeavePart
    days: float = Field(..., description="The days it takes from the balance.")


class RequestOut(Schema):
    """A request for leave or for a correction of attendance."""

    id: uuid.UUID
    kind: RequestKind
    status: RequestStatus
    stage: RequestStage = Field(
        ..., description="Whose decision it waits for (while pending): the manager's or HR's."
    )
    summary: str = Field(..., description="What is asked, in a few words.")
    employee: str = Field(..., description="The employee code of whom it is for.")
    employee_name: str
    department: str
    start: datetime.date
    end: datetime.date
    reason: str
    leave: LeaveOfRequest | None = Field(..., description="Leave: what is asked for.")
    set_status: StatusLabel | None = Field(
        ..., description="A correction: the status to set on each working day."
    )
    check_in: datetime.time | None = Field(..., description="A correction: a check-in each day.")
    check_out: datetime.time | None = Field(..., description="A correction: a check-out each day.")
    approver: str | None = Field(
        ..., description="The employee code of the manager it waits for (null at HR's stage)."
    )
    approver_name: str | None
    requested_by: str | None = Field(..., description="The account that asked (its name).")
    created_at: datetime.datetime
    decided_at: datetime.datetime | None


class EventOut(Schema):
    """One step of a request's timeline."""

    action: EventAction
    label: str
    by: str | None = Field(..., description="The account that took it (its name); null: the app.")
    comment: str
    at: datetime.datetime


class RequestDetail(RequestOut):
    events: list[EventOut] = Field(..., description="The timeline, oldest first.")


class LeaveRequestIn(Schema):
    employee: Text = Field(
        "",
        max_length=20,
        description="The employee code of whom it is for; empty: yourself.",
        examples=[""],
    )
    leave_type: int = Field(..., ge=1, le=2**31 - 1, description="A leave type's id.")
    start: datetime.date
    end: datetime.date | None = Field(None, description="The last day; the first when left out.")
    part: LeavePart = Field("full", description="morning or afternoon: half of one day.")
    reason: Reason


class CorrectionRequestIn(Schema):
    employee: Text = Field(
        "",
        max_length=20,
        description="The employee code of whom it is for; empty: yourself.",
        examples=[""],
    )
    start: datetime.date
    end: datetime.date | None = Field(None, description="The last day; the first when left out.")
    set_status: StatusLabel | None = Field(
        None, description="The status to set on each working day."
    )
    check_in: LocalTime | None = Field(None, description="A check-in to add on each day.")
    check_out: LocalTime | None = Field(None, description="A check-out to add on each day.")
    reason: Reason


class RevokeIn(Schema):
    reason: Reason


class DecideIn(Schema):
    ids: list[uuid.UUID] = Field(..., min_length=1, max_length=500)
    action: Literal["approve", "reject"]
    comment: Text = Field(
        "", max_length=500, description="Needed to reject: the employee reads it."
    )


class Refused(Schema):
    id: uuid.UUID | None = Field(
        ..., description="The request's id; null for those that do not exist for you."
    )
    reason: str


class DecideOut(Schema):
    message: str = Field(..., examples=["2 decided, 1 not decided."])
    decided: list[RequestOut] = Field(..., description="Approved or rejected now.")
    forwarded: list[RequestOut] = Field(
        ..., description="Approved by you as manager, and sent on to HR to approve."
    )
    refused: list[Refused] = Field(..., description="Not decided, each with why.")


class LeaveTypeOut(Schema):
    id: int
    name: str
    paid: bool
    needs_approval: bool
    half_days: bool = Field(..., description="Whether half days may be asked for.")
    counts_non_working: bool = Field(
        ..., description="Whether weekly off days and holidays count against the balance."
    )
    allow_negative: bool = Field(..., description="Whether the balance may go below zero.")
    days_per_year: float
    accrual: Literal["up_front", "monthly"]


class BalanceOut(Schema):
    leave_type_id: int
    leave_type: str
    year: int
    yearly: float = Field(..., description="The year's entitlement.")
    accrued: float = Field(..., description="Of which earned by the end of the year (or today).")
    carried_over: float
    taken: float = Field(..., description="Approved.")
    pending: float = Field(..., description="Waiting for approval.")
    available: float = Field(..., description="What may still be asked for.")


class BalancesOut(Schema):
    employee: str
    employee_name: str
    year: int
    balances: list[BalanceOut]


class AwayOut(Schema):
    """Approved leave: who is away, when."""

    employee: str
    employee_name: str
    department: str
    leave_type: str
    start: datetime.date
    end: datetime.date
    part: LeavePart
    days: float
