"""Marking one employee over a range of days, from their profile."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.asserts import assertContains

from attendance import services
from attendance.models import AttendanceRecord, Holiday
from core.testing import shared_cache_cost
from employees.tests.factories import EmployeeFactory

from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db


def d(day):
    return datetime.date(2025, 3, day)


# Amy's first day: all of March 2025 can be marked for her.
JOINED = datetime.date(2024, 1, 1)


@pytest.fixture
def amy():
    return EmployeeFactory(employee_id="E1", full_name="Amy Smith", date_joined=JOINED)


class TestService:
    def test_marks_working_days_and_skips_offs_and_holidays(self, amy):
        Holiday.objects.create(date=d(17), name="St Patrick's Day")
        result = services.attendance_mark_range(
            employee=amy, start=d(10), end=d(21), status="on_leave", note="Annual leave"
        )
        # 10-21 March: 12 days, 2 weekend days, 1 holiday
        assert (result.marked, result.weekly_off, result.holidays, result.kept) == (9, 2, 1, 0)
        days = list(AttendanceRecord.objects.order_by("date").values_list("date", flat=True))
        assert d(15) not in days
        assert d(17) not in days
        assert set(AttendanceRecord.objects.values_list("note", flat=True)) == {"Annual leave"}

    def test_keeps_existing_days_unless_asked(self, amy):
        AttendanceRecordFactory(employee=amy, date=d(11), status="present")
        result = services.attendance_mark_range(
            employee=amy, start=d(10), end=d(12), status="absent"
        )
        assert (result.marked, result.kept) == (2, 1)
        assert AttendanceRecord.objects.get(date=d(11)).status == "present"
        result = services.attendance_mark_range(
            employee=amy, start=d(10), end=d(12), status="wfh", overwrite=True
        )
        assert (result.marked, result.replaced) == (0, 3)
        assert set(AttendanceRecord.objects.values_list("status", flat=True)) == {"wfh"}

    @pytest.mark.parametrize(
        ("start", "end", "field", "message"),
        [
            (d(12), d(10), "end", "The last day cannot be before the first day."),
            (datetime.date(2023, 12, 30), datetime.date(2024, 1, 5), "start", "joined on 1 Jan"),
            (None, None, "end", "is in the future"),
        ],
    )
    def test_refusals_save_nothing(self, amy, start, end, field, message):
        if start is None:
            start = timezone.localdate()
            end = start + datetime.timedelta(days=3)
        with pytest.raises(ValidationError) as error:
            services.attendance_mark_range(employee=amy, start=start, end=end, status="present")
        assert message in error.value.message_dict[field][0]
        assert not AttendanceRecord.objects.exists()

    def test_at_most_a_year_at_once(self, amy):
        with pytest.raises(ValidationError, match="at most 366 days"):
            services.attendance_mark_range(
                employee=amy,
                start=JOINED,
                end=datetime.date(2025, 1, 2),
                status="present",
            )


class TestPage:
    @pytest.fixture
    def clerk(self, user_with):
        return user_with(
            "attendance.add_attendancerecord",
            "attendance.change_attendancerecord",
            "employees.view_employee",
            username="clerk",
        )

    def test_form_and_save_tell_what_was_done(self, client, clerk, amy):
        assertContains(
            client.get("/attendance/employee/E1/range/"), "Mark Amy Smith over several days"
        )
        AttendanceRecordFactory(employee=amy, date=d(12), status="present")
        response = client.post(
            "/attendance/employee/E1/range/",
            {"start": "2025-03-10", "end": "2025-03-16", "status": "on_leave", "note": ""},
            follow=True,
        )
        assert [str(m) for m in response.context["messages"]] == [
            "Marked Amy Smith On leave on 4 days (10 Mar – 16 Mar 2025). Skipped 2 days off, "
            "1 day already marked (kept as they were)."
        ]
        assert AttendanceRecord.objects.count() == 5

    def test_from_the_profile_with_htmx_refreshes_it(self, client, clerk, amy, htmx_headers):
        response = client.post(
            "/attendance/employee/E1/range/",
            {"start": "2025-03-10", "end": "2025-03-11", "status": "present"},
            headers=htmx_headers("http://testserver/employees/E1/"),
        )
        assert set(json.loads(response["HX-Trigger"])) == {"close-modal", "refresh-lists"}

    def test_errors_beside_fields(self, client, clerk, amy):
        response = client.post(
            "/attendance/employee/E1/range/",
            {"start": "2025-03-10", "end": "2025-03-01", "status": "late"},
        )
        assertContains(response, "“late” is not a status.")
        assert not AttendanceRecord.objects.exists()

    def test_needs_permission(self, client, user_with, amy):
        user_with("attendance.view_attendancerecord", "employees.view_employee")
        assert client.get("/attendance/employee/E1/range/").status_code == 403

    def test_unknown_employee_is_404(self, client, clerk):
        assert client.get("/attendance/employee/NOPE/range/").status_code == 404


class TestManyRanges:
    def test_marks_each_range_of_each_employee_in_the_same_queries_however_many(
        self, amy, django_assert_max_num_queries
    ):
        ben = EmployeeFactory(employee_id="E2", date_joined=JOINED)
        AttendanceRecordFactory(employee=ben, date=d(10), status="absent")
        ranges = [
            services.MarkRange(employee=amy, start=d(10), end=d(14), status="wfh", note="Home"),
            services.MarkRange(employee=ben, start=d(10), end=d(11), status="present"),
            # Amy again, the last two days: the later range is the day's.
            services.MarkRange(employee=amy, start=d(13), end=d(14), status="present"),
        ]
        # Ten, and the shared cache's writes of the five days' figures.
        with django_assert_max_num_queries(10 + 5 * shared_cache_cost()[1]) as captured:
            results = services.attendance_mark_ranges(ranges=ranges, overwrite=True)
        assert [(r.marked, r.replaced) for r in results] == [(5, 0), (1, 1), (2, 0)]
        amy_days = dict(AttendanceRecord.objects.filter(employee=amy).values_list("date", "status"))
        assert amy_days == {
            d(10): "wfh",
            d(11): "wfh",
            d(12): "wfh",
            d(13): "present",
            d(14): "present",
        }
        assert AttendanceRecord.objects.get(employee=ben, date=d(10)).status == "present"
        more = [
            services.MarkRange(
                employee=EmployeeFactory(date_joined=JOINED), start=d(3), end=d(7), status="wfh"
            )
            for _ in range(6)
        ]
        with django_assert_max_num_queries(len(captured.captured_queries)):  # five days again
            services.attendance_mark_ranges(ranges=more)

    def test_one_closed_day_refuses_them_all(self, amy):
        from attendance.models import ClosedMonth

        ben = EmployeeFactory(employee_id="E2", date_joined=JOINED)
        ClosedMonth.objects.create(month=datetime.date(2025, 2, 1))
        with pytest.raises(ValidationError, match="closed for payroll"):
            services.attendance_mark_ranges(
                ranges=[
                    services.MarkRange(employee=amy, start=d(3), end=d(4), status="wfh"),
                    services.MarkRange(
                        employee=ben,
                        start=datetime.date(2025, 2, 27),
                        end=d(3),
                        status="wfh",
                    ),
                ]
            )
        assert not AttendanceRecord.objects.exists()
