"""The admin goes through the same attendance rules as every other path."""

import datetime

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from attendance.models import AttendanceRecord
from employees.tests.factories import EmployeeFactory

from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/attendance/attendancerecord/add/"


def post(employee, day, status="present"):
    return {"employee": employee.pk, "date": day.isoformat(), "status": status, "note": ""}


def test_admin_marks_through_the_service(admin_client, admin_user):
    employee = EmployeeFactory()
    admin_client.post(ADD, post(employee, timezone.localdate()))
    record = AttendanceRecord.objects.get()
    assert record.marked_by == admin_user


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (timezone.localdate() + datetime.timedelta(days=1), "is in the future"),
        (datetime.date(2000, 1, 1), "cannot be marked. Pick a later date"),
    ],
)
def test_admin_refuses_days_outside_the_rules(admin_client, day, message):
    employee = EmployeeFactory()
    response = admin_client.post(ADD, post(employee, day))
    assertContains(response, message)
    assert not AttendanceRecord.objects.exists()


def test_admin_refuses_a_duplicate_and_names_the_record(admin_client):
    record = AttendanceRecordFactory(employee__full_name="Jane Smith", employee__employee_id="E1")
    response = admin_client.post(ADD, post(record.employee, record.date, "absent"))
    assertContains(response, "Jane Smith (E1) is already marked Present on")
    assert AttendanceRecord.objects.count() == 1


def test_admin_list_search_and_filters(admin_client, django_assert_max_num_queries):
    for employee in EmployeeFactory.create_batch(20):
        AttendanceRecordFactory(employee=employee)
    with django_assert_max_num_queries(12):
        response = admin_client.get(
            "/admin/attendance/attendancerecord/", {"q": "EMP", "status__exact": "present"}
        )
    assert response.status_code == 200


def test_a_day_from_the_time_clock_is_not_deleted_in_the_admin(admin_client):
    """It would come back when the day is derived again: the admin offers no delete, and
    refuses a bulk delete that includes one."""
    clock = AttendanceRecordFactory(source="clock")
    hand = AttendanceRecordFactory()
    url = f"/admin/attendance/attendancerecord/{clock.pk}/delete/"
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    chosen = {"action": "delete_selected", "_selected_action": [clock.pk, hand.pk]}
    page = admin_client.post("/admin/attendance/attendancerecord/", chosen)
    assertContains(page, "permission to delete")
    answer = admin_client.post("/admin/attendance/attendancerecord/", {**chosen, "post": "yes"})
    assert answer.status_code == 403
    assert AttendanceRecord.objects.filter(pk__in=[clock.pk, hand.pk]).count() == 2
