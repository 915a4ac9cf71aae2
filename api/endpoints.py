"""The JSON API: the original HRMS Lite contract, on the same services, rules and permissions.

Authentication: a personal token, created under "API tokens" in the app and sent as
"Authorization: Bearer TOKEN", or the browser's session with its CSRF token. Every
call is checked against the user's role and department limits, goes through the
services the pages use, and is recorded in the audit trail. Errors: {"detail": "..."}
for 400, 401, 403, 404, 409 and 429; 422 lists each invalid field.

Requests, approvals and leave (/api/requests, /api/approvals, /api/leave): a request the
rules refuse is 400 with why
(the period, the reason, a half day, a comment to reject); 409 when it conflicts with
what is there now (other leave or a correction of the same days, a month closed for
payroll, a decision already taken, the balance left), so it may work once that changes.
"""

import datetime
import uuid
from functools import partialmethod
from typing import Annotated, Literal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, NinjaAPI, Path, Query, Router, Schema, UploadedFile
from ninja import Status as Answer
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AuthRateThrottle

from approvals import selectors as approvals_selectors
from approvals import services as approvals_services
from approvals.models import Request as ApprovalRequest
from attendance import selectors as attendance_selectors
from attendance import services as attendance_services
from attendance.forms import RegisterForm
from attendance.models import AttendanceRecord, Status
from core.security import client_ip
from core.spreadsheets import FileRefused, Limits
from employees import selectors as employee_selectors
from employees import services as employee_services
from employees.forms import EmployeeForm
from employees.models import EMPLOYEE_FIELDS, Employee, team_of
from imports import batches as import_batches
from imports.importers import IMPORTERS
from imports.models import ImportBatch
from jobs import files as job_files
from jobs import selectors as jobs_selectors
from jobs import services as jobs_services
from jobs.exports import export_start
from jobs.models import Job
from leave.models import LeaveType

from . import schemas
from . import selectors as api_selectors
from .ratelimit import count_request, seconds_left
from .reference import ApiReference

MAX_LIMIT = 500
# Refusals that are conflicts with what is there: 409.
DUPLICATE_CODES = {"unique", "duplicate", "from_clock"}
# Refusals of the attendance rules that are about the day chosen.
DATE_CODES = {"future", "before_joining", "after_leaving", "inactive"}
STATUS_BY_LABEL = {status.label: status.value for status in Status}


def _check_permission(request, permission: str | None) -> None:
    if permission and not request.user.has_perm(permission):
        raise HttpError(403, "Your account does not have permission to do that.")


class TokenAuth(HttpBearer):
    """A personal API token (see /account/tokens/), already checked by ApiTokenMiddleware.

    The operation's permission is checked here too, so a caller without it is refused
    (403) before anything it sent is looked at.
    """

    def __init__(self, permission: str | None = None):
        self.permission = permission
        super().__init__()

    def authenticate(self, request, token):
        if request.api_token is not None:
            _check_permission(request, self.permission)
        return request.api_token


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session, with its CSRF token; and the operation's permission."""

    def __init__(self, permission: str | None = None):
        self.permission = permission
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            _check_permission(request, self.permission)
        return user


class ThrottleByUser(AuthRateThrottle):
    """Requests per period, counted per token (or per signed-in user, or address), in a
    counter every app server shares (api/ratelimit.py)."""

    def allow_request(self, request) -> bool:
        token = getattr(request, "api_token", None)
        if token is not None:
            ident = f"token-{token.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{client_ip(request)}"
        return count_request(ident, period=self.duration) <= self.num_requests

    def wait(self) -> int:
        return seconds_left(self.duration)


RATE_LIMIT = ThrottleByUser(settings.API_RATE_LIMIT)


