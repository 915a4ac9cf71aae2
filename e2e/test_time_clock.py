"""The time clock: an employee clocks in and out and sees the day explained; a day they
forgot to clock out of reaches HR as an exception, which HR resolves."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import roles
from attendance.models import AttendanceRecord
from timeclock.models import DepartmentPattern, Punch, WorkPattern, WorkPatternDay
from timeclock.services import days_derive

from .helpers import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def grace(make_user, staff):
    """Grace Hopper, signed up as an employee; Engineering works 09:00–17:00 every day.
    Yesterday she clocked in at 09:02 and never out."""
    pattern = WorkPattern.objects.create(name="Every day")
    for weekday in range(7):
        WorkPatternDay.objects.create(
            pattern=pattern,
            weekday=weekday,
            start=datetime.time(9),
            end=datetime.time(17),
            break_minutes=60,
            grace_minutes=5,
            full_day_minutes=420,
            half_day_minutes=210,
        )
    employee = staff["Grace Hopper"]
    DepartmentPattern.objects.create(department=employee.department, pattern=pattern)
    employee.user = make_user("grace", role=roles.EMPLOYEE)
    employee.save()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Punch.objects.create(
        employee=employee,
        at=timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(9, 2))),
        direction="in",
        source="web",
    )
    days_derive(yesterday)
    return employee


def test_clocking_in_and_out_and_hr_resolving_a_forgotten_check_out(
    page, new_page, hr_admin, grace
):
    page.set_viewport_size({"width": 390, "height": 844})  # her phone
    log_in(page, "grace", PASSWORD)
    clock = page.get_by_role("region", name="Time clock")
    expect(clock.get_by_text("You have not clocked in today.")).to_be_visible()
    clock.get_by_role("button", name="Clock in").click()
    expect(page.get_by_text(re.compile(r"Clocked in at"))).to_be_visible()
    expect(clock.get_by_text(re.compile("You are clocked in since"))).to_be_visible()
    clock.get_by_role("button", name="Clock out").click()
    expect(page.get_by_text(re.compile(r"Clocked out at"))).to_be_visible()
    expect(clock.get_by_role("list", name="Today's punches").get_by_role("listitem")).to_have_count(
        2
    )
    assert Punch.objects.filter(employee=grace, source="web").count() == 3

    # HR sees yesterday's missing check-out, and adds it, saying why.
    hr = new_page()
    log_in(hr, hr_admin.username)
    hr.goto("/attendance/exceptions/")
    # (Her other days since Engineering got its pattern are absences: no punches.)
    row = hr.get_by_role("row").filter(has_text="Grace Hopper").filter(has_text="Missing check-out")
    expect(
        row.get_by_text("in 09:02, no check-out: not counted until it is resolved")
    ).to_be_visible()
    row.get_by_role("link", name=re.compile("Resolve Grace Hopper")).click()
    expect(hr.get_by_text("in 09:02, no check-out")).to_be_visible()
    hr.get_by_label("Add the check-out").check()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    hr.get_by_label("They left at").fill(f"{yesterday.isoformat()}T17:05")
    hr.get_by_label("Why").fill("Forgot to clock out; the door log says 17:05")
    hr.get_by_role("button", name="Resolve").click()
    expect(hr.get_by_text(re.compile(r"Resolved Grace Hopper's"))).to_be_visible()
    expect(hr.get_by_role("row").filter(has_text="Missing check-out")).to_have_count(0)
    record = AttendanceRecord.objects.get(employee=grace, date=yesterday)
    assert (record.status, record.source) == ("present", "clock")
    assert record.note.startswith("in 09:02, out 17:05")
