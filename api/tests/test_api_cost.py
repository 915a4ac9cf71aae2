"""What the API's common operations cost: queries per request (fixed, whatever the number
of rows), the lists' exact answers, the cheapest operation (/api/me), and no session for a
token."""

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from accounts import roles
from accounts.scoping import EVERYTHING
from api import schemas
from api.models import ApiToken
from attendance import selectors as attendance_selectors
from attendance.models import AttendanceRecord
from attendance.tests.factories import AttendanceRecordFactory
from core.testing import shared_cache_cost
from employees.models import Employee
from employees.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

# What a token costs on every operation, besides the token itself: an HR admin's
# permissions (1 query) and department limits (1); a superuser has every permission and
# no limits.
ASKING = {"superuser": 0, "hr": 2}


def rate_limit_cost() -> int:
    """The rate-limit counter: in Redis when REDIS_URL is set, else one database query."""
    return 0 if settings.REDIS_URL else 1


def today():
    return timezone.localdate()


@pytest.fixture
def make_user(django_user_model):
    def make(kind: str):
        if kind == "superuser":
            return django_user_model.objects.create_superuser("boss", password="x-Pass-1234")
        user = django_user_model.objects.create_user(kind, password="x-Pass-1234")
        user.groups.add(Group.objects.get(name=roles.HR_ADMIN))
        return user

    return make


def token_client(user) -> Client:
    _, key = ApiToken.issue(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def hr(make_user):
    return make_user("hr")


@pytest.fixture
def api(hr):
    client = token_client(hr)
    # The first request of a token notes its use and opens a rate-limit window: the
    # requests measured below are the ones after it.
    assert client.get("/api/me").status_code == 200
    return client


def mark(client, employee, day):
    return client.post(
        "/api/attendance",
        {"employee_id": str(employee.pk), "date": day.isoformat(), "status": "Present"},
        content_type="application/json",
    )


class TestMarkAttendance:
    @pytest.mark.parametrize("kind", ["superuser", "hr"])
    def test_one_record_in_seven_queries_with_its_audit_entry(
        self, make_user, kind, django_assert_max_num_queries
    ):
        user = make_user(kind)
        client = token_client(user)
        amy, ben = EmployeeFactory.create_batch(2, date_joined=datetime.date(2025, 1, 6))
        assert mark(client, ben, today()).status_code == 201  # the first request: see `api`

        # The token, the employee, the record and its audit entry in one transaction
        # (a savepoint inside the test's), and what the caller and the shared store cost.
        # The shared store: the rate-limit counter, and the day's figures forgotten.
        most = 7 + ASKING[kind] + rate_limit_cost() + shared_cache_cost()[1]
        with django_assert_max_num_queries(most) as queries:
            response = mark(client, amy, today())
        # Without the test's transaction its savepoints are the service's BEGIN and COMMIT
        # (not queries); with Redis the shared store costs none: at most 7, all told.
        own = [q for q in queries if "SAVEPOINT" not in q["sql"] and "hrms_cache" not in q["sql"]]
        assert len(own) - rate_limit_cost() <= 7

        assert response.status_code == 201
        record = AttendanceRecord.objects.get(employee=amy)
        assert (record.date, record.status, record.marked_by) == (today(), "present", user)
        assert response.json()["id"] == record.pk
        entry = LogEntry.objects.get_for_object(record).get()
        assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, user)

    def test_an_already_marked_day_is_still_refused_with_the_record_named(self, api):
        amy = EmployeeFactory(
            employee_id="E1", full_name="Amy", date_joined=datetime.date(2025, 1, 6)
        )
        AttendanceRecordFactory(employee=amy, date=datetime.date(2025, 3, 3), status="absent")
        response = mark(api, amy, datetime.date(2025, 3, 3))
        assert response.status_code == 409
        assert response.json()["detail"].startswith(
            "Amy (E1) is already marked Absent on 3 Mar 2025. To change it, edit that record"
        )
        assert AttendanceRecord.objects.get().status == "absent"
        assert LogEntry.objects.get_for_model(AttendanceRecord).count() == 1  # its creation


def add_employees(n: int, department) -> None:
    for employee in EmployeeFactory.create_batch(
        n, department=department, date_joined=today() - datetime.timedelta(days=30)
    ):
        AttendanceRecordFactory(employee=employee, date=today(), status="wfh")
        AttendanceRecordFactory(employee=employee, date=today() - datetime.timedelta(days=1))


