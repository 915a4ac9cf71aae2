"""An employee's profile: their details, attendance and history."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from attendance import services
from attendance.models import AttendanceRecord, Holiday
from core.testing import shared_cache_cost
from employees.tests.factories import EmployeeFactory

from .factories import AttendanceRecordFactory

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


def march(day):
    return datetime.date(2025, 3, day)  # 1 March 2025 is a Saturday


def calendar_cell(response, day: str) -> tuple[str, str, str]:
    """The calendar's cell for `day` ("Mon 3 Mar"): its class, the code it shows and what
    it says to a screen reader."""
    found = re.search(
        r'<td class="cal-cell ([^"]*)"(?:(?!</td>).)*?<span class="cal-code" aria-hidden="true">'
        r'([^<]*)</span><span class="visually-hidden">' + re.escape(day) + r": ([^<]*)</span></td>",
        response.content.decode(),
    )
    assert found, f"no calendar cell for {day}"
    return found.groups()


class TestProfileCalendar:
    @pytest.fixture(autouse=True)
    def _weekends_off(self, settings):
        settings.WEEKLY_OFF_DAYS = [5, 6]

    @pytest.fixture
    def amy(self):
        return EmployeeFactory(employee_id="E1", date_joined=datetime.date(2024, 1, 1))

    def test_a_month_is_a_table_of_weeks_from_monday(self, client, hr, amy):
        response = client.get("/employees/E1/", {"month": "2025-03"})
        assertContains(response, "<caption>March 2025</caption>", html=True)
        weeks = response.context["calendar"].weeks
        assert [len(week) for week in weeks] == [7] * 6
        assert weeks[0][:5] == [None] * 5  # Monday to Friday of February
        assert weeks[0][5].date == march(1)
        assertContains(response, '<td class="cal-pad"></td>', count=5 + 6)

    def test_a_marked_day_shows_its_status(self, client, hr, amy):
        AttendanceRecordFactory(employee=amy, date=march(3), status="absent", note="Flu")
        AttendanceRecordFactory(employee=amy, date=march(4), status="wfh")
        response = client.get("/employees/E1/", {"month": "2025-03"})
        assert calendar_cell(response, "Mon 3 Mar") == ("status-absent", "A", "Absent. Note: Flu")
        assert calendar_cell(response, "Tue 4 Mar") == ("status-wfh", "W", "Work from home")

    def test_holidays_and_weekly_off_days(self, client, hr, amy):
        Holiday.objects.create(date=march(17), name="St Patrick's Day")
        AttendanceRecordFactory(employee=amy, date=march(8), status="present")
        response = client.get("/employees/E1/", {"month": "2025-03"})
        assert calendar_cell(response, "Mon 17 Mar") == (
            "cal-holiday",
            "Hol",
            "Holiday: St Patrick&#x27;s Day",
        )
        assert calendar_cell(response, "Sun 9 Mar") == ("cal-off", "Off", "Weekly off day")
        # A record on a day off still shows, and says it was a day off.
        assert calendar_cell(response, "Sat 8 Mar") == (
            "status-present",
            "P",
            "Present (weekly off day)",
        )

    def test_an_unmarked_working_day(self, client, hr, amy):
        response = client.get("/employees/E1/", {"month": "2025-03"})
        assert calendar_cell(response, "Tue 11 Mar") == ("cal-unmarked", "·", "Not marked")

    def test_days_before_joining_and_in_the_future_are_empty(self, client, hr):
        EmployeeFactory(employee_id="E2", date_joined=march(12))
        response = client.get("/employees/E2/", {"month": "2025-03"})
        assert calendar_cell(response, "Tue 11 Mar") == ("cal-outside", "", "Not employed")
        assert calendar_cell(response, "Wed 12 Mar") == ("cal-unmarked", "·", "Not marked")

        later = timezone.localdate() + datetime.timedelta(days=40)
        response = client.get("/employees/E2/", {"month": later.strftime("%Y-%m")})
        day = f"{later:%a} {later.day} {later:%b}"
        assert calendar_cell(response, day) == ("cal-future", "", "In the future")

    def test_this_month_by_default_with_today_marked(self, client, hr, amy, settings):
        settings.WEEKLY_OFF_DAYS = []  # today is a working day, whatever day it is
        today = timezone.localdate()
        response = client.get("/employees/E1/")
        assertContains(response, f"<caption>{today:%B %Y}</caption>", html=True)
        assertContains(response, 'aria-current="date"', count=1)
        assertContains(response, f"{today:%a} {today.day} {today:%b}: Not marked (today)")
        assertNotContains(response, "This month</a>")

    def test_month_links_keep_the_period(self, client, hr, amy):
        response = client.get(
            "/employees/E1/", {"start": "2025-01-01", "end": "2025-01-31", "month": "2025-01"}
        )
        assertContains(response, 'href="?start=2025-01-01&amp;end=2025-01-31&amp;month=2024-12"')
        assertContains(response, 'href="?start=2025-01-01&amp;end=2025-01-31&amp;month=2025-02"')
        assertContains(response, 'href="?start=2025-01-01&amp;end=2025-01-31" hx-get')
        # Choosing a new period keeps the calendar on its month.
        assertContains(
            response, '<input type="hidden" name="month" value="2025-01" form="period-form">'
        )

    def test_following_a_month_link(self, client, hr, amy):
        response = client.get("/employees/E1/", {"month": "2025-12"})
        assertContains(response, 'href="?month=2026-01"')
        response = client.get("/employees/E1/", {"month": "2026-01"})
        assertContains(response, "<caption>January 2026</caption>", html=True)
        assertContains(response, 'href="?month=2025-12"')

    def test_month_link_with_htmx_returns_only_the_calendar(self, client, hr, amy, htmx_headers):
        headers = {**htmx_headers("http://testserver/employees/E1/"), "HX-Target": "calendar"}
        response = client.get("/employees/E1/", {"month": "2025-03"}, headers=headers)
        html = response.content.decode().strip()
        assert html.startswith('<section id="calendar"')
        assert html.endswith("</section>")
        assert "March 2025" in html

    @pytest.mark.parametrize(
        ("month", "message"),
        [
            ("2025-13", "Enter the month as YYYY-MM, for example 2026-03."),
            ("March", "Enter the month as YYYY-MM, for example 2026-03."),
            ("0999-01", "Choose a month between 1900 and 2999."),
        ],
    )
    def test_an_invalid_month_shows_this_month_and_says_why(self, client, hr, amy, month, message):
        response = client.get("/employees/E1/", {"month": month})
        assert response.status_code == 200
        assertContains(response, message)
        assertContains(response, "Showing this month instead.")
        today = timezone.localdate()
        assertContains(response, f"<caption>{today:%B %Y}</caption>", html=True)

    def test_query_count_does_not_grow_with_the_days_marked(self, client, hr, amy, query_counts):
        weekdays = iter(day for day in range(1, 32) if march(day).weekday() < 5)

        def mark(n):
            # Without history entries, which the profile lists too (20 at most).
            AttendanceRecord.objects.bulk_create(
                AttendanceRecord(employee=amy, date=march(next(weekdays)), status="present")
                for _ in range(n)
            )

        Holiday.objects.create(date=march(17), name="St Patrick's Day")
        client.get("/employees/E1/")  # content types are looked up once, then cached
        few, many, response = query_counts(
            "/employees/E1/", mark, few=1, more=20, data={"month": "2025-03"}
        )
        days = [day for week in response.context["calendar"].weeks for day in week if day]
        assert [day.code for day in days].count("P") == 21  # every weekday of March 2025
        # session, user, permissions (one query), department scope, employee (and their
        # manager), summary, the month's holidays, the month's records, history, the
        # department its entry names, recent records, direct reports; the top bar's unread
        # notifications (in the shared cache: a query unless it is Redis)
        assert few == many == 12 + shared_cache_cost()[0]
