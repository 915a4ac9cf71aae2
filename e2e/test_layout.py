"""Layout: every page of the app, at a phone, tablet, laptop and desktop width, fits.

The pages are discovered from the URLconf, so a new page is checked without being listed
here; a new page that needs an object in its URL (`<int:pk>`, `<str:code>`) fails until
SAMPLES says which object to show. Each page is visited signed in as an HR admin with
the demo data, and fails on:

- the page scrolling sideways (containers that scroll on purpose may be wider);
- a control of the header or the bottom bar outside the window;
- on the phone, a tap target smaller than 24 x 24 px (links inside a sentence excepted,
  as WCAG 2.5.8 allows);
- an error in the browser's console, or a request for a stylesheet, script or image
  that fails;
- a serious or critical axe-core finding.

Each kind of dialog a page opens (add, edit, delete, mark several days...) is opened too,
and fails if it is not inside the window, scrolls sideways, or has small tap targets.

Screenshots of every page at every width are kept in E2E_ARTIFACTS (default
`e2e/artifacts/`), to look at after a run.
"""

import datetime
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from api.models import ApiToken
from approvals.models import Request
from approvals.services import request_leave
from attendance.models import AttendanceRecord, ClosedMonth, Holiday
from demo.data import create_demo_data
from employees.models import Department, Employee
from imports.models import ImportBatch
from leave.models import LeaveType
from leave.services import calendar_feed_create
from notifications.models import Kind, Notification
from timeclock.models import DayOutcome

from .helpers import log_in

WIDTHS = {
    "phone": (390, 844),
    "tablet": (768, 1024),
    "laptop": (1366, 768),
    "desktop": (1920, 1080),
}
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", Path(__file__).parent / "artifacts"))
AXE = Axe()

# Not pages: the downloads, plain-text endpoints and actions that only take POST are
# found by asking first (what does not answer a GET with HTML is skipped).
# The JSON API (its documentation page is added below); single sign-on's two addresses,
# which only redirect to and from the provider (and are off here: 404).
NOT_PAGE_NAMESPACES = {"api", "oidc"}
EXTRA_PAGES = {"api:openapi-view"}
# Not an HR admin's page (403): the office kiosk, checked on a tablet in test_kiosk.py.
NOT_HR_PAGES = {"timeclock:kiosk"}


def samples(world: dict) -> dict[str, dict]:
    """The URL arguments of each page that shows one object."""
    code = {"code": world["employee"].employee_id}
    return {
        "profiles:detail": code,
        "employees:update": code,
        "employees:deactivate": code,
        "employees:delete": code,
        "employees:reactivate": {"code": world["former"].employee_id},
        "attendance:mark_range": code,
        "departments:update": {"pk": world["department"].pk},
        "departments:delete": {"pk": world["department"].pk},
        "attendance:update": {"pk": world["record"].pk},
        "attendance:delete": {"pk": world["record"].pk},
        "holidays:update": {"pk": world["holiday"].pk},
        "holidays:delete": {"pk": world["holiday"].pk},
        "imports:preview": {"pk": world["batch"]},
        "imports:cancel": {"pk": world["batch"]},
        "jobs:detail": {"pk": world["job"]},
        "jobs:cancel": {"pk": world["job"]},
        "jobs:download": {"pk": world["job"]},
        "tokens:revoke": {"pk": world["token"].pk},
        "notifications:open": {"pk": world["notification"].pk},
        "timeclock:resolve": {
            "employee_id": world["exception"].employee_id,
            "day": world["exception"].date.isoformat(),
        },
        "people:invite": code,
        "approvals:detail": {"pk": world["request"].pk},
        "leave:feed": {"token": world["feed_token"]},
        "payroll:reopen": {"pk": world["closure"].pk},
        "payroll:export": {
            "year": world["closure"].month.year,
            "month": world["closure"].month.month,
        },
        "approvals:cancel": {"pk": world["request"].pk},
        "approvals:revoke": {"pk": world["request"].pk},
        "people:my_attendance_export": {"fmt": "csv"},
        # A link whose token no longer works: the page says so.
        "people:accept": {"uidb64": "MQ", "token": "old-link"},
        "password_reset_confirm": {"uidb64": "MQ", "token": "old-link"},
        "employees:export": {"fmt": "csv"},
        "attendance:export": {"fmt": "csv"},
        "attendance:register_export": {"fmt": "csv"},
        "imports:employees_template": {"fmt": "csv"},
        "imports:attendance_template": {"fmt": "csv"},
    }