class TestLists:
    @pytest.mark.parametrize("path", ["/api/employees", "/api/attendance", "/api/attendance/today"])
    def test_queries_do_not_grow_with_the_rows(self, api, path):
        sales = DepartmentFactory(name="Sales")
        counts = []
        for n in (2, 20):
            add_employees(n, sales)
            with CaptureQueriesContext(connection) as queries:
                response = api.get(path)
            assert response.status_code == 200
            counts.append(len(queries))
        assert len(response.json()) in (22, 44)
        # The token, the HR admin's permissions and departments, the rows.
        assert counts[0] == counts[1] <= 5 + rate_limit_cost()

    def render(self, rows) -> dict:
        return json.loads(json.dumps(rows, cls=NinjaJSONEncoder))

    def test_employees_are_answered_as_the_schema_shapes_them(self, api):
        add_employees(3, DepartmentFactory(name="Sales"))
        Employee.objects.filter(pk=Employee.objects.first().pk).update(phone="+1 555")
        expected = [
            schemas.EmployeeOut.from_orm(employee).model_dump()
            for employee in Employee.objects.select_related("department").order_by(
                "-created_at", "-employee_id"
            )
        ]
        response = api.get("/api/employees")
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.content == json.dumps(expected, cls=NinjaJSONEncoder).encode()
        assert list(response.json()[0]) == list(schemas.EmployeeOut.model_fields)

    def test_records_are_answered_as_the_schema_shapes_them(self, api):
        add_employees(3, DepartmentFactory(name="Sales"))
        AttendanceRecord.objects.filter(date=today()).update(note="Remote")
        records = attendance_selectors.attendance_list(scope=EVERYTHING)
        expected = [schemas.AttendanceOut.from_orm(record).model_dump() for record in records]
        response = api.get("/api/attendance")
        assert response.content == json.dumps(expected, cls=NinjaJSONEncoder).encode()
        assert {row["status"] for row in response.json()} == {"Work from home", "Present"}

    def test_today_is_answered_as_the_schema_shapes_it(self, api):
        add_employees(2, DepartmentFactory(name="Sales"))
        EmployeeFactory(full_name="Zed Unmarked", date_joined=today())
        expected = [
            schemas.TodayOut(
                employee_id=employee.pk,
                employee_code=employee.employee_id,
                full_name=employee.full_name,
                department=employee.department_name,
                date=today(),
                status="Work from home" if employee.status else schemas.NOT_MARKED,
            ).model_dump()
            for employee in attendance_selectors.roster(day=today(), scope=EVERYTHING)
        ]
        response = api.get("/api/attendance/today")
        assert response.content == json.dumps(expected, cls=NinjaJSONEncoder).encode()
        statuses = {row["full_name"]: row["status"] for row in response.json()}
        assert statuses.pop("Zed Unmarked") == "Not Marked"
        assert set(statuses.values()) == {"Work from home"}


class TestMe:
    def test_needs_a_token_or_a_session(self, client):
        response = client.get("/api/me")
        assert response.status_code == 401
        assert response.json() == {"detail": "Unauthorized"}

    def test_names_the_user_and_the_api_permissions_they_hold(self, django_user_model):
        viewer = django_user_model.objects.create_user("viewer")
        viewer.groups.add(Group.objects.get(name=roles.VIEWER))
        response = token_client(viewer).get("/api/me/")
        assert response.status_code == 200
        assert response.json() == {
            "username": "viewer",
            "permissions": ["attendance.view_attendancerecord", "employees.view_employee"],
        }

    def test_the_browser_session_works_too(self, client, hr):
        client.force_login(hr)
        body = client.get("/api/me").json()
        assert body["username"] == "hr"
        assert "attendance.add_attendancerecord" in body["permissions"]

    def test_costs_only_the_token_and_the_rate_limit(self, make_user):
        client = token_client(make_user("superuser"))
        client.get("/api/me")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/me").status_code == 200
        assert len(queries) == 1 + rate_limit_cost()

    def test_is_rate_limited_like_the_others(self, api, monkeypatch):
        from api import endpoints

        monkeypatch.setattr(endpoints.RATE_LIMIT, "num_requests", 2)
        assert [api.get("/api/me").status_code for _ in range(2)] == [200, 429]

    def test_is_in_the_schema(self, client, hr):
        client.force_login(hr)
        operation = client.get("/api/openapi.json").json()["paths"]["/api/me"]["get"]
        assert operation["tags"] == ["account"]
        assert set(operation["responses"]) >= {"200", "401", "429"}


class TestTokenRequestsAndSessions:
    @pytest.fixture
    def browser(self, hr):
        """A signed-in browser whose session is due to be extended by its next request."""
        client = token_client(hr)  # it has a token too, sent with every request
        client.force_login(hr)
        session = SessionStore(client.cookies["sessionid"].value)
        session["active_period"] = 0  # noted long ago
        session.save()
        Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
        return client

    def expiry(self):
        return Session.objects.get().expire_date

    def test_a_token_request_neither_reads_nor_extends_the_browsers_session(self, browser):
        before = self.expiry()
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/api/employees").status_code == 200
        assert not [q for q in queries if "django_session" in q["sql"]]
        assert self.expiry() == before
        assert browser.cookies["sessionid"].value == Session.objects.get().session_key

    def test_the_browser_session_is_extended_as_before_without_a_token(self, browser):
        before = self.expiry()
        del browser.defaults["HTTP_AUTHORIZATION"]
        assert browser.get("/api/employees").status_code == 200
        assert self.expiry() > before + datetime.timedelta(hours=1)

    def test_no_session_is_made_for_a_token(self, api):
        assert mark(api, EmployeeFactory(), today()).status_code == 201
        assert api.get("/api/attendance/today").status_code == 200
        assert not Session.objects.exists()
        assert "sessionid" not in api.cookies
