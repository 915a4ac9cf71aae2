"""Attendance: the daily roster, corrections, several days at once, the dashboard and the
register, and their downloads."""

import csv
import re

import openpyxl
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import AttendanceRecord
from attendance.tests.factories import AttendanceRecordFactory

from .helpers import (
    download,
    expect_counts,
    first_week_of_last_month,
    log_in,
    open_dialog,
    open_roster,
    status_choice,
    status_of,
    summary,
)

Status = AttendanceRecord.Status
ENGINEERS = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]


def saved_message(page, day, *, new: int, changed: int):
    """The roster's message after a save."""
    return page.get_by_text(
        f"Saved attendance for {day.day} {day:%b %Y}: {new} newly marked, {changed} changed."
    )


def saved_statuses(day) -> dict[str, str]:
    records = AttendanceRecord.objects.filter(date=day).select_related("employee")
    return {record.employee.full_name: record.status for record in records}


class TestRoster:
    def test_mark_the_day_then_change_one_row_in_place(self, admin_page, staff):
        page = admin_page
        today = timezone.localdate()
        open_roster(page, "Engineering")
        expect(page).to_have_url(re.compile(r"[?&]department=\d+"))
        for name in ENGINEERS:
            expect(status_of(page, name)).to_be_visible()
        expect(status_of(page, "Mary Jackson")).to_have_count(0)  # another department
        expect_counts(page, 0, 0, 0, 0, 0, 3)

        page.get_by_role("button", name="Mark all unmarked as Present").click()
        for name in ENGINEERS:
            expect(status_choice(page, name, "Present")).to_be_checked()
        expect(page.get_by_text("3 unsaved changes")).to_be_visible()
        expect_counts(page, 0, 0, 0, 0, 0, 3)  # nothing is saved yet

        page.get_by_role("button", name="Save attendance").first.click()
        expect(saved_message(page, today, new=3, changed=0)).to_be_visible()
        expect_counts(page, 3, 0, 0, 0, 0, 0)
        expect(page.get_by_text("3 unsaved changes")).to_have_count(0)
        assert saved_statuses(today) == dict.fromkeys(ENGINEERS, Status.PRESENT)

        # One row: its own Save button appears once it changes, and saves only that row.
        alan = page.get_by_role("row", name=re.compile("Alan Turing"))
        save_alan = alan.get_by_role("button", name="Save Alan Turing")
        expect(save_alan).to_be_hidden()
        status_choice(page, "Alan Turing", "Absent").check()
        expect(save_alan).to_be_visible()
        expect(page.get_by_text("1 unsaved change", exact=True)).to_be_visible()
        status_choice(page, "Grace Hopper", "Half day").check()
        save_alan.click()
        expect(alan.get_by_role("status")).to_have_text("Saved")
        expect(save_alan).to_be_hidden()
        expect_counts(page, 2, 1, 0, 0, 0, 0)
        expect(saved_message(page, today, new=0, changed=1)).to_be_visible()
        assert saved_statuses(today) == {
            "Ada Lovelace": Status.PRESENT,
            "Alan Turing": Status.ABSENT,
            "Grace Hopper": Status.PRESENT,
        }
        # Grace's change is still on screen, unsaved.
        expect(status_choice(page, "Grace Hopper", "Half day")).to_be_checked()

    def test_saving_one_row_updates_the_unsaved_note(self, admin_page, staff):
        page = admin_page
        open_roster(page, "Engineering")
        status_choice(page, "Alan Turing", "Absent").check()
        status_choice(page, "Grace Hopper", "Half day").check()
        expect(page.get_by_text("2 unsaved changes", exact=True)).to_be_visible()
        page.get_by_role("button", name="Save Alan Turing").click()
        expect(
            page.get_by_role("row", name=re.compile("Alan Turing")).get_by_role("status")
        ).to_have_text("Saved")
        expect(page.get_by_text("1 unsaved change", exact=True)).to_be_visible(timeout=2_000)

    def test_without_javascript(self, new_page, hr_admin, staff):
        """The fill button asks the server, and the whole roster is saved by one form."""
        page = new_page(javascript=False)
        log_in(page, hr_admin.username)
        today = timezone.localdate()
        page.goto("/attendance/mark/")
        page.get_by_label("Department").select_option(label="Engineering")
        page.get_by_role("button", name="Show").click()
        expect(page.get_by_text(re.compile(r" · Engineering · 3 employees$"))).to_be_visible()

        status_choice(page, "Grace Hopper", "Work from home").check()
        page.get_by_role("button", name="Mark all unmarked as Present").click()
        expect(page.get_by_text("Set 2 unmarked rows to Present.")).to_be_visible()
        expect(status_choice(page, "Ada Lovelace", "Present")).to_be_checked()
        expect(status_choice(page, "Grace Hopper", "Work from home")).to_be_checked()
        expect_counts(page, 0, 0, 0, 0, 0, 3)

        page.get_by_role("button", name="Save attendance").last.click()
        expect(saved_message(page, today, new=3, changed=0)).to_be_visible()
        expect_counts(page, 2, 0, 0, 0, 1, 0)
        assert saved_statuses(today) == {
            "Ada Lovelace": Status.PRESENT,
            "Alan Turing": Status.PRESENT,
            "Grace Hopper": Status.WORK_FROM_HOME,
        }


