"""Property-based: schemathesis drives every API operation with data generated from the
OpenAPI schema. No answer may be a server error, and every answer must match the schema
(status code, content type and body)."""

import datetime

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.endpoints import api
from api.models import ApiToken
from attendance.tests.factories import AttendanceRecordFactory
from employees.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
schema.app = WSGIHandler()


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
