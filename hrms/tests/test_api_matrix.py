"""The permission matrix, extended to the API: every API URL, method and kind of user.

Users call with their own API token; "limited" is an attendance manager limited to the
department of the objects used; "employee" and "team_lead" are employees, and the employee
used reports to team_lead (see test_permission_matrix.py).
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from approvals.services import request_leave
from leave.tests.factories import LeaveTypeFactory

from .test_permission_matrix import API_URLS, ROUTES, USERS

READ = "401 ok ok ok ok ok ok"
HR = "401 403 403 ok 403 403 403"
MARK = "401 403 ok ok ok 403 403"
SIGNED_IN = "login ok ok ok ok ok ok"
# The employee used is someone else's for "employee", and reports to "team_lead".
TEAM = "401 ok ok ok ok 404 ok"
# (URL name, method): outcome for anonymous, viewer, manager, hr, limited, employee, team_lead.
API_RULES = {
    ("api:openapi-json", "GET"): SIGNED_IN,
    ("api:openapi-view", "GET"): SIGNED_IN,
    ("api:api-root", "GET"): "404 404 404 404 404 404 404",
    ("api:list_employees", "GET"): READ,
    ("api:create_employee", "POST"): HR,
    ("api:dashboard_stats", "GET"): READ,
    ("api:get_employee", "GET"): TEAM,
    ("api:update_employee", "PUT"): HR,
    ("api:delete_employee", "DELETE"): HR,
    ("api:employee_summary", "GET"): TEAM,
    ("api:list_attendance", "GET"): READ,
    ("api:mark_attendance", "POST"): MARK,
    ("api:today", "GET"): READ,
    ("api:update_attendance", "PUT"): MARK,
    ("api:delete_attendance", "DELETE"): MARK,
    ("api:me", "GET"): READ,
    # Background jobs. The import and job used are hr's; only its starter (and an HR admin
    # who sees every department, which hr is) reaches them.
    ("api:start_import_employees", "POST"): HR,
    ("api:start_import_attendance", "POST"): HR,
    ("api:get_import", "GET"): "401 404 404 ok 404 404 404",
    ("api:confirm_import", "POST"): "401 404 404 ok 404 404 404",
    ("api:start_export_employees", "POST"): HR,
    ("api:start_export_attendance", "POST"): MARK,
    ("api:start_export_register", "POST"): MARK,
    ("api:list_jobs", "GET"): READ,
    ("api:get_job", "GET"): "401 404 404 ok 404 404 404",
    ("api:cancel_job", "POST"): "401 404 404 ok 404 404 404",
    ("api:job_result", "GET"): "401 404 404 ok 404 404 404",
    # Requests (see request_of): anyone may ask, list, decide (refused unless theirs to
    # decide) and read leave; a request is seen within one's scope; it is cancelled only by
    # whom it is for or who asked (team_lead here), revoked only by HR.
    ("api:list_requests", "GET"): READ,
    ("api:request_leave", "POST"): READ,
    ("api:request_correction", "POST"): READ,
    ("api:get_request", "GET"): TEAM,
    ("api:cancel_request", "POST"): "401 403 403 403 403 404 ok",
    ("api:revoke_request", "POST"): HR,
    ("api:inbox", "GET"): READ,
    ("api:decide", "POST"): READ,
    ("api:leave_types", "GET"): READ,
    ("api:leave_balances", "GET"): READ,
    ("api:leave_calendar", "GET"): READ,
}
# Each operation answers under both forms of its path (name_ is the other form).
API_RULES.update(
    {
        (f"{name}_", method): rule
        for (name, method), rule in list(API_RULES.items())
        if not name.startswith(("api:openapi", "api:api-root"))
    }
)


def test_every_api_url_has_a_rule():
    covered = {name for name, _ in API_RULES}
    assert set(API_URLS) == covered, "give each new API operation a row in API_RULES"


def url_for(name, world, which="in"):
    objects = world["objects"][which]
    route = ROUTES[name]
    kwargs = {}
    if "<employee_id>" in route:
        kwargs["employee_id"] = objects["employee"].pk
    if "<record_id>" in route:
        kwargs["record_id"] = objects["record"].pk
    if "<import_id>" in route:
        kwargs["import_id"] = world["batch"].pk
    if "<job_id>" in route:
        kwargs["job_id"] = world["job"].pk
    if "<request_id>" in route:
        kwargs["request_id"] = request_of(world).pk
    return reverse(name, kwargs=kwargs)


def request_of(world):
    """A request for leave for the employee used (who reports to team_lead), asked by
    team_lead: made the first time it is needed."""
    if "request" not in world:
        monday = datetime.date(timezone.localdate().year + 1, 2, 1)
        monday += datetime.timedelta(days=(7 - monday.weekday()) % 7)
        world["request"] = request_leave(
            employee=world["objects"]["in"]["employee"],
            leave_type=LeaveTypeFactory(),
            start=monday,
            end=monday,
            reason="Family visit",
            by=world["users"]["team_lead"],
        )
    return world["request"]


def call(world, user_key, method, url):
    user = world["users"][user_key]
    if user is None:
        client = Client()
    elif url.startswith(("/api/openapi", "/api/docs")):
        client = Client()
        client.force_login(user)
    else:
        _, key = ApiToken.issue(user=user, name="matrix")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = '{"status": "Present"}' if method == "PUT" and "attendance" in url else "{}"
    return client.generic(method, url, data=body, content_type="application/json")


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return "login"
    if response.status_code in (401, 403, 404, 405):
        return str(response.status_code)
    assert response.status_code < 500, response.content[:500]
    return "ok"


@pytest.mark.parametrize("user_key", USERS)
@pytest.mark.parametrize(("name", "method"), sorted(API_RULES))
def test_api_matrix(matrix_world, name, method, user_key):
    world = matrix_world
    expected = API_RULES[(name, method)].split()[USERS.index(user_key)]
    url = url_for(name, world)
    assert outcome(call(world, user_key, method, url)) == expected, f"{method} {url} as {user_key}"


@pytest.mark.parametrize(
    ("name", "method"),
    sorted(
        key
        for key in API_RULES
        if "<employee_id>" in ROUTES[key[0]] or "<record_id>" in ROUTES[key[0]]
    ),
)
def test_limited_manager_cannot_reach_another_departments_records(matrix_world, name, method):
    world = matrix_world
    inside = API_RULES[(name, method)].split()[USERS.index("limited")]
    expected = "404" if inside == "ok" else inside
    url = url_for(name, world, which="out")
    assert outcome(call(world, "limited", method, url)) == expected, f"{method} {url}"


@pytest.mark.parametrize(("name", "method"), sorted(API_RULES))
def test_a_kiosk_account_has_no_api(matrix_world, name, method):
    """An office kiosk's account is refused every operation, with a token or its session."""
    world = matrix_world
    url = url_for(name, world)
    assert outcome(call(world, "kiosk", method, url)) == "403", f"{method} {url}"
