"""The office kiosk on a tablet: an employee sets their PIN, then clocks in at the kiosk
with their code and PIN; the result shows, then a blank form for the next person."""

import re

import pytest
from playwright.sync_api import expect

from accounts import roles
from timeclock.models import Punch

from .helpers import log_in
from .test_accessibility import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

TABLET = {"width": 768, "height": 1024}


def test_clock_in_at_the_kiosk_on_a_tablet(new_page, make_user, staff):
    ada = staff["Ada Lovelace"]
    ada.user = make_user("ada", role=roles.EMPLOYEE)
    ada.save()

    # Ada sets her PIN from the time clock on My attendance.
    page = new_page()
    log_in(page, "ada", next_url="/me/")
    page.get_by_role("link", name="Set or change your kiosk PIN").click()
    page.get_by_label("Your password").fill("e2e-Pass-1234")
    page.get_by_label("New PIN", exact=True).fill("1234")
    page.get_by_label("New PIN again").fill("1234")
    page.get_by_role("button", name="Save the PIN").click()
    expect(page.get_by_text("too easy to guess")).to_be_visible()
    page.get_by_label("Your password").fill("e2e-Pass-1234")
    page.get_by_label("New PIN", exact=True).fill("4826")
    page.get_by_label("New PIN again").fill("4826")
    page.get_by_role("button", name="Save the PIN").click()
    expect(page.get_by_text("Your kiosk PIN is set")).to_be_visible()

    # The office's tablet, signed in as the kiosk, shows nothing but the kiosk.
    make_user("kiosk-hall", role=roles.KIOSK)
    # (The page has no script at all: timeclock/tests/test_kiosk.py.)
    tablet = new_page(viewport=TABLET, has_touch=True)
    log_in(tablet, "kiosk-hall")
    expect(tablet).to_have_url(re.compile(r"/kiosk/$"))
    expect(tablet.get_by_role("heading", name="Clock in or out")).to_be_visible()
    assert serious_violations(tablet) == []
    clock_in = tablet.get_by_role("button", name="Clock in")
    box = clock_in.bounding_box()
    assert box["height"] >= 64
    assert box["x"] + box["width"] <= TABLET["width"]

    # A wrong PIN says nothing about the code; the right one clocks Ada in.
    tablet.get_by_label("Employee code").fill("eng-001")
    tablet.get_by_label("PIN", exact=True).fill("4827")
    clock_in.click()
    expect(tablet.get_by_text("Code or PIN not recognised.")).to_be_visible()
    tablet.get_by_label("Employee code").fill("ENG-001")
    tablet.get_by_label("PIN", exact=True).fill("4826")
    tablet.get_by_role("button", name="Clock in").tap()
    result = tablet.get_by_text(re.compile(r"^Clocked in at \d\d:\d\d — Ada Lovelace$"))
    expect(result).to_be_visible()
    expect(tablet.get_by_label("Employee code")).to_have_value("")
    punch = Punch.objects.get()
    assert (punch.employee, punch.source) == (ada, "kiosk")

    # A few seconds later the result is gone: the form waits for the next person.
    assert serious_violations(tablet) == []
    expect(result).to_be_hidden(timeout=9_000)
    expect(tablet.get_by_label("Employee code")).to_be_visible()
