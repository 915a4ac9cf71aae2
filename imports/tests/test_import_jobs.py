"""Imports on the real queue (django-tasks' database backend and its worker)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.asserts import assertContains, assertRedirects

from employees.models import Employee
from employees.tests.factories import DepartmentFactory
from imports.models import ImportBatch
from jobs.testing import DATABASE_QUEUE, work

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def real_queue(settings):
    settings.TASKS = DATABASE_QUEUE


HEADER = "employee_id,full_name,email,department"


def test_an_import_on_the_real_queue(client, admin_user):
    """Upload, watch the check, confirm, watch the import: each step a job for a worker."""
    DepartmentFactory(name="Sales")
    client.force_login(admin_user)
    text = f"{HEADER}\nE1,Jane,jane@example.com,Sales\nE2,John,john@example.com,Sales\n"
    response = client.post(
        "/employees/import/", {"file": SimpleUploadedFile("people.csv", text.encode())}
    )
    batch = ImportBatch.objects.get()
    assertRedirects(response, f"/imports/{batch.pk}/")
    page = client.get(f"/imports/{batch.pk}/")
    assertContains(page, "Waiting to start")
    assertContains(page, 'hx-trigger="every 1s"')
    work()
    page = client.get(f"/imports/{batch.pk}/")
    assertContains(page, "Importing will <strong>add 2</strong>")
    response = client.post(f"/imports/{batch.pk}/")
    batch.refresh_from_db()
    assertRedirects(response, batch.confirm_job.get_absolute_url(), fetch_redirect_response=False)
    assert not Employee.objects.exists()
    work()
    page = client.get(batch.confirm_job.get_absolute_url())
    assertContains(page, "Imported 2 rows: 2 added, 0 updated.")
    assert Employee.objects.count() == 2


def test_an_import_that_fails_while_writing_leaves_nothing(client, admin_user, monkeypatch):
    from employees import services as employee_services

    real = employee_services.employees_save_many

    def save_then_fail(**kwargs):
        real(**kwargs)
        raise RuntimeError("the disk is full")

    DepartmentFactory(name="Sales")
    client.force_login(admin_user)
    text = f"{HEADER}\nE1,Jane,jane@example.com,Sales\n"
    client.post("/employees/import/", {"file": SimpleUploadedFile("p.csv", text.encode())})
    work()
    batch = ImportBatch.objects.get()
    monkeypatch.setattr(employee_services, "employees_save_many", save_then_fail)
    client.post(f"/imports/{batch.pk}/")
    work()
    batch.refresh_from_db()
    assert batch.confirm_job.state == "failed"
    assert not Employee.objects.exists()
    assert batch.imported_at is None
    # It can be confirmed again once the fault is gone.
    monkeypatch.setattr(employee_services, "employees_save_many", real)
    client.post(f"/imports/{batch.pk}/")
    work()
    assert Employee.objects.count() == 1