class HrmsApi(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """Name an invalid body field as ["body", field], as the original API did, not
        ["body", "payload", field]: every operation's body parameter is "payload"."""
        error = super().validation_error_from_error_contexts(error_contexts)
        for item in error.errors:
            if tuple(item["loc"][:2]) == ("body", "payload") and len(item["loc"]) > 2:
                item["loc"] = ("body", *item["loc"][2:])
        return error


api = HrmsApi(
    title="HRMS Lite API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=[TokenAuth(), BrowserSessionAuth()],
    throttle=[RATE_LIMIT],
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=ApiReference(),
    # The description of the API and its docs page are for signed-in users too.
    docs_decorator=login_required,
)


def service(function, **kwargs):
    """Call a service; its refusals become 409 (duplicates) or 422 (anything else), and an
    object someone else deleted meanwhile 404."""
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        raise api_error(error) from None
    except ObjectDoesNotExist:
        raise HttpError(404, "It no longer exists: someone else deleted it a moment ago.") from None


def api_error(error: DjangoValidationError) -> Exception:
    items = (
        [(field, e) for field, errors in error.error_dict.items() for e in errors]
        if hasattr(error, "error_dict")
        else [("__all__", e) for e in error.error_list]
    )
    for _, item in items:
        if item.code in DUPLICATE_CODES:
            return HttpError(409, " ".join(item.messages))
    return ValidationError(
        [
            {
                "loc": ["body", _field_of(field, item)],
                "msg": " ".join(item.messages),
                "type": item.code or "value_error",
            }
            for field, item in items
        ]
    )


def _field_of(field: str, item: DjangoValidationError) -> str:
    if field == "__all__":
        return "date" if item.code in DATE_CODES else "__all__"
    return field


def rows_answer(request, rows: list[dict]) -> HttpResponse:
    """Answer a list operation with rows already in its response schema's shape (see
    api/selectors.py): the schema documents them; they are not validated again one by one."""
    return api.create_response(request, rows, status=200)


# Answers every operation may give, besides its own.
COMMON_RESPONSES = {
    400: schemas.Message,
    401: schemas.Message,
    403: schemas.Message,
    422: schemas.ValidationErrors,
    429: schemas.Message,
}


# The permissions the operations ask for ("app.codename").
PERMISSIONS: set[str] = set()


class Operations:
    """A router's operations, each for the callers holding `permission` (None: any
    signed-in caller) and under both forms of its path (with and without the final slash)."""

    def __init__(self, *, tags: list[str]):
        self.router = Router(tags=tags)

    def operation(self, method: str, path: str, *, permission: str | None, **options):
        if permission:
            PERMISSIONS.add(permission)
        options["auth"] = [TokenAuth(permission), BrowserSessionAuth(permission)]

        def decorator(function):
            name = options.pop("url_name", function.__name__)
            response = options.get("response")
            if not isinstance(response, dict):
                response = {200: response}
            options["response"] = {**COMMON_RESPONSES, **response}
            self.router.add_api_operation(path, [method], function, url_name=name, **options)
            other = path[:-1] if path.endswith("/") else path + "/"
            self.router.add_api_operation(
                other, [method], function, url_name=f"{name}_", include_in_schema=False, **options
            )
            return function

        return decorator

    get = partialmethod(operation, "GET")
    post = partialmethod(operation, "POST")
    put = partialmethod(operation, "PUT")
    delete = partialmethod(operation, "DELETE")


# Employees

employees = Operations(tags=["employees"])


def _employee(request, employee_id: uuid.UUID):
    return get_object_or_404(
        employee_selectors.employee_directory(scope=request.scope), pk=employee_id
    )


def _validated(request, data: dict, *, instance=None) -> dict:
    """Check employee data with the employee form (the pages' rules): every invalid field is
    reported at once (422), a code or email already in use is a conflict (409)."""
    department = data.get("department")
    if department is not None:
        found = (
            employee_selectors.departments(scope=request.scope)
            .filter(name__iexact=str(department).strip())
            .first()
        )
        data["department"] = found.pk if found else -1
    form = EmployeeForm(data, instance=instance, scope=request.scope)
    if form.is_valid():
        return form.cleaned_data
    for errors in form.errors.as_data().values():
        for error in errors:
            if error.code == "unique":
                raise HttpError(409, " ".join(error.messages))
    details = []
    for field, errors in form.errors.as_data().items():
        message = " ".join(m for e in errors for m in e.messages)
        if field == "department":
            message = f"There is no department named “{str(department).strip()}”."
        details.append(
            {"loc": ["body", field], "msg": message, "type": errors[0].code or "invalid"}
        )
    raise ValidationError(details)


@employees.post(
    "/",
    response={201: schemas.EmployeeOut, 409: schemas.Message},
    permission="employees.add_employee",
)
def create_employee(request, payload: schemas.EmployeeIn):
    """Add an employee. 409 when the code or email (in any case) is already used."""
    data = payload.dict()
    data["date_joined"] = data["date_joined"] or timezone.localdate()
    employee = service(employee_services.employee_create, **_validated(request, data))
    return Answer(201, employee)


# The largest offset and id a query accepts: beyond the database's integers.
BIGGEST = 2**31 - 1


class EmployeeFilters(Schema):
    search: schemas.Text = Field("", max_length=200)
    department: schemas.Text = Field("", max_length=100)
    skip: int = Field(0, ge=0, le=BIGGEST)
    limit: int = Field(100, ge=0, le=BIGGEST, description="At most 500 are returned.")


@employees.get("/", response=list[schemas.EmployeeOut], permission="employees.view_employee")
def list_employees(request, filters: Query[EmployeeFilters]):
    """Active employees, newest first; search by name, code or email; at most 500."""
    found = employee_selectors.employee_directory(scope=request.scope).filter(is_active=True)
    if filters.search.strip():
        value = filters.search.strip()
        found = found.filter(
            Q(full_name__icontains=value)
            | Q(employee_id__icontains=value)
            | Q(email__icontains=value)
        )
    if filters.department.strip():
        found = found.filter(department__name__iexact=filters.department.strip())
    skip, limit = max(filters.skip, 0), min(max(filters.limit, 0), MAX_LIMIT)
    found = found.order_by("-created_at", "-employee_id")[skip : skip + limit]
    return rows_answer(request, api_selectors.employee_rows(found))


@employees.get(
    "/dashboard/stats",
    response=schemas.DashboardStats,
    permission="employees.view_employee",
)
def dashboard_stats(request):
    """The dashboard's figures: employees, departments, today's attendance, the rate."""
    scope, today = request.scope, timezone.localdate()
    day = attendance_selectors.day_overview(day=today, scope=scope, names=0)
    figures, departments = day.figures, day.departments
    window = attendance_selectors.rate_window(until=today)
    return {
        "total_employees": sum(d.active_count for d in departments),
        "departments": [{"name": d.name, "count": d.active_count} for d in departments],
        "today_attendance": {**_per_status(figures), "not_marked": figures["not_marked"]},
        "overall_attendance_rate": _one_decimal(
            attendance_selectors.period_rate(window, scope=scope)
        ),
        "recent_employees": list(employee_selectors.recent_employees(scope=scope, limit=5)),
    }


@employees.get(
    "/{employee_id}",
    response={200: schemas.EmployeeOut, 404: schemas.Message},
    permission="employees.view_employee",
)
def get_employee(request, employee_id: uuid.UUID):
    return _employee(request, employee_id)


@employees.put(
    "/{employee_id}",
    response={200: schemas.EmployeeOut, 404: schemas.Message, 409: schemas.Message},
    permission="employees.change_employee",
)
def update_employee(request, employee_id: uuid.UUID, payload: schemas.EmployeeUpdate):
    """Change an employee's full name, email, department or manager (any of them)."""
    employee = _employee(request, employee_id)
    data = {name: getattr(employee, name) for name in EMPLOYEE_FIELDS}
    data["department"] = employee.department.name
    data["manager"] = employee.manager.employee_id if employee.manager_id else ""
    data.update(payload.dict(exclude_none=True))
    changes = _validated(request, data, instance=employee)
    return service(employee_services.employee_update, employee=employee, **changes)


@employees.delete(
    "/{employee_id}",
    response={204: None, 404: schemas.Message},
    permission="employees.delete_employee",
)
def delete_employee(request, employee_id: uuid.UUID):
    """Delete an employee and their attendance records."""
    service(employee_services.employee_delete, employee=_employee(request, employee_id))
    return Answer(204, None)


@employees.get(
    "/{employee_id}/summary",
    response={200: schemas.EmployeeSummary, 404: schemas.Message},
    permission="employees.view_employee",
)
def employee_summary(request, employee_id: uuid.UUID):
    """Counts of each status over all time, and the attendance rate."""
    employee = _employee(request, employee_id)
    figures = AttendanceRecord.objects.filter(employee=employee).aggregate(
        **attendance_selectors.attendance_figures()
    )
    return {
        "id": employee.pk,
        "employee_id": employee.employee_id,
        "full_name": employee.full_name,
        **_per_status(figures, prefix="total_"),
        "total_marked": figures["marked"],
        "attendance_rate": _one_decimal(figures["rate"]),
    }


def _per_status(figures: dict, *, prefix: str = "") -> dict:
    """Each status's count under the API's name for it: "present", ..., "work_from_home"."""
    return {prefix + status.name.lower(): figures[status] for status in Status}


def _one_decimal(rate: float | None) -> float | None:
    """Rates to one decimal, as the pages show them; None ("no data") stays None."""
    return None if rate is None else round(rate, 1)


# Attendance

attendance = Operations(tags=["attendance"])
RecordId = Annotated[int, Path(ge=1, le=BIGGEST)]


def _record(request, record_id: int):
    return get_object_or_404(
        attendance_selectors.attendance_list(scope=request.scope), pk=record_id
    )


@attendance.post(
    "/",
    response={201: schemas.AttendanceOut, 404: schemas.Message, 409: schemas.Message},
    permission="attendance.add_attendancerecord",
)
def mark_attendance(request, payload: schemas.AttendanceIn):
    """Mark one employee for one day. 409 when that day is already marked."""
    employee = (
        employee_selectors.employee_directory(scope=request.scope)
        .filter(pk=payload.employee_id)
        .first()
    )
    if employee is None:
        raise HttpError(404, "There is no employee with that id.")
    record = service(
        attendance_services.attendance_mark,
        employee=employee,
        day=payload.date,
        status=STATUS_BY_LABEL[payload.status.value],
        note=payload.note.strip(),
        by=request.user,
    )
    return Answer(201, record)


class AttendanceFilters(Schema):
    employee_id: uuid.UUID | None = None
    start_date: schemas.Text | None = None
    end_date: schemas.Text | None = None
    status: schemas.StatusLabel | None = None
    skip: int = Field(0, ge=0, le=BIGGEST)
    limit: int = Field(100, ge=0, le=BIGGEST, description="At most 500 are returned.")


@attendance.get(
    "/",
    response=list[schemas.AttendanceOut],
    permission="attendance.view_attendancerecord",
)
def list_attendance(request, filters: Query[AttendanceFilters]):
    """Records, newest first, filtered by employee, dates and status; at most 500."""
    records = attendance_selectors.attendance_list(scope=request.scope)
    if filters.employee_id:
        records = records.filter(employee_id=filters.employee_id)
    for bound, lookup in ((filters.start_date, "date__gte"), (filters.end_date, "date__lte")):
        if bound:
            records = records.filter(**{lookup: _date(bound, lookup)})
    if filters.status:
        records = records.filter(status=STATUS_BY_LABEL[filters.status.value])
    skip, limit = max(filters.skip, 0), min(max(filters.limit, 0), MAX_LIMIT)
    return rows_answer(request, api_selectors.attendance_rows(records[skip : skip + limit]))


def _date(value: str, name: str):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        field = "start_date" if name == "date__gte" else "end_date"
        raise ValidationError(
            [{"loc": ["query", field], "msg": "Use YYYY-MM-DD.", "type": "date_parsing"}]
        ) from None


@attendance.get(
    "/today",
    response=list[schemas.TodayOut],
    permission="attendance.view_attendancerecord",
)
def today(request):
    """Everyone employed today with today's status, or “Not Marked”."""
    rows = api_selectors.today_rows(day=timezone.localdate(), scope=request.scope)
    return rows_answer(request, rows)


@attendance.put(
    "/{record_id}",
    response={200: schemas.AttendanceOut, 404: schemas.Message},
    permission="attendance.change_attendancerecord",
)
def update_attendance(request, record_id: RecordId, payload: schemas.AttendanceUpdate):
    """Correct a record's status or note."""
    record = _record(request, record_id)
    return service(
        attendance_services.attendance_update,
        record=record,
        status=STATUS_BY_LABEL[payload.status.value],
        note=payload.note.strip(),
        by=request.user,
    )


@attendance.delete(
    "/{record_id}",
    response={204: None, 404: schemas.Message, 409: schemas.Message},
    permission="attendance.delete_attendancerecord",
)
def delete_attendance(request, record_id: RecordId):
    service(attendance_services.attendance_delete, record=_record(request, record_id))
    return Answer(204, None)


# The caller

account = Operations(tags=["account"])


@account.get("/me", response=schemas.Me, permission=None, summary="Who am I")
def me(request):
    """The signed-in user's name, and which of this API's permissions they hold. Nothing
    but authentication and the rate limit: the cheapest operation."""
    user = request.user
    return {
        "username": user.get_username(),
        "permissions": sorted(p for p in PERMISSIONS if user.has_perm(p)),
    }


# Background jobs: imports (checked, then confirmed), exports of any size

jobs_api = Operations(tags=["jobs"])
Format = Literal["csv", "xlsx"]


def _job(request, job_id: uuid.UUID) -> Job:
    return get_object_or_404(
        jobs_selectors.jobs_visible(user=request.user, scope=request.scope), pk=job_id
    )


def _import_out(batch: ImportBatch) -> dict:
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "filename": batch.filename,
        "check": batch.preview_job,
        "import_job": batch.confirm_job,
        "imported_at": batch.imported_at,
    }


