"""The JSON API keeps the original contract: paths, status codes, shapes and error bodies."""

import datetime
import uuid

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from pytest_django.asserts import assertContains

from accounts import roles
from accounts.models import DepartmentScope
from api import endpoints
from api.models import ApiToken, hash_key
from attendance.models import AttendanceRecord
from attendance.tests.factories import AttendanceRecordFactory
from core.testing import in_parallel
from employees.models import Employee
from employees.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def api_client(user) -> Client:
    _, key = ApiToken.issue(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def hr(django_user_model):
    user = django_user_model.objects.create_user("hr", password="x-Pass-1234")
    user.groups.add(Group.objects.get(name=roles.HR_ADMIN))
    return user


@pytest.fixture
def api(hr):
    return api_client(hr)


@pytest.fixture
def sales():
    return DepartmentFactory(name="Sales")


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def put(client, url, data):
    return client.put(url, data, content_type="application/json")


NEW_EMPLOYEE = {
    "employee_id": "emp001",
    "full_name": "John Doe",
    "email": "John.Doe@Example.com",
    "department": "sales",
}


class TestEmployees:
    def test_create(self, api, sales):
        response = post(api, "/api/employees/", NEW_EMPLOYEE)
        assert response.status_code == 201
        body = response.json()
        assert {
            k: body[k] for k in ("employee_id", "full_name", "email", "department", "is_active")
        } == {
            "employee_id": "EMP001",
            "full_name": "John Doe",
            "email": "john.doe@example.com",
            "department": "Sales",
            "is_active": True,
        }
        assert uuid.UUID(body["id"])
        assert set(body) >= {"id", "created_at", "updated_at"}

    def test_reporting_lines_by_code(self, api, sales):
        boss = EmployeeFactory(employee_id="BOSS", full_name="Big Boss")
        created = post(api, "/api/employees/", {**NEW_EMPLOYEE, "manager": "boss"}).json()
        assert created["manager"] == "BOSS"
        listed = api.get("/api/employees/", {"search": "EMP001"}).json()
        assert [row["manager"] for row in listed] == ["BOSS"]
        # The boss cannot report to someone who reports to them.
        loop = put(api, f"/api/employees/{boss.pk}", {"manager": "EMP001"})
        assert loop.status_code == 422
        assert loop.json()["detail"][0]["loc"] == ["body", "manager"]
        assert "John Doe reports to Big Boss" in loop.json()["detail"][0]["msg"]
        cleared = put(api, f"/api/employees/{created['id']}", {"manager": ""})
        assert cleared.status_code == 200
        assert cleared.json()["manager"] is None
        unknown = put(api, f"/api/employees/{created['id']}", {"manager": "NOPE"})
        assert unknown.json()["detail"][0]["msg"] == "No employee has the code NOPE."

    @pytest.mark.parametrize(
        "duplicate", [{"employee_id": "EMP001"}, {"email": "JOHN.DOE@example.COM"}]
    )
    def test_duplicate_code_or_email_in_any_case_is_409(self, api, sales, duplicate):
        post(api, "/api/employees/", NEW_EMPLOYEE)
        other = {**NEW_EMPLOYEE, "employee_id": "EMP002", "email": "x@example.com", **duplicate}
        response = post(api, "/api/employees/", other)
        assert response.status_code == 409
        assert "is already the" in response.json()["detail"]
        assert Employee.objects.count() == 1

    def test_invalid_is_422_listing_each_field(self, api, sales):
        response = post(
            api,
            "/api/employees/",
            {"employee_id": "EMP 1", "full_name": " ", "email": "nope", "department": "Mars"},
        )
        assert response.status_code == 422
        fields = {tuple(item["loc"]) for item in response.json()["detail"]}
        assert fields == {
            ("body", "employee_id"),
            ("body", "full_name"),
            ("body", "email"),
            ("body", "department"),
        }
        assert not Employee.objects.exists()

    def test_nul_characters_are_422_not_a_server_error(self, api, sales):
        # PostgreSQL cannot store NUL; the API refuses it like the web forms do.
        response = post(api, "/api/employees/", {**NEW_EMPLOYEE, "full_name": "John\x00Doe"})
        assert response.status_code == 422
        assert [item["loc"] for item in response.json()["detail"]] == [["body", "full_name"]]
        assert "NUL" in response.json()["detail"][0]["msg"]
        assert not Employee.objects.exists()
        assert api.get("/api/employees/", {"search": "a\x00"}).status_code == 422
        assert api.get("/api/attendance/", {"start_date": "\x00"}).status_code == 422

    def test_a_lone_surrogate_is_422_not_a_server_error(self, api, sales):
        # JSON can spell one ("\\ud800"); no database can store it.
        body = '{"employee_id": "E1", "full_name": "A\\ud800", "email": "a@example.com", '
        body += '"department": "sales"}'
        response = api.post("/api/employees/", body, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "full_name"]
        assert "surrogate" in response.json()["detail"][0]["msg"]
        assert not Employee.objects.exists()

    def test_a_nul_in_the_path_is_a_json_400(self, api):
        response = api.get("/api/employees/%00/")
        assert response.status_code == 400
        assert "NUL" in response.json()["detail"]

    def test_missing_fields_are_422(self, api):
        response = post(api, "/api/employees/", {"full_name": "X"})
        assert response.status_code == 422
        assert {tuple(item["loc"]) for item in response.json()["detail"]} == {
            ("body", "employee_id"),
            ("body", "email"),
            ("body", "department"),
        }

    def test_list_active_newest_first_with_search_department_and_paging(self, api, sales):
        old = EmployeeFactory(full_name="Old Timer", department=sales)
        new = EmployeeFactory(full_name="New Starter")
        EmployeeFactory(full_name="Gone", is_active=False, date_left=today())
        Employee.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(1))
        assert [e["full_name"] for e in api.get("/api/employees/").json()] == [
            "New Starter",
            "Old Timer",
        ]
        assert [e["id"] for e in api.get("/api/employees", {"search": "starter"}).json()] == [
            str(new.pk)
        ]
        assert [e["id"] for e in api.get("/api/employees/", {"department": "SALES"}).json()] == [
            str(old.pk)
        ]
        assert len(api.get("/api/employees/", {"skip": 1, "limit": 1}).json()) == 1

    def test_limit_is_capped_at_500(self, api):
        EmployeeFactory.create_batch(501)
        assert len(api.get("/api/employees/", {"limit": 10000}).json()) == 500

    def test_get_update_delete(self, api, sales):
        employee = EmployeeFactory(full_name="Jane Smith")
        url = f"/api/employees/{employee.pk}"
        assert api.get(url).json()["full_name"] == "Jane Smith"
        response = put(api, url, {"full_name": "Jane Jones", "department": "Sales"})
        assert (
            response.status_code,
            response.json()["full_name"],
            response.json()["department"],
        ) == (
            200,
            "Jane Jones",
            "Sales",
        )
        assert api.delete(url).status_code == 204
        assert not Employee.objects.exists()
        missing = api.get(url)
        assert missing.status_code == 404
        assert "detail" in missing.json()

    def test_update_to_a_taken_email_is_409(self, api):
        EmployeeFactory(email="taken@example.com")
        employee = EmployeeFactory()
        response = put(api, f"/api/employees/{employee.pk}", {"email": "TAKEN@example.com"})
        assert response.status_code == 409

    def test_summary(self, api):
        employee = EmployeeFactory(employee_id="E1", date_joined=datetime.date(2025, 1, 1))
        for day, status in [(3, "present"), (4, "absent"), (5, "half_day"), (6, "on_leave")]:
            AttendanceRecordFactory(
                employee=employee, date=datetime.date(2025, 3, day), status=status
            )
        body = api.get(f"/api/employees/{employee.pk}/summary").json()
        assert body == {
            "id": str(employee.pk),
            "employee_id": "E1",
            "full_name": employee.full_name,
            "total_present": 1,
            "total_absent": 1,
            "total_half_day": 1,
            "total_on_leave": 1,
            "total_work_from_home": 0,
            "total_marked": 4,
            "attendance_rate": pytest.approx(50.0),
        }

    def test_dashboard_stats(self, api, sales, settings):
        settings.WEEKLY_OFF_DAYS = []
        amy = EmployeeFactory(department=sales, date_joined=today())
        EmployeeFactory(department=sales, date_joined=today())
        AttendanceRecordFactory(employee=amy, status="present")
        body = api.get("/api/employees/dashboard/stats").json()
        assert body["total_employees"] == 2
        assert body["departments"] == [{"name": "Sales", "count": 2}]
        assert body["today_attendance"]["present"] == 1
        assert body["today_attendance"]["not_marked"] == 1
        assert body["overall_attendance_rate"] == 100.0
        assert len(body["recent_employees"]) == 2


