"""Importing employees and attendance from CSV and XLSX: every bad row explained, all or nothing."""

import datetime
import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from attendance.models import AttendanceRecord
from attendance.tests.factories import AttendanceRecordFactory
from core.spreadsheets import read_table
from core.testing import in_parallel
from employees import imports as employee_imports
from employees.models import Department, Employee
from employees.tests.factories import DepartmentFactory, EmployeeFactory
from imports.models import ImportBatch

pytestmark = pytest.mark.django_db
HEADER = "employee_id,full_name,email,department,job_title,phone,date_joined,date_left,manager"


def csv_file(text: str, name="people.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list]) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("people.xlsx", buffer.getvalue())


@pytest.fixture
def hr(admin_user, client):
    client.force_login(admin_user)
    return admin_user


@pytest.fixture
def sales():
    return DepartmentFactory(name="Sales")


def upload(client, file, kind="employees", **options):
    return client.post(f"/{kind}/import/", {"file": file, **options})


def preview_of(response):
    assert response.status_code == 302, response.content[:2000]
    return response["Location"]


class TestEmployeeImport:
    def test_template(self, client, hr):
        response = client.get("/employees/import/template/csv/")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert body.splitlines()[0] == HEADER
        xlsx = client.get("/employees/import/template/xlsx/")
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.getvalue())).active
        assert [c.value for c in sheet[1]] == HEADER.split(",")

    def test_preview_then_confirm(self, client, hr, sales):
        response = upload(
            client,
            csv_file(
                f"{HEADER}\n"
                "emp-1,Jane Smith,JANE@example.com,sales,Engineer,,2024-01-15,\n"
                "EMP-2,John Doe,john@example.com,Sales,,,,\n"
            ),
        )
        preview = preview_of(response)
        page = client.get(preview)
        assertContains(page, "Importing will <strong>add 2</strong>")
        assert not Employee.objects.exists()  # nothing until confirmed
        response = client.post(preview, follow=True)
        batch = ImportBatch.objects.get()
        # The import runs as a job; its page shows how it went and leads on to the list.
        assertRedirects(response, batch.confirm_job.get_absolute_url())
        assertContains(response, "Imported 2 rows: 2 added, 0 updated.")
        assertContains(response, 'href="/employees/"')
        jane = Employee.objects.get(employee_id="EMP-1")
        assert (jane.email, jane.department, jane.date_joined) == (
            "jane@example.com",
            sales,
            datetime.date(2024, 1, 15),
        )
        assert Employee.objects.get(employee_id="EMP-2").date_joined == timezone.localdate()
        rows = LogEntry.objects.get_for_model(Employee).filter(actor=hr)
        assert rows.filter(action=LogEntry.Action.CREATE).count() == 2
        (event,) = rows.filter(action=LogEntry.Action.ACCESS)
        assert event.object_repr == "people.csv: Imported 2 rows: 2 added, 0 updated."
        assert batch.imported_at is not None
        # Confirming again (the back button, another tab) says so and changes nothing.
        response = client.post(preview, follow=True)
        assertRedirects(response, batch.confirm_job.get_absolute_url())
        assert [str(m) for m in response.context["messages"]] == [
            "This file was already imported; nothing more was done."
        ]
        assert Employee.objects.count() == 2

    def test_every_bad_row_is_explained_and_nothing_is_imported(self, client, hr, sales):
        EmployeeFactory(employee_id="EMP-9", email="taken@example.com", full_name="Old Hand")
        response = upload(
            client,
            csv_file(
                f"{HEADER}\n"
                "EMP-1,Jane Smith,jane@example.com,Sales,,,2024-01-15,\n"
                "EMP 2,,not-an-email,Marketing,,,31/31/2024,\n"
                "EMP-3,Bob,TAKEN@example.com,Sales,,,,\n"
                "EMP-9,Someone,someone@example.com,Sales,,,,\n"
                "emp-1,Jane Again,jane2@example.com,Sales,,,,\n"
                "EMP-4,Ann,ann@example.com,Sales,,,2024-05-01,2024-04-01\n"
            ),
        )
        page = client.get(preview_of(response))
        assert page.status_code == 200  # the preview shows the problems; nothing is refused yet
        errors = {(e["row"], e["column"]) for e in page.context["report"]["errors"]}
        assert errors == {
            (3, "Employee code"),
            (3, "Full name"),
            (3, "Email"),
            (3, "Department"),
            (3, "Date joined"),
            (4, "Email"),
            (5, "Employee code"),
            (6, "Employee code"),
            (7, "Date left"),
        }
        assertContains(page, "There is no department named “Marketing”")
        assertContains(page, "taken@example.com is already the email of EMP-9.")
        assertContains(page, "EMP-9 already exists (Old Hand).")
        assertContains(page, "EMP-1 is also on row 2.")
        # Confirming a preview with problems imports nothing.
        response = client.post(page.request["PATH_INFO"], follow=True)
        assertContains(response, "Only a file checked without problems can be imported.")
        assert Employee.objects.count() == 1
        # The error report lists every problem, to fix the file by.
        report = client.get(f"/jobs/{ImportBatch.objects.get().preview_job_id}/download/")
        lines = b"".join(report.streaming_content).decode("utf-8-sig").splitlines()
        assert lines[0] == "Row,Column,Problem"
        assert len(lines) == 1 + 9
        assert "4,Email,taken@example.com is already the email of EMP-9." in lines

    def test_update_existing_when_asked(self, client, hr, sales):
        EmployeeFactory(employee_id="EMP-1", full_name="Jane Smith", job_title="Clerk", phone="123")
        file = f"{HEADER}\nEMP-1,Jane Jones,jane@example.com,Sales,Manager,,,\n"
        refused = client.get(preview_of(upload(client, csv_file(file))))
        assertContains(refused, "EMP-1 already exists (Jane Smith)")
        preview = preview_of(upload(client, csv_file(file), update_existing="on"))
        assertContains(client.get(preview), "<strong>update 1</strong>")
        client.post(preview)
        jane = Employee.objects.get()
        assert (jane.full_name, jane.job_title, jane.phone) == ("Jane Jones", "Manager", "123")
        entry = LogEntry.objects.get_for_model(Employee).get(action=LogEntry.Action.UPDATE)
        assert entry.changes_dict["full_name"] == ["Jane Smith", "Jane Jones"]

    def test_create_missing_departments_when_asked(self, client, hr):
        file = f"{HEADER}\nEMP-1,Jane,jane@example.com,Research,,,,\n"
        refused = client.get(preview_of(upload(client, csv_file(file))))
        assertContains(refused, "There is no department named “Research”")
        assert not Department.objects.exists()  # the preview created nothing
        preview = preview_of(upload(client, csv_file(file), create_departments="on"))
        assertContains(client.get(preview), "New department: Research.")
        client.post(preview)
        assert Employee.objects.get().department.name == "Research"

    def test_forgiving_about_the_file_itself(self, client, hr, sales):
        text = (
            "\ufeffDepartment;Email;Full Name;Employee Code;Favourite colour\r\n"
            "Sales;jane@example.com;Jane Smith;EMP-1;blue\r\n"
            "\r\n"
            "Sales;jose@example.com;José Núñez;EMP-2;\r\n"
        )
        preview = preview_of(upload(client, csv_file(text)))
        page = client.get(preview)
        assertContains(page, "Columns not used: Favourite colour.")
        client.post(preview)
        assert set(Employee.objects.values_list("full_name", flat=True)) == {
            "Jane Smith",
            "José Núñez",
        }

    def test_windows_1252_text(self, client, hr, sales):
        text = f"{HEADER}\nEMP-1,Zoë Brontë,zoe@example.com,Sales,,,,\n"
        preview = preview_of(upload(client, csv_file(text, encoding="cp1252")))
        client.post(preview)
        assert Employee.objects.get().full_name == "Zoë Brontë"

    def test_xlsx_with_real_dates(self, client, hr, sales):
        file = xlsx_file(
            [
                HEADER.split(","),
                [
                    "EMP-1",
                    "Jane",
                    "jane@example.com",
                    "Sales",
                    None,
                    None,
                    datetime.datetime(2023, 6, 1),
                    None,
                ],
            ]
        )
        client.post(preview_of(upload(client, file)))
        assert Employee.objects.get().date_joined == datetime.date(2023, 6, 1)

    @pytest.mark.parametrize(
        ("file", "message"),
        [
            (SimpleUploadedFile("cv.pdf", b"%PDF-1.4 binary"), "That is not a CSV or Excel"),
            (csv_file(""), "The file is empty"),
        ],
    )
    def test_files_that_cannot_be_read_are_refused_at_once(self, client, hr, file, message):
        response = upload(client, file)
        assertContains(response, message, status_code=400)
        assert not ImportBatch.objects.exists()

    @pytest.mark.parametrize(
        ("file", "message"),
        [
            (
                csv_file("full_name,email\nJane,jane@example.com\n"),
                "The file has no column for: Employee code, Department.",
            ),
            (SimpleUploadedFile("broken.xlsx", b"PK\x03\x04not really"), "could not be read"),
        ],
    )
    def test_files_that_cannot_be_read_fail_their_check(self, client, hr, file, message):
        page = client.get(preview_of(upload(client, file)))
        assertContains(page, "Failed")
        assertContains(page, message)
        assertNotContains(page, "Import 0 rows")
        response = client.post(page.request["PATH_INFO"], follow=True)
        assertContains(response, "Only a file checked without problems can be imported.")

    def test_too_large(self, client, hr, settings):
        settings.IMPORT_MAX_BYTES = 100
        response = upload(client, csv_file(HEADER + "\n" + "x," * 100))
        assertContains(response, "the limit is", status_code=400)

    def test_data_changed_after_the_preview(self, client, hr, sales):
        preview = preview_of(
            upload(client, csv_file(f"{HEADER}\nEMP-1,Jane,jane@example.com,Sales,,,,\n"))
        )
        EmployeeFactory(employee_id="EMP-1")
        response = client.post(preview, follow=True)
        assertContains(response, "The data changed since the preview; nothing was imported.")
        assertContains(response, "EMP-1 already exists")
        assert Employee.objects.count() == 1
        assert ImportBatch.objects.get().imported_at is None

    def test_another_users_upload_is_not_found(self, client, hr, django_user_model, sales):
        preview = preview_of(
            upload(client, csv_file(f"{HEADER}\nEMP-1,Jane,jane@example.com,Sales,,,,\n"))
        )
        other = django_user_model.objects.create_superuser("other", password="x-Pass-1234")
        client.force_login(other)
        assert client.get(preview).status_code == 404
        assert client.post(preview).status_code == 404

    def test_cancel(self, client, hr, sales):
        preview = preview_of(
            upload(client, csv_file(f"{HEADER}\nEMP-1,Jane,jane@example.com,Sales,,,,\n"))
        )
        client.post(preview + "cancel/")
        assert not ImportBatch.objects.exists()
        assert not Employee.objects.exists()

    def test_query_count_does_not_grow_with_rows(self, sales):
        def check(rows):
            text = (
                HEADER
                + "\n"
                + "".join(
                    f"E{rows}-{n},Person {n},p{rows}.{n}@example.com,Sales,,,,\n"
                    for n in range(rows)
                )
            )
            table = read_table(
                text.encode(),
                filename="x.csv",
                columns=employee_imports.IMPORT_COLUMNS,
            )
            with CaptureQueriesContext(connection) as queries:
                report = employee_imports.employees_import(table=table)
            assert report.created == rows
            return len(queries)

        few, many = check(10), check(300)
        # No query per row: only SQLite's 999-parameter limit splits the bulk inserts.
        assert many <= few + 8


