"""Reads of the API: which tokens a user may see, revoke and issue (the rule in one
place), and the rows of the list operations, read as plain values."""

import datetime
import typing

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from ninja import Schema

from accounts.scoping import Scope, scope_for
from attendance import selectors as attendance_selectors
from attendance.models import AttendanceRecord, Status
from employees.models import Employee

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
