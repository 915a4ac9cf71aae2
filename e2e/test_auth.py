"""Signing in and out, the lockout after failed sign-ins, and what a Viewer may see."""

import re

from playwright.sync_api import expect

from accounts import roles
from attendance.tests.factories import AttendanceRecordFactory

from .helpers import PASSWORD, log_in


def test_log_in_and_out(page, hr_admin):
    page.goto("/employees/")
    # Every page needs signing in: the login page, then back where the user was going.
    expect(page).to_have_url(re.compile(r"/login/\?next=/employees/"))
    page.get_by_label("Username").fill("hana")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/employees/$"))
    expect(page.get_by_role("heading", name="Employees", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("heading", name="Log in to HRMS Lite")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))


def test_five_failed_sign_ins_lock_the_user_out(page, hr_admin):
    page.goto("/login/")
    for _ in range(4):
        page.get_by_label("Username").fill("hana")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username")

    page.get_by_label("Username").fill("hana")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    locked = page.get_by_role("alert")
    expect(locked.get_by_role("heading", name="Too many failed sign-ins")).to_be_visible()
    expect(locked).to_contain_text("Try again in 15 minutes")

    # Even the right password is refused until the lockout ends.
    locked.get_by_role("link", name="Back to sign-in").click()
    page.get_by_label("Username").fill("hana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Too many failed sign-ins")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_a_viewer_sees_no_change_buttons(page, make_user, staff):
    AttendanceRecordFactory(employee=staff["Ada Lovelace"])
    make_user("vera", role=roles.VIEWER)
    log_in(page, "vera")

    navigation = page.get_by_role("navigation", name="Main", exact=True)
    expect(navigation.get_by_role("link")).to_have_text(
        ["Dashboard", "Employees", "Attendance", "Register"]
    )
    navigation.get_by_text("More").click()  # the rest, on a screen narrower than 1536 px
    expect(navigation.get_by_role("link")).to_have_text(
        [
            "Dashboard",
            "Employees",
            "Attendance",
            "Register",
            "Who is out",
            "Departments",
            "Holidays",
        ]
    )

    page.goto("/employees/")
    expect(page.get_by_role("link", name="Ada Lovelace", exact=True)).to_be_visible()
    main = page.get_by_role("main")
    for name in ["+ Add employee", "Import", "CSV", "Excel (XLSX)"]:
        expect(main.get_by_role("link", name=name, exact=True)).to_have_count(0)
    for action in ["Edit", "Deactivate", "Delete"]:
        expect(main.get_by_role("link", name=re.compile(f"^{action} "))).to_have_count(0)

    page.get_by_role("link", name="Ada Lovelace", exact=True).click()
    expect(page.get_by_role("heading", name="Ada Lovelace", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Recent records")).to_be_visible()
    for name in ["Edit", "Deactivate", "Delete", "Mark several days"]:
        expect(main.get_by_role("link", name=re.compile(f"^{name}"))).to_have_count(0)

    page.goto("/attendance/")
    expect(page.get_by_role("link", name="Ada Lovelace", exact=True)).to_be_visible()
    for name in ["Mark attendance", "Import", "CSV", "Edit", "Delete"]:
        expect(main.get_by_role("link", name=re.compile(f"^{name}"))).to_have_count(0)

    page.goto("/departments/")
    expect(main.get_by_role("link", name=re.compile(r"^(\+ Add|Rename|Delete)"))).to_have_count(0)

    # Typing the address of a change page does not help.
    page.goto("/employees/new/")
    expect(
        page.get_by_role("heading", name="You do not have permission to do that")
    ).to_be_visible()
    page.goto("/attendance/mark/")
    expect(
        page.get_by_role("heading", name="You do not have permission to do that")
    ).to_be_visible()
