"""The directory: add, find, edit, deactivate and delete employees; downloads; imports."""

import csv
import datetime
import re

import openpyxl
from django.utils import timezone
from playwright.sync_api import expect

from employees.models import Employee

from .helpers import download, log_in, open_dialog, summary

CODE_HEADER = ["Code", "Full name", "Email", "Department", "Job title", "Phone"]


class TestEmployeeDialog:
    def test_add_search_edit_deactivate_and_delete(self, admin_page, staff):
        page = admin_page
        page.goto("/employees/")
        expect(summary(page, "4 employees")).to_be_visible()

        # Add: a mistake first, shown in the dialog; then the fix.
        dialog = open_dialog(page, "+ Add employee", "Add employee")
        dialog.get_by_label("Employee code").fill("eng-001")
        dialog.get_by_label("Full name").fill("Katherine Johnson")
        dialog.get_by_label("Email").fill("Katherine.Johnson@Example.com")
        dialog.get_by_label("Department").select_option(label="Engineering")
        dialog.get_by_role("button", name="Add employee").click()
        expect(dialog.get_by_role("alert")).to_contain_text("Please correct the highlighted field")
        expect(dialog).to_contain_text("Ada Lovelace")  # who already has the code
        expect(dialog.get_by_label("Employee code")).to_be_focused()
        dialog.get_by_label("Employee code").fill("eng-004")
        dialog.get_by_label("Job title").fill("Mathematician")
        dialog.get_by_role("button", name="Add employee").click()
        expect(dialog).to_be_hidden()
        expect(page.get_by_text("Added Katherine Johnson (ENG-004).")).to_be_visible()
        expect(summary(page, "5 employees")).to_be_visible()
        row = page.get_by_role("row", name=re.compile("Katherine Johnson"))
        expect(row).to_contain_text("ENG-004")
        expect(row).to_contain_text("katherine.johnson@example.com")
        expect(row).to_contain_text("Mathematician")

        # Search: the list follows the typing, and the address keeps the search.
        page.get_by_role("searchbox", name="Search").press_sequentially("johns", delay=40)
        expect(summary(page, "1 employee")).to_be_visible()
        expect(page.get_by_role("row", name=re.compile("Ada Lovelace"))).to_have_count(0)
        expect(row).to_be_visible()
        expect(page).to_have_url(re.compile(r"[?&]q=johns"))

        # Edit: the dialog closes and the (still searched) list shows the change.
        dialog = open_dialog(page, "Edit Katherine Johnson", "Edit Katherine Johnson (ENG-004)")
        expect(dialog.get_by_label("Email")).to_have_value("katherine.johnson@example.com")
        dialog.get_by_label("Job title").fill("Research mathematician")
        dialog.get_by_label("Department").select_option(label="Sales")
        dialog.get_by_role("button", name="Save changes").click()
        expect(dialog).to_be_hidden()
        expect(
            page.get_by_text("Saved the changes to Katherine Johnson (ENG-004).")
        ).to_be_visible()
        expect(row).to_contain_text("Research mathematician")
        expect(row).to_contain_text("Sales")
        expect(summary(page, "1 employee")).to_be_visible()

        # Deactivate: gone from the active list, shown under "Inactive".
        dialog = open_dialog(page, "Deactivate Katherine Johnson", "Deactivate Katherine Johnson?")
        dialog.get_by_role("button", name="Deactivate").click()
        expect(dialog).to_be_hidden()
        today = timezone.localdate()
        expect(
            page.get_by_text(
                f"Deactivated Katherine Johnson (ENG-004); last working day "
                f"{today.day} {today:%b %Y}."
            )
        ).to_be_visible()
        expect(page.get_by_text("No employees match your search.")).to_be_visible()
        page.get_by_label("Status").select_option(label="Inactive")
        expect(row).to_contain_text(f"Inactive since {today.day} {today:%b %Y}")
        expect(row.get_by_role("link", name="Reactivate Katherine Johnson")).to_be_visible()

        # Delete: gone for good.
        dialog = open_dialog(page, "Delete Katherine Johnson", "Delete Katherine Johnson?")
        dialog.get_by_role("button", name="Delete permanently").click()
        expect(dialog).to_be_hidden()
        expect(
            page.get_by_text("Deleted Katherine Johnson (ENG-004) and all their records.")
        ).to_be_visible()
        expect(row).to_have_count(0)
        assert not Employee.objects.filter(employee_id="ENG-004").exists()

    def test_cancel_leaves_everything_as_it_was(self, admin_page, staff):
        page = admin_page
        page.goto("/employees/")
        dialog = open_dialog(page, "Edit Ada Lovelace", "Edit Ada Lovelace (ENG-001)")
        dialog.get_by_label("Full name").fill("Someone Else")
        dialog.get_by_role("link", name="Cancel").click()
        expect(dialog).to_be_hidden()
        expect(page).to_have_url(re.compile(r"/employees/$"))
        expect(page.get_by_role("link", name="Ada Lovelace", exact=True)).to_be_visible()
        assert Employee.objects.get(employee_id="ENG-001").full_name == "Ada Lovelace"