def _start_import(kind: str):
    """The upload operation of one kind of import (each with its own permission)."""

    def start_import(
        request,
        file: UploadedFile = File(...),  # noqa: B008 (ninja's way to declare an upload)
        update_existing: Form[bool] = False,
        create_departments: Form[bool] = False,
    ):
        limits = Limits.from_settings()
        try:
            limits.check_size(file.size)
            batch = import_batches.import_start(
                kind=kind,
                filename=file.name or "upload",
                content=file.read(limits.max_bytes + 1),
                options={
                    "update_existing": update_existing,
                    "create_departments": create_departments,
                },
                by=request.user,
                scope=request.scope,
            )
        except FileRefused as refusal:
            if file.size > limits.max_bytes:
                raise HttpError(413, str(refusal)) from None
            raise ValidationError(
                [{"loc": ["body", "file"], "msg": str(refusal), "type": "file_refused"}]
            ) from None
        return Answer(202, _import_out(batch))

    start_import.__name__ = start_import.__qualname__ = f"start_import_{kind}"
    start_import.__doc__ = (
        f"Upload a CSV or XLSX file of {kind}; its rows are checked by a job (`check`). "
        "Nothing is written until it is confirmed (…/confirm). Follow the job at /jobs/{id}."
    )
    jobs_api.post(
        f"/imports/{kind}",
        response={202: schemas.ImportOut, 413: schemas.Message},
        permission=IMPORTERS[kind].permission,
        summary=f"Upload a file of {kind} to import",
    )(start_import)


