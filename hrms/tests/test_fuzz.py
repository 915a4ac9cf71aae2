"""Property-based fuzzing of every form and every API operation (hypothesis).

Whatever arrives, in any field: arbitrary unicode (NUL, right-to-left marks, very long
text; lone surrogates where JSON can carry them), boundary dates and numbers, fields
missing or repeated, values of the wrong type. The properties: never a server error
(5xx), and a refused request writes nothing at all.

`make test` runs a bounded number of examples (the "ci" profile); for a deeper run:
`HYPOTHESIS_PROFILE=deep make test PYTEST_ARGS=hrms/tests/test_fuzz.py`.
"""

import json
import os

import pytest
from auditlog.models import LogEntry
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import endpoints
from api.models import ApiToken
from approvals.models import Event, Request
from attendance.models import AttendanceRecord, Holiday
from employees.models import Department, Employee
from leave.models import Leave

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

pytestmark = pytest.mark.django_db

# What a person (or a script) might type: any text a form can carry (UTF-8: no lone
# surrogates), text with NUL and direction marks, very long text, edge dates and numbers.
EDGE_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "99999999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "0000-00-00",
    "1900-01",
    "9999-12",
    "present",
    "Present",
    "E-IN",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "x" * 10_000,
    "<script>alert(1)</script>",
    "=1+1",
]
form_text = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300),
)
form_value = st.one_of(form_text, st.lists(form_text, min_size=2, max_size=3))
json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(EDGE_VALUES + ["\ud800", "a\udfffb"]),
        st.text(max_size=200),  # lone surrogates included: JSON's \u escapes carry them
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(), inner)),
    max_leaves=5,
)


def form_data(fields):
    """Some of `fields` (maybe none), each with a value or a list of values."""
    return st.dictionaries(st.sampled_from(fields), form_value, max_size=len(fields))


def json_body(fields):
    return st.dictionaries(st.sampled_from(fields), json_value, max_size=len(fields))


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            *(Department, Employee, AttendanceRecord, Holiday, ApiToken, LogEntry),
            *(Request, Event, Leave),
        )
    }


@pytest.fixture
def world(admin_user, one_of_each):
    """A superuser (every form is open to them), and one of each record (employee E-IN) to
    aim at."""
    client = Client()
    client.force_login(admin_user)
    return {"client": client, "user": admin_user, **one_of_each}


EMPLOYEE = ["employee_id", "full_name", "email", "department", "job_title", "phone"]
EMPLOYEE_DATES = ["date_joined", "date_left"]
# Each page that takes a POST: its address (given the world) and the fields it reads. A
# page answers a change it made with a redirect, except where DONE says otherwise.
FORMS = {
    "employee create": (lambda w: "/employees/new/", EMPLOYEE + EMPLOYEE_DATES),
    "employee edit": (lambda w: "/employees/E-IN/edit/", EMPLOYEE + EMPLOYEE_DATES),
    "employee deactivate": (lambda w: "/employees/E-IN/deactivate/", ["date_left"]),
    "department create": (lambda w: "/departments/new/", ["name"]),
    "department rename": (lambda w: f"/departments/{w['department'].pk}/edit/", ["name"]),
    "holiday create": (lambda w: "/holidays/new/", ["date", "name"]),
    "holiday edit": (lambda w: f"/holidays/{w['holiday'].pk}/edit/", ["date", "name"]),
    "attendance edit": (lambda w: f"/attendance/{w['record'].pk}/edit/", ["status", "note"]),
    "mark range": (
        lambda w: "/attendance/employee/E-IN/range/",
        ["start", "end", "status", "note", "overwrite"],
    ),
    "roster": (
        lambda w: "/attendance/mark/",
        ["date", "department", "status_E-IN", "seen_E-IN", "only", "fill", "status_X", "seen_X"],
    ),
    "api token": (lambda w: "/account/tokens/", ["name", "user"]),
}
DONE = {"api token": 200}  # the new key is shown on the page itself, once
# Each page that reads a query string: its address and the parameters it reads.
FILTERS = {
    "directory": ("/employees/", ["q", "department", "status", "sort", "page"]),
    "attendance list": (
        "/attendance/",
        ["employee", "department", "start", "end", "status", "page"],
    ),
    "roster": ("/attendance/mark/", ["date", "department"]),
    "register": ("/attendance/register/", ["month", "department", "page"]),
    "register download": ("/attendance/register/export/csv/", ["month", "department"]),
    "profile": ("/employees/E-IN/", ["start", "end"]),
    "holidays": ("/holidays/", ["year"]),
    "activity": ("/activity/", ["user", "kind", "action", "start", "end", "page"]),
    "dashboard": ("/", ["x"]),
}


