"""The monthly register agrees with the records, the calendar and employment dates."""

import datetime

import pytest
from pytest_django.asserts import assertContains

from accounts.scoping import EVERYTHING
from attendance.models import Holiday
from attendance.register import Register
from core.testing import shared_cache_cost
from employees.tests.factories import DepartmentFactory, EmployeeFactory

from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2025, 3, 1)  # Saturday; 21 weekdays


def d(day):
    return datetime.date(2025, 3, day)


@pytest.fixture
def viewer(user_with):
    return user_with("attendance.view_attendancerecord", username="viewer")


@pytest.fixture
def march():
    """Amy works all month; Ben joins on the 12th; Cat leaves on the 7th. A holiday on the 17th."""
    Holiday.objects.create(date=d(17), name="St Patrick's Day")
    amy = EmployeeFactory(employee_id="E1", full_name="Amy", date_joined=datetime.date(2024, 1, 1))
    ben = EmployeeFactory(employee_id="E2", full_name="Ben", date_joined=d(12))
    cat = EmployeeFactory(
        employee_id="E3",
        full_name="Cat",
        date_joined=datetime.date(2024, 1, 1),
        is_active=False,
        date_left=d(7),
    )
    for day, status in [
        (3, "present"),
        (4, "absent"),
        (5, "half_day"),
        (6, "on_leave"),
        (7, "wfh"),
        (8, "present"),
    ]:  # the 8th is a Saturday
        AttendanceRecordFactory(employee=amy, date=d(day), status=status)
    AttendanceRecordFactory(employee=ben, date=d(12), status="present")
    AttendanceRecordFactory(employee=cat, date=d(3), status="present")
    return {"amy": amy, "ben": ben, "cat": cat}


def rows_by_code(sheet):
    return {row.employee.employee_id: row for row in sheet.rows(list(sheet.employees()))}


class TestRegister:
    def test_totals_per_employee(self, march):
        rows = rows_by_code(Register(month=MARCH, scope=EVERYTHING))
        amy = rows["E1"]
        assert amy.counts == {"present": 2, "absent": 1, "half_day": 1, "on_leave": 1, "wfh": 1}
        # 20 working days (21 weekdays less the holiday); 5 of them marked.
        assert amy.not_marked == 15
        # (2 present + 1 wfh + 0.5) / (6 marked - 1 on leave) = 70%
        assert amy.rate == pytest.approx(70.0)

    def test_joining_and_leaving_inside_the_month(self, march):
        rows = rows_by_code(Register(month=MARCH, scope=EVERYTHING))
        # Ben: working days from the 12th: 12-14, 18-21, 24-28, 31 = 13 (the 17th is a
        # holiday); one is marked.
        assert rows["E2"].not_marked == 12
        # Cat: working days 3-7 = 5, one marked
        assert rows["E3"].not_marked == 4

    def test_cells(self, march):
        amy = rows_by_code(Register(month=MARCH, scope=EVERYTHING))["E1"]
        cells = {n + 1: cell for n, cell in enumerate(amy.cells)}
        assert [cells[n].text for n in range(3, 8)] == ["P", "A", "H", "L", "W"]
        assert cells[1].kind == "off"
        assert cells[8].text == "P"
        assert cells[8].kind == "present off"
        assert cells[17].kind == "holiday"
        assert cells[17].title == "St Patrick's Day"
        assert (cells[10].text, cells[10].kind, cells[10].title) == ("·", "unmarked", "Not marked")
        ben = rows_by_code(Register(month=MARCH, scope=EVERYTHING))["E2"]
        assert ben.cells[10].kind == "outside"  # the 11th, before joining

    def test_department_filter_and_nobody_outside_the_month(self, march):
        sales = DepartmentFactory(name="Sales")
        EmployeeFactory(employee_id="E4", department=sales, date_joined=datetime.date(2024, 1, 1))
        EmployeeFactory(
            employee_id="E5", department=sales, date_joined=d(31) + datetime.timedelta(1)
        )
        assert set(rows_by_code(Register(month=MARCH, department=sales, scope=EVERYTHING))) == {
            "E4"
        }

    def test_page(self, client, viewer, march):
        response = client.get("/attendance/register/", {"month": "2025-03"})
        assertContains(response, "March 2025")
        assertContains(response, "3 employees")
        assertContains(response, "20 working days")
        assertContains(response, 'title="St Patrick&#x27;s Day"')
        assertContains(response, "70.0%")

    def test_bad_month_is_explained(self, client, viewer):
        response = client.get("/attendance/register/", {"month": "March"})
        assertContains(response, "Enter the month as YYYY-MM")

    @pytest.mark.parametrize("month", ["0001-01", "9999-12", "1899-12", "3000-01"])
    def test_a_month_out_of_range_is_explained(self, client, viewer, month):
        response = client.get("/attendance/register/", {"month": month})
        assertContains(response, "Choose a month between 1900 and 2999.")

    def test_a_download_of_a_month_out_of_range_goes_back_with_the_reason(self, client, user_with):
        user_with(
            "attendance.view_attendancerecord", "attendance.export_attendancerecord", username="x"
        )
        response = client.get("/attendance/register/export/csv/?month=9999-12", follow=True)
        assertContains(response, "Choose a month between 1900 and 2999.")

    def test_pages_of_50(self, client, viewer):
        EmployeeFactory.create_batch(55, date_joined=datetime.date(2024, 1, 1))
        response = client.get("/attendance/register/", {"month": "2025-03", "page": 2})
        assert len(response.context["rows"]) == 5

    def test_query_count_does_not_grow(self, viewer, query_counts):
        def add(n):
            for employee in EmployeeFactory.create_batch(n, date_joined=datetime.date(2024, 1, 1)):
                for day in (3, 4, 5):
                    AttendanceRecordFactory(employee=employee, date=d(day))

        few, many, _ = query_counts(
            "/attendance/register/", add, few=5, more=60, data={"month": "2025-03"}
        )
        # session, user, permissions (one query), department scope, holidays, count, page,
        # records, totals, departments; the top bar's unread notifications (in the shared
        # cache: a query unless it is Redis)
        assert few == many == 10 + shared_cache_cost()[0]