for _kind in IMPORTERS:
    _start_import(_kind)


@jobs_api.get(
    "/imports/{import_id}",
    response={200: schemas.ImportOut, 404: schemas.Message},
    permission=None,
)
def get_import(request, import_id: uuid.UUID):
    """An upload of yours: its check and, once confirmed, its import."""
    batch = get_object_or_404(
        ImportBatch.objects.select_related("preview_job", "confirm_job"),
        pk=import_id,
        created_by=request.user,
    )
    return _import_out(batch)


@jobs_api.post(
    "/imports/{import_id}/confirm",
    response={202: schemas.ImportOut, 404: schemas.Message, 409: schemas.Message},
    permission=None,
    summary="Import a checked file",
)
def confirm_import(request, import_id: uuid.UUID):
    """Import every row of a file checked without problems, or none, as a job. 409 when it
    is already imported (or being imported), or was not checked without problems."""
    batch = get_object_or_404(ImportBatch, pk=import_id, created_by=request.user)
    _check_permission(request, IMPORTERS[batch.kind].permission)
    try:
        import_batches.import_confirm(batch=batch, by=request.user, scope=request.scope)
    except DjangoValidationError as refusal:
        raise HttpError(409, " ".join(refusal.messages)) from None
    batch = ImportBatch.objects.select_related("preview_job", "confirm_job").get(pk=batch.pk)
    return Answer(202, _import_out(batch))


