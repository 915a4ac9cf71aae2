"""Large downloads become jobs: the file is written by a worker, within the starter's
scope, and downloaded from the job's page."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from pytest_django.asserts import assertContains, assertRedirects

from accounts import roles
from accounts.models import DepartmentScope
from employees.tests.factories import DepartmentFactory, EmployeeFactory
from jobs.models import Job
from jobs.testing import DATABASE_QUEUE, work

from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def large_is_three_rows(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.EXPORT_DIRECT_MAX_ROWS = 3


def read(job: Job, client) -> list[list]:
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if job.result_name.endswith(".csv"):
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_small_export_downloads_at_once(client, admin_user):
    AttendanceRecordFactory.create_batch(3)
    client.force_login(admin_user)
    response = client.get("/attendance/export/csv/")
    assert response.status_code == 200
    assert not Job.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_export_is_a_job_whose_file_has_every_row(client, admin_user, fmt):
    AttendanceRecordFactory.create_batch(5, status="present")
    AttendanceRecordFactory(status="absent")
    client.force_login(admin_user)
    response = client.get(f"/attendance/export/{fmt}/?status=present", follow=True)
    job = Job.objects.get()
    assertRedirects(response, job.get_absolute_url())
    assertContains(response, "5 rows take a moment")
    assert job.title == f"Export attendance as {fmt.upper()} (5 rows)"
    work()
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == ("succeeded", 5, 5)
    assert job.result_name.endswith(f".{fmt}")
    rows = read(job, client)
    assert rows[0][:5] == ["Date", "Code", "Employee", "Department", "Status"]
    assert [row[4] for row in rows[1:]] == ["Present"] * 5  # the filter held in the job
    assertContains(client.get(job.get_absolute_url()), "Download attendance-records-")


def test_a_limited_users_export_job_holds_only_their_departments(client, django_user_model):
    inside, outside = DepartmentFactory(name="Inside"), DepartmentFactory(name="Outside")
    for department in (inside, outside):
        for person in EmployeeFactory.create_batch(4, department=department):
            AttendanceRecordFactory(employee=person)
    manager = django_user_model.objects.create_user("limited", password="x-Pass-1234")
    manager.groups.add(Group.objects.get(name=roles.ATTENDANCE_MANAGER))
    DepartmentScope.objects.create(user=manager).departments.add(inside)
    client.force_login(manager)
    client.get("/attendance/export/csv/")
    work()
    job = Job.objects.get()
    assert job.department_ids == [inside.pk]
    rows = read(job, client)
    assert len(rows) == 1 + 4
    assert {row[3] for row in rows[1:]} == {"Inside"}


def test_the_employee_directory_exports_as_a_job_too(client, admin_user):
    EmployeeFactory.create_batch(4)
    client.force_login(admin_user)
    client.get("/employees/export/xlsx/")
    work()
    job = Job.objects.get()
    rows = read(job, client)
    assert rows[0][0] == "Code"
    assert len(rows) == 1 + 4


def test_a_large_register_is_a_job_too(client, admin_user):
    sales = DepartmentFactory(name="Sales")
    for person in EmployeeFactory.create_batch(4, department=sales):
        AttendanceRecordFactory(employee=person)
    client.force_login(admin_user)
    response = client.get(f"/attendance/register/export/csv/?department={sales.pk}")
    job = Job.objects.get()
    assert response.status_code == 302
    assert job.title.startswith("Export the register of ")
    assert job.title.endswith(", Sales as CSV (4 rows)")
    work()
    job.refresh_from_db()
    assert job.result_name.endswith("-sales.csv")
    rows = read(job, client)
    assert rows[0][:3] == ["Code", "Employee", "Department"]
    assert len(rows) == 1 + 4
