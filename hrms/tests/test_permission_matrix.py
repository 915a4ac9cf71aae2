"""The permission matrix: every URL of the project, for every kind of user, GET and POST.

The URLs come from the URLconf itself, so a new page without a rule here fails
`test_every_url_has_a_rule`. Outcomes:
  login  redirected to the sign-in page      403  refused
  404    does not exist (for this user)      405  method not allowed
  ok     let through (a page, a form with errors, a redirect after a change)
  admin  redirected to the admin's sign-in (only staff use the admin)
  kiosk  redirected to the office kiosk (a kiosk's account uses nothing else)
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

USERS = ["anonymous", "viewer", "manager", "hr", "limited", "employee", "team_lead"]

# For each URL name: the outcome of GET and of POST for each user, in USERS order.
# "limited" is an attendance manager limited to the department of the objects used.
# "employee" has the Employee role and nobody reporting to them: the objects used are
# someone else's. "team_lead" has the Employee role and the employee of the objects used
# reports to them (a Manager); managers may not mark here (MANAGERS_MAY_MARK_ATTENDANCE
# is off by default; see test_managers_mark_their_team_when_allowed).
ALL = "ok ok ok ok ok ok ok"
READ = "login ok ok ok ok ok ok"
HR = "login 403 403 ok 403 403 403"
MARK = "login 403 ok ok ok 403 403"
NO_POST = "login 405 405 405 405 405 405"
RULES = {
    "dashboard:home": (READ, NO_POST),
    "activity:list": (HR, NO_POST),
    "login": (ALL, ALL),
    "logout": ("login 405 405 405 405 405 405", "login login login login login login login"),
    # A forgotten password, and an invitation's link: for anyone (a link with a bad token
    # says it no longer works).
    "password_reset": (ALL, ALL),
    "password_reset_done": (ALL, "405 405 405 405 405 405 405"),
    "password_reset_confirm": (ALL, ALL),
    "password_reset_complete": (ALL, "405 405 405 405 405 405 405"),
    # Two-factor sign-in: each signed-in user's own (none of these users has it on, and
    # none must have it here: TWO_FACTOR_REQUIRED is off in tests).
    "two_factor:manage": (READ, NO_POST),
    "two_factor:verify": (READ, READ),
    "two_factor:enrol": (READ, READ),
    "two_factor:recovery_codes": (READ, READ),
    "two_factor:disable": (READ, READ),
    "people:accept": (ALL, ALL),
    # Single sign-on is off unless configured (accounts/tests/test_oidc.py tests it on).
    "oidc:authenticate": ("404 404 404 404 404 404 404", "404 404 404 404 404 404 404"),
    "oidc:callback": ("404 404 404 404 404 404 404", "404 404 404 404 404 404 404"),
    "people:invite": (NO_POST, HR),
    "people:invite_many": (HR, HR),
    # Everyone signed in has "My attendance" and "My team"; of these users only employee
    # and team_lead are employees: for the others the pages say so, and there is nothing
    # of theirs to download.
    "people:my_attendance": (READ, NO_POST),
    "people:my_team": (READ, NO_POST),
    # The clock button: only an employee has a clock (the others are no employee here).
    "timeclock:clock": (NO_POST, "login 404 404 404 404 ok ok"),
    "timeclock:import_punches": (HR, HR),
    # The office kiosk is only for kiosk accounts (see KIOSK_RULES); every employee sets
    # their own PIN for it (the others are told they are no employee).
    "timeclock:kiosk": ("login 403 403 403 403 403 403", "login 403 403 403 403 403 403"),
    "timeclock:kiosk_pin": (READ, "login 404 404 404 404 ok ok"),
    # The time clock's exceptions: everyone who reads attendance, within their scope.
    "timeclock:exceptions": (READ, NO_POST),
    # Resolving one: those who may change attendance, within their scope.
    "timeclock:resolve": (MARK, MARK),
    "people:my_attendance_export": ("login 404 404 404 404 ok ok", NO_POST),
    # Requests: everyone signed in has their own list and inbox (empty for most). Asking
    # is for employees (for themselves, a manager for their team too) and for HR; the
    # others are told they are no employee. A request (of the first department's
    # employee, asked by hr, waiting for team_lead) is seen within one's scope; only its
    # asker (hr) cancels it, but anyone who sees it may try (and is told why not); only
    # HR revokes. The decide form answers an empty form with a message.
    "approvals:mine": (READ, NO_POST),
    "approvals:new_leave": ("login 404 404 ok 404 ok ok", "login 404 404 ok 404 ok ok"),
    "approvals:new_correction": ("login 404 404 ok 404 ok ok", "login 404 404 ok 404 ok ok"),
    "approvals:detail": ("login ok ok ok ok 404 ok", NO_POST),
    "approvals:cancel": (NO_POST, "login ok ok ok ok 404 ok"),
    "approvals:revoke": (NO_POST, "login 404 404 ok 404 404 404"),
    "approvals:inbox": (READ, NO_POST),
    "approvals:decide": (NO_POST, READ),
    "employees:list": (READ, NO_POST),
    "employees:create": (HR, HR),
    "employees:export": (HR, NO_POST),
    # Someone else's profile does not exist for an employee; a manager sees their team's.
    "profiles:detail": ("login ok ok ok ok 404 ok", NO_POST),
    "employees:update": (HR, HR),
    "employees:deactivate": (HR, HR),
    "employees:reactivate": (HR, HR),
    "employees:delete": (HR, HR),
    # Employees see their own team, not the organisation's departments.
    "departments:list": ("login ok ok ok ok 403 403", NO_POST),
    "departments:create": (HR, HR),
    "departments:update": (HR, HR),
    "departments:delete": (HR, HR),
    "attendance:list": (READ, NO_POST),
    "attendance:mark": (MARK, MARK),
    "attendance:register": (READ, NO_POST),
    "attendance:register_export": (MARK, NO_POST),
    "attendance:export": (MARK, NO_POST),
    "attendance:mark_range": (MARK, MARK),
    "attendance:update": (MARK, MARK),
    "attendance:delete": (MARK, MARK),
    "holidays:list": (READ, NO_POST),
    "holidays:create": (HR, HR),
    "holidays:update": (HR, HR),
    "holidays:delete": (HR, HR),
    "imports:employees": (HR, HR),
    "imports:employees_template": (HR, NO_POST),
    "imports:attendance": (HR, HR),
    "imports:attendance_template": (HR, NO_POST),
    # An upload waiting for confirmation exists only for the user who made it (hr here).
    "imports:preview": ("login 404 404 ok 404 404 404", "login 404 404 ok 404 404 404"),
    "imports:cancel": (NO_POST, "login 404 404 ok 404 404 404"),
    # Everyone signed in has a list of their jobs; a job (hr's here) is its starter's, and
    # every job is open to HR admins who see every department (none of the others).
    "jobs:list": (READ, NO_POST),
    "jobs:detail": ("login 404 404 ok 404 404 404", NO_POST),
    "jobs:cancel": (NO_POST, "login 404 404 ok 404 404 404"),
    "jobs:download": ("login 404 404 ok 404 404 404", NO_POST),
    # Health checks and metrics need no sign-in (metrics: from an allowed address).
    "healthz": (ALL, "405 405 405 405 405 405 405"),
    "readyz": (ALL, "405 405 405 405 405 405 405"),
    "metrics": (ALL, "405 405 405 405 405 405 405"),
    # Everyone signed in manages their own API tokens; only the owner (hr here) can revoke.
    "tokens:list": (READ, READ),
    "tokens:revoke": (NO_POST, "login 404 404 ok 404 404 404"),
    # Who is out: everyone signed in, within their scope. Each user's own calendar feed
    # (an empty POST is a form error); the feed's address needs no sign-in, and a token
    # that is no feed's is not found.
    "leave:calendar": (READ, NO_POST),
    "leave:feed_settings": (READ, READ),
    "leave:feed": ("404 404 404 404 404 404 404", "405 405 405 405 405 405 405"),
    # Closing a month for payroll, reopening it, and its export: HR admins only.
    "payroll:months": (HR, NO_POST),
    "payroll:close": (HR, HR),
    "payroll:reopen": (HR, HR),
    "payroll:export": (HR, NO_POST),
    # Everyone signed in has their own notifications and email preferences; opening one
    # is its owner's (hr here): anyone else's does not exist.
    "notifications:list": (READ, NO_POST),
    "notifications:read_all": (NO_POST, "login ok ok ok ok ok ok"),
    "notifications:settings": (READ, READ),
    "notifications:open": ("login 404 404 ok 404 404 404", NO_POST),
}
# Every admin page is for staff only; none of these users is staff.
ADMIN = "login admin admin admin admin admin admin"
ADMIN_RULES = {
    "admin:login": (ALL, ALL),
    # Signing out of the admin is harmless: it ends the session and goes back.
    "admin:logout": ("login ok ok ok ok ok ok", "login ok ok ok ok ok ok"),
}


# A kiosk's account (role Kiosk only): every page but the kiosk sends it there, the admin's
# too; only the pages open to anyone and signing out are left as they are.
KIOSK_RULES = {
    "timeclock:kiosk": ("ok", "ok"),
    "login": ("ok", "ok"),
    "logout": ("405", "login"),
    "password_reset": ("ok", "ok"),
    "password_reset_done": ("ok", "405"),
    "password_reset_confirm": ("ok", "ok"),
    "password_reset_complete": ("ok", "405"),
    "people:accept": ("ok", "ok"),
    "oidc:authenticate": ("404", "404"),
    "oidc:callback": ("404", "404"),
    "healthz": ("ok", "405"),
    "readyz": ("ok", "405"),
    "metrics": ("ok", "405"),
    "leave:feed": ("404", "405"),
}


def url_names():
    """(name, route) of every named URL, walking the whole URLconf."""

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns, None, "")))


APP_URLS = [name for name, _ in url_names() if not name.startswith(("admin:", "api:"))]
ADMIN_URLS = [name for name, _ in url_names() if name.startswith("admin:")]
API_URLS = [name for name, _ in url_names() if name.startswith("api:")]


def test_every_url_has_a_rule():
    assert set(APP_URLS) == set(RULES), "give each new page a row in RULES"


def kwargs_for(name, route, world, which="in"):
    objects = world["objects"][which]
    values = {
        "code": objects["employee"].employee_id,
        "fmt": "csv",
        "app_label": "employees",
        "object_id": "1",
        "content_type_id": "1",
        "id": "1",
        "uidb64": "MQ",
        "token": "bad-token",
        "employee_id": objects["employee"].pk,
        "day": objects["record"].date.isoformat(),
    }
    if "closure" in objects:  # a month closed for payroll
        values.update(year=objects["closure"].month.year, month=objects["closure"].month.month)
    if "<uuid:pk>" in route:
        values["pk"] = world["job" if name.startswith("jobs:") else "batch"].pk
        if name.startswith("approvals:"):
            values["pk"] = objects["request"].pk
    if "<int:pk>" in route:
        namespace = name.split(":")[0]
        if namespace == "departments":
            values["pk"] = objects["department"].pk
        elif namespace == "attendance":
            values["pk"] = objects["record"].pk
        elif namespace == "holidays":
            values["pk"] = world["holiday"].pk
        elif namespace == "tokens":
            values["pk"] = world["token"].pk
        elif namespace == "payroll":
            values["pk"] = objects["closure"].pk
        elif namespace == "notifications":
            values["pk"] = world["notification"].pk
    return {
        key: value for key, value in values.items() if f":{key}>" in route or f"<{key}>" in route
    }


def outcome(response, anonymous=False) -> str:
    location = response.get("Location", "")
    if response.status_code in (301, 302):
        if location.startswith("/admin/login/"):
            # For a visitor not signed in, the admin's sign-in page is a sign-in page too.
            return "login" if anonymous else "admin"
        if location.startswith("/login/"):
            return "login"
        if location == "/kiosk/":
            return "kiosk"
        return "ok"
    if response.status_code in (403, 404, 405):
        return str(response.status_code)
    assert response.status_code < 500, response.content[:500]
    return "ok"


def request(client, world, user_key, method, url):
    user = world["users"][user_key]
    if user is not None:
        client.force_login(user)
    return client.get(url) if method == "GET" else client.post(url, {})


ROUTES = dict(url_names())


@pytest.mark.parametrize("user_key", USERS)
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", APP_URLS)
def test_matrix(client, matrix_world, name, method, user_key):
    world = matrix_world
    route = ROUTES[name]
    url = reverse(name, kwargs=kwargs_for(name, route, world))
    rules = RULES[name][0 if method == "GET" else 1].split()
    expected = rules[USERS.index(user_key)]
    response = request(client, world, user_key, method, url)
    assert outcome(response, anonymous=user_key == "anonymous") == expected, (
        f"{method} {url} as {user_key}"
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", APP_URLS + ADMIN_URLS)
def test_a_kiosk_account_has_the_kiosk_only(client, matrix_world, name, method):
    world = matrix_world
    url = reverse(name, kwargs=kwargs_for(name, ROUTES[name], world))
    expected = KIOSK_RULES.get(name, ("kiosk", "kiosk"))[0 if method == "GET" else 1]
    response = request(client, world, "kiosk", method, url)
    assert outcome(response) == expected, f"{method} {url} as kiosk"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "name", [n for n in APP_URLS if any(f":{k}>" in ROUTES[n] for k in ("code", "pk"))]
)
def test_limited_manager_cannot_reach_another_departments_records(
    client, matrix_world, name, method
):
    """With the permission, a record outside the user's departments is a 404; without, a 403."""
    world = matrix_world
    if name.startswith("holidays:"):
        pytest.skip("holidays belong to no department")
    url = reverse(name, kwargs=kwargs_for(name, ROUTES[name], world, which="out"))
    inside = RULES[name][0 if method == "GET" else 1].split()[USERS.index("limited")]
    expected = "404" if inside == "ok" else inside
    assert outcome(request(client, world, "limited", method, url)) == expected, url


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_admin_is_for_staff_only(client, matrix_world, name):
    world = matrix_world
    route = ROUTES[name]
    url = reverse(name, kwargs=kwargs_for(name, route, world))
    get_rules, post_rules = ADMIN_RULES.get(name, (ADMIN, ADMIN))
    for user_key, get_expected, post_expected in zip(
        USERS, get_rules.split(), post_rules.split(), strict=True
    ):
        client.logout()
        anonymous = user_key == "anonymous"
        response = request(client, world, user_key, "GET", url)
        assert outcome(response, anonymous) == get_expected, f"GET {url} as {user_key}"
        response = request(client, world, user_key, "POST", url)
        assert outcome(response, anonymous) == post_expected, f"POST {url} as {user_key}"