class TestAttendanceImport:
    @pytest.fixture
    def amy(self):
        return EmployeeFactory(
            employee_id="E1", full_name="Amy", date_joined=datetime.date(2025, 1, 6)
        )

    def test_valid_rows(self, client, hr, amy):
        text = (
            "employee_id,date,status,note\n"
            "e1,2025-03-03,Present,\n"
            "E1,2025-03-04,half day,Dentist\n"
            "E1,2025-03-05,W,\n"
            "E1,2025-03-06,on_leave,\n"
        )
        preview = preview_of(upload(client, csv_file(text), kind="attendance"))
        client.post(preview)
        statuses = dict(AttendanceRecord.objects.values_list("date", "status"))
        assert statuses == {
            datetime.date(2025, 3, 3): "present",
            datetime.date(2025, 3, 4): "half_day",
            datetime.date(2025, 3, 5): "wfh",
            datetime.date(2025, 3, 6): "on_leave",
        }
        entries = LogEntry.objects.get_for_model(AttendanceRecord).filter(actor=hr)
        assert entries.filter(action=LogEntry.Action.CREATE).count() == 4  # one a row

    def test_the_attendance_rules_apply(self, client, hr, amy):
        AttendanceRecordFactory(employee=amy, date=datetime.date(2025, 3, 3), status="absent")
        future = timezone.localdate() + datetime.timedelta(days=3)
        text = (
            "employee_id,date,status\n"
            "E1,2025-03-03,Present\n"
            f"E1,{future.isoformat()},Present\n"
            "E1,2024-12-31,Present\n"
            "E1,2025-03-04,Late\n"
            "NOPE,2025-03-04,Present\n"
            "E1,2025-03-07,Present\n"
            "E1,2025-03-07,Absent\n"
            "E1,yesterday,Present\n"
        )
        page = client.get(preview_of(upload(client, csv_file(text), kind="attendance")))
        messages = {e["row"]: e["message"] for e in page.context["report"]["errors"]}
        assert set(messages) == {2, 3, 4, 5, 6, 8, 9}
        assert messages[2].startswith("Amy (E1) is already marked Absent on 3 Mar 2025.")
        assert "is in the future" in messages[3]
        assert "joined on 6 Jan 2025" in messages[4]
        assert messages[5].startswith("“Late” is not a status.")
        assert messages[6] == "No employee has the code “NOPE”."
        assert messages[8] == "Amy (E1) on 7 Mar 2025 is also on row 7."
        assert messages[9] == "Enter the date as YYYY-MM-DD, for example 2026-03-31."
        assert AttendanceRecord.objects.count() == 1

    def test_update_existing_records_when_asked(self, client, hr, amy):
        AttendanceRecordFactory(employee=amy, date=datetime.date(2025, 3, 3), status="absent")
        text = "employee_id,date,status,note\nE1,2025-03-03,Present,Was in after all\n"
        client.post(
            preview_of(upload(client, csv_file(text), kind="attendance", update_existing="on"))
        )
        record = AttendanceRecord.objects.get()
        assert (record.status, record.note, record.marked_by) == ("present", "Was in after all", hr)

    def test_needs_the_import_permission(self, client, user_with):
        user_with("attendance.add_attendancerecord", "attendance.change_attendancerecord")
        assert client.get("/attendance/import/").status_code == 403


