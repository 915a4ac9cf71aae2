"""Fixtures for the browser tests: one Chromium per session, a fresh context per test.

These tests drive a real browser through every app at once, so they live in their own
folder, outside `make test` (pyproject's testpaths), which must run without a browser.
The app is served by pytest-django's `live_server` on a throwaway test database, and
every test that uses a page gets transactional database access (the server thread
must see what the test creates). Run with `.venv/bin/pytest e2e` (or `make e2e`).
"""

import os

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect, sync_playwright

from accounts import roles
from employees.tests.factories import DepartmentFactory, EmployeeFactory

from .helpers import PASSWORD, log_in

# Playwright's sync API keeps an event loop in the main thread; the test code's own
# database calls (fixtures, checks) are still plain synchronous calls between steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The machine is shared and small: generous, but bounded.
TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        # Debian's Chromium where installed (`make browser`), else Playwright's own download.
        executable = CHROMIUM if os.path.exists(CHROMIUM) else None
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, transactional_db):
    """Return a function that opens a page in a new browser context on the live server.

    Every page must keep to the app's Content Security Policy: a violation the browser
    reports fails the test. Contexts are closed before the database is flushed, so no
    request is left half done.
    """
    pages = []

    def make(*, javascript: bool = True, **options) -> Page:
        options = {"viewport": {"width": 1280, "height": 900}, **options}
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=javascript,
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        violations = []
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        pages.append((page, violations))
        return page

    yield make
    for page, _ in pages:
        page.context.close()
    for page, violations in pages:
        assert violations == [], f"{page.url} broke the Content Security Policy: {violations}"


@pytest.fixture
def page(new_page) -> Page:
    """A page with JavaScript on, at a desktop size."""
    return new_page()


@pytest.fixture
def role_groups(transactional_db):
    """The role groups. A migration creates them, but a transactional test's flush empties
    every table, so they are made again (the same code the migration runs)."""
    roles.sync_roles(apps)


@pytest.fixture
def make_user(django_user_model, role_groups):
    """Return a function that creates a user, with a role if given, whose password is PASSWORD."""

    def make(username: str, *, role: str | None = None, **fields):
        user = django_user_model.objects.create_user(username=username, password=PASSWORD, **fields)
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def hr_admin(make_user):
    return make_user("hana", role=roles.HR_ADMIN, first_name="Hana", last_name="Admin")


@pytest.fixture
def admin_page(page, hr_admin) -> Page:
    """A page signed in as an HR admin, on the dashboard."""
    log_in(page, hr_admin.username)
    return page


@pytest.fixture
def staff(transactional_db):
    """Two departments and four people who joined a year ago, by name."""
    engineering = DepartmentFactory(name="Engineering")
    sales = DepartmentFactory(name="Sales")
    return {
        name: EmployeeFactory(
            employee_id=code,
            full_name=name,
            email=f"{code.lower()}@example.com",
            department=department,
        )
        for code, name, department in [
            ("ENG-001", "Ada Lovelace", engineering),
            ("ENG-002", "Alan Turing", engineering),
            ("ENG-003", "Grace Hopper", engineering),
            ("SAL-001", "Mary Jackson", sales),
        ]
    }
