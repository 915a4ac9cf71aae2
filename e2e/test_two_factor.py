"""Two-factor sign-in in the browser: an HR admin, who must use it, sets it up with a code
worked out from the key the page shows (as an authenticator app would), signs out, and
signs in again with the password and then a code."""

import re

from playwright.sync_api import expect

from .helpers import PASSWORD, app_code


def test_set_up_then_sign_in_with_a_code(page, hr_admin, settings):
    settings.TWO_FACTOR_REQUIRED = True
    page.goto("/login/?next=/employees/")
    page.get_by_label("Username").fill(hr_admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # An HR admin without it is sent to set it up before anything else.
    expect(page).to_have_url(re.compile(r"/account/two-factor/set-up/\?next=/employees/$"))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in", level=1)).to_be_visible()
    expect(page.get_by_text("Your role requires two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(page.get_by_text("Can’t scan it? Type this key")).to_be_visible()
    secret = page.locator("code.secret-key").inner_text()
    page.get_by_label("Code", exact=True).fill("12345")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("Enter the 6 digits the app shows.")).to_be_visible()
    page.get_by_label("Code", exact=True).fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    # The recovery codes, once.
    expect(page.get_by_role("heading", name="Keep these 10 codes safe")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(re.compile(r"/employees/$"))
    expect(page.get_by_role("heading", name="Employees", level=1)).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))

    # Again: the password, then the code (the next one: a code works only once).
    page.goto("/login/?next=/employees/")
    page.get_by_label("Username").fill(hr_admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Enter your code", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main", exact=True)).to_have_count(0)
    page.get_by_label("Code", exact=True).fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/employees/$"))
    expect(page.get_by_role("heading", name="Employees", level=1)).to_be_visible()
