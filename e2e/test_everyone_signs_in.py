"""Everyone signs in: an HR admin turns on two-factor sign-in and invites a manager, who
sets a password from the invitation and sees their team and nobody else; an employee
sees only their own attendance."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from accounts import roles

from .helpers import PASSWORD, app_code, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def org(staff):
    """Alan reports to Ada, Grace to Alan; Mary (Sales) to nobody."""
    ada, alan, grace = staff["Ada Lovelace"], staff["Alan Turing"], staff["Grace Hopper"]
    alan.manager = ada
    alan.save()
    grace.manager = alan
    grace.save()
    return staff


def test_hr_invites_a_manager_who_sees_their_team_and_nobody_else(page, new_page, hr_admin, org):
    log_in(page, hr_admin.username)

    # Two-factor sign-in on the HR admin's own account, from the account menu.
    page.locator(".account-menu summary").click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("link", name=re.compile("Set up")).first.click()
    secret = page.locator("code.secret-key").inner_text()
    page.get_by_label("Code", exact=True).fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Keep these 10 codes safe")).to_be_visible()

    # Invite Ada from her profile; the email holds the link.
    page.goto("/employees/ENG-001/")
    page.get_by_role("button", name="Invite to sign in").click()
    expect(page.get_by_text("Invitation sent to eng-001@example.com.")).to_be_visible()
    link = re.search(r"https?://\S+/invitation/\S+/", mail.outbox[-1].body).group(0)

    # Ada, in her own browser, chooses a password and signs in.
    ada = new_page()
    ada.goto(link)
    expect(ada.get_by_role("heading", name="Choose your password")).to_be_visible()
    ada.get_by_label("New password", exact=True).fill("Ada-Counts-1843")
    ada.get_by_label("New password confirmation").fill("Ada-Counts-1843")
    ada.get_by_role("button", name="Set password").click()
    expect(ada.get_by_text("Your password is set.")).to_be_visible()
    log_in(ada, "eng-001@example.com", "Ada-Counts-1843")

    # A manager lands on their team: Alan directly, Grace through him; not Mary.
    expect(ada).to_have_url(re.compile(r"/team/$"))
    team = ada.get_by_role("region", name=re.compile("^Today"))
    expect(team.get_by_role("link", name="Alan Turing")).to_be_visible()
    expect(team.get_by_role("link", name="Grace Hopper")).to_be_visible()
    expect(ada.get_by_text("Mary Jackson")).to_have_count(0)
    team.get_by_role("link", name="Grace Hopper").click()
    expect(ada.get_by_role("heading", name="Grace Hopper", level=1)).to_be_visible()

    # Someone outside the team does not exist for her.
    answer = ada.goto("/employees/SAL-001/")
    assert answer.status == 404
    ada.goto("/me/")
    expect(ada.get_by_role("heading", name="My attendance", level=1)).to_be_visible()
    expect(ada.get_by_text("Ada Lovelace · ENG-001")).to_be_visible()


def test_an_employee_sees_only_their_own_attendance(page, make_user, org):
    grace = make_user("grace", role=roles.EMPLOYEE)
    org["Grace Hopper"].user = grace
    org["Grace Hopper"].save()
    assert grace.groups.get() == Group.objects.get(name=roles.EMPLOYEE)
    log_in(page, "grace", PASSWORD)
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_text("Grace Hopper · ENG-003")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main", exact=True)
    expect(nav.get_by_role("link", name="My attendance")).to_be_visible()
    expect(nav.get_by_role("link", name="Employees")).to_have_count(0)
    expect(nav.get_by_role("link", name="My team")).to_have_count(0)
    assert page.goto("/employees/ENG-002/").status == 404
    # The directory holds her alone; her manager is named (she knows who that is), but
    # is no link to follow.
    page.goto("/employees/")
    expect(page.get_by_role("link", name="Grace Hopper")).to_be_visible()
    expect(page.get_by_text("Reports to Alan Turing")).to_be_visible()
    expect(page.get_by_role("link", name="Alan Turing")).to_have_count(0)
    expect(page.get_by_text("Ada Lovelace")).to_have_count(0)