def test_correct_download_and_delete_a_record(admin_page, staff, tmp_path):
    page = admin_page
    monday, tuesday = first_week_of_last_month()[:2]
    ada = staff["Ada Lovelace"]
    AttendanceRecordFactory(employee=ada, date=tuesday, status=Status.PRESENT)
    AttendanceRecordFactory(employee=staff["Mary Jackson"], date=monday, status=Status.ABSENT)
    page.goto("/attendance/")
    expect(summary(page, "2 records, newest first")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Ada Lovelace"))
    expect(row).to_contain_text("Present")

    short = f"{tuesday.day} {tuesday:%b %Y}"
    dialog = open_dialog(
        page,
        f"Edit Ada Lovelace, {short}",
        f"Edit Ada Lovelace’s attendance on {tuesday.day} {tuesday:%b %Y}",
    )
    expect(dialog.get_by_role("radio", name="Present")).to_be_checked()
    dialog.get_by_role("radio", name="Half day").check()
    dialog.get_by_label("Note").fill("Dentist in the afternoon")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(
        page.get_by_text(
            f"Saved: Ada Lovelace (ENG-001) on {tuesday.day} {tuesday:%b %Y}: Half day."
        )
    ).to_be_visible()
    expect(row).to_contain_text("Half day")
    expect(row).to_contain_text("Dentist in the afternoon")
    expect(row).to_contain_text("hana")  # who marked it

    saved = download(page, page.get_by_role("link", name="CSV", exact=True), tmp_path)
    assert saved.name == f"attendance-records-{timezone.localdate():%Y-%m-%d}.csv"
    with saved.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows == [
        ["Date", "Code", "Employee", "Department", "Status", "Note", "Marked by"],
        [
            tuesday.isoformat(),
            "ENG-001",
            "Ada Lovelace",
            "Engineering",
            "Half day",
            "Dentist in the afternoon",
            "hana",
        ],
        [monday.isoformat(), "SAL-001", "Mary Jackson", "Sales", "Absent", "", ""],
    ]

    dialog = open_dialog(page, f"Delete Ada Lovelace, {short}", "Delete this attendance record?")
    expect(dialog).to_contain_text("Ada Lovelace (ENG-001) was marked Half day")
    dialog.get_by_role("button", name="Delete record").click()
    expect(dialog).to_be_hidden()
    expect(
        page.get_by_text(
            f"Deleted the record of Ada Lovelace (ENG-001) on {tuesday.day} {tuesday:%b %Y}: "
            "Half day."
        )
    ).to_be_visible()
    expect(row).to_have_count(0)
    expect(summary(page, "1 record, newest first")).to_be_visible()
    assert not AttendanceRecord.objects.filter(employee=ada).exists()


def test_mark_several_days_from_the_profile(admin_page, staff):
    page = admin_page
    week = first_week_of_last_month()
    ada = staff["Ada Lovelace"]
    AttendanceRecordFactory(employee=ada, date=week[2], status=Status.ABSENT)
    page.goto("/employees/")
    page.get_by_role("link", name="Ada Lovelace", exact=True).click()
    expect(page.get_by_role("heading", name="Ada Lovelace", level=1)).to_be_visible()

    dialog = open_dialog(page, "Mark several days", "Mark Ada Lovelace over several days")
    dialog.get_by_label("First day").fill(week[0].isoformat())
    dialog.get_by_label("Last day").fill(week[6].isoformat())
    dialog.get_by_role("radio", name="On leave").check()
    dialog.get_by_label("Note").fill("Annual leave")
    dialog.get_by_role("button", name="Mark these days").click()
    expect(dialog).to_be_hidden()
    expect(
        page.get_by_text(
            f"Marked Ada Lovelace On leave on 4 days ({week[0].day} {week[0]:%b} – "
            f"{week[6].day} {week[6]:%b %Y}). "
            "Skipped 2 days off, 1 day already marked (kept as they were)."
        )
    ).to_be_visible()

    # The profile's records follow, without a reload.
    leave_rows = page.get_by_role("row").filter(has_text="Annual leave")
    expect(leave_rows).to_have_count(4)
    expect(page.get_by_role("row").filter(has_text=f"{week[2]:%a} {week[2].day}")).to_contain_text(
        "Absent"
    )
    marked = AttendanceRecord.objects.filter(employee=ada).order_by("date")
    assert [(r.date, r.status) for r in marked] == [
        (week[0], Status.ON_LEAVE),
        (week[1], Status.ON_LEAVE),
        (week[2], Status.ABSENT),
        (week[3], Status.ON_LEAVE),
        (week[4], Status.ON_LEAVE),
    ]


def test_dashboard_shows_today(admin_page, staff):
    page = admin_page
    today = timezone.localdate()
    AttendanceRecordFactory(employee=staff["Ada Lovelace"], date=today, status=Status.PRESENT)
    AttendanceRecordFactory(employee=staff["Alan Turing"], date=today, status=Status.ABSENT)
    page.goto("/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    glance = page.get_by_role("region", name="At a glance")
    expect(glance.get_by_role("link", name="4 Active employees")).to_be_visible()
    expect(glance.get_by_role("link", name="2 Departments")).to_be_visible()
    expect(glance.get_by_text("50.0% Today’s attendance rate")).to_be_visible()
    expect(glance.get_by_role("link", name="1 Present")).to_be_visible()
    expect(glance.get_by_role("link", name="1 Absent")).to_be_visible()
    expect(glance.get_by_role("link", name="0 Half day")).to_be_visible()
    working_day = today.weekday() < 5  # no holidays in the test database
    not_marked = 2 if working_day else 0
    expect(glance.get_by_role("link", name=f"{not_marked} Not marked")).to_be_visible()
    if not working_day:
        expect(glance.get_by_text("Today is a weekly off day")).to_be_visible()

    chart = page.get_by_role("table", name="Today’s attendance by status")
    expect(chart.get_by_role("row", name=re.compile(r"^Present"))).to_contain_text("1")
    departments = page.get_by_role("list", name="Headcount by department")
    expect(departments.get_by_role("listitem")).to_have_text(["Engineering 3", "Sales 1"])

    # Each figure leads to the records behind it.
    glance.get_by_role("link", name="1 Absent").click()
    expect(page.get_by_role("heading", name="Attendance", level=1)).to_be_visible()
    expect(summary(page, "1 record, newest first")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Alan Turing"))).to_contain_text("Absent")


def test_monthly_register_and_its_download(admin_page, staff, tmp_path):
    page = admin_page
    week = first_week_of_last_month()
    ada = staff["Ada Lovelace"]
    for day, status in zip(week, [Status.PRESENT, Status.ABSENT, Status.HALF_DAY], strict=False):
        AttendanceRecordFactory(employee=ada, date=day, status=status)
    AttendanceRecordFactory(
        employee=staff["Grace Hopper"], date=week[0], status=Status.WORK_FROM_HOME
    )

    page.goto("/")
    page.get_by_role("navigation", name="Main", exact=True).get_by_role(
        "link", name="Register"
    ).click()
    expect(page.get_by_role("heading", name="Monthly register")).to_be_visible()
    page.get_by_role("link", name="‹ Previous month").click()
    expect(page.get_by_role("heading", name=f"{week[0]:%B %Y}")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"month={week[0]:%Y-%m}"))

    row = page.get_by_role("row", name=re.compile("Ada Lovelace"))
    for code in "PAH":
        expect(row.get_by_role("cell", name=code, exact=True)).to_have_count(1)
    expect(row.get_by_role("cell").last).to_have_text("50.0%")
    grace = page.get_by_role("row", name=re.compile("Grace Hopper"))
    expect(grace.get_by_role("cell", name="W", exact=True)).to_have_count(1)
    expect(grace.get_by_role("cell").last).to_have_text("100.0%")

    saved = download(page, page.get_by_role("link", name="Excel (XLSX)"), tmp_path)
    assert saved.name == f"attendance-{week[0]:%Y-%m}.xlsx"
    sheet = openpyxl.load_workbook(saved, read_only=True).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["Code", "Employee", "Department"]
    assert header[-7:] == ["P", "A", "H", "L", "W", "Not marked", "Rate %"]
    ada_row = next(r for r in rows if r[0] == "ENG-001")
    days = [header.index(day.isoformat()) for day in week[:3]]
    assert [ada_row[i] for i in days] == ["P", "A", "H"]
    assert ada_row[-7:-2] == [1, 1, 1, 0, 0]
    assert ada_row[-1] == 50.0
