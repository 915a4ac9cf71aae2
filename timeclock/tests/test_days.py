"""Deriving a day for everyone at once, and keeping the results."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import AttendanceRecord, Holiday
from employees.tests.factories import DepartmentFactory, EmployeeFactory
from timeclock.models import DayOutcome, DepartmentPattern, PatternAssignment, Punch
from timeclock.services import days_derive, punch_void
from timeclock.tests.test_patterns import pattern

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 2)  # a Wednesday
AFTER = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=datetime.UTC)  # the day has closed


def at(hour, minute=0, day=DAY):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=datetime.UTC)


def punch(employee, hour, minute, direction, source="device"):
    return Punch.objects.create(
        employee=employee, at=at(hour, minute), direction=direction, source=source
    )


@pytest.fixture
def office():
    """Sales works office hours by default; Ann has her own pattern; Ops has none."""
    sales, ops = DepartmentFactory(name="Sales"), DepartmentFactory(name="Ops")
    DepartmentPattern.objects.create(department=sales, pattern=pattern("Office"))
    joined = datetime.date(2025, 1, 1)
    people = {
        code: EmployeeFactory(employee_id=code, department=department, date_joined=joined)
        for code, department in (("ANN", sales), ("BEN", sales), ("CAT", sales), ("DON", ops))
    }
    PatternAssignment.objects.create(
        employee=people["ANN"],
        pattern=pattern("Late", start=datetime.time(11), end=datetime.time(19)),
        starts_on=joined,
    )
    return people


def outcome(employee):
    return DayOutcome.objects.get(employee=employee, date=DAY)


def test_everyone_with_a_pattern_gets_the_days_result(office):
    punch(office["ANN"], 11, 0, "in")
    punch(office["ANN"], 19, 0, "out")
    punch(office["BEN"], 9, 20, "in")
    punch(office["BEN"], 17, 0, "out")
    assert days_derive(DAY, now=AFTER) == 3  # DON's department has no pattern
    assert outcome(office["ANN"]).status == "present"  # on time by her own pattern
    ben = outcome(office["BEN"])
    assert (ben.status, ben.late_minutes) == ("half_day", 20)  # 6h40m net: short of 7h
    assert ben.reason.startswith("in 09:20, out 17:00")
    cat = outcome(office["CAT"])
    assert (cat.status, cat.reason) == ("absent", "No punches; expected 09:00–17:00.")
    assert not DayOutcome.objects.filter(employee=office["DON"]).exists()


def test_deriving_again_replaces_the_result(office):
    days_derive(DAY, now=AFTER)
    assert outcome(office["CAT"]).status == "absent"
    punch(office["CAT"], 9, 0, "in")  # a late import of her punch
    days_derive(DAY, now=AFTER)
    assert outcome(office["CAT"]).status == "missing_checkout"
    assert DayOutcome.objects.filter(date=DAY).count() == 3


def test_a_voided_punch_and_hrs_mark_and_a_holiday(office, django_user_model):
    punch_void(punch=punch(office["BEN"], 9, 0, "in"), reason="Colleague's card", by=None)
    hr = django_user_model.objects.create_user("hana")
    AttendanceRecord.objects.create(
        employee=office["CAT"], date=DAY, status="on_leave", marked_by=hr
    )
    days_derive(DAY, now=AFTER)
    assert outcome(office["BEN"]).status == "absent"
    cat = outcome(office["CAT"])
    assert (cat.status, cat.marked_by_hand) == ("on_leave", True)
    assert cat.reason == "Marked On leave by hana: it wins over the punches."
    Holiday.objects.create(date=DAY, name="Founders' Day")
    days_derive(DAY, now=AFTER)
    assert outcome(office["BEN"]).status == "holiday"


def test_the_queries_do_not_grow_with_the_people(office):
    def count():
        with CaptureQueriesContext(connection) as queries:
            days_derive(DAY, now=AFTER)
        return len(queries)

    few = count()
    sales = office["BEN"].department
    for _ in range(30):
        person = EmployeeFactory(department=sales, date_joined=datetime.date(2025, 1, 1))
        punch(person, 9, 0, "in")
        punch(person, 17, 0, "out")
    assert count() == few


def test_the_scheduled_task_derives_yesterday_and_today(office):
    from timeclock.tasks import derive_days

    result = derive_days.call()
    assert sorted(result.values()) == [3, 3]
