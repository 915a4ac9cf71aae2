"""The JSON API: the original HRMS Lite contract, on the same services, rules and permissions.

Authentication: a personal token, created under "API tokens" in the app and sent as
"Authorization: Bearer TOKEN", or the browser's session with its CSRF token. Every
call is checked against the user's role and department limits, goes through the
services the pages use, and is recorded in the audit trail. Errors: {"detail": "..."}
for 401, 403, 404, 409 and 429; 422 lists each invalid field.
"""

import datetime
import uuid
from functools import partialmethod
from typing import Annotated

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Query, Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AuthRateThrottle

from attendance import selectors as attendance_selectors
from attendance import services as attendance_services
from attendance.models import AttendanceRecord, Status
from core.security import client_ip
from employees import selectors as employee_selectors
from employees import services as employee_services
from employees.forms import EmployeeForm
from employees.models import EMPLOYEE_FIELDS

from . import schemas
from .ratelimit import count_request, seconds_left
from .reference import ApiReference

MAX_LIMIT = 500
DUPLICATE_CODES = {"unique", "duplicate"}
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


# Answers every operation may give, besides its own.
COMMON_RESPONSES = {
    400: schemas.Message,
    401: schemas.Message,
    403: schemas.Message,
    422: schemas.ValidationErrors,
    429: schemas.Message,
}


class Operations:
    """A router's operations, each for the callers holding `permission` and under both
    forms of its path (with and without the final slash)."""

    def __init__(self, *, tags: list[str]):
        self.router = Router(tags=tags)

    def operation(self, method: str, path: str, *, permission: str, **options):
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
    return found.order_by("-created_at", "-employee_id")[skip : skip + limit]


@employees.get(
    "/dashboard/stats",
    response=schemas.DashboardStats,
    permission="employees.view_employee",
)
def dashboard_stats(request):
    """The dashboard's figures: employees, departments, today's attendance, the rate."""
    scope, today = request.scope, timezone.localdate()
    _, figures = attendance_selectors.today_summary(day=today, scope=scope)
    departments = list(employee_selectors.department_list(scope=scope))
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
    """Change an employee's full name, email or department (any of them)."""
    employee = _employee(request, employee_id)
    data = {name: getattr(employee, name) for name in EMPLOYEE_FIELDS}
    data["department"] = employee.department.name
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
    return records[skip : skip + limit]


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
    day = timezone.localdate()
    return [
        {
            "employee_id": employee.pk,
            "employee_code": employee.employee_id,
            "full_name": employee.full_name,
            "department": employee.department_name,
            "date": day,
            "status": Status(employee.status).label if employee.status else schemas.NOT_MARKED,
        }
        for employee in attendance_selectors.roster(day=day, scope=request.scope)
    ]


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
    response={204: None, 404: schemas.Message},
    permission="attendance.delete_attendancerecord",
)
def delete_attendance(request, record_id: RecordId):
    service(attendance_services.attendance_delete, record=_record(request, record_id))
    return Answer(204, None)


api.add_router("/employees", employees.router)
api.add_router("/attendance", attendance.router)
