"""The JSON API against its floor: a token-authenticated trivial call (`GET /api/me`), then,
in the same rounds, the list of 100 employees, creating one attendance record and today's
list of about 2,000 people. The caller is an HR admin limited to the departments that hold
those 2,000 (the usual case, and the dearer one: their permissions and limits are read on
every call). Targets (issue: cost per request): within 1.5x, 2x and 8x the floor.

Used by `python -m bench` after the pages, on the same gunicorn; what it creates it deletes.
"""

from __future__ import annotations

import json
import statistics

from bench.client import Browser
from bench.scenarios import log, percentile

API_USER = "bench-api"
TODAY_PEOPLE = 2_000
TARGETS = {"list_100": 1.5, "create": 2.0, "today": 8.0}
LABELS = {
    "floor": "GET /api/me (the floor)",
    "list_100": "GET /api/employees?limit=100",
    "create": "POST /api/attendance (one record)",
    "today": "GET /api/attendance/today",
}


def prepare_api(needed: int) -> dict:
    """The HR admin, limited to the first departments that hold TODAY_PEOPLE people today;
    their token; and `needed` of their employees not marked today, to mark."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count
    from django.utils import timezone

    from accounts import roles
    from accounts.models import DepartmentScope
    from api.models import ApiToken
    from attendance.models import AttendanceRecord
    from employees.models import Employee

    today = timezone.localdate()
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=API_USER)
    user.groups.set([Group.objects.get(name=roles.HR_ADMIN)])
    sizes = (
        Employee.objects.employed_on(today)
        .values("department")
        .annotate(n=Count("pk"))
        .order_by("department")
    )
    chosen, people = [], 0
    for row in sizes:
        if people >= TODAY_PEOPLE:
            break
        chosen.append(row["department"])
        people += row["n"]
    scope, _ = DepartmentScope.objects.get_or_create(user=user)
    scope.departments.set(chosen)
    ApiToken.objects.filter(user=user).delete()
    _, key = ApiToken.issue(user=user, name="benchmark api")
    marked = AttendanceRecord.objects.filter(date=today).values("employee_id")
    to_mark = list(
        Employee.objects.employed_on(today)
        .filter(department__in=chosen)
        .exclude(pk__in=marked)
        .order_by("employee_id")
        .values_list("pk", flat=True)[:needed]
    )
    if len(to_mark) < needed:
        raise SystemExit(f"only {len(to_mark)} people left to mark today; {needed} needed")
    return {"key": key, "today": today.isoformat(), "to_mark": [str(pk) for pk in to_mark]}


def measure_api(port: int, prepared: dict, *, warmup: int, repeat: int) -> dict:
    """Each round asks for the floor, the list, one new record and today's list."""
    browser = Browser(port)
    auth = {"Authorization": f"Bearer {prepared['key']}"}
    to_mark = iter(prepared["to_mark"])
    samples: dict[str, list[float]] = {key: [] for key in LABELS}
    sizes: dict[str, int] = {}
    created: list[int] = []

    def call(key: str, method: str, path: str, body: dict | None = None) -> None:
        headers = dict(auth)
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        answer = browser.request(method, path, headers=headers, body=data)
        expected = 201 if method == "POST" else 200
        if answer.status != expected:
            raise SystemExit(f"{method} {path} answered {answer.status}: {answer.text[:300]}")
        if method == "POST":
            created.append(json.loads(answer.body)["id"])
        else:
            sizes[key] = len(json.loads(answer.body)) if key != "floor" else 1
        if measuring:
            samples[key].append(answer.ms)

    for round_number in range(warmup + repeat):
        measuring = round_number >= warmup
        call("floor", "GET", "/api/me")
        call("list_100", "GET", "/api/employees?limit=100")
        call(
            "create",
            "POST",
            "/api/attendance",
            {"employee_id": next(to_mark), "date": prepared["today"], "status": "Present"},
        )
        call("today", "GET", "/api/attendance/today")
    floor = statistics.median(samples["floor"])
    result = {}
    for key, values in samples.items():
        median = statistics.median(values)
        row = {
            "label": LABELS[key],
            "n": len(values),
            "median_ms": round(median, 2),
            "p95_ms": round(percentile(values, 95), 2),
            "x_floor": round(median / floor, 2),
        }
        if key in TARGETS:
            row["target_x"] = TARGETS[key]
            row["met"] = median / floor <= TARGETS[key]
        if key in ("list_100", "today"):
            row["rows"] = sizes[key]
        result[key] = row
    result["created"] = created
    log(f"api: { {k: (v['median_ms'], v['x_floor']) for k, v in result.items() if k in LABELS} }")
    return result


def remove_created(ids: list[int]) -> None:
    """Delete the records the measurement made, and their audit entries."""
    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from attendance.models import AttendanceRecord
    from attendance.selectors import figures_changed

    kind = ContentType.objects.get_for_model(AttendanceRecord)
    with transaction.atomic(), disable_auditlog():
        LogEntry.objects.filter(content_type=kind, object_id__in=ids).delete()
        AttendanceRecord.objects.filter(pk__in=ids).delete()
    figures_changed()
    connection.close()


def api_lines(api: dict) -> list[str]:
    """One line per call, with its ratio to the floor and its target."""
    lines = []
    for key in LABELS:
        row = api[key]
        rows = f", {row['rows']:,} rows" if "rows" in row else ""
        target = (
            f"; within {row['target_x']}x: {'yes' if row['met'] else 'NO'}"
            if "target_x" in row
            else ""
        )
        lines.append(
            f"API {row['label']}: median {row['median_ms']} ms, p95 {row['p95_ms']} ms, "
            f"{row['x_floor']}x floor{rows}{target}"
        )
    return lines