def _start_export(name: str, permission: str, what: str):
    def start_export(request, format: Format = "csv"):  # noqa: A002 (the API's word)
        query = request.GET.copy()
        query.pop("format", None)
        if name == "register":
            form = RegisterForm(query, scope=request.scope)
            if not form.is_valid():
                raise ValidationError(
                    [
                        {"loc": ["query", field], "msg": " ".join(errors), "type": "invalid"}
                        for field, errors in form.errors.items()
                    ]
                )
        job = export_start(name=name, fmt=format, query=query, by=request.user, scope=request.scope)
        return Answer(202, job)

    start_export.__name__ = start_export.__qualname__ = f"start_export_{name}"
    start_export.__doc__ = (
        f"Write {what} to a file, as a job; the query string filters it as on the pages. "
        "The file is at /jobs/{id}/result once the job has succeeded."
    )
    jobs_api.post(
        f"/exports/{name}",
        response={202: schemas.JobOut},
        permission=permission,
        summary=f"Export {what}",
    )(start_export)


for _name, _permission, _what in (
    ("employees", "employees.export_employee", "the employees"),
    ("attendance", "attendance.export_attendancerecord", "the attendance records"),
    ("register", "attendance.export_attendancerecord", "the register of a month"),
):
    _start_export(_name, _permission, _what)


