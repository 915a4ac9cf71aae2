"""The payroll export: the month's figures of each employee, exactly, as a job; only for a
month closed for everyone in it; a fixed number of queries."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from accounts.scoping import EVERYTHING
from attendance.models import AttendanceRecord, ClosedMonth
from attendance.services import month_close, month_reopen
from employees.tests.factories import EmployeeFactory
from jobs.models import Job
from jobs.runner import JobFailed
from payroll.exports import export_query, payroll_export

from .conftest import outcome, past_month, working_days

pytestmark = pytest.mark.django_db

HEADER = [
    "Code",
    "Employee",
    "Department",
    "Days present",
    "Work from home",
    "Half days",
    "Absences",
    "Annual leave (days)",
    "Sick leave (days)",
    "Unpaid leave (days)",
    "Other leave (days)",
    "Unpaid leave, all types (days)",
    "Overtime (minutes)",
]


def export_url(month: datetime.date, **query) -> str:
    url = reverse("payroll:export", args=[month.year, month.month])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def read(client, job: Job) -> list[list]:
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if job.result_name.endswith(".csv"):
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


class TestFigures:
    def test_each_employee_of_the_month_with_exact_figures(self, client, hr, payroll_world):
        month = payroll_world["month"]
        month_close(month=month, by=hr)
        client.force_login(hr)
        response = client.get(export_url(month, format="csv"), follow=True)
        job = Job.objects.get()
        assertRedirects(response, job.get_absolute_url())
        assert job.state == Job.State.SUCCEEDED, job.message
        assert (job.done, job.total) == (3, 3)
        assert job.result_name == f"payroll-{month.isoformat()[:7]}.csv"
        rows = read(client, job)
        assert rows[0] == HEADER
        assert rows[1:] == [
            # present, home, half days (one marked, one half day's leave), absent; annual 1.5
            # (a day and a half), sick 0, unpaid 2; a day marked on leave by hand; 30 + 45.
            ["E-ANA", "Ana", "Sales", "1", "1", "2", "1", "1.5", "0", "2", "1", "2", "75"],
            ["E-BEN", "Ben", "Sales", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"],
            ["E-EVE", "Eve", "Support", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0"],
        ]

    def test_one_department_as_xlsx(self, client, hr, payroll_world):
        month, sales = payroll_world["month"], payroll_world["sales"]
        month_close(month=month, department=sales, by=hr)
        client.force_login(hr)
        client.get(export_url(month, format="xlsx", department=sales.pk))
        job = Job.objects.get()
        assert job.state == Job.State.SUCCEEDED, job.message
        assert job.result_name == f"payroll-{month.isoformat()[:7]}-sales.xlsx"
        rows = read(client, job)
        assert [row[0] for row in rows[1:]] == ["E-ANA", "E-BEN"]
        assert rows[1][3:] == [1, 1, 2, 1, 1.5, 0, 2, 1, 2, 75]

    def test_leave_of_a_type_no_longer_active_keeps_its_column(self, hr, payroll_world):
        from leave.models import LeaveType

        LeaveType.objects.filter(name="Unpaid leave").update(is_active=False)
        month = payroll_world["month"]
        month_close(month=month, by=hr)
        spec = payroll_export(scope=EVERYTHING, query=export_query(month=month, department=None))
        assert "Unpaid leave (days)" in spec.header[7:10]
        assert "Old leave (days)" not in spec.header  # inactive and unused
        assert list(spec.rows)[0][-2] == 2  # still counted as unpaid


class TestOnlyClosedMonths:
    def test_an_open_month_is_refused_saying_what_to_close(self, client, hr, payroll_world):
        month = payroll_world["month"]
        client.force_login(hr)
        response = client.get(export_url(month, format="csv"))
        assertRedirects(response, reverse("payroll:months"), fetch_redirect_response=False)
        assert not Job.objects.exists()
        (message,) = [str(m) for m in response.wsgi_request._messages]
        assert "is not closed for payroll for Sales, Support" in message

    def test_a_month_closed_for_some_departments_only_is_refused_for_the_others(
        self, client, hr, payroll_world
    ):
        month, sales = payroll_world["month"], payroll_world["sales"]
        month_close(month=month, department=sales, by=hr)
        client.force_login(hr)
        response = client.get(export_url(month, format="csv"), follow=True)
        assert not Job.objects.exists()
        assert "is not closed for payroll for Support," in response.content.decode()
        # Sales alone may be exported.
        client.get(export_url(month, format="csv", department=sales.pk))
        assert Job.objects.get().state == Job.State.SUCCEEDED

    def test_a_department_asked_for_must_be_closed_even_with_nobody_in_it(
        self, client, hr, payroll_world
    ):
        from employees.tests.factories import DepartmentFactory

        empty = DepartmentFactory(name="Empty")
        month = payroll_world["month"]
        client.force_login(hr)
        response = client.get(export_url(month, department=empty.pk), follow=True)
        assert "is not closed for payroll for Empty," in response.content.decode()
        assert not Job.objects.exists()

    def test_a_month_reopened_before_the_job_runs_fails_the_job(self, hr, payroll_world):
        month = payroll_world["month"]
        closure = month_close(month=month, by=hr)
        query = export_query(month=month, department=None)
        month_reopen(closure=closure, reason="A late sick note.", by=hr)
        with pytest.raises(JobFailed, match="is not closed for payroll"):
            payroll_export(scope=EVERYTHING, query=query)

    def test_no_such_format_or_month_is_a_404(self, client, hr, payroll_world):
        month = payroll_world["month"]
        month_close(month=month, by=hr)
        client.force_login(hr)
        assert client.get(export_url(month, format="pdf")).status_code == 404
        assert client.get("/payroll/2026-13/export/").status_code == 404

    def test_a_department_outside_the_users_scope_is_a_404(self, client, limited_hr):
        month = past_month()
        EmployeeFactory(department=limited_hr.outside)
        ClosedMonth.objects.create(month=month)
        client.force_login(limited_hr.user)
        response = client.get(export_url(month, department=limited_hr.outside.pk))
        assert response.status_code == 404
        assert not Job.objects.exists()

    def test_a_limited_users_export_holds_only_their_departments(self, client, limited_hr):
        month = past_month()
        inside = EmployeeFactory(employee_id="E-IN", department=limited_hr.inside)
        EmployeeFactory(employee_id="E-OUT", department=limited_hr.outside)
        ClosedMonth.objects.create(month=month, department=limited_hr.inside)
        client.force_login(limited_hr.user)
        client.get(export_url(month, format="csv"))
        job = Job.objects.get()
        assert job.state == Job.State.SUCCEEDED, job.message
        assert [row[0] for row in read(client, job)[1:]] == [inside.employee_id]


class TestQueries:
    def test_the_number_of_queries_does_not_grow_with_the_employees(self, hr, payroll_world):
        month = payroll_world["month"]
        days = working_days(month)
        month_close(month=month, by=hr)

        def add(n: int) -> None:
            for person in EmployeeFactory.create_batch(n, department=payroll_world["sales"]):
                AttendanceRecord.objects.create(employee=person, date=days[0], status="present")
                AttendanceRecord.objects.create(employee=person, date=days[1], status="half_day")
                outcome(person, days[0], 10)

        def count() -> tuple[int, int]:
            with CaptureQueriesContext(connection) as queries:
                spec = payroll_export(
                    scope=EVERYTHING, query=export_query(month=month, department=None)
                )
                rows = list(spec.rows)
            return len(queries), len(rows)

        add(2)
        few, few_rows = count()
        add(40)
        many, many_rows = count()
        assert (few_rows, many_rows) == (5, 45)
        assert few == many
        assert many <= 8
