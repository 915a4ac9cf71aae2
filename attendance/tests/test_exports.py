"""Downloads: read back, they hold what the pages show, safely."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attendance.models import Holiday
from attendance.register import Register
from core import exports
from employees.tests.factories import DepartmentFactory, EmployeeFactory

from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db


def d(day):
    return datetime.date(2025, 3, day)


def read(response):
    body = b"".join(response.streaming_content) if response.streaming else response.getvalue()
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def exporter(user_with):
    return user_with(
        "attendance.view_attendancerecord",
        "attendance.export_attendancerecord",
        "employees.view_employee",
        "employees.export_employee",
        username="exporter",
    )


class TestDirectoryExport:
    def test_csv_follows_the_filters(self, client, exporter):
        sales = DepartmentFactory(name="Sales")
        boss = EmployeeFactory(employee_id="E2")  # in another department
        EmployeeFactory(
            employee_id="E1",
            full_name='=HYPERLINK("http://x")',
            email="e1@example.com",
            department=sales,
            phone="+44 1",
            date_joined=d(3),
            manager=boss,
        )
        response = client.get("/employees/export/csv/", {"department": sales.pk})
        assert response["Content-Disposition"].startswith('attachment; filename="employees-')
        assert response.streaming
        rows = read(response)
        assert rows[0][:4] == ["Code", "Full name", "Email", "Department"]
        assert rows[1] == [
            "E1",
            '\'=HYPERLINK("http://x")',
            "e1@example.com",
            "Sales",
            "Analyst",
            "'+44 1",
            "2025-03-03",
            "",
            "Active",
            "E2",
        ]
        assert len(rows) == 2

    def test_xlsx(self, client, exporter):
        EmployeeFactory(employee_id="E1", full_name="@Jane", date_joined=d(3))
        response = client.get("/employees/export/xlsx/")
        rows = read(response)
        assert rows[1][:2] == ["E1", "'@Jane"]
        assert rows[1][6] == datetime.datetime(2025, 3, 3)

    def test_needs_export_permission(self, client, user_with):
        user_with("employees.view_employee")
        assert client.get("/employees/export/csv/").status_code == 403

    def test_unknown_format_is_404(self, client, exporter):
        assert client.get("/employees/export/pdf/").status_code == 404


class TestAttendanceExport:
    def test_csv_follows_the_filters(self, client, exporter):
        record = AttendanceRecordFactory(
            employee__employee_id="E1",
            employee__full_name="Amy",
            date=d(3),
            status="absent",
            note="-sick",
            employee__date_joined=d(1),
        )
        AttendanceRecordFactory(date=d(4), status="present", employee__date_joined=d(1))
        response = client.get("/attendance/export/csv/", {"status": "absent"})
        rows = read(response)
        assert rows[1] == [
            "2025-03-03",
            "E1",
            "Amy",
            record.employee.department.name,
            "Absent",
            "'-sick",
            "",
        ]
        assert len(rows) == 2

    def test_too_many_rows_for_a_spreadsheet_is_explained(self, client, exporter, monkeypatch):
        monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
        for n in (3, 4):
            AttendanceRecordFactory(date=d(n), employee__date_joined=d(1))
        response = client.get("/attendance/export/xlsx/", follow=True)
        messages = [str(m) for m in response.context["messages"]]
        assert messages == [
            "2 rows do not fit in a spreadsheet (the limit is 1). Narrow the filters, or "
            "download CSV instead."
        ]


class TestRegisterExport:
    @pytest.fixture
    def march(self):
        Holiday.objects.create(date=d(17), name="St Patrick's Day")
        amy = EmployeeFactory(
            employee_id="E1", full_name="Amy", date_joined=datetime.date(2024, 1, 1)
        )
        for day, status in [(3, "present"), (4, "absent"), (5, "half_day")]:
            AttendanceRecordFactory(employee=amy, date=d(day), status=status)
        ben = EmployeeFactory(employee_id="E2", full_name="Ben", date_joined=d(12))
        AttendanceRecordFactory(employee=ben, date=d(12), status="wfh")
        return amy

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_whole_month_for_everyone(self, client, exporter, march, fmt):
        response = client.get(f"/attendance/register/export/{fmt}/", {"month": "2025-03"})
        assert f'filename="attendance-2025-03.{fmt}"' in response["Content-Disposition"]
        rows = read(response)
        header, amy, ben = rows
        assert header[:4] == ["Code", "Employee", "Department", "2025-03-01"]
        assert header[-7:] == ["P", "A", "H", "L", "W", "Not marked", "Rate %"]
        assert amy[3:8] == ["OFF", "OFF", "P", "A", "H"]
        assert amy[3 + 16] == "HOL"  # the 17th
        assert amy[3 + 9] == "NM"  # the 10th, not marked
        expect = (
            ["1", "1", "1", "0", "0", "17", "50.0"] if fmt == "csv" else [1, 1, 1, 0, 0, 17, 50.0]
        )
        assert amy[-7:] == expect
        assert ben[3 + 10] in ("", None)  # the 11th, before Ben joined
        assert ben[3 + 11] == "W"

    def test_department_in_the_file_name(self, client, exporter, march):
        response = client.get(
            "/attendance/register/export/csv/",
            {"month": "2025-03", "department": march.department_id},
        )
        slug = march.department.name.lower().replace(" ", "-")
        assert f'filename="attendance-2025-03-{slug}.csv"' in response["Content-Disposition"]

    def test_streams_in_chunks_with_a_bounded_number_of_queries(
        self, client, exporter, monkeypatch
    ):
        people = EmployeeFactory.create_batch(30, date_joined=datetime.date(2024, 1, 1))
        original = Register.iter_rows
        monkeypatch.setattr(
            Register, "iter_rows", lambda self, chunk_size=500: original(self, chunk_size=10)
        )
        with CaptureQueriesContext(connection) as queries:
            rows = read(client.get("/attendance/register/export/csv/", {"month": "2025-03"}))
        # Everyone exactly once, across the chunks.
        assert sorted(row[0] for row in rows[1:]) == sorted(p.employee_id for p in people)
        # 3 chunks of 10 (+ the empty one that ends it): 3 queries each, plus set-up
        assert len(queries) <= 18

    def test_bad_month_goes_back_with_a_message(self, client, exporter):
        response = client.get("/attendance/register/export/csv/", {"month": "nope"}, follow=True)
        assert "Enter the month as YYYY-MM" in str(list(response.context["messages"])[0])


def test_every_download_is_in_the_audit_trail_with_who_and_what(client, exporter):
    from auditlog.models import LogEntry

    today = timezone.localdate()
    client.get("/attendance/export/csv/", {"status": "absent"})
    client.get("/employees/export/xlsx/")
    downloads = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_repr__startswith="Downloaded"
    ).order_by("pk")
    assert [(e.actor, e.object_repr) for e in downloads] == [
        (exporter, f"Downloaded attendance-records-{today:%Y-%m-%d}.csv (status=absent)"),
        (exporter, f"Downloaded employees-{today:%Y-%m-%d}.xlsx"),
    ]
