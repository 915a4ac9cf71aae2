"""Property-based: schemathesis drives every API operation with data generated from the
OpenAPI schema. No answer may be a server error, and every answer must match the schema
(status code, content type and body)."""

import datetime

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.endpoints import api
from api.models import ApiToken
from approvals.models import Request
from approvals.services import request_correction, request_leave
from attendance.models import Status
from attendance.tests.factories import AttendanceRecordFactory
from employees.tests.factories import DepartmentFactory, EmployeeFactory
from leave.tests.factories import LeaveTypeFactory

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
schema.app = WSGIHandler()


# The ids of the requests made below: generated ids of a request (in a path, or a list of
# them to decide) are often swapped for one of these, so the operations on a request also
# find one, not only answer 404.
KNOWN_REQUESTS: list[str] = []


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not (
        isinstance(path_parameters, dict) and "request_id" in path_parameters and KNOWN_REQUESTS
    ):
        return st.just(path_parameters)
    known = st.sampled_from(KNOWN_REQUESTS).map(lambda pk: {**path_parameters, "request_id": pk})
    return st.one_of(st.just(path_parameters), known)


@schema.hook
def flatmap_body(context, body):
    if not (isinstance(body, dict) and isinstance(body.get("ids"), list) and KNOWN_REQUESTS):
        return st.just(body)
    known = st.lists(st.sampled_from(KNOWN_REQUESTS), min_size=1, max_size=len(KNOWN_REQUESTS))
    return st.one_of(st.just(body), known.map(lambda ids: {**body, "ids": ids}))


def test_the_fuzzer_drives_the_requests_operations():
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert {
        "GET /api/requests/",
        "POST /api/requests/leave",
        "POST /api/requests/correction",
        "GET /api/requests/{request_id}",
        "POST /api/requests/{request_id}/cancel",
        "POST /api/requests/{request_id}/revoke",
        "GET /api/approvals/",
        "POST /api/approvals/decide",
        "GET /api/leave/types",
        "GET /api/leave/balances",
        "GET /api/leave/calendar",
    } <= labels


@pytest.fixture(autouse=True)
def keep_test_connection():
    """The WSGI handler closes the database connection after each request, as it should
    in production; inside a test that connection holds the test's transaction, so keep
    it open the way Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(django_user_model, settings):
    settings.ALLOWED_HOSTS = ["*"]
    user = django_user_model.objects.create_superuser("fuzzer", password="x-Pass-1234")
    department = DepartmentFactory(name="Engineering")
    for employee in EmployeeFactory.create_batch(3, department=department):
        AttendanceRecordFactory(
            employee=employee, date=employee.date_joined + datetime.timedelta(days=1)
        )
    # Requests: the fuzzer is an employee too (so it may ask for itself), reporting to
    # someone with an account; types of leave (small ids, as generated ids often are)
    # and requests of each kind to list, decide and look at.
    joined = datetime.date(2000, 1, 3)
    boss = EmployeeFactory(
        employee_id="BOSS",
        department=department,
        date_joined=joined,
        user=django_user_model.objects.create_user("boss"),
    )
    own = EmployeeFactory(
        employee_id="FUZZ", department=department, date_joined=joined, user=user, manager=boss
    )
    annual = LeaveTypeFactory()
    LeaveTypeFactory(name="Unpaid", paid=False, allow_negative=True)
    today = timezone.localdate()
    monday = datetime.date(today.year + 1, 2, 1)
    monday += datetime.timedelta(days=(7 - monday.weekday()) % 7)
    for employee in (own, boss):
        request_leave(
            employee=employee,
            leave_type=annual,
            start=monday,
            end=monday + datetime.timedelta(days=4),
            reason="Family visit",
            by=user,
        )
        request_correction(
            employee=employee,
            start=today - datetime.timedelta(days=3),
            end=today - datetime.timedelta(days=2),
            set_status=Status.PRESENT,
            reason="Forgot",
            by=user,
        )
    KNOWN_REQUESTS[:] = [str(pk) for pk in Request.objects.values_list("pk", flat=True)]
    _, key = ApiToken.issue(user=user, name="schemathesis")
    return key


@schema.parametrize()
@settings(
    max_examples=60,
    derandomize=True,  # the same examples on every CI run: a failure is never a fluke
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_its_contract(case, api_key):
    case.call_and_validate(
        # The checks read the body as sent: uncompressed (clients that ask get gzip).
        headers={"Authorization": f"Bearer {api_key}", "Accept-Encoding": "identity"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
