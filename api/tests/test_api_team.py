"""The API shows an employee their own record, and a manager their team: the same rules
as the pages (people/tests/test_team_access.py)."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from attendance.models import AttendanceRecord

pytestmark = pytest.mark.django_db


def api_of(user) -> Client:
    _, key = ApiToken.issue(user=user, name="phone")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_an_employee_lists_only_themselves_and_their_own_records(matrix_world):
    api = api_of(matrix_world["users"]["employee"])
    assert [e["employee_id"] for e in api.get("/api/employees").json()] == ["E-SELF"]
    assert api.get("/api/attendance").json() == []  # E-SELF has no records; E-IN has one
    someone = matrix_world["objects"]["in"]["employee"]
    assert api.get(f"/api/employees/{someone.pk}").status_code == 404


def test_a_manager_lists_their_team(matrix_world):
    api = api_of(matrix_world["users"]["team_lead"])
    assert sorted(e["employee_id"] for e in api.get("/api/employees").json()) == [
        "E-IN",
        "E-LEAD",
    ]
    records = api.get("/api/attendance").json()
    assert [r["id"] for r in records] == [matrix_world["objects"]["in"]["record"].pk]


def test_a_manager_marks_their_team_only_and_only_when_allowed(matrix_world, settings):
    api = api_of(matrix_world["users"]["team_lead"])
    today = str(timezone.localdate())

    def mark(which):
        employee = matrix_world["objects"][which]["employee"]
        body = {"employee_id": str(employee.pk), "date": today, "status": "Present"}
        return api.post("/api/attendance/", json.dumps(body), content_type="application/json")

    assert mark("in").status_code == 403
    settings.MANAGERS_MAY_MARK_ATTENDANCE = True
    assert mark("in").status_code == 201
    assert mark("out").status_code == 404
    assert AttendanceRecord.objects.filter(date=today).count() == 1