@pytest.mark.parametrize("name", FORMS)
def test_no_form_answers_5xx_or_writes_half_a_change(world, name):
    url, fields = FORMS[name]

    @given(data=form_data(fields))
    def post(data):
        before = counts()
        response = world["client"].post(url(world), data)
        assert response.status_code < 500, (name, data)
        if response.status_code != DONE.get(name, 302):  # refused: nothing written
            assert counts() == before, (name, data)

    post()


@pytest.mark.parametrize("name", FILTERS)
def test_no_page_answers_5xx_to_any_query(world, name):
    url, fields = FILTERS[name]

    @given(params=form_data(fields))
    def get(params):
        response = world["client"].get(url, params)
        assert response.status_code < 500, (name, params)

    get()


API_OPERATIONS = {
    "create employee": ("post", lambda w: "/api/employees/", EMPLOYEE + ["date_joined"]),
    "update employee": (
        "put",
        lambda w: f"/api/employees/{w['employee'].pk}",
        ["full_name", "email", "department"],
    ),
    "mark attendance": (
        "post",
        lambda w: "/api/attendance/",
        ["employee_id", "date", "status", "note"],
    ),
    "update attendance": (
        "put",
        lambda w: f"/api/attendance/{w['record'].pk}",
        ["status", "note"],
    ),
    "request leave": (
        "post",
        lambda w: "/api/requests/leave",
        ["employee", "leave_type", "start", "end", "part", "reason"],
    ),
    "request correction": (
        "post",
        lambda w: "/api/requests/correction",
        ["employee", "start", "end", "set_status", "check_in", "check_out", "reason"],
    ),
    "decide requests": ("post", lambda w: "/api/approvals/decide", ["ids", "action", "comment"]),
}
API_QUERIES = {
    "list employees": ("/api/employees/", ["search", "department", "skip", "limit"]),
    "list attendance": (
        "/api/attendance/",
        ["employee_id", "start_date", "end_date", "status", "skip", "limit"],
    ),
    "summary": ("/api/employees/{employee}/summary", ["x"]),
    "today": ("/api/attendance/today", ["department"]),
    "requests": ("/api/requests/", ["status", "kind", "employee", "mine", "skip", "limit"]),
    "approvals": ("/api/approvals/", ["skip", "limit"]),
    "leave balances": ("/api/leave/balances", ["employee", "year"]),
    "leave calendar": ("/api/leave/calendar", ["start", "end", "department"]),
}


@pytest.fixture
def api(world, monkeypatch):
    monkeypatch.setattr(endpoints.RATE_LIMIT, "num_requests", 10**9)
    _, key = ApiToken.issue(user=world["user"], name="fuzz")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.mark.parametrize("name", API_OPERATIONS)
def test_no_api_operation_answers_5xx_or_writes_half_a_change(world, api, name):
    method, url, fields = API_OPERATIONS[name]
    # Sometimes valid-looking, sometimes anything at all.
    body = st.one_of(json_body(fields), json_value)

    @given(payload=body)
    def call(payload):
        before = counts()
        response = getattr(api, method)(
            url(world), json.dumps(payload), content_type="application/json"
        )
        assert response.status_code < 500, (name, payload)
        assert response["Content-Type"].startswith("application/json"), (name, payload)
        if response.status_code >= 400:
            assert counts() == before, (name, payload)

    call()


@pytest.mark.parametrize("name", API_QUERIES)
def test_no_api_query_answers_5xx(world, api, name):
    path, fields = API_QUERIES[name]

    @given(params=form_data(fields))
    def get(params):
        response = api.get(path.format(employee=world["employee"].pk), params)
        assert response.status_code < 500, (name, params)

    get()


@given(body=st.binary(max_size=2000))
def test_any_bytes_as_an_api_body_are_answered_in_json(body):
    client = Client()
    response = client.post("/api/employees/", body, content_type="application/json")
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
