"""Background jobs through the API: upload, check, confirm, export, follow, download."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts import roles
from accounts.models import DepartmentScope
from api.models import ApiToken
from attendance.tests.factories import AttendanceRecordFactory
from employees.models import Employee
from employees.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db
HEADER = "employee_id,full_name,email,department"


def api_client(user) -> Client:
    _, key = ApiToken.issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def user(django_user_model):
    def make(name, role, limited_to=None):
        person = django_user_model.objects.create_user(name, password="x-Pass-1234")
        person.groups.add(Group.objects.get(name=role))
        if limited_to is not None:
            DepartmentScope.objects.create(user=person).departments.add(limited_to)
        return person

    return make


def upload(client, text: str, name="people.csv", **options):
    return client.post(
        "/api/imports/employees",
        {"file": SimpleUploadedFile(name, text.encode()), **options},
    )


def test_upload_check_confirm(user):
    DepartmentFactory(name="Sales")
    client = api_client(user("hr", roles.HR_ADMIN))
    answer = upload(client, f"{HEADER}\nE1,Jane,jane@example.com,Sales\n")
    assert answer.status_code == 202
    upload_id = answer.json()["id"]
    check = answer.json()["check"]
    assert check["state"] == "succeeded"  # jobs run at once in the tests
    assert check["report"]["ok"] is True
    assert check["report"]["created"] == 1
    assert not Employee.objects.exists()
    answer = client.post(f"/api/imports/{upload_id}/confirm")
    assert answer.status_code == 202
    assert answer.json()["import_job"]["state"] == "succeeded"
    assert Employee.objects.get().employee_id == "E1"
    again = client.post(f"/api/imports/{upload_id}/confirm")
    assert again.status_code == 409
    assert again.json()["detail"] == "This file was already imported; nothing more was done."
    job = client.get(f"/api/jobs/{answer.json()['import_job']['id']}")
    assert job.json()["message"] == "Imported 1 rows: 1 added, 0 updated."


def test_problems_come_back_by_row_with_an_error_file(user):
    client = api_client(user("hr", roles.HR_ADMIN))
    answer = upload(client, f"{HEADER}\nE1,Jane,not-an-email,Nowhere\n")
    check = answer.json()["check"]
    assert check["report"]["ok"] is False
    assert {(e["row"], e["column"]) for e in check["report"]["errors"]} == {
        (2, "Email"),
        (2, "Department"),
    }
    refused = client.post(f"/api/imports/{answer.json()['id']}/confirm")
    assert refused.status_code == 409
    result = client.get(f"/api/jobs/{check['id']}/result")
    lines = b"".join(result.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Problem"
    assert len(lines) == 3


def test_files_refused_at_once(user, settings):
    client = api_client(user("hr", roles.HR_ADMIN))
    answer = upload(client, "%PDF-1.4", name="cv.pdf")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "file"]
    settings.IMPORT_MAX_BYTES = 10
    assert upload(client, f"{HEADER}\nE1,Jane,jane@example.com,Sales\n").status_code == 413


def test_only_importers_may_upload(user):
    client = api_client(user("viewer", roles.VIEWER))
    assert upload(client, f"{HEADER}\n").status_code == 403


def test_an_export_job_holds_the_callers_departments_only(user):
    inside, outside = DepartmentFactory(name="Inside"), DepartmentFactory(name="Outside")
    for department in (inside, outside):
        for person in EmployeeFactory.create_batch(2, department=department):
            AttendanceRecordFactory(employee=person, status="present")
    manager = user("limited", roles.ATTENDANCE_MANAGER, limited_to=inside)
    client = api_client(manager)
    answer = client.post("/api/exports/attendance?status=present&format=csv")
    assert answer.status_code == 202
    job = answer.json()
    assert job["state"] == "succeeded"
    assert job["title"] == "Export attendance as CSV (2 rows)"
    result = client.get(f"/api/jobs/{job['id']}/result")
    rows = list(csv.reader(io.StringIO(b"".join(result.streaming_content).decode("utf-8-sig"))))
    assert {row[3] for row in rows[1:]} == {"Inside"}
    # Someone else's job does not exist for another user.
    other = api_client(user("viewer", roles.VIEWER))
    assert other.get(f"/api/jobs/{job['id']}").status_code == 404
    assert other.get(f"/api/jobs/{job['id']}/result").status_code == 404
    assert other.post(f"/api/jobs/{job['id']}/cancel").status_code == 404
    assert [j["id"] for j in client.get("/api/jobs").json()] == [job["id"]]
    assert client.post(f"/api/jobs/{job['id']}/cancel").status_code == 409  # finished


def test_a_register_export_needs_a_real_month(user):
    client = api_client(user("hr", roles.HR_ADMIN))
    answer = client.post("/api/exports/register?month=2026-13")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "month"]
