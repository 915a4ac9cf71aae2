"""The database holds one record per employee per day, with a known status."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from attendance.models import AttendanceRecord

from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db


def test_one_record_per_employee_per_day_in_the_database():
    record = AttendanceRecordFactory()
    with pytest.raises(IntegrityError):
        AttendanceRecordFactory(employee=record.employee, date=record.date)


def test_unknown_status_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        AttendanceRecordFactory(status="holiday")


def test_duplicate_names_the_existing_record_and_how_to_change_it():
    record = AttendanceRecordFactory(employee__full_name="Jane Smith", employee__employee_id="E1")
    duplicate = AttendanceRecord(employee=record.employee, date=record.date, status="absent")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.messages == [
        f"Jane Smith (E1) is already marked Present on {record.date.day} {record.date:%b %Y}. "
        "To change it, edit that record (Attendance, or the roster for that day) instead of "
        "adding another."
    ]


def test_deleting_the_employee_deletes_their_records():
    record = AttendanceRecordFactory()
    record.employee.delete()
    assert not AttendanceRecord.objects.exists()


def test_deleting_the_user_who_marked_keeps_the_record(django_user_model):
    clerk = django_user_model.objects.create_user("clerk")
    record = AttendanceRecordFactory(marked_by=clerk)
    clerk.delete()
    record.refresh_from_db()
    assert record.marked_by is None