class TestAttendance:
    @pytest.fixture
    def amy(self):
        return EmployeeFactory(
            employee_id="E1", full_name="Amy", date_joined=datetime.date(2025, 1, 6)
        )

    def mark(self, api, employee, day="2025-03-03", status="Present"):
        return post(
            api,
            "/api/attendance/",
            {"employee_id": str(employee.pk), "date": day, "status": status},
        )

    def test_mark(self, api, amy, hr):
        response = self.mark(api, amy)
        assert response.status_code == 201
        body = response.json()
        assert {
            k: body[k]
            for k in ("employee_id", "employee_name", "employee_employee_id", "date", "status")
        } == {
            "employee_id": str(amy.pk),
            "employee_name": "Amy",
            "employee_employee_id": "E1",
            "date": "2025-03-03",
            "status": "Present",
        }
        assert AttendanceRecord.objects.get().marked_by == hr

    def test_unknown_employee_is_404(self, api):
        response = post(
            api,
            "/api/attendance/",
            {"employee_id": str(uuid.uuid4()), "date": "2025-03-03", "status": "Present"},
        )
        assert response.status_code == 404
        assert response.json() == {"detail": "There is no employee with that id."}

    def test_already_marked_is_409(self, api, amy):
        self.mark(api, amy)
        response = self.mark(api, amy, status="Absent")
        assert response.status_code == 409
        assert response.json()["detail"].startswith(
            "Amy (E1) is already marked Present on 3 Mar 2025."
        )

    @pytest.mark.parametrize(
        ("day", "status", "message"),
        [
            (
                (datetime.date.today() + datetime.timedelta(days=5)).isoformat(),
                "Present",
                "in the future",
            ),
            ("2025-01-01", "Present", "joined on"),
            ("2025-03-03", "Late", "Input should be"),
            ("03/03/2025", "Present", "date"),
        ],
    )
    def test_rules_are_422(self, api, amy, day, status, message):
        response = self.mark(api, amy, day=day, status=status)
        assert response.status_code == 422
        assert message in str(response.json()["detail"])
        assert not AttendanceRecord.objects.exists()

    def test_list_filters(self, api, amy):
        for day, status in [(3, "present"), (4, "absent"), (5, "present")]:
            AttendanceRecordFactory(employee=amy, date=datetime.date(2025, 3, day), status=status)
        AttendanceRecordFactory(
            date=datetime.date(2025, 3, 4), employee__date_joined=datetime.date(2025, 1, 1)
        )

        def dates(**params):
            return [r["date"] for r in api.get("/api/attendance/", params).json()]

        assert dates(employee_id=str(amy.pk)) == ["2025-03-05", "2025-03-04", "2025-03-03"]
        assert dates(employee_id=str(amy.pk), status="Present") == ["2025-03-05", "2025-03-03"]
        assert dates(start_date="2025-03-04", end_date="2025-03-04") == ["2025-03-04", "2025-03-04"]
        assert api.get("/api/attendance/", {"start_date": "yesterday"}).status_code == 422

    def test_today_lists_everyone_with_not_marked(self, api, amy):
        ben = EmployeeFactory(employee_id="E2", date_joined=datetime.date(2025, 1, 6))
        AttendanceRecordFactory(employee=amy, date=today(), status="wfh")
        body = {
            row["employee_code"]: row["status"] for row in api.get("/api/attendance/today").json()
        }
        assert body == {"E1": "Work from home", "E2": "Not Marked"}
        assert ben

    def test_update_and_delete(self, api, amy):
        record = AttendanceRecordFactory(
            employee=amy, date=datetime.date(2025, 3, 3), status="absent"
        )
        response = put(
            api, f"/api/attendance/{record.pk}", {"status": "Half day", "note": "Dentist"}
        )
        assert (response.status_code, response.json()["status"], response.json()["note"]) == (
            200,
            "Half day",
            "Dentist",
        )
        assert api.delete(f"/api/attendance/{record.pk}/").status_code == 204
        assert api.delete(f"/api/attendance/{record.pk}").status_code == 404
        assert put(api, "/api/attendance/999999", {"status": "Present"}).status_code == 404