@jobs_api.get("/jobs", response=list[schemas.JobOut], permission=None)
def list_jobs(request, limit: int = Query(50, ge=1, le=MAX_LIMIT)):  # noqa: B008
    """Your jobs, newest first (an HR admin who sees every department: everyone's)."""
    return list(jobs_selectors.jobs_visible(user=request.user, scope=request.scope)[:limit])


@jobs_api.get(
    "/jobs/{job_id}", response={200: schemas.JobOut, 404: schemas.Message}, permission=None
)
def get_job(request, job_id: uuid.UUID):
    """A job's state and progress: ask again until its state is succeeded, failed or
    cancelled."""
    return _job(request, job_id)


@jobs_api.post(
    "/jobs/{job_id}/cancel",
    response={200: schemas.JobOut, 404: schemas.Message, 409: schemas.Message},
    permission=None,
)
def cancel_job(request, job_id: uuid.UUID):
    """Cancel a job: at once if it is waiting, at its next step if it runs; it changes nothing.
    409 when it has already finished."""
    job = _job(request, job_id)
    if job.created_by_id != request.user.pk and not request.user.has_perm("jobs.change_job"):
        raise HttpError(403, "Only the job's starter or an HR admin can cancel it.")
    try:
        return jobs_services.job_cancel(job=job, by=request.user)
    except DjangoValidationError as refusal:
        raise HttpError(409, " ".join(refusal.messages)) from None


@jobs_api.get(
    "/jobs/{job_id}/result",
    response={200: None, 404: schemas.Message, 410: schemas.Message},
    permission=None,
    summary="Download the file of a job",
)
def job_result(request, job_id: uuid.UUID):
    """The job's file (an export, an import's problems), while it is kept."""
    job = _job(request, job_id)
    if not job.result_size:
        raise HttpError(404, "This job has no file.")
    if job.expires_at is None or job.expires_at <= timezone.now():
        raise HttpError(410, "The file was kept for a while and has been deleted.")
    return job_files.result_response(job)


# Requests (leave, attendance corrections) and their approval; leave balances, calendar

requests_api = Operations(tags=["requests"])
approvals_api = Operations(tags=["approvals"])
leave_api = Operations(tags=["leave"])
DECIDE = "approvals.decide_request"
# Refusals of the request and leave rules that conflict with what is there now (other
# leave, a closed month, a decision already taken, the balance left): 409. Asking again
# may work once that changes. Any other refusal is 400, with its message.
CONFLICT_CODES = DUPLICATE_CODES | {"overlap", "closed_month", "decided", "not_approved", "balance"}
# The longest calendar answered at once: a quarter.
MAX_CALENDAR_DAYS = 92


def ruled(function, **kwargs):
    """Call a service of requests or leave; its refusal becomes 409 (a conflict, see
    CONFLICT_CODES), 403 (not yours to do) or 400, with its messages as one text."""
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        items = (
            [e for errors in error.error_dict.values() for e in errors]
            if hasattr(error, "error_dict")
            else error.error_list
        )
        codes = {item.code for item in items}
        status = 409 if codes & CONFLICT_CODES else 403 if "not_yours" in codes else 400
        raise HttpError(status, " ".join(error.messages)) from None
    except ObjectDoesNotExist:
        raise HttpError(404, "It no longer exists: someone else deleted it a moment ago.") from None


def _visible(request):
    return approvals_selectors.visible_requests(user=request.user, scope=request.scope)


def _request(request, request_id: uuid.UUID) -> ApprovalRequest:
    return get_object_or_404(_visible(request), pk=request_id)


def _own_employee(request):
    return (
        Employee.objects.select_related("department", "manager").filter(user=request.user).first()
    )


def _employee_by_code(request, code: str, *, writing: bool = False):
    """Whom the caller names: themselves when `code` is empty (or their own), else someone in
    their scope (404 outside it). To ask for someone else (`writing`), the caller is their
    manager (higher up their reporting line) or HR (403 otherwise)."""
    code = code.strip().upper()
    own = _own_employee(request)
    if not code or (own is not None and own.employee_id == code):
        if own is None:
            raise HttpError(
                400, "Your account is no employee's: give the employee code of whom it is for."
            )
        return own
    employee = employee_selectors.employee_by_code(code, scope=request.scope)
    if employee is None:
        raise HttpError(404, f"No employee you can see has the code {code}.")
    if writing and not (request.user.has_perm(DECIDE) or employee.pk in team_of(request.user.pk)):
        raise HttpError(
            403, "You may ask for yourself, for your team as their manager, or for anyone as HR."
        )
    return employee


