"""What the browser tests do again and again, in a user's words."""

import base64
import datetime
import re
from pathlib import Path

from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Locator, Page, expect

PASSWORD = "e2e-Pass-1234"


def log_in(page: Page, username: str, password: str = PASSWORD, *, next_url: str = "/") -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def first_week_of_last_month() -> list[datetime.date]:
    """Monday to Sunday of last month's first full week: past, and all in one month."""
    first = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    monday = first + datetime.timedelta(days=-first.weekday() % 7)
    return [monday + datetime.timedelta(days=n) for n in range(7)]


def open_dialog(page: Page, link: str, title: str) -> Locator:
    """Follow the link that opens a dialog; return the dialog once it shows `title`."""
    page.get_by_role("link", name=link, exact=True).click()
    dialog = page.get_by_role("dialog", name=title)
    expect(dialog).to_be_visible()
    return dialog


def summary(page: Page, text: str) -> Locator:
    """A list's count of results, e.g. "4 employees" (on the page, not its announcement)."""
    return page.get_by_role("main").get_by_text(text, exact=True)


def download(page: Page, link: Locator, folder: Path) -> Path:
    """Click a download link; return the file, saved under the name the server gave it."""
    with page.expect_download() as info:
        link.click()
    saved = folder / info.value.suggested_filename
    info.value.save_as(saved)
    return saved


# The roster

COUNT_LABELS = ["Present", "Absent", "Half day", "On leave", "Work from home", "Not marked"]


def open_roster(page: Page, department: str) -> None:
    """Today's roster, for one department, chosen as a user would."""
    page.goto("/attendance/mark/")
    page.get_by_label("Department").select_option(label=department)
    expect(page.get_by_text(re.compile(rf" · {department} · \d+ employees?$"))).to_be_visible()


def status_of(page: Page, name: str) -> Locator:
    """The status picker (a radio group) of one roster row."""
    return page.get_by_role("group", name=f"Status of {name}")


def status_choice(page: Page, name: str, status: str) -> Locator:
    """One status (a radio button) of one roster row, by the status's label."""
    return status_of(page, name).get_by_role("radio", name=status)


def expect_counts(page: Page, *values: int) -> None:
    """The roster's saved counts, in order: Present … Work from home, then Not marked."""
    items = page.get_by_role("region", name="Saved so far").get_by_role("listitem")
    expect(items).to_have_text(
        [f"{value} {label}" for value, label in zip(values, COUNT_LABELS, strict=True)]
    )


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app holding `secret` (base32, as shown) shows now."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=steps_ahead):06d}"