def test_add_edit_deactivate_and_delete_without_javascript(new_page, hr_admin, staff):
    """The same links and forms work as plain pages, with post/redirect/get."""
    page = new_page(javascript=False)
    log_in(page, hr_admin.username)
    page.goto("/employees/")

    page.get_by_role("link", name="+ Add employee").click()
    expect(page).to_have_url(re.compile(r"/employees/new/$"))
    page.get_by_label("Employee code").fill("eng-004")
    page.get_by_label("Full name").fill("Katherine Johnson")
    page.get_by_label("Email").fill("not an email")
    page.get_by_label("Department").select_option(label="Engineering")
    page.get_by_role("button", name="Add employee").click()
    expect(
        page.get_by_text("Enter a valid email address, for example jane@example.com.")
    ).to_be_visible()
    page.get_by_label("Email").fill("katherine.johnson@example.com")
    page.get_by_role("button", name="Add employee").click()
    expect(page).to_have_url(re.compile(r"/employees/ENG-004/$"))
    expect(page.get_by_role("heading", name="Katherine Johnson", level=1)).to_be_visible()
    expect(page.get_by_text("Added Katherine Johnson (ENG-004).")).to_be_visible()

    # The search needs its button without JavaScript.
    page.goto("/employees/")
    page.get_by_role("searchbox", name="Search").fill("johnson")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]q=johnson"))
    expect(summary(page, "1 employee")).to_be_visible()

    page.get_by_role("link", name="Edit Katherine Johnson").click()
    expect(page).to_have_url(re.compile(r"/employees/ENG-004/edit/$"))
    page.get_by_label("Job title").fill("Research mathematician")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(re.compile(r"/employees/ENG-004/$"))
    expect(page.get_by_text("Saved the changes to Katherine Johnson (ENG-004).")).to_be_visible()
    expect(page.get_by_text("Research mathematician · Engineering")).to_be_visible()

    page.get_by_role("link", name="Deactivate Katherine Johnson").click()
    page.get_by_role("button", name="Deactivate").click()
    expect(page).to_have_url(re.compile(r"/employees/ENG-004/$"))
    today = timezone.localdate()
    expect(page.get_by_text(f"Inactive since {today.day} {today:%b %Y}")).to_be_visible()

    page.get_by_role("link", name="Delete Katherine Johnson").click()
    expect(page.get_by_role("heading", name="Delete Katherine Johnson?")).to_be_visible()
    page.get_by_role("button", name="Delete permanently").click()
    expect(page).to_have_url(re.compile(r"/employees/$"))
    expect(
        page.get_by_text("Deleted Katherine Johnson (ENG-004) and all their records.")
    ).to_be_visible()
    assert not Employee.objects.filter(employee_id="ENG-004").exists()


def test_directory_downloads_as_filtered(admin_page, staff, tmp_path):
    page = admin_page
    page.goto("/employees/")
    page.get_by_label("Department").select_option(label="Engineering")
    expect(summary(page, "3 employees")).to_be_visible()
    today = timezone.localdate()

    saved = download(page, page.get_by_role("link", name="CSV", exact=True), tmp_path)
    assert saved.name == f"employees-{today:%Y-%m-%d}.csv"
    with saved.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0][:6] == CODE_HEADER
    assert [row[:2] for row in rows[1:]] == [
        ["ENG-001", "Ada Lovelace"],
        ["ENG-002", "Alan Turing"],
        ["ENG-003", "Grace Hopper"],
    ]
    joined = (today - datetime.timedelta(days=365)).isoformat()
    assert rows[1][3:] == ["Engineering", "Analyst", "", joined, "", "Active", ""]  # no manager

    saved = download(page, page.get_by_role("link", name="Excel (XLSX)"), tmp_path)
    assert saved.name == f"employees-{today:%Y-%m-%d}.xlsx"
    sheet = openpyxl.load_workbook(saved, read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:6] == CODE_HEADER
    assert [row[1] for row in values[1:]] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]


def test_import_with_a_bad_row_lists_the_problems_and_imports_nothing(admin_page, staff):
    page = admin_page
    page.goto("/employees/")
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import employees")).to_be_visible()
    content = (
        "employee_id,full_name,email,department,date_joined\n"
        "ENG-010,Dorothy Vaughan,dorothy.vaughan@example.com,Engineering,2024-01-15\n"
        "ENG-011,Bad Row,not-an-email,Nowhere,2024-01-16\n"
    )
    page.get_by_label("File (CSV or Excel .xlsx)").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", name="Import employees: check the file")).to_be_visible()
    expect(page.get_by_text("people.csv: 2 rows.")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("2 problems found: nothing will be imported.")
    problems = page.get_by_role("table", name="Problems, by row").get_by_role("row")
    expect(problems).to_have_count(3)  # the header and one row per problem
    expect(problems.nth(1)).to_contain_text(re.compile(r"^\s*3\s*Email\s*Enter a valid email"))
    expect(problems.nth(2)).to_contain_text(
        re.compile(r"^\s*3\s*Department\s*There is no department named “Nowhere”")
    )
    expect(page.get_by_role("button", name=re.compile(r"^Import"))).to_have_count(0)

    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("Import cancelled; nothing was changed.")).to_be_visible()
    assert not Employee.objects.filter(employee_id__in=["ENG-010", "ENG-011"]).exists()
    page.goto("/employees/?q=Vaughan")
    expect(page.get_by_text("No employees match your search.")).to_be_visible()
