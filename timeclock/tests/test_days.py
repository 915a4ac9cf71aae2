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


def record(employee):
    return AttendanceRecord.objects.filter(employee=employee, date=DAY).first()


def test_the_derived_status_is_the_days_attendance_record(office):
    """The attendance list, register, dashboard, exports and API read attendance records:
    a derived day is one, from the clock, with its reason as the note."""
    punch(office["BEN"], 9, 0, "in")
    punch(office["BEN"], 17, 0, "out")
    days_derive(DAY, now=AFTER)
    ben = record(office["BEN"])
    assert (ben.status, ben.source, ben.marked_by) == ("present", "clock", None)
    assert ben.note.startswith("in 09:00, out 17:00, 7h00m worked")
    assert record(office["CAT"]).status == "absent"
    assert record(office["DON"]) is None  # no pattern: nothing derived


@pytest.mark.parametrize(
    ("punches", "now", "expected"),
    [
        # Still in at noon: counted present so far, and says so.
        ([(9, 0, "in")], at(12), ("present", "So far: in 09:00, still in")),
        # Not clocked in yet: not marked yet.
        ([], at(8), None),
        # The day closed with no check-out: no status until it is resolved.
        ([(9, 0, "in")], AFTER, None),
    ],
)
def test_days_not_closed_and_missing_check_outs(office, punches, now, expected):
    for hour, minute, direction in punches:
        punch(office["BEN"], hour, minute, direction)
    days_derive(DAY, now=now)
    found = record(office["BEN"])
    assert (found and (found.status, found.note)) == (expected or None)


def test_hrs_mark_wins_and_a_change_by_hr_makes_the_day_theirs(office, django_user_model):
    from attendance.services import attendance_update

    days_derive(DAY, now=AFTER)
    cat = record(office["CAT"])
    assert (cat.status, cat.source) == ("absent", "clock")
    hr = django_user_model.objects.create_user("hana")
    attendance_update(record=cat, status="on_leave", note="Sick", by=hr)
    punch(office["CAT"], 9, 0, "in")
    punch(office["CAT"], 17, 0, "out")
    days_derive(DAY, now=AFTER)
    cat = record(office["CAT"])
    assert (cat.status, cat.source, cat.note) == ("on_leave", "hand", "Sick")
    assert outcome(office["CAT"]).marked_by_hand


def test_a_clock_record_that_no_longer_applies_is_removed(office):
    days_derive(DAY, now=AFTER)
    assert record(office["CAT"]).status == "absent"
    Holiday.objects.create(date=DAY, name="Founders' Day")
    days_derive(DAY, now=AFTER)
    assert record(office["CAT"]) is None  # nobody is absent on a holiday


def test_deriving_some_people_leaves_the_others(office):
    days_derive(DAY, now=AFTER, employee_ids=[office["BEN"].pk])
    assert record(office["BEN"]).status == "absent"
    assert record(office["CAT"]) is None
    assert not DayOutcome.objects.filter(employee=office["CAT"]).exists()


def test_work_on_a_day_off_is_outside_the_pattern(office, client, user_with):
    saturday = datetime.date(2026, 12, 5)
    Punch.objects.create(
        employee=office["BEN"],
        at=datetime.datetime(2026, 12, 5, 10, tzinfo=datetime.UTC),
        direction="in",
        source="device",
    )
    days_derive(saturday, now=datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC))
    result = DayOutcome.objects.get(employee=office["BEN"], date=saturday)
    assert (result.status, result.outside_pattern) == ("missing_checkout", True)
    user_with("attendance.view_attendancerecord")
    page = client.get("/attendance/exceptions/", {"kind": "outside"})
    assert [day.employee for day in page.context["page"]] == [office["BEN"]]


def test_the_attendance_pages_show_the_clocks_days(office, client, user_with):
    """The list, the register and the export read the same records, and say which days
    came from the time clock."""
    punch(office["BEN"], 9, 0, "in")
    punch(office["BEN"], 17, 0, "out")
    days_derive(DAY, now=AFTER)
    user_with("attendance.view_attendancerecord", "attendance.export_attendancerecord")
    listed = client.get("/attendance/", {"start_date": DAY, "end_date": DAY})
    rows = {r.employee.employee_id: (r.status, r.source) for r in listed.context["page"]}
    assert rows == {
        "BEN": ("present", "clock"),
        "CAT": ("absent", "clock"),
        "ANN": ("absent", "clock"),
    }
    assert "From the time clock" in listed.content.decode()
    export = client.get("/attendance/export/csv/", {"start_date": DAY, "end_date": DAY})
    lines = b"".join(export.streaming_content if export.streaming else [export.content]).decode()
    assert "in 09:00, out 17:00, 7h00m worked" in lines
    assert lines.count("From the time clock") == 3
    register = client.get("/attendance/register/", {"month": "2026-12"})
    assert "in 09:00, out 17:00" in register.content.decode()  # the cell's title says why


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_hrs_change_made_while_the_day_is_derived_wins(office, monkeypatch):
    """HR changes a day while the clock is deriving it: HR's change waits for the
    derivation, then stands (PostgreSQL; SQLite has one writer at a time)."""
    import threading

    from attendance.services import attendance_update
    from core.testing import in_parallel
    from timeclock import services

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    days_derive(DAY, now=AFTER)
    # The clock's record is out of date, so deriving again will rewrite it.
    AttendanceRecord.objects.filter(employee=office["CAT"], date=DAY).update(status="half_day")
    derived, go = threading.Event(), threading.Event()
    real = services.days_results

    def slow_results(*args, **kwargs):
        results = real(*args, **kwargs)
        derived.set()
        go.wait(10)
        return results

    monkeypatch.setattr(services, "days_results", slow_results)

    def derive():
        days_derive(DAY, now=AFTER)

    def hr():
        derived.wait(10)
        threading.Timer(0.5, go.set).start()  # HR's save is waiting on the lock by then
        record = AttendanceRecord.objects.get(employee=office["CAT"], date=DAY)
        attendance_update(record=record, status="on_leave", note="Sick", by=None)

    in_parallel(lambda job: job(), [derive, hr])
    cat = AttendanceRecord.objects.get(employee=office["CAT"], date=DAY)
    assert (cat.status, cat.source, cat.note) == ("on_leave", "hand", "Sick")


def test_the_clocks_records_are_not_audited_their_inputs_are(office):
    from auditlog.models import LogEntry

    days_derive(DAY, now=AFTER)
    Holiday.objects.create(date=DAY, name="Founders' Day")  # audited: an input
    days_derive(DAY, now=AFTER)  # the clock's absences go: derived, not entered
    assert record(office["CAT"]) is None
    logged = {entry.content_type.model for entry in LogEntry.objects.all()}
    assert "attendancerecord" not in logged
    assert "holiday" in logged


def test_a_day_from_the_clock_is_not_deleted(office, client, user_with):
    """Deleting it would not last (the day is derived again): edit or resolve it instead."""
    days_derive(DAY, now=AFTER)
    cat = record(office["CAT"])
    user_with("attendance.view_attendancerecord", "attendance.delete_attendancerecord")
    url = f"/attendance/{cat.pk}/delete/"
    assert "comes from the time clock" in client.get(url).content.decode()
    answer = client.post(url, follow=True)
    assert "deleting it would not last" in answer.content.decode()
    assert record(office["CAT"]) is not None
