"""The dashboard: today's picture, from the database, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from attendance.models import Holiday
from attendance.tests.factories import AttendanceRecordFactory
from employees.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture(autouse=True)
def _every_day_is_a_working_day(settings):
    settings.WEEKLY_OFF_DAYS = []


@pytest.fixture
def viewer(user_with):
    return user_with("employees.view_employee", username="viewer")


@pytest.fixture
def company():
    """Sales: Amy (present), Ben (wfh), Cat (not marked). Ops: Dan (half day). Eve has left."""
    sales, ops = DepartmentFactory(name="Sales"), DepartmentFactory(name="Ops")
    joined = today() - datetime.timedelta(days=100)
    amy, ben, cat = (
        EmployeeFactory(full_name=name, department=sales, date_joined=joined)
        for name in ("Amy", "Ben", "Cat")
    )
    dan = EmployeeFactory(full_name="Dan", department=ops, date_joined=joined)
    EmployeeFactory(
        full_name="Eve", department=ops, is_active=False, date_left=joined, date_joined=joined
    )
    AttendanceRecordFactory(employee=amy, status="present")
    AttendanceRecordFactory(employee=ben, status="wfh")
    AttendanceRecordFactory(employee=dan, status="half_day")
    yesterday = today() - datetime.timedelta(days=1)
    AttendanceRecordFactory(employee=cat, date=yesterday, status="absent")
    return {"sales": sales, "cat": cat}


class TestDashboard:
    def test_cards(self, client, viewer, company):
        response = client.get("/")
        figures = response.context["figures"]
        assert response.context["active_employees"] == 4
        assert len(response.context["departments"]) == 2
        assert (figures["present"], figures["wfh"], figures["half_day"], figures["not_marked"]) == (
            1,
            1,
            1,
            1,
        )
        # today: (1 + 1 + 0.5) / 3 = 83.3%; last 30 working days add yesterday's absence:
        # (1 + 1 + 0.5) / 4 = 62.5%
        assertContains(response, "83.3%")
        assertContains(response, "62.5%")

    def test_charts_have_text_equivalents(self, client, viewer, company):
        response = client.get("/")
        assertContains(response, 'aria-describedby="status-chart-table"')
        assertContains(response, '<th scope="row"><a href="/employees/?department=', count=2)
        slices = {s.key: s.value for s in response.context["status_chart"]}
        assert slices == {"present": 1, "wfh": 1, "half_day": 1, "unmarked": 1}
        rates = {p.day: p.rate for p in response.context["rate_chart"]["points"]}
        assert rates[today()] == pytest.approx(83.33, abs=0.01)
        assert rates[today() - datetime.timedelta(days=1)] == 0.0

    def test_chart_words_are_html_so_they_keep_their_size_on_a_phone(self, client, viewer, company):
        response = client.get("/")
        html = response.content.decode()
        # Text inside a viewBox shrinks with the SVG (13 px became about 5 px at 390 px wide).
        assert "<text" not in html
        assertContains(response, '<span class="bar-row-label">Sales</span>')
        assertContains(response, '<span class="bar-row-value">3</span>')
        assertContains(response, '<rect width="100.0" height="1">')  # Sales, the longest
        assertContains(response, '<rect width="33.3" height="1">')  # Ops: 1 of 3
        assertContains(response, '<li class="at-100">100%</li>')

    def test_not_yet_marked_links_to_the_roster_of_their_department(self, client, viewer, company):
        response = client.get("/")
        assertContains(response, f'href="/attendance/mark/?department={company["sales"].pk}"')
        assertContains(response, "Sales: 1 to mark")
        assert [e.full_name for e in response.context["unmarked"]["some"]] == ["Cat"]

    def test_in_the_morning_everyone_is_to_mark_and_the_first_names_are_shown(self, client, viewer):
        sales, ops = DepartmentFactory(name="Sales"), DepartmentFactory(name="Ops")
        joined = today() - datetime.timedelta(days=10)
        for n in range(12):
            EmployeeFactory(full_name=f"Sales {n:02d}", department=sales, date_joined=joined)
        EmployeeFactory(full_name="Aaron Ops", department=ops, date_joined=joined)
        EmployeeFactory(
            full_name="Abe Later", department=ops, date_joined=today() + datetime.timedelta(days=3)
        )
        response = client.get("/")
        unmarked = response.context["unmarked"]
        assert unmarked["total"] == response.context["figures"]["not_marked"] == 13
        assert [(r["department__name"], r["count"]) for r in unmarked["by_department"]] == [
            ("Ops", 1),
            ("Sales", 12),
        ]
        assert [e.full_name for e in unmarked["some"]] == ["Aaron Ops"] + [
            f"Sales {n:02d}" for n in range(9)
        ]
        assertContains(response, "<strong>13</strong> employees still to mark.")

    def test_many_departments_show_the_ten_largest_and_the_rest_in_one_line(self, client, viewer):
        joined = today() - datetime.timedelta(days=10)
        for n in range(14):  # "Dept 00" has 1 person, ..., "Dept 13" has 14
            department = DepartmentFactory(name=f"Dept {n:02d}")
            EmployeeFactory.create_batch(n + 1, department=department, date_joined=joined)
        response = client.get("/")
        bars = [(bar.label, bar.value) for bar in response.context["department_chart"]]
        assert bars == [(f"Dept {n:02d}", n + 1) for n in range(13, 3, -1)]
        # The rest on a line of its own, without a bar that would dwarf the others.
        assertContains(
            response,
            '4 other departments</span> <span></span> <span class="bar-row-value">10</span>',
        )
        html = response.content.decode()
        assert html.count('<th scope="row"><a href="/employees/?department=') == 10
        others = '<a href="/departments/">4 other departments</a></th><td class="num">10</td>'
        assertContains(response, others)
        assertContains(response, "All 14 departments")
        # Nobody is marked yet: the ten with the most to mark, then the others together.
        assertContains(response, "Dept 13: 14 to mark")
        assertNotContains(response, "Dept 03: 4 to mark")
        assertContains(response, "4 other departments: 10 to mark")
        assertContains(response, "<strong>105</strong> employees still to mark.")

    def test_when_everyone_is_marked_no_names_are_looked_for(self, client, viewer, company):
        AttendanceRecordFactory(employee=company["cat"], status="absent")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        assertContains(response, "Everyone has been marked today.")
        assert response.context["figures"]["absent"] == 1
        assert response.context["figures"]["not_marked"] == 0
        assert not [q for q in queries if "NOT (" in q["sql"] and "full_name" in q["sql"]]

    def test_kept_figures_follow_every_kind_of_change(self, client, viewer, company, admin_user):
        from attendance.services import attendance_mark
        from employees.models import Employee
        from employees.services import employees_save_many

        def shown():
            context = client.get("/").context
            return context["figures"]["total"], context["figures"]["not_marked"]

        assert shown() == (4, 1)
        with CaptureQueriesContext(connection) as again:
            assert shown() == (4, 1)
        joined = today() - datetime.timedelta(days=5)
        fay = EmployeeFactory(full_name="Fay", department=company["sales"], date_joined=joined)
        assert shown() == (5, 2)  # a single save
        bulk = Employee(
            employee_id="BULK-1",
            full_name="Gus",
            email="gus@example.com",
            department=company["sales"],
            date_joined=joined,
        )
        employees_save_many(new=[bulk], changed=[], by=admin_user)
        assert shown() == (6, 3)  # a bulk write (an import)
        attendance_mark(employee=fay, day=today(), status="present", by=admin_user)
        assert shown() == (6, 2)  # a mark
        company["cat"].delete()
        assert shown() == (5, 1)  # a delete
        # Unchanged since the request before: the head counts and the day's marks are kept.
        counted = [q["sql"] for q in again if "employee_count" in q["sql"] or "marked" in q["sql"]]
        assert counted == []

    def test_on_a_holiday_nobody_is_not_marked(self, client, viewer, company):
        Holiday.objects.create(date=today(), name="Founders' Day")
        response = client.get("/")
        assert response.context["figures"]["not_marked"] == 0
        assertContains(response, "Today is a holiday")
        assertNotContains(response, "to mark</a>")

    def test_recent_employees(self, client, viewer, company):
        newest = EmployeeFactory(full_name="Newest Hire")
        response = client.get("/")
        assert response.context["recent_employees"][0] == newest
        assert len(response.context["recent_employees"]) == 5

    def test_empty_company(self, client, viewer):
        response = client.get("/")
        assert response.status_code == 200
        assertContains(response, "no data")

    def test_without_a_role_it_is_your_own_attendance_instead(self, client, user_with):
        user_with()
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/me/"

    def test_query_count_does_not_grow(self, client, viewer):
        def add(n):
            department = DepartmentFactory()
            for employee in EmployeeFactory.create_batch(n, department=department):
                AttendanceRecordFactory(employee=employee)

        add(3)
        with CaptureQueriesContext(connection) as few:
            client.get("/")
        for _ in range(4):
            add(30)
        with CaptureQueriesContext(connection) as many:
            client.get("/")
        assert len(few) == len(many) <= 16