def url_names(patterns=None, namespace: str = "") -> list[tuple[str, bool]]:
    """Every named URL of the app, outside the admin, and whether it takes arguments."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner != "admin":
                found += url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            found.append((name, bool(pattern.pattern.regex.groups)))
    return found


def admin_pages(world: dict) -> dict[str, str]:
    """The admin's index, every list it has, and one employee's form."""
    pages = {"admin:index": reverse("admin:index")}
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        pages[name] = reverse(name)
    pages["admin:employees_employee_change"] = reverse(
        "admin:employees_employee_change", args=[world["employee"].pk]
    )
    return pages


def app_pages(world: dict) -> dict[str, str]:
    """Every page, by URL name: discovered from the URLconf, arguments from samples()."""
    arguments = samples(world)
    pages, unknown = {}, []
    for name, takes_arguments in url_names():
        if name == "login" or name in NOT_HR_PAGES:
            continue
        if name.split(":")[0] in NOT_PAGE_NAMESPACES and name not in EXTRA_PAGES:
            continue
        if takes_arguments and name not in arguments:
            unknown.append(name)
            continue
        pages.setdefault(name, reverse(name, kwargs=arguments.get(name)))
    assert not unknown, f"Say in samples() which object these pages show: {unknown}"
    return {**pages, **admin_pages(world)}


@pytest.fixture
def world(hr_admin, live_server):
    """The demo data `make run` shows, someone with a very long name and email, a holiday,
    an import waiting for confirmation and an API token."""
    hr_admin.is_staff = hr_admin.is_superuser = True  # as the demo's admin: sees the admin too
    hr_admin.save()
    create_demo_data(employees=40, departments=5, days=35, punch_days=10)
    department = Department.objects.order_by("name").first()
    employee = Employee.objects.create(
        employee_id="ENG-LONG-0001",
        full_name="Maximiliana Wolfeschlegelsteinhausenberger-Ostermann",
        email="maximiliana.wolfeschlegelsteinhausenberger@engineering.example.com",
        department=department,
        job_title="Principal Site Reliability Engineer",
        phone="+44 7700 900123",
        date_joined=datetime.date(2020, 1, 6),
    )
    record = (
        AttendanceRecord.objects.filter(employee__is_active=True, source="hand")
        .order_by("-date")
        .first()
    )
    # The HR admin works here too: "My attendance" shows their own month.
    Employee.objects.filter(pk=record.employee_id).update(user=hr_admin)
    holiday = Holiday.objects.create(date=datetime.date(2026, 12, 25), name="Christmas Day")
    token, _ = ApiToken.issue(user=hr_admin, name="Payroll sync")
    # Unread notifications: the top bar says how many; one long title, to wrap.
    notifications = [
        Notification.objects.create(
            user=hr_admin,
            kind=Kind.APPROVAL_REMINDER,
            title=f"{n} requests waiting for you over 2 days",
            url=reverse("dashboard:home"),
        )
        for n in range(2, 14)
    ]
    notifications.append(
        Notification.objects.create(
            user=hr_admin,
            kind=Kind.REQUEST_SUBMITTED,
            title="Maximiliana Wolfeschlegelsteinhausenberger-Ostermann asks for leave from "
            "Mon 4 Jan 2027 to Fri 15 Jan 2027",
            body="Family visit abroad; back on Monday 18 January.",
            url=reverse("dashboard:home"),
        )
    )
    client = Client()
    client.force_login(hr_admin, backend="accounts.backends.ModelBackend")
    upload = SimpleUploadedFile(
        "people.csv",
        b"employee_id,full_name,email,department\nX 1,,not-an-email,Nowhere\n",
        content_type="text/csv",
    )
    response = client.post(reverse("imports:employees"), {"file": upload})
    assert response.status_code == 302, response.content[:500]
    batch = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    # A request waiting for approval (the demo's own, or one asked here).
    waiting = Request.objects.filter(status="pending", kind="leave").first()
    if waiting is None:
        leave_type, _ = LeaveType.objects.get_or_create(
            name="Annual leave", defaults={"days_per_year": 20}
        )
        monday = datetime.date(timezone.localdate().year + 1, 3, 1)
        monday += datetime.timedelta(days=-monday.weekday() % 7)
        waiting = request_leave(
            employee=employee,
            leave_type=leave_type,
            start=monday,
            end=monday + datetime.timedelta(days=2),
            reason="A long-planned family visit to the other side of the country",
            by=hr_admin,
        )
    closure = ClosedMonth.objects.filter(reopened_at__isnull=True).first() or (
        ClosedMonth.objects.create(month=datetime.date(2001, 1, 1), closed_by=hr_admin)
    )
    return {
        "closure": closure,
        "feed_token": calendar_feed_create(user=hr_admin),
        "request": waiting,
        "employee": employee,
        "former": Employee.objects.filter(is_active=False).first(),
        "department": department,
        "record": record,
        "holiday": holiday,
        "batch": batch,
        "job": ImportBatch.objects.get(pk=batch).preview_job_id,
        "token": token,
        "notification": notifications[-1],
        # A day the time clock could not settle: a check-out that never came.
        "exception": DayOutcome.objects.filter(status="missing_checkout").first(),
    }


# Run in the page: what does not fit. Returns a list of problems, one line each.
CHECK_LAYOUT = """(phone) => {
  const root = document.documentElement;
  const width = root.clientWidth, height = window.innerHeight;
  const problems = [];
  const describe = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    if (el.classList.length) text += "." + [...el.classList].join(".");
    const words = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    return text + (words ? ` "${words.slice(0, 30)}"` : "");
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== "hidden";
  };
  const scrollsOnPurpose = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (overflow === "auto" || overflow === "scroll") return true;
    }
    return false;
  };
  // Visually hidden (for screen readers only), or inside a closed <details>: not on screen.
  const offScreen = (el) => {
    const details = el.closest("details:not([open])");
    const summary = details && details.querySelector(":scope > summary");
    if (details && !(summary && summary.contains(el))) return true;
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.position === "absolute" && style.clip !== "auto" && style.clip !== "") return true;
    }
    return false;
  };
  if (root.scrollWidth > width) {
    const wide = [...document.body.querySelectorAll("*")].filter((el) =>
      visible(el) && el.getBoundingClientRect().right > width + 1 && !scrollsOnPurpose(el)
      && !offScreen(el)
    );
    const leaves = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
    problems.push(`the page scrolls sideways (${root.scrollWidth} px in ${width}): `
      + leaves.slice(0, 4).map(describe).join(", "));
  }
  const controls = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const bar of document.querySelectorAll(".topbar, .bottomnav")) {
    for (const el of bar.querySelectorAll(controls)) {
      if (!visible(el) || offScreen(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.left < -1 || r.right > width + 1 || r.top < -1 || r.bottom > height + 1) {
        problems.push(`header control outside the window: ${describe(el)}`);
      }
    }
  }
  if (phone) {
    const inSentence = (el) => {
      if (getComputedStyle(el).display !== "inline") return false;
      const block = el.parentElement;
      return block && block.innerText.trim().length > el.innerText.trim().length;
    };
    for (const el of document.querySelectorAll(controls)) {
      if (!visible(el) || offScreen(el) || el.closest(".skip-link")) continue;
      if (el.tagName === "A" && inSentence(el)) continue;
      let r = el.getBoundingClientRect();
      let w = r.width, h = r.height;
      for (const label of el.labels || []) {  // a small radio's target is its label too
        const l = label.getBoundingClientRect();
        w = Math.max(w, l.width); h = Math.max(h, l.height);
      }
      if (getComputedStyle(el).opacity === "0" && el.nextElementSibling) {
        const next = el.nextElementSibling.getBoundingClientRect();
        w = Math.max(w, next.width); h = Math.max(h, next.height);
      }
      if (w < 23.5 || h < 23.5) {
        problems.push(`tap target ${Math.round(w)}x${Math.round(h)} px: ${describe(el)}`);
      }
    }
  }
  return problems;
}"""


def serious_axe_findings(page) -> list[str]:
    violations = AXE.run(page).response["violations"]
    return [
        f"axe {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


def check_page(page, url: str, *, phone: bool, shot: Path) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url} {r.failure}"))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} for {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    asked = page.request.get(url, max_redirects=0)
    if asked.status == 405 or "text/html" not in asked.headers.get("content-type", ""):
        return []  # an action that only takes POST, a download, or not for people
    response = page.goto(url)  # the pages load nothing later: "load" is when they are done
    problems = [] if response.ok else [f"answered {response.status}"]
    problems += page.evaluate(CHECK_LAYOUT, phone)
    before_axe = len(errors)
    problems += serious_axe_findings(page)
    del errors[before_axe:]  # axe-core's own injected styles may break the page's CSP
    page.screenshot(path=shot, full_page=True, caret="initial")  # no injected style (CSP)
    return problems + errors


DIALOG_PROBLEMS = """() => {
  const dialog = document.getElementById("modal");
  const width = document.documentElement.clientWidth, height = window.innerHeight;
  const r = dialog.getBoundingClientRect();
  const problems = [];
  if (r.left < 0 || r.right > width || r.top < 0 || r.bottom > height + 1) {
    problems.push(`the dialog is not inside the window (${Math.round(r.width)} px wide)`);
  }
  if (dialog.scrollWidth > dialog.clientWidth + 1) {
    problems.push(`the dialog scrolls sideways (${dialog.scrollWidth} in ${dialog.clientWidth})`);
  }
  const close = dialog.querySelector(".modal-close").getBoundingClientRect();
  if (close.top < 0 || close.right > width) problems.push("its close button is off screen");
  return problems;
}"""


def check_dialogs(page, seen: set, *, phone: bool) -> dict[str, list[str]]:
    """Open each kind of dialog this page offers (by the page it shows) not yet seen."""
    found = {}
    for href in page.eval_on_selector_all(
        'a[hx-target="#modal-body"]', "links => links.map((a) => a.getAttribute('href'))"
    ):
        name = resolve(href.split("?")[0]).view_name
        if name in seen:
            continue
        seen.add(name)
        page.locator(f'a[hx-target="#modal-body"][href="{href}"]').first.click()
        page.locator("#modal[open] #modal-title").wait_for()
        problems = page.evaluate(DIALOG_PROBLEMS) + page.evaluate(CHECK_LAYOUT, phone)
        found[f"{name} (dialog)"] = problems
        page.keyboard.press("Escape")
        page.locator("#modal[open]").wait_for(state="detached")
    return found


MENU_LINKS_OUTSIDE = """(menu) => {
  const width = document.documentElement.clientWidth, height = window.innerHeight;
  const links = [...menu.querySelectorAll(":scope > ul a")];
  if (!links.length) return ["the menu is empty"];
  return links.filter((a) => {
    const r = a.getBoundingClientRect();
    return r.width === 0 || r.left < 0 || r.right > width || r.top < 0 || r.bottom > height
      || r.height < 24;
  }).map((a) => `menu link not fully on screen or under 24 px: "${a.innerText.trim()}"`);
}"""


def check_menus(page) -> list[str]:
    """Open each menu of the bars shown at this width: its links all show, in the window."""
    problems = []
    for menu in page.locator("details.menu").all():
        summary = menu.locator(":scope > summary")
        if not summary.is_visible():
            continue
        summary.click()
        problems += [
            f"{summary.inner_text().strip()}: {p}" for p in menu.evaluate(MENU_LINKS_OUTSIDE)
        ]
        page.keyboard.press("Escape")
    return problems


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_fits(new_page, hr_admin, world, width):
    w, h = WIDTHS[width]
    folder = ARTIFACTS / "layout" / width
    folder.mkdir(parents=True, exist_ok=True)
    found = {}

    page = new_page(viewport={"width": w, "height": h})
    found["login"] = check_page(page, reverse("login"), phone=w < 480, shot=folder / "login.png")
    log_in(page, hr_admin.username)
    dialogs = set()
    for name, url in app_pages(world).items():
        tab = page.context.new_page()
        found[name] = check_page(tab, url, phone=w < 480, shot=folder / f"{name}.png")
        if not name.startswith("admin:"):
            found.update(check_dialogs(tab, dialogs, phone=w < 480))
        tab.close()
    # The dialogs were opened, not silently skipped.
    assert {"employees:create", "attendance:update", "attendance:mark_range"} <= dialogs
    page.goto(reverse("dashboard:home"))
    found["menus"] = check_menus(page)
    report = {name: problems for name, problems in found.items() if problems}
    assert report == {}, "\n".join(
        f"{name}:\n  " + "\n  ".join(problems) for name, problems in report.items()
    )
