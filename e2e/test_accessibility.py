"""Accessibility: axe-core finds nothing serious on any main page (plain, in the dialog, with
errors, on a narrow screen), the flows work from the keyboard alone, and focus is visible."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from attendance.models import AttendanceRecord, Holiday
from attendance.tests.factories import AttendanceRecordFactory

from .helpers import (
    expect_counts,
    first_week_of_last_month,
    log_in,
    open_roster,
    status_choice,
    status_of,
)

AXE = Axe()
SERIOUS = {"serious", "critical"}

# Every main page a signed-in HR admin uses (the profile and roster are added with their data).
PAGES = {
    "dashboard": "/",
    "directory": "/employees/",
    "employee form": "/employees/new/",
    "departments": "/departments/",
    "roster": "/attendance/mark/",
    "attendance list": "/attendance/",
    "register": "/attendance/register/",
    "holidays": "/holidays/",
    "activity": "/activity/",
    "employee import": "/employees/import/",
    "attendance import": "/attendance/import/",
    "API reference": "/api/docs",
}
NARROW_PAGES = ["dashboard", "directory", "profile", "roster", "register", "API reference"]


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    violations = AXE.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
        if v["impact"] in SERIOUS
    ]


def check_pages(page: Page, pages: dict[str, str]) -> dict[str, list[str]]:
    found = {}
    for name, url in pages.items():
        response = page.goto(url)
        assert response.ok, f"{name} ({url}) answered {response.status}"
        found[name] = serious_violations(page)
    return {name: problems for name, problems in found.items() if problems}


@pytest.fixture
def records(staff):
    """Some attendance today and last month, a holiday, and so some activity."""
    today = timezone.localdate()
    week = first_week_of_last_month()
    statuses = list(AttendanceRecord.Status)
    for n, employee in enumerate(staff.values()):
        AttendanceRecordFactory(employee=employee, date=today, status=statuses[n])
        AttendanceRecordFactory(employee=employee, date=week[1], status=statuses[-n - 1])
    Holiday.objects.create(date=week[2], name="Founders' Day")
    Holiday.objects.create(date=today + datetime.timedelta(days=40), name="Winter break")
    return staff


class TestAxe:
    def test_main_pages(self, admin_page, records):
        pages = {
            **PAGES,
            "profile": "/employees/ENG-001/",
            "roster of a department": "/attendance/mark/?department="
            + str(records["Ada Lovelace"].department_id),
            "register of last month": "/attendance/register/?month="
            + first_week_of_last_month()[0].strftime("%Y-%m"),
        }
        assert check_pages(admin_page, pages) == {}

    def test_main_pages_on_a_narrow_screen(self, new_page, hr_admin, records):
        page = new_page(viewport={"width": 375, "height": 740})
        log_in(page, hr_admin.username)
        pages = {**PAGES, "profile": "/employees/ENG-001/"}
        assert check_pages(page, {name: pages[name] for name in NARROW_PAGES}) == {}

    def test_login_page(self, page):
        page.goto("/login/")
        assert serious_violations(page) == []
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_be_visible()
        assert serious_violations(page) == []

    def test_employee_form_in_the_dialog_and_with_errors(self, admin_page, staff):
        page = admin_page
        page.goto("/employees/")
        page.get_by_role("link", name="+ Add employee").click()
        dialog = page.get_by_role("dialog", name="Add employee")
        expect(dialog).to_be_visible()
        assert serious_violations(page) == []

        dialog.get_by_label("Email").fill("not an email")
        dialog.get_by_role("button", name="Add employee").click()
        expect(dialog.get_by_role("alert")).to_be_visible()
        expect(dialog.get_by_label("Employee code")).to_have_attribute("aria-invalid", "true")
        assert serious_violations(page) == []

        page.goto("/employees/new/")
        page.get_by_label("Employee code").fill("ENG-001")
        page.get_by_role("button", name="Add employee").click()
        expect(page.get_by_role("alert")).to_be_visible()
        assert serious_violations(page) == []

    def test_other_dialogs(self, admin_page, records):
        page = admin_page
        opened = [
            ("/attendance/", re.compile(r"^Edit Ada Lovelace, "), re.compile(r"^Edit Ada")),
            (
                "/attendance/",
                re.compile(r"^Delete Ada Lovelace, "),
                "Delete this attendance record?",
            ),
            ("/employees/ENG-001/", "Mark several days", "Mark Ada Lovelace over several days"),
            ("/departments/", "+ Add department", "Add department"),
            ("/holidays/", "+ Add holiday", "Add holiday"),
        ]
        found = {}
        for url, link, title in opened:
            page.goto(url)
            page.get_by_role("link", name=link).first.click()
            dialog = page.get_by_role("dialog", name=title)
            expect(dialog).to_be_visible()
            found[str(title)] = serious_violations(page)
        assert {title: problems for title, problems in found.items() if problems} == {}

    def test_import_preview_with_problems(self, admin_page, staff):
        page = admin_page
        page.goto("/employees/import/")
        page.get_by_label("File (CSV or Excel .xlsx)").set_input_files(
            files=[
                {
                    "name": "bad.csv",
                    "mimeType": "text/csv",
                    "buffer": b"employee_id,full_name,email,department\nX 1,,bad,Nowhere\n",
                }
            ]
        )
        page.get_by_role("button", name="Upload and check").click()
        expect(page.get_by_role("heading", name="Import employees: check the file")).to_be_visible()
        assert serious_violations(page) == []

    def test_roster_with_unsaved_changes(self, admin_page, staff):
        page = admin_page
        open_roster(page, "Engineering")
        page.get_by_role("button", name="Mark all unmarked as Present").click()
        status_choice(page, "Alan Turing", "Work from home").check()
        expect(page.get_by_role("button", name="Save Alan Turing")).to_be_visible()
        assert serious_violations(page) == []


# The keyboard

FOCUS_RING = """() => {
  let element = document.activeElement;
  if (!element || element === document.body) return "nothing has the focus";
  // Inside a date field, on its calendar button: the browser draws that button's ring.
  if (element.matches("input[type=date], input[type=month]") && !element.matches(":focus")) {
    return "";
  }
  // A visually hidden control (the roster's radios) shows its focus on the text beside it.
  if (getComputedStyle(element).opacity === "0" && element.nextElementSibling) {
    element = element.nextElementSibling;
  }
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  if (outline || style.boxShadow !== "none") return "";
  return "no visible focus on " + element.outerHTML.slice(0, 150);
}"""


def assert_focus_visible(page: Page) -> None:
    # While htmx settles a refreshed list, the focus is briefly nowhere (the focused link
    # was replaced, its successor not yet focused): give it a moment to land.
    problem = page.evaluate(FOCUS_RING)
    for _ in range(10):
        if problem != "nothing has the focus":
            break
        page.wait_for_timeout(100)
        problem = page.evaluate(FOCUS_RING)
    assert problem == ""


def tab_to(page: Page, target: Locator, *, limit: int = 40, backwards: bool = False) -> None:
    """Press Tab until the focus is on or in `target`, checking the focus shows at every stop."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        assert_focus_visible(page)
        if target.evaluate("element => element.contains(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_add_an_employee_with_the_keyboard_alone(admin_page, staff):
    page = admin_page
    page.goto("/employees/")
    opener = page.get_by_role("link", name="+ Add employee")
    tab_to(page, opener)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Add employee")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Employee code")).to_be_focused()

    # Escape closes the dialog and gives the focus back to the link that opened it.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    assert_focus_visible(page)

    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Employee code")).to_be_focused()
    page.keyboard.type("eng-004")
    tab_to(page, dialog.get_by_label("Full name"), limit=3)
    page.keyboard.type("Katherine Johnson")
    tab_to(page, dialog.get_by_label("Email"), limit=3)
    page.keyboard.type("katherine.johnson@example.com")
    tab_to(page, dialog.get_by_label("Department"), limit=3)
    page.keyboard.press("ArrowDown")
    expect(dialog.get_by_label("Department")).to_have_value(
        str(staff["Ada Lovelace"].department_id)
    )
    tab_to(page, dialog.get_by_label("Job title"), limit=3)
    page.keyboard.type("Mathematician")
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Added Katherine Johnson (ENG-004).")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Katherine Johnson"))).to_contain_text(
        "Engineering"
    )
    expect(opener).to_be_focused()