def test_a_limited_users_preview_does_not_name_an_employee_outside_their_departments(
    client, limited_hr
):
    EmployeeFactory(employee_id="OUT1", email="taken@example.com", department=limited_hr.outside)
    client.force_login(limited_hr.user)
    response = client.get(
        preview_of(upload(client, csv_file(f"{HEADER}\nNEW1,New,taken@example.com,Inside,,,,\n")))
    )
    assertContains(response, "taken@example.com is already the email of another employee.")
    assertNotContains(response, "OUT1")


IMPORTED = "Imported 1 rows: 1 added, 0 updated."
ALREADY = "This file was already imported; nothing more was done."


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_confirmations_import_once(admin_user, monkeypatch):
    import threading

    from django.test import Client

    from imports import views

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    DepartmentFactory(name="Sales")
    client = Client()
    client.force_login(admin_user)
    preview = preview_of(
        upload(client, csv_file(f"{HEADER}\nE1,Jane,jane@example.com,Sales,,,,\n"))
    )
    clients = []
    for _ in range(10):
        clients.append(Client())
        clients[-1].force_login(admin_user)
    all_in = threading.Barrier(len(clients), timeout=20)
    real_importer = views._importer

    def importer_then_wait(request, kind):
        found = real_importer(request, kind)
        if request.method == "POST":
            all_in.wait()  # every confirmation has read the upload; now all go on
        return found

    monkeypatch.setattr(views, "_importer", importer_then_wait)
    answers = []

    def confirm(c):
        # The page's text, not response.context: the test client's capture of template
        # contexts is shared between threads.
        text = c.post(preview, follow=True).content.decode()
        answers.append([m for m in (IMPORTED, ALREADY) if m in text])

    in_parallel(confirm, clients)
    assert Employee.objects.count() == 1
    job = ImportBatch.objects.get().confirm_job
    assert job.state == "succeeded", job.message
    # Every confirmation lands on the one import job's page; all but one are told so.
    assert sorted(answers) == [[IMPORTED]] + [[IMPORTED, ALREADY]] * 9