class TestBothSlashForms:
    @pytest.mark.parametrize(
        "path",
        [
            "/api/employees",
            "/api/employees/",
            "/api/attendance",
            "/api/attendance/",
            "/api/attendance/today",
            "/api/attendance/today/",
            "/api/employees/dashboard/stats",
            "/api/employees/dashboard/stats/",
        ],
    )
    def test_get(self, api, path):
        assert api.get(path).status_code == 200

    def test_post_without_the_slash(self, api, sales):
        assert post(api, "/api/employees", NEW_EMPLOYEE).status_code == 201


class TestAuthentication:
    def test_no_anonymous_access(self, client):
        response = client.get("/api/employees/")
        assert response.status_code == 401
        assert response.json() == {"detail": "Unauthorized"}

    def test_tokens_are_stored_hashed_and_revocable(self, hr):
        token, key = ApiToken.issue(user=hr, name="payroll")
        assert key not in (token.key_hash, token.prefix)
        assert token.key_hash == hash_key(key)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        assert client.get("/api/employees/").status_code == 200
        token.revoke()
        assert client.get("/api/employees/").status_code == 401

    def test_a_wrong_token_is_refused(self):
        client = Client(HTTP_AUTHORIZATION="Bearer hrms_guess")
        assert client.get("/api/employees/").status_code == 401

    def test_a_deactivated_users_token_stops_working(self, hr):
        client = api_client(hr)
        hr.is_active = False
        hr.save()
        assert client.get("/api/employees/").status_code == 401

    def test_the_browser_session_works_with_its_csrf_token(self, hr, sales):
        client = Client(enforce_csrf_checks=True)
        client.force_login(hr)
        assert client.get("/api/employees/").status_code == 200
        assert post(client, "/api/employees/", NEW_EMPLOYEE).status_code == 403
        client.get("/employees/")  # any page sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        response = client.post(
            "/api/employees/",
            NEW_EMPLOYEE,
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 201

    def test_rate_limited_per_token(self, hr, monkeypatch):
        monkeypatch.setattr(endpoints.RATE_LIMIT, "num_requests", 3)
        first, second = api_client(hr), api_client(hr)
        codes = [first.get("/api/employees/").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert second.get("/api/employees/").status_code == 200  # another token


class TestRulesAndAudit:
    def test_changes_are_in_the_audit_trail_as_the_tokens_user(self, api, hr, sales):
        employee_id = post(api, "/api/employees/", NEW_EMPLOYEE).json()["id"]
        put(api, f"/api/employees/{employee_id}", {"full_name": "Johnny Doe"})
        entries = LogEntry.objects.get_for_model(Employee).order_by("pk")
        assert [(e.action, e.actor) for e in entries] == [
            (LogEntry.Action.CREATE, hr),
            (LogEntry.Action.UPDATE, hr),
        ]

    def test_department_limits_apply(self, django_user_model, sales):
        manager = django_user_model.objects.create_user("limited")
        manager.groups.add(Group.objects.get(name=roles.ATTENDANCE_MANAGER))
        DepartmentScope.objects.create(user=manager).departments.add(sales)
        inside = EmployeeFactory(department=sales, date_joined=datetime.date(2025, 1, 1))
        outside = EmployeeFactory(date_joined=datetime.date(2025, 1, 1))
        client = api_client(manager)
        assert [e["id"] for e in client.get("/api/employees/").json()] == [str(inside.pk)]
        assert client.get(f"/api/employees/{outside.pk}").status_code == 404
        response = post(
            client,
            "/api/attendance/",
            {"employee_id": str(outside.pk), "date": "2025-03-03", "status": "Present"},
        )
        assert response.status_code == 404
        assert [r["employee_id"] for r in client.get("/api/attendance/today").json()] == [
            str(inside.pk)
        ]

    def test_a_viewer_reads_but_cannot_change(self, django_user_model, sales):
        viewer = django_user_model.objects.create_user("viewer")
        viewer.groups.add(Group.objects.get(name=roles.VIEWER))
        client = api_client(viewer)
        assert client.get("/api/employees/").status_code == 200
        response = post(client, "/api/employees/", NEW_EMPLOYEE)
        assert response.status_code == 403
        assert response.json() == {"detail": "Your account does not have permission to do that."}


class TestDocs:
    def test_schema_and_docs_for_signed_in_users(self, client, hr):
        assert client.get("/api/openapi.json").status_code == 302
        assert client.get("/api/docs")["Location"].startswith("/login/")
        client.force_login(hr)
        schema = client.get("/api/openapi.json").json()
        assert "/api/employees/" in schema["paths"]
        assert "/api/attendance/{record_id}" in schema["paths"]
        docs = client.get(reverse("api:openapi-view"))
        assert docs.status_code == 200
        assert "cdn" not in docs.content.decode().lower()

    def test_the_docs_list_every_operation(self, client, hr):
        client.force_login(hr)
        schema = client.get("/api/openapi.json").json()
        html = client.get("/api/docs").content.decode()
        operations = [
            (method.upper(), path, operation)
            for path, item in schema["paths"].items()
            for method, operation in item.items()
        ]
        # 13, the jobs (2 uploads, 3 exports, 6 more), and requests, approvals and leave (11)
        assert len(operations) == 35
        for method, path, operation in operations:
            # In the contents, a link to the operation; there, its name, method and path.
            assert f'href="#{operation["operationId"]}"' in html
            section = html.split(f'id="{operation["operationId"]}"')[1].split("</article>")[0]
            assert f">{operation['summary']}</h3>" in section
            assert f"{method} {path}" in strip_tags(section)

    def test_an_operation_shows_its_parameters_body_responses_and_authentication(self, client, hr):
        client.force_login(hr)
        html = client.get("/api/docs").content.decode()
        create = html.split('id="api_endpoints_create_employee"')[1].split("</article>")[0]
        assert "Add an employee. 409 when the code or email" in create
        assert "<code>Authorization: Bearer &lt;token&gt;</code>" in create
        assert '<code>employee_id</code> <span class="required-note">required</span>' in create
        assert "&quot;employee_id&quot;: &quot;EMP001&quot;" in create  # the example body
        link = '<a class="type-link" href="#schema-EmployeeOut"><code>EmployeeOut</code></a>'
        assert link in create
        assert "<code>409</code>" in create
        listing = html.split('id="api_endpoints_list_attendance"')[1].split("</article>")[0]
        for name in ("employee_id", "start_date", "end_date", "status", "skip", "limit"):
            assert f"<code>{name}</code>" in listing
        # The answers every operation may give are listed once, with their body.
        common = html.split('id="common-responses"')[1]
        for status in ("400", "401", "403", "422", "429"):
            assert f"<code>{status}</code>" in common
            assert f"<code>{status}</code>" not in create
        assert 'id="schema-ValidationErrors"' in html

    def test_the_docs_link_back_to_the_app_and_to_the_schema(self, client, hr):
        client.force_login(hr)
        response = client.get("/api/docs")
        assertContains(
            response, f'<a href="{reverse("dashboard:home")}">← HRMS Lite</a>', html=True
        )
        assertContains(
            response,
            f'<a class="button" href="{reverse("api:openapi-json")}" download="openapi.json">'
            "Download openapi.json</a>",
            html=True,
        )
        assertContains(response, '<html lang="en"')


def test_token_requests_leave_no_session_behind(hr, sales):
    from django.contrib.sessions.models import Session

    api = api_client(hr)
    for _ in range(3):
        assert api.get("/api/employees/").status_code == 200
    assert post(api, "/api/employees/", NEW_EMPLOYEE).status_code == 201
    assert not Session.objects.exists()
    assert "sessionid" not in api.cookies


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_deletes_of_one_employee_delete_once(admin_user, monkeypatch):
    # A superuser, not a role: a transactional test runs on a database emptied of the roles.
    hr = admin_user
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    employee = EmployeeFactory()
    clients = [api_client(hr) for _ in range(20)]
    all_loaded = threading.Barrier(len(clients), timeout=20)
    real_employee = endpoints._employee

    def load_then_wait(request, employee_id):
        found = real_employee(request, employee_id)
        all_loaded.wait()  # every request has found the employee; now all delete
        return found

    monkeypatch.setattr(endpoints, "_employee", load_then_wait)
    codes = []

    in_parallel(
        lambda c: codes.append(c.delete(f"/api/employees/{employee.pk}").status_code), clients
    )
    assert sorted(codes) == [204] + [404] * 19
    assert not Employee.objects.exists()
    deletions = LogEntry.objects.filter(object_pk=str(employee.pk), action=LogEntry.Action.DELETE)
    assert deletions.count() == 1


class TestEveryAnswerIsJson:
    def test_an_unknown_path_is_a_json_404(self, api):
        response = api.get("/api/nothing-here/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found: no API operation has this path."}

    def test_a_method_not_allowed_is_a_json_405(self, api):
        response = api.patch("/api/employees/", {}, content_type="application/json")
        assert response.status_code == 405
        assert "not allowed" in response.json()["detail"]

    def test_a_body_over_the_upload_limit_is_a_json_400(self, api, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        response = post(api, "/api/employees/", {**NEW_EMPLOYEE, "full_name": "x" * 2000})
        assert response.status_code == 400
        assert "size limit" in response.json()["detail"]
        assert not Employee.objects.exists()

    def test_pages_outside_the_api_keep_their_html(self, admin_client):
        response = admin_client.get("/employees/nothing/here/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")


class TestSharedRateLimit:
    def test_counts_exactly_in_the_shared_store(self, hr, settings):
        from api.ratelimit import count_request

        assert [count_request("someone", period=60) for _ in range(3)] == [1, 2, 3]
        assert count_request("someone-else", period=60) == 1

    def test_a_new_window_starts_again(self, monkeypatch):
        from api import ratelimit

        clock = [1_000_000.0]
        monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
        assert ratelimit.count_request("me", period=60) == 1
        assert ratelimit.count_request("me", period=60) == 2
        clock[0] += 60
        assert ratelimit.count_request("me", period=60) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("store", ["database", "redis"])
def test_parallel_clients_get_exactly_the_limit(admin_user, monkeypatch, settings, store):
    hr = admin_user  # a transactional test runs on a database emptied of the roles
    if store == "database":
        settings.REDIS_URL = ""
    elif not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    monkeypatch.setattr(endpoints.RATE_LIMIT, "num_requests", 10)
    _, key = ApiToken.issue(user=hr, name="shared")
    clients = [Client(HTTP_AUTHORIZATION=f"Bearer {key}") for _ in range(8)]
    start = threading.Barrier(len(clients), timeout=20)
    codes = []

    def hammer(client):
        start.wait()
        for _ in range(4):
            codes.append(client.get("/api/employees/").status_code)

    in_parallel(hammer, clients)
    assert codes.count(200) == 10
    assert codes.count(429) == 22


def test_a_day_from_the_time_clock_says_so(api, sales):
    """The API shows the derived results like HR's marks, with where each came from."""
    from timeclock.models import DepartmentPattern, Punch
    from timeclock.services import days_derive
    from timeclock.tests.test_patterns import pattern

    DepartmentPattern.objects.create(department=sales, pattern=pattern("Office"))
    day = datetime.date(2026, 12, 2)  # a Wednesday, long closed
    worker = EmployeeFactory(department=sales, date_joined=datetime.date(2025, 1, 1))
    marked = EmployeeFactory(department=sales, date_joined=datetime.date(2025, 1, 1))
    for hour, direction in ((9, "in"), (17, "out")):
        Punch.objects.create(
            employee=worker,
            at=datetime.datetime(2026, 12, 2, hour, tzinfo=datetime.UTC),
            direction=direction,
            source="device",
        )
    AttendanceRecord.objects.create(employee=marked, date=day, status="on_leave")
    days_derive(day)
    found = {
        r["employee_employee_id"]: (r["status"], r["source"], r["note"][:17])
        for r in api.get("/api/attendance/", {"start_date": day, "end_date": day}).json()
    }
    assert found == {
        worker.employee_id: ("Present", "clock", "in 09:00, out 17:"),
        marked.employee_id: ("On leave", "hand", ""),
    }


def test_a_day_from_the_time_clock_is_not_deleted(api, sales):
    record = AttendanceRecordFactory(employee=EmployeeFactory(department=sales), source="clock")
    answer = api.delete(f"/api/attendance/{record.pk}")
    assert answer.status_code == 409
    assert "comes from the time clock" in answer.json()["detail"]
    assert AttendanceRecord.objects.filter(pk=record.pk).exists()