class RequestFilters(Schema):
    status: schemas.RequestStatus | None = None
    kind: schemas.RequestKind | None = None
    employee: schemas.Text = Field("", max_length=20, description="An employee code.")
    mine: bool = Field(False, description="Only the requests for yourself.")
    skip: int = Field(0, ge=0, le=BIGGEST)
    limit: int = Field(100, ge=0, le=BIGGEST, description="At most 500 are returned.")


@requests_api.get("/", response=list[schemas.RequestOut], permission=None)
def list_requests(request, filters: Query[RequestFilters]):
    """The requests you may see, newest first: those for you and your team (an HR admin:
    everyone in their departments) and any waiting for your decision; at most 500."""
    found = _visible(request)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.employee.strip():
        found = found.filter(employee__employee_id=filters.employee.strip().upper())
    if filters.mine:
        found = found.filter(employee__user=request.user)
    skip, limit = filters.skip, min(filters.limit, MAX_LIMIT)
    found = found.order_by("-created_at", "-pk")[skip : skip + limit]
    return [api_selectors.request_row(row) for row in found]


def _new(request: ApprovalRequest) -> Answer:
    return Answer(201, api_selectors.request_detail(request))


@requests_api.post(
    "/leave",
    response={201: schemas.RequestDetail, 404: schemas.Message, 409: schemas.Message},
    permission=None,
    summary="Ask for leave",
)
def request_leave(request, payload: schemas.LeaveRequestIn):
    """Ask for leave, for yourself (no `employee`), for someone in your team as their
    manager, or as HR for anyone in your departments; it waits for their manager (then HR,
    if leave is routed so). 201 with the request. 404: no such employee (or not one you can
    see), or no such leave type. 409: it overlaps other leave, falls in a month closed for
    payroll, or takes more than the balance left. 400: any other refusal (the period, the
    half day, the reason), with why."""
    employee = _employee_by_code(request, payload.employee, writing=True)
    leave_type = LeaveType.objects.filter(pk=payload.leave_type).first()
    if leave_type is None:
        raise HttpError(404, f"There is no leave type with the id {payload.leave_type}.")
    created = ruled(
        approvals_services.request_leave,
        employee=employee,
        leave_type=leave_type,
        start=payload.start,
        end=payload.end or payload.start,
        part=payload.part,
        reason=payload.reason,
        by=request.user,
    )
    return _new(created)


@requests_api.post(
    "/correction",
    response={201: schemas.RequestDetail, 404: schemas.Message, 409: schemas.Message},
    permission=None,
    summary="Ask for a correction of attendance",
)
def request_correction(request, payload: schemas.CorrectionRequestIn):
    """Ask to correct attendance from `start` to `end` (at most 31 days that have come):
    set a status on each working day, and/or add a check-in and a check-out each day. For
    whom: as for leave. 404: no such employee you can see. 409: a correction of those days
    already waits, or a month is closed for payroll. 400: any other refusal, with why."""
    employee = _employee_by_code(request, payload.employee, writing=True)
    created = ruled(
        approvals_services.request_correction,
        employee=employee,
        start=payload.start,
        end=payload.end or payload.start,
        set_status=STATUS_BY_LABEL[payload.set_status.value] if payload.set_status else "",
        check_in=payload.check_in,
        check_out=payload.check_out,
        reason=payload.reason,
        by=request.user,
    )
    return _new(created)


@requests_api.get(
    "/{request_id}",
    response={200: schemas.RequestDetail, 404: schemas.Message},
    permission=None,
)
def get_request(request, request_id: uuid.UUID):
    """A request you may see, with its timeline."""
    return api_selectors.request_detail(_request(request, request_id))


@requests_api.post(
    "/{request_id}/cancel",
    response={200: schemas.RequestDetail, 404: schemas.Message, 409: schemas.Message},
    permission=None,
    summary="Cancel a request",
)
def cancel_request(request, request_id: uuid.UUID):
    """Take back a request still waiting: only whom it is for, or who asked. Leave's days
    go back to the balance. 403: someone else's. 409: it is decided already."""
    found = _request(request, request_id)
    ruled(approvals_services.request_cancel, request=found, by=request.user)
    return api_selectors.request_detail(_request(request, request_id))


@requests_api.post(
    "/{request_id}/revoke",
    response={200: schemas.RequestDetail, 404: schemas.Message, 409: schemas.Message},
    permission=DECIDE,
    summary="Revoke an approved request (HR)",
)
def revoke_request(request, request_id: uuid.UUID, payload: schemas.RevokeIn):
    """Take back an approved request, saying why (HR): leave's days go back to the balance
    and off the attendance; a correction's punches are voided. 409: it is not approved, or
    a month of it is closed for payroll."""
    found = _request(request, request_id)
    ruled(approvals_services.request_revoke, request=found, reason=payload.reason, by=request.user)
    return api_selectors.request_detail(_request(request, request_id))


