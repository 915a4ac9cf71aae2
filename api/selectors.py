"""Reads of the API: which tokens a user may see, revoke and issue (the rule in one
place), and the rows of the list operations, read as plain values."""

import datetime
import typing

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from ninja import Schema

from accounts.scoping import Scope, scope_for
from approvals.models import Event, Request
from attendance import selectors as attendance_selectors
from attendance.models import AttendanceRecord, Status
from employees.models import Employee
from leave import selectors as leave_selectors

from . import schemas
from .models import ApiToken


def manages_others(user) -> bool:
    """A superuser, or an HR admin (`api.manage_apitoken`) who sees every department. A
    department-limited user only ever manages their own tokens."""
    return user.is_superuser or (
        user.has_perm("api.manage_apitoken") and not scope_for(user).is_limited
    )


def manageable_tokens(user) -> QuerySet[ApiToken]:
    """The tokens a user may see and revoke: their own; a superuser, everyone's; an HR
    admin who manages others, everyone's but superusers'."""
    tokens = ApiToken.objects.select_related("user")
    if user.is_superuser:
        return tokens
    if manages_others(user):
        return tokens.filter(Q(user=user) | Q(user__is_superuser=False))
    return tokens.filter(user=user)


def may_issue_for_others(user) -> bool:
    """Only a superuser creates a token for someone else: a token acts with its owner's
    powers, so anyone else could borrow powers they do not have."""
    return user.is_superuser


# The lists answer with rows read as values, already in their schema's shape (the same
# keys, in the same order, ids, days and times already as the JSON encoder writes them):
# no model instances are built, nothing is validated again row by row on the way out, and
# the encoder never has to call back into Python. Each schema field is read from the
# column named here.
EMPLOYEE_COLUMNS = {
    **{name: name for name in schemas.EmployeeOut.model_fields},
    "department": "department__name",
    "manager": "manager__employee_id",
}
RECORD_COLUMNS = {
    **{name: name for name in schemas.AttendanceOut.model_fields},
    "employee_name": "employee__full_name",
    "employee_employee_id": "employee__employee_id",
}
LABELS = {status.value: status.label for status in Status}
# JSON has these already; anything else (uuid, date, datetime) is written as text.
JSON_NATIVE = (str, bool, int, float)
as_json_text = DjangoJSONEncoder().default


def _rows(queryset: QuerySet, columns: dict[str, str], schema: type[Schema]) -> list[dict]:
    names = list(columns)
    as_text = [
        n
        for n, name in enumerate(names)
        if not all(t in JSON_NATIVE or t is type(None) for t in _types(schema, name))
    ]
    rows = []
    for values in queryset.values_list(*columns.values()):
        values = list(values)
        for n in as_text:
            if not isinstance(values[n], JSON_NATIVE) and values[n] is not None:
                values[n] = as_json_text(values[n])
        rows.append(dict(zip(names, values, strict=True)))
    return rows


def _types(schema: type[Schema], name: str) -> tuple[type, ...]:
    """The types a schema field may hold: `date | None` is (date, NoneType)."""
    annotation = schema.model_fields[name].annotation
    return typing.get_args(annotation) if typing.get_origin(annotation) else (annotation,)


def employee_rows(employees: QuerySet[Employee]) -> list[dict]:
    """`employees` as `EmployeeOut` rows."""
    return _rows(employees, EMPLOYEE_COLUMNS, schemas.EmployeeOut)


def attendance_rows(records: QuerySet[AttendanceRecord]) -> list[dict]:
    """`records` as `AttendanceOut` rows: each status by its label."""
    rows = _rows(records, RECORD_COLUMNS, schemas.AttendanceOut)
    for row in rows:
        row["status"] = LABELS[row["status"]]
    return rows


