"""Requests and approvals: an employee asks for leave and for a correction; their manager
approves both from the inbox in one action; HR sees the balance and the days change."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import roles
from attendance.models import AttendanceRecord
from leave.models import LeaveType
from timeclock.models import DepartmentPattern, WorkPattern, WorkPatternDay
from timeclock.services import days_derive

from .helpers import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def last_weekday() -> datetime.date:
    """The last Monday to Friday before today."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


@pytest.fixture
def team(make_user, staff):
    """Grace reports to Ada; both have accounts. Engineering works 09:00–17:00 on weekdays.
    Grace had no punch on the last weekday: absent, by the clock."""
    pattern = WorkPattern.objects.create(name="Office week")
    for weekday in range(5):
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
    ada, grace = staff["Ada Lovelace"], staff["Grace Hopper"]
    DepartmentPattern.objects.create(department=grace.department, pattern=pattern)
    ada.user = make_user("ada", role=roles.EMPLOYEE)
    ada.save()
    grace.user = make_user("grace", role=roles.EMPLOYEE)
    grace.manager = ada
    grace.save()
    LeaveType.objects.create(name="Annual leave", days_per_year=20)
    days_derive(last_weekday())
    return {"ada": ada, "grace": grace}


def test_leave_and_a_correction_approved_together(new_page, hr_admin, team):
    grace = team["grace"]
    day = last_weekday()
    assert AttendanceRecord.objects.get(employee=grace, date=day).status == "absent"
    start = timezone.localdate() + datetime.timedelta(days=28)
    start += datetime.timedelta(days=-start.weekday())  # a Monday four weeks or so ahead
    if start.year != timezone.localdate().year:  # within this year's balance
        start = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())

    # Grace asks for Monday to Wednesday off, seeing what it takes first.
    page = new_page(viewport={"width": 390, "height": 844})
    log_in(page, "grace", PASSWORD)
    page.goto("/requests/")
    page.get_by_role("link", name="Ask for leave").click()
    page.get_by_label("Type of leave").select_option(label="Annual leave")
    page.get_by_label("First day").fill(start.isoformat())
    page.get_by_label("Last day").fill((start + datetime.timedelta(days=2)).isoformat())
    page.get_by_label("Why").fill("Family visit")
    page.get_by_role("button", name="Check the days").click()
    expect(
        page.get_by_text("This takes 3 days of Annual leave: 20 available, 17 left after.")
    ).to_be_visible()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text(re.compile("It waits for Ada Lovelace"))).to_be_visible()

    # And a correction: she was in the office on the last weekday, but forgot her badge.
    page.goto("/requests/new/correction/")
    page.get_by_label("First day").fill(day.isoformat())
    page.get_by_label("Last day").fill(day.isoformat())
    page.get_by_label("Add a check-in at").fill("09:00")
    page.get_by_label("Add a check-out at").fill("17:00")
    page.get_by_label("Why").fill("Forgot my badge; I was at the stand-up")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text(re.compile("It waits for Ada Lovelace"))).to_be_visible()
    expect(page.get_by_role("cell", name="Absent")).to_be_visible()  # the day as it stands

    # Ada approves both from her inbox, in one action.
    manager = new_page()
    log_in(manager, "ada", PASSWORD)
    manager.get_by_role("link", name="Approvals").first.click()
    expect(manager.get_by_text("2 requests wait")).to_be_visible()
    for checkbox in manager.get_by_role("checkbox").all():
        checkbox.check()
    manager.get_by_role("button", name="Approve ticked").click()
    expect(manager.get_by_text("Approved 2 requests.")).to_be_visible()
    expect(manager.get_by_text("Nothing waits for you.")).to_be_visible()

    # HR sees the balance change and the days' results.
    hr = new_page()
    log_in(hr, hr_admin.username)
    hr.goto(grace.requests.get(kind="leave").get_absolute_url())
    expect(hr.get_by_text("Approved", exact=True).first).to_be_visible()
    expect(hr.get_by_text(re.compile(r"17 days available"))).to_be_visible()
    record = AttendanceRecord.objects.get(employee=grace, date=day)
    assert (record.status, record.source) == ("present", "clock")
    assert record.note.startswith("in 09:00, out 17:00")
    on_leave = AttendanceRecord.objects.filter(employee=grace, source="leave")
    assert sorted(on_leave.values_list("status", flat=True)) == ["on_leave"] * 3
    hr.goto(
        f"/attendance/?search={grace.employee_id}&start={day.isoformat()}&end={day.isoformat()}"
    )
    expect(hr.get_by_text("in 09:00, out 17:00").first).to_be_visible()

    # HR closes last month for payroll, and downloads its payroll summary.
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    hr.goto("/payroll/")
    hr.get_by_role("textbox", name="Month").fill(last_month.isoformat()[:7])
    hr.get_by_role("button", name="Review and close…").click()
    dialog = hr.get_by_role("dialog")
    expect(dialog.get_by_text(re.compile("Nothing can change after this"))).to_be_visible()
    dialog.get_by_role("button", name=f"Close {last_month:%B %Y}").click()
    expect(hr.get_by_text(re.compile("closed for payroll", re.IGNORECASE)).first).to_be_visible()
    hr.get_by_role("link", name=re.compile("Export CSV")).first.click()
    with hr.expect_download() as download:
        hr.get_by_role("link", name=re.compile("^Download ")).click()
    summary = download.value.path().read_text(encoding="utf-8-sig")
    assert "Grace Hopper" in summary
    assert "Days present" in summary.splitlines()[0]

    # Nobody can change a day of the closed month now: Grace's correction is refused.
    page.goto("/requests/new/correction/")
    page.get_by_label("First day").fill(last_month.isoformat())
    page.get_by_label("Last day").fill(last_month.isoformat())
    page.get_by_label("Mark the days as").select_option(label="Present")
    page.get_by_label("Why").fill("Was there")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text(re.compile("is closed for payroll")).first).to_be_visible()