class InboxFilters(Schema):
    skip: int = Field(0, ge=0, le=BIGGEST)
    limit: int = Field(100, ge=0, le=BIGGEST, description="At most 500 are returned.")


@approvals_api.get("/", response=list[schemas.RequestOut], permission=None)
def inbox(request, filters: Query[InboxFilters]):
    """The requests waiting for your decision, oldest first: as manager, those waiting for
    you; as HR, every one waiting in your departments. Never your own. At most 500."""
    waiting = approvals_selectors.inbox(
        user=request.user, scope=request.scope, is_hr=request.user.has_perm(DECIDE)
    ).select_related("requested_by")
    skip, limit = filters.skip, min(filters.limit, MAX_LIMIT)
    return [api_selectors.request_row(row) for row in waiting[skip : skip + limit]]


@approvals_api.post(
    "/decide", response=schemas.DecideOut, permission=None, summary="Decide requests"
)
def decide(request, payload: schemas.DecideIn):
    """Approve or reject requests at once (all in one transaction): those you may decide
    are decided, or sent on to HR when the route asks for HR after the manager; each of the
    others is listed with why (decided already, your own, waiting for someone else, in a
    closed month, or not one you can see). Rejecting needs a comment (400 without)."""
    result = ruled(
        approvals_services.requests_decide,
        ids=payload.ids,
        approve=payload.action == "approve",
        comment=payload.comment,
        by=request.user,
        is_hr=request.user.has_perm(DECIDE),
        scope=request.scope,
    )
    rows = api_selectors.requests_loaded([r.pk for r in result.done + result.forwarded])
    return {
        "message": result.message,
        "decided": [api_selectors.request_row(rows[r.pk]) for r in result.done],
        "forwarded": [api_selectors.request_row(rows[r.pk]) for r in result.forwarded],
        "refused": [
            {"id": found.pk if found is not None else None, "reason": why}
            for found, why in result.refused.items()
        ],
    }


@leave_api.get("/types", response=list[schemas.LeaveTypeOut], permission=None)
def leave_types(request):
    """The types of leave that may be asked for, by name."""
    return list(LeaveType.objects.filter(is_active=True).order_by("name"))


class BalanceFilters(Schema):
    employee: schemas.Text = Field(
        "", max_length=20, description="An employee code; empty: yourself."
    )
    year: int | None = Field(None, ge=1900, le=2200, description="This year when left out.")


@leave_api.get(
    "/balances",
    response={200: schemas.BalancesOut, 404: schemas.Message},
    permission=None,
)
def leave_balances(request, filters: Query[BalanceFilters]):
    """An employee's balance of each type of leave in a year: yours, or (an employee code)
    anyone's you can see. In the current year, what is earned by today; in any other, by
    its end. 404: no employee you can see has that code."""
    employee = _employee_by_code(request, filters.employee)
    year = filters.year or timezone.localdate().year
    return api_selectors.balance_rows(employee, year=year, today=timezone.localdate())


class CalendarFilters(Schema):
    start: datetime.date
    end: datetime.date
    department: schemas.Text = Field("", max_length=100, description="A department's name.")


@leave_api.get("/calendar", response=list[schemas.AwayOut], permission=None)
def leave_calendar(request, filters: Query[CalendarFilters]):
    """Approved leave of the people you can see (of one department, by name) that shares a
    day with `start`–`end`, by first day: who is away, when. At most 92 days at once (400
    beyond, or when `end` is before `start`)."""
    if filters.end < filters.start:
        raise HttpError(400, "The last day cannot be before the first day.")
    if (filters.end - filters.start).days + 1 > MAX_CALENDAR_DAYS:
        raise HttpError(400, f"Ask for at most {MAX_CALENDAR_DAYS} days at once.")
    return api_selectors.away_rows(
        filters.start, filters.end, scope=request.scope, department=filters.department.strip()
    )


api.add_router("/employees", employees.router)
api.add_router("/attendance", attendance.router)
api.add_router("", account.router)
api.add_router("", jobs_api.router)
api.add_router("/requests", requests_api.router)
api.add_router("/approvals", approvals_api.router)
api.add_router("/leave", leave_api.router)
