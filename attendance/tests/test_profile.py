"""An employee's profile: their details, attendance and history."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from attendance import services
from employees.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(user_with):
    return user_with(
        "employees.view_employee",
        "employees.change_employee",
        "employees.delete_employee",
        username="hr",
    )


class TestProfile:
    def test_shows_the_details(self, client, hr):
        employee = EmployeeFactory(employee_id="EMP7", full_name="Jane Smith", phone="+44 1")
        response = client.get("/employees/EMP7/")
        assertContains(response, "<h1>Jane Smith</h1>", html=True)
        assertContains(response, "+44 1")
        assertContains(response, employee.department.name)

    def test_code_in_lower_case_redirects_to_the_profile(self, client, hr):
        EmployeeFactory(employee_id="EMP7")
        assertRedirects(client.get("/employees/emp7/"), "/employees/EMP7/")

    def test_query_count_does_not_grow_with_records_or_history(self, client, admin_user):
        client.force_login(admin_user)  # sees the edit and delete buttons of each record
        employee = EmployeeFactory(
            employee_id="EMP7", date_joined=timezone.localdate() - datetime.timedelta(days=40)
        )

        def mark(days):
            for n in days:
                services.attendance_mark(
                    employee=employee,
                    day=timezone.localdate() - datetime.timedelta(days=n),
                    status="present",
                    by=admin_user,
                )

        mark(range(1, 2))
        client.get("/employees/EMP7/")  # content types are looked up once, then cached
        with CaptureQueriesContext(connection) as few:
            client.get("/employees/EMP7/")
        mark(range(2, 20))
        with CaptureQueriesContext(connection) as many:
            response = client.get("/employees/EMP7/")
        assert len(response.context["recent"]) == 10
        assert len(few) == len(many)

    def test_unknown_code_is_404(self, client, hr):
        response = client.get("/employees/NOPE/")
        assert response.status_code == 404
        assertContains(response, "Page not found", status_code=404)
