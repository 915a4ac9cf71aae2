"""A user limited to some departments sees and changes only those, on every page and export."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts import roles
from accounts.models import DepartmentScope
from accounts.scoping import scope_for
from attendance.models import AttendanceRecord
from attendance.tests.factories import AttendanceRecordFactory
from employees.models import Department, Employee
from employees.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def company():
    joined = today() - datetime.timedelta(days=90)
    sales, ops = DepartmentFactory(name="Sales"), DepartmentFactory(name="Ops")
    amy = EmployeeFactory(
        employee_id="S1", full_name="Amy Sales", department=sales, date_joined=joined
    )
    otto = EmployeeFactory(
        employee_id="O1", full_name="Otto Ops", department=ops, date_joined=joined
    )
    yesterday = today() - datetime.timedelta(days=1)
    AttendanceRecordFactory(employee=amy, date=yesterday, status="present")
    AttendanceRecordFactory(employee=otto, date=yesterday, status="absent")
    return {"sales": sales, "ops": ops, "amy": amy, "otto": otto}


def limited_user(django_user_model, role, *departments, username="limited"):
    user = django_user_model.objects.create_user(username, password="x-Pass-1234")
    user.groups.add(Group.objects.get(name=role))
    DepartmentScope.objects.create(user=user).departments.set(departments)
    return user


@pytest.fixture
def manager(client, django_user_model, company):
    user = limited_user(django_user_model, roles.ATTENDANCE_MANAGER, company["sales"])
    client.force_login(user)
    return user


@pytest.fixture
def hr(client, django_user_model, company):
    user = limited_user(django_user_model, roles.HR_ADMIN, company["sales"], username="hr")
    client.force_login(user)
    return user


class TestScope:
    def test_no_limit_means_every_department(self, django_user_model):
        user = django_user_model.objects.create_user("free")
        assert not scope_for(user).is_limited

    def test_a_limit_with_no_departments_means_none(self, django_user_model):
        user = django_user_model.objects.create_user("nothing")
        DepartmentScope.objects.create(user=user)
        assert scope_for(user).department_ids == frozenset()
        assert not scope_for(user).limit(Department.objects.all(), "pk").exists()


class TestLimitedManager:
    def test_directory_and_profiles(self, client, manager, company):
        response = client.get("/employees/", {"status": "all"})
        assertContains(response, "Amy Sales")
        assertNotContains(response, "Otto Ops")
        assert client.get("/employees/O1/").status_code == 404
        # Choosing the other department by hand is refused, not honoured.
        response = client.get("/employees/", {"department": company["ops"].pk})
        assertNotContains(response, "Otto Ops")
        assertContains(response, "Select a valid choice")

    def test_department_list(self, client, manager):
        response = client.get("/departments/")
        assert [d.name for d in response.context["departments"]] == ["Sales"]

    def test_roster_lists_and_saves_only_their_people(self, client, manager, company):
        response = client.get("/attendance/mark/")
        assert [e.employee_id for e in response.context["employees"]] == ["S1"]
        response = client.post(
            "/attendance/mark/",
            {"date": today().isoformat(), "status_O1": "present", "seen_O1": ""},
        )
        assertContains(response, "lists an employee who is not on it", status_code=400)
        assert not AttendanceRecord.objects.filter(
            employee__employee_id="O1", date=today()
        ).exists()
        response = client.get("/attendance/mark/", {"department": company["ops"].pk})
        assertContains(response, "That department does not exist")

    def test_attendance_list_and_records(self, client, manager, company):
        response = client.get("/attendance/")
        assert {r.employee.employee_id for r in response.context["page"]} == {"S1"}
        other = AttendanceRecord.objects.get(employee=company["otto"])
        assert client.get(f"/attendance/{other.pk}/edit/").status_code == 404
        assert client.post(f"/attendance/{other.pk}/delete/").status_code == 404
        assert AttendanceRecord.objects.filter(pk=other.pk).exists()

    def test_register(self, client, manager):
        response = client.get("/attendance/register/")
        assert [row.employee.employee_id for row in response.context["rows"]] == ["S1"]

    def test_range_marking_of_another_department_is_404(self, client, manager):
        assert client.get("/attendance/employee/O1/range/").status_code == 404

    def test_exports(self, client, manager):
        rows = csv_rows(client.get("/attendance/export/csv/"))
        assert [row[1] for row in rows[1:]] == ["S1"]
        rows = csv_rows(client.get("/attendance/register/export/csv/"))
        assert [row[0] for row in rows[1:]] == ["S1"]

    def test_dashboard_counts_only_their_people(self, client, manager):
        response = client.get("/")
        assert response.context["active_employees"] == 1
        assert [d.name for d in response.context["departments"]] == ["Sales"]
        assert [e.employee_id for e in response.context["recent_employees"]] == ["S1"]
        assert response.context["figures"]["total"] == 1


class TestLimitedHRAdmin:
    def test_directory_export(self, client, hr):
        rows = csv_rows(client.get("/employees/export/csv/"))
        assert [row[0] for row in rows[1:]] == ["S1"]

    def test_can_only_hire_into_their_departments(self, client, hr, company):
        response = client.get("/employees/new/")
        assertNotContains(response, ">Ops<")
        response = client.post(
            "/employees/new/",
            {
                "employee_id": "X1",
                "full_name": "New Person",
                "email": "x1@example.com",
                "department": company["ops"].pk,
                "date_joined": today().isoformat(),
            },
        )
        assertContains(response, "That department does not exist (any more).")
        assert not Employee.objects.filter(employee_id="X1").exists()

    def test_cannot_move_someone_out_of_their_departments(self, client, hr, company):
        response = client.post(
            "/employees/S1/edit/",
            {
                "employee_id": "S1",
                "full_name": "Amy Sales",
                "email": company["amy"].email,
                "department": company["ops"].pk,
                "date_joined": company["amy"].date_joined.isoformat(),
            },
        )
        assertContains(response, "That department does not exist (any more).")
        company["amy"].refresh_from_db()
        assert company["amy"].department == company["sales"]

    def test_cannot_add_departments(self, client, hr):
        response = client.post("/departments/new/", {"name": "Shadow"})
        assert response.status_code == 403
        assert not Department.objects.filter(name="Shadow").exists()

    def test_other_departments_cannot_be_renamed_or_deleted(self, client, hr, company):
        ops = company["ops"]
        assert client.post(f"/departments/{ops.pk}/edit/", {"name": "X"}).status_code == 404
        assert client.post(f"/departments/{ops.pk}/delete/").status_code == 404

    def test_activity_shows_only_their_departments(self, client, hr, company):
        client.post("/employees/O1/edit/", {})  # 404: nothing happens
        from employees import services

        services.employee_update(employee=company["otto"], job_title="Secret")
        services.employee_update(employee=company["amy"], job_title="Visible")
        response = client.get("/activity/")
        shown = [entry.object_repr for entry, _ in response.context["entries"]]
        assert any("Amy Sales" in text for text in shown)
        assert not any("Otto Ops" in text for text in shown)


def test_a_duplicate_outside_the_users_departments_is_not_named(client, hr, company):
    response = client.post(
        "/employees/new/",
        {
            "employee_id": "o1",
            "full_name": "New Person",
            "email": company["otto"].email.upper(),
            "department": company["sales"].pk,
            "date_joined": today().isoformat(),
        },
    )
    assertContains(response, "This employee code is already used by another employee.")
    assertContains(response, "This email is already used by another employee.")
    assertNotContains(response, "Otto Ops")