def test_mark_the_roster_with_the_keyboard_alone(admin_page, staff):
    page = admin_page
    open_roster(page, "Engineering")

    # A key picks the status of the row that has the focus.
    tab_to(page, status_of(page, "Grace Hopper"))
    page.keyboard.press("h")
    half_day = status_choice(page, "Grace Hopper", "Half day")
    expect(half_day).to_be_checked()
    expect(half_day).to_be_focused()
    assert_focus_visible(page)

    # The row's own Save button comes next; Enter saves just that row.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save Grace Hopper")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    grace = page.get_by_role("row", name=re.compile("Grace Hopper"))
    expect(grace.get_by_role("status")).to_have_text("Saved")
    expect_counts(page, 0, 0, 1, 0, 0, 2)
    # The keyboard user keeps their place in the roster.
    expect(half_day).to_be_focused()

    # Then the rest: a key on another row, and the whole roster saved from the keyboard.
    tab_to(page, status_of(page, "Ada Lovelace"), backwards=True)
    page.keyboard.press("w")
    expect(status_choice(page, "Ada Lovelace", "Work from home")).to_be_checked()
    save_all = page.get_by_role("button", name="Save attendance").last
    tab_to(page, save_all)
    page.keyboard.press("Enter")
    # The newest message (the row's own, with the same words, may still be leaving).
    expect(
        page.get_by_text(re.compile(r"Saved attendance for .*: 1 newly marked, 0 changed\.")).last
    ).to_be_visible()
    expect_counts(page, 0, 0, 1, 0, 1, 1)
    expect(save_all).to_be_focused()  # the same button, in the roster as saved


def test_saving_a_dialog_gives_the_focus_back_to_the_refreshed_list(admin_page, staff):
    """The list the dialog came from is redrawn after a save: the focus goes to the same
    link in the new list, not to the top of the page."""
    page = admin_page
    page.goto("/employees/")
    edit = page.get_by_role("link", name="Edit Ada Lovelace")
    tab_to(page, edit)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=re.compile("Edit Ada Lovelace"))
    expect(dialog).to_be_visible()
    tab_to(page, dialog.get_by_label("Job title"), limit=12)
    page.keyboard.press("Control+A")
    page.keyboard.type("Analyst")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("row", name=re.compile("Ada Lovelace"))).to_contain_text("Analyst")
    expect(page.get_by_role("link", name="Edit Ada Lovelace")).to_be_focused()
    assert_focus_visible(page)