def today_rows(*, day: datetime.date, scope: Scope) -> list[dict]:
    """Everyone employed on `day` as `TodayOut` rows: that day's status, or “Not Marked”.

    The id and the day are written as text here, as the JSON encoder would write them
    (the day once, rather than once a row)."""
    employees = attendance_selectors.roster(day=day, scope=scope).values_list(
        "id", "employee_id", "full_name", "department_name", "status"
    )
    date = day.isoformat()
    return [
        {
            "employee_id": str(pk),
            "employee_code": code,
            "full_name": name,
            "department": department,
            "date": date,
            "status": LABELS[status] if status else schemas.NOT_MARKED,
        }
        for pk, code, name, department, status in employees
    ]


def _name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def request_row(request: Request) -> dict:
    """`request` as a `RequestOut` row; its employee, department, approver, leave (and
    type) and asker already loaded (approvals.selectors.visible_requests)."""
    leave = request.leave
    return {
        "id": request.pk,
        "kind": request.kind,
        "status": request.status,
        "stage": request.stage,
        "summary": request.summary,
        "employee": request.employee.employee_id,
        "employee_name": request.employee.full_name,
        "department": request.employee.department.name,
        "start": request.start,
        "end": request.end,
        "reason": request.reason,
        "leave": None
        if leave is None
        else {
            "leave_type_id": leave.leave_type_id,
            "leave_type": leave.leave_type.name,
            "part": leave.part,
            "days": leave.days,
        },
        "set_status": LABELS[request.set_status] if request.set_status else None,
        "check_in": request.check_in,
        "check_out": request.check_out,
        "approver": request.approver.employee_id if request.approver_id else None,
        "approver_name": request.approver.full_name if request.approver_id else None,
        "requested_by": _name(request.requested_by),
        "created_at": request.created_at,
        "decided_at": request.decided_at,
    }


def request_detail(request: Request) -> dict:
    """`request` as a `RequestDetail`: with its timeline (one query)."""
    events = Event.objects.filter(request=request).select_related("by").order_by("at", "pk")
    return {
        **request_row(request),
        "events": [
            {
                "action": event.action,
                "label": event.get_action_display(),
                "by": _name(event.by),
                "comment": event.comment,
                "at": event.at,
            }
            for event in events
        ],
    }


def balance_rows(employee: Employee, *, year: int, today: datetime.date) -> dict:
    """`employee`'s balance of each active type of leave in `year` as `BalancesOut`: what
    is earned by `today` in the current year, by the year's end in any other."""
    on = today if year == today.year else None
    return {
        "employee": employee.employee_id,
        "employee_name": employee.full_name,
        "year": year,
        "balances": [
            {
                "leave_type_id": balance.leave_type.pk,
                "leave_type": balance.leave_type.name,
                "year": balance.year,
                "yearly": balance.yearly,
                "accrued": balance.accrued,
                "carried_over": balance.carried_over,
                "taken": balance.taken,
                "pending": balance.pending,
                "available": balance.available,
            }
            for balance in leave_selectors.balances(employee, year=year, on=on)
        ],
    }


def away_rows(
    start: datetime.date, end: datetime.date, *, scope: Scope, department: str = ""
) -> list[dict]:
    """Approved leave in `scope` (of the department named `department`, in any case) that
    shares a day with `start`–`end`, as `AwayOut` rows. One query."""
    employees = scope.limit(Employee.objects.all(), "department")
    if department:
        employees = employees.filter(department__name__iexact=department)
    return [
        {
            "employee": leave.employee.employee_id,
            "employee_name": leave.employee.full_name,
            "department": leave.employee.department.name,
            "leave_type": leave.leave_type.name,
            "start": leave.start,
            "end": leave.end,
            "part": leave.part,
            "days": leave.days,
        }
        for leave in leave_selectors.away_between(start, end, employees=employees)
    ]


def requests_loaded(ids) -> dict:
    """The requests with these ids, by id, loaded as `request_row` reads them. One query."""
    found = Request.objects.filter(pk__in=list(ids)).select_related(
        "employee", "employee__department", "approver", "leave", "leave__leave_type", "requested_by"
    )
    return {request.pk: request for request in found}
