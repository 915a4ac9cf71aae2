"""Resolving an exception: saying why, all or nothing, and the day follows."""

import pytest
from auditlog.models import LogEntry
from pytest_django.asserts import assertContains

from attendance.models import AttendanceRecord
from employees.tests.factories import EmployeeFactory
from timeclock.models import DayOutcome, Punch, Resolution
from timeclock.services import days_derive
from timeclock.tests.test_days import AFTER, DAY, office, punch  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

URL = "/attendance/exceptions/{}/{}/"


def url(employee):
    return URL.format(employee.pk, DAY.isoformat())


@pytest.fixture
def forgot(office):  # noqa: F811
    """BEN clocked in and never out; ANN came in late (her pattern starts at 11)."""
    punch(office["BEN"], 9, 0, "in")
    punch(office["ANN"], 11, 30, "in")
    punch(office["ANN"], 19, 0, "out")
    days_derive(DAY, now=AFTER)
    return office


@pytest.fixture
def hr(user_with):
    return user_with(
        "attendance.view_attendancerecord",
        "attendance.change_attendancerecord",
        "attendance.add_attendancerecord",
    )


def listed(client, **query):
    """The inbox's rows, as (code, status)."""
    page = client.get("/attendance/exceptions/", query).context["page"]
    return [(day.employee.employee_id, day.status) for day in page]


def outcome(employee):
    return DayOutcome.objects.get(employee=employee, date=DAY)


def test_adding_the_missing_check_out(client, hr, forgot):
    ben = forgot["BEN"]
    page = client.get(url(ben))
    assertContains(page, "in 09:00, no check-out")
    assertContains(page, "Add the check-out")
    answer = client.post(
        url(ben),
        {"action": "checkout_added", "checkout_at": f"{DAY}T17:00", "note": "Forgot; left at 5"},
    )
    assert answer.status_code == 302
    added = Punch.objects.get(employee=ben, source="hr")
    assert (added.direction, added.entered_by) == ("out", hr)
    assert outcome(ben).status == "present"  # derived again at once
    assert AttendanceRecord.objects.get(employee=ben, date=DAY).status == "present"
    resolution = Resolution.objects.get(employee=ben, date=DAY)
    assert (resolution.action, resolution.note, resolution.resolved_by) == (
        "checkout_added",
        "Forgot; left at 5",
        hr,
    )
    assert LogEntry.objects.get_for_object(resolution).exists()  # audited
    assert listed(client, kind="missing_checkout") == []
    resolved = client.get("/attendance/exceptions/", {"state": "resolved"})
    assertContains(resolved, "Check-out added")


def test_excusing_a_late_arrival_feeds_the_derivation(client, hr, forgot):
    ann = forgot["ANN"]
    assert outcome(ann).late_minutes == 30
    client.post(url(ann), {"action": "excused", "note": "Doctor's appointment"})
    result = outcome(ann)
    assert result.late_minutes == 0
    assert "late by 30 min after 5 min grace (excused)" in result.reason
    assert "ANN" not in dict(listed(client))


def test_marking_the_day_by_hand(client, hr, forgot):
    ben = forgot["BEN"]
    client.post(url(ben), {"action": "marked", "status": "on_leave", "note": "Went home sick"})
    record = AttendanceRecord.objects.get(employee=ben, date=DAY)
    assert (record.status, record.source, record.marked_by) == ("on_leave", "hand", hr)
    assert outcome(ben).marked_by_hand


def test_accepting_leaves_the_day_as_it_is(client, hr, forgot):
    client.post(url(forgot["BEN"]), {"action": "accepted", "note": "Known: badge broken"})
    assert outcome(forgot["BEN"]).status == "missing_checkout"
    assert "BEN" not in dict(listed(client))
    assert ("BEN", "missing_checkout") in listed(client, state="all")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"action": "accepted", "note": " "}, "Say why"),
        ({"action": "checkout_added", "note": "x"}, "Enter the time they left."),
        (
            {"action": "checkout_added", "checkout_at": f"{DAY}T08:00", "note": "x"},
            "Enter a time after they came in",
        ),
        ({"action": "checkout_added", "checkout_at": "2999-01-01T08:00", "note": "x"}, "not come"),
        ({"action": "marked", "note": "x"}, "Choose the day&#x27;s status."),
        ({"action": "excused", "note": "x"}, "Select a valid choice"),  # BEN was not late
        ({"action": "deleted", "note": "x"}, "Select a valid choice"),
    ],
)
def test_bad_input_changes_nothing(client, hr, forgot, data, error):
    answer = client.post(url(forgot["BEN"]), data)
    assertContains(answer, error, status_code=400)
    assert not Resolution.objects.exists()
    assert not Punch.objects.filter(source="hr").exists()
    assert outcome(forgot["BEN"]).status == "missing_checkout"


def test_a_day_is_resolved_once(client, hr, forgot):
    client.post(url(forgot["BEN"]), {"action": "accepted", "note": "First"})
    again = client.post(url(forgot["BEN"]), {"action": "accepted", "note": "Second"})
    assert again.status_code == 409
    assert Resolution.objects.get().note == "First"
    assertContains(again, "Accepted as it is", status_code=409)


def test_who_may_resolve(client, user_with, forgot, limited_hr):
    ben = forgot["BEN"]
    assert client.get(url(ben)).status_code == 302  # signed out: to the sign-in page
    user_with("attendance.view_attendancerecord", username="viewer")
    assert client.get(url(ben)).status_code == 403  # may see, not change
    client.force_login(limited_hr.user)
    assert client.get(url(ben)).status_code == 404  # another department's day
    assert client.post(url(ben), {"action": "accepted", "note": "x"}).status_code == 404
    inside = EmployeeFactory(department=limited_hr.inside)
    assert client.get(url(inside)).status_code == 404  # no result that day
    assert client.get(URL.format(ben.pk, "2026-13-45")).status_code == 404
    assert not Resolution.objects.exists()


def test_back_to_the_inbox_as_it_was_filtered(client, hr, forgot):
    inbox = "/attendance/exceptions/?kind=missing_checkout"
    page = client.get(inbox)
    assert "?next=/attendance/exceptions/%3Fkind%3Dmissing_checkout" in page.content.decode()
    data = {"action": "accepted", "note": "Known", "next": inbox}
    answer = client.post(url(forgot["BEN"]), data)
    assert answer["Location"] == inbox
    data = {"action": "accepted", "note": "Known", "next": "https://evil.example/"}
    answer = client.post(url(forgot["ANN"]), data)
    assert answer["Location"] == "/attendance/exceptions/"  # never off the site
