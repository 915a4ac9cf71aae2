"""Employees and managers: an employee sees themselves; a manager sees everyone who
reports to them, directly or through others; nobody sees anyone else, on any page, export
or API operation (the API's side: api/tests/test_api_team.py)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts import roles
from accounts.scoping import Scope
from attendance.models import AttendanceRecord
from attendance.tests.factories import AttendanceRecordFactory
from employees.models import team_of
from employees.tests.factories import DepartmentFactory, EmployeeFactory
from jobs.models import Job
from jobs.services import job_start

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
JOINED = TODAY - datetime.timedelta(days=400)


def account(django_user_model, name, *role_names):
    user = django_user_model.objects.create_user(name, password="x-Pass-1234")
    for role in role_names:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def org(django_user_model):
    """Boss ← Mia (a manager) ← Tom ← Ann; Zed reports to Boss too, in another department.
    Mia, Tom and Zed have accounts with the Employee role; Ann has none."""
    sales, ops = DepartmentFactory(name="Sales"), DepartmentFactory(name="Ops")
    people = {}

    def hire(code, name, department, manager=None, user=None):
        people[code] = EmployeeFactory(
            employee_id=code,
            full_name=name,
            department=department,
            manager=manager,
            user=user,
            date_joined=JOINED,
        )
        return people[code]

    boss = hire("BOSS", "Bea Boss", sales)
    mia = hire("MIA", "Mia Lead", sales, boss, account(django_user_model, "mia", roles.EMPLOYEE))
    tom = hire("TOM", "Tom Report", sales, mia, account(django_user_model, "tom", roles.EMPLOYEE))
    hire("ANN", "Ann Below", ops, tom)  # Mia's team through Tom, in another department
    hire("ZED", "Zed Other", ops, boss, account(django_user_model, "zed", roles.EMPLOYEE))
    for code in people:
        AttendanceRecordFactory(employee=people[code], date=YESTERDAY, status="present")
    return people


def sign_in(client, org, code):
    client.force_login(org[code].user)


def codes_in(page) -> set[str]:
    return {e.employee_id for e in page.context["page"].object_list}


class TestAnEmployee:
    def test_sees_only_themselves_in_every_list(self, client, org):
        sign_in(client, org, "ZED")
        assert codes_in(client.get("/employees/")) == {"ZED"}
        records = client.get("/attendance/").context["page"].object_list
        assert {r.employee.employee_id for r in records} == {"ZED"}
        register = client.get("/attendance/register/", {"month": YESTERDAY.strftime("%Y-%m")})
        assert {row.employee.employee_id for row in register.context["rows"]} == {"ZED"}

    def test_someone_elses_profile_does_not_exist_for_them(self, client, org):
        sign_in(client, org, "ZED")
        assert client.get("/employees/ZED/").status_code == 200
        for code in ("BOSS", "MIA", "ANN"):
            assert client.get(f"/employees/{code}/").status_code == 404

    def test_changes_nothing_and_sees_no_departments(self, client, org):
        sign_in(client, org, "ZED")
        assert client.get("/departments/").status_code == 403
        assert client.get("/employees/ZED/edit/").status_code == 403
        assert client.get("/attendance/mark/").status_code == 403
        assert client.get("/attendance/export/csv/").status_code == 403

    def test_lands_on_their_own_attendance_with_only_their_links(self, client, org):
        sign_in(client, org, "ZED")
        assertRedirects(client.get("/"), "/me/")
        page = client.get("/me/")
        assertContains(page, 'href="/me/"')
        assertNotContains(page, 'href="/team/"')
        assertNotContains(page, 'href="/employees/"')
        assertNotContains(page, 'href="/departments/"')


class TestAManager:
    def test_sees_their_reports_direct_and_indirect_and_nobody_else(self, client, org):
        sign_in(client, org, "MIA")
        assert codes_in(client.get("/employees/")) == {"MIA", "TOM", "ANN"}
        assert client.get("/employees/ANN/").status_code == 200
        assert client.get("/employees/ZED/").status_code == 404
        assert client.get("/employees/BOSS/").status_code == 404

    def test_the_manager_above_is_not_a_link_they_could_follow(self, client, org):
        sign_in(client, org, "MIA")
        page = client.get("/employees/MIA/")
        assertNotContains(page, 'href="/employees/BOSS/"')

    def test_is_read_only_on_employees(self, client, org):
        sign_in(client, org, "MIA")
        assert client.get("/employees/TOM/edit/").status_code == 403
        assert client.post("/employees/TOM/deactivate/").status_code == 403
        org["TOM"].refresh_from_db()
        assert org["TOM"].is_active

    def test_lands_on_their_team(self, client, org):
        sign_in(client, org, "MIA")
        assertRedirects(client.get("/"), "/team/")

    def test_a_new_report_joins_the_team_at_once(self, client, org):
        sign_in(client, org, "MIA")
        org["ZED"].manager = org["ANN"]
        org["ZED"].save()
        assert client.get("/employees/ZED/").status_code == 200


class TestMarkingByManagers:
    def test_not_allowed_unless_the_deployment_says_so(self, client, org):
        sign_in(client, org, "MIA")
        response = client.post(
            "/attendance/employee/TOM/range/",
            {"start": TODAY, "end": TODAY, "status": "present"},
        )
        assert response.status_code == 403
        assert not AttendanceRecord.objects.filter(employee=org["TOM"], date=TODAY).exists()

    def test_allowed_for_their_team_only(self, client, org, settings):
        settings.MANAGERS_MAY_MARK_ATTENDANCE = True
        settings.WEEKLY_OFF_DAYS = []  # today is a working day, whatever day it is
        sign_in(client, org, "MIA")
        data = {"start": TODAY, "end": TODAY, "status": "wfh"}
        response = client.post("/attendance/employee/ANN/range/", data)
        assert response.status_code == 302
        assert AttendanceRecord.objects.get(employee=org["ANN"], date=TODAY).status == "wfh"
        assert client.post("/attendance/employee/ZED/range/", data).status_code == 404
        assert not AttendanceRecord.objects.filter(employee=org["ZED"], date=TODAY).exists()
        roster = client.get("/attendance/mark/")
        assertContains(roster, "Ann Below")
        assertNotContains(roster, "Zed Other")

    def test_resolving_their_teams_exceptions(self, client, org, settings):
        from timeclock.models import DayOutcome, Resolution

        earlier = YESTERDAY - datetime.timedelta(days=1)  # yesterday is marked by HR

        for code in ("ANN", "ZED"):
            DayOutcome.objects.create(
                employee=org[code],
                date=earlier,
                status="absent",
                reason="No punches.",
                derived_at=timezone.now(),
                needs_attention=True,
            )
        sign_in(client, org, "MIA")
        ann = f"/attendance/exceptions/{org['ANN'].pk}/{earlier}/"
        inbox = client.get("/attendance/exceptions/")
        assertContains(inbox, "Ann Below")  # a manager sees their team's exceptions...
        assertNotContains(inbox, "Zed Other")
        assert client.get(ann).status_code == 403  # ...and resolves them only when allowed
        settings.MANAGERS_MAY_MARK_ATTENDANCE = True
        answer = client.post(ann, {"action": "accepted", "note": "Was at a client's"})
        assert answer.status_code == 302
        assert Resolution.objects.get().employee == org["ANN"]
        zed = f"/attendance/exceptions/{org['ZED'].pk}/{earlier}/"
        assert client.post(zed, {"action": "accepted", "note": "x"}).status_code == 404

    def test_an_employee_without_reports_still_may_not(self, client, org, settings):
        settings.MANAGERS_MAY_MARK_ATTENDANCE = True
        sign_in(client, org, "ZED")
        assert client.get("/attendance/mark/").status_code == 403


class TestMyTeam:
    def test_todays_status_of_each_report_and_a_month_grid(self, client, org):
        AttendanceRecordFactory(employee=org["TOM"], date=TODAY, status="on_leave")
        sign_in(client, org, "MIA")
        page = client.get("/team/")
        statuses = page.context["statuses"]
        members = page.context["members"]
        assert [m.employee_id for m in members] == ["ANN", "TOM"]  # by name; not Mia herself
        if page.context["today"].weekday() not in (5, 6):
            assert statuses[org["ANN"].pk].text == "Not marked"
        assert statuses[org["TOM"].pk].text == "On leave"
        assert {row.employee.employee_id for row in page.context["rows"]} == {"ANN", "TOM"}
        assertContains(page, "Tom Report")
        assertNotContains(page, "Zed Other")

    def test_an_earlier_month_swaps_only_the_grid(self, client, org, htmx_headers):
        sign_in(client, org, "MIA")
        month = YESTERDAY.replace(day=1) - datetime.timedelta(days=1)
        part = client.get(
            "/team/",
            {"month": month.strftime("%Y-%m")},
            headers={**htmx_headers(), "HX-Target": "grid"},
        )
        assertNotContains(part, "<html")
        assertContains(part, 'id="grid"')

    def test_the_clock_comes_first_for_a_manager_too(self, client, org):
        sign_in(client, org, "MIA")
        page = client.get("/team/").content.decode()
        assert page.index("Time clock") < page.index("today-heading")
        assert 'action="/me/clock/"' in page

    def test_someone_with_no_reports_is_told_so(self, client, org):
        sign_in(client, org, "ZED")
        assertContains(client.get("/team/"), "Nobody reports to you.")

    def test_queries_do_not_grow_with_the_team(self, client, org):
        sign_in(client, org, "MIA")

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/team/").status_code == 200
            return len(queries)

        few = count()
        for _ in range(30):
            EmployeeFactory(
                manager=org["ANN"], department=org["ANN"].department, date_joined=JOINED
            )
        assert count() == few


class TestRoles:
    def test_an_hr_admin_who_is_also_an_employee_sees_everyone(
        self, client, org, django_user_model
    ):
        both = account(django_user_model, "hr", roles.HR_ADMIN, roles.EMPLOYEE)
        org["ANN"].user = both
        org["ANN"].save()
        client.force_login(both)
        assert codes_in(client.get("/employees/")) == set(org)

    def test_an_invited_employee_gets_the_employee_role(self, org, django_user_model):
        from people.services import invitation_send

        invitation_send(employee=org["ANN"], by=None, site_url="http://testserver/")
        org["ANN"].refresh_from_db()
        assert list(org["ANN"].user.groups.values_list("name", flat=True)) == [roles.EMPLOYEE]

    def test_a_team_scope_not_filled_in_shows_no_one(self, org):
        from employees.models import Employee

        unresolved = Scope(department_ids=None, own_team_only=True)
        assert not unresolved.limit(Employee.objects.all(), "department").exists()
        assert not unresolved.allows(org["MIA"].department_id, org["MIA"].pk)

    def test_a_team_is_found_however_deep(self, org):
        chain = org["ANN"]
        for _ in range(40):
            chain = EmployeeFactory(manager=chain, department=chain.department)
        assert chain.pk in team_of(org["MIA"].user_id)
        assert org["ZED"].pk not in team_of(org["MIA"].user_id)

    def test_someone_who_has_left_is_no_longer_in_the_team(self, client, org):
        sign_in(client, org, "MIA")
        org["TOM"].is_active = False
        org["TOM"].date_left = YESTERDAY
        org["TOM"].save()
        # Tom's history is HR's to see now; Ann, who still reports to him, stays Mia's.
        assert client.get("/employees/TOM/").status_code == 404
        assert client.get("/employees/ANN/").status_code == 200

    def test_a_job_keeps_its_starters_team(self, org):
        scope = Scope(department_ids=None).with_team(team_of(org["MIA"].user_id))
        job = job_start(kind="test", title="Test", by=org["MIA"].user, scope=scope)
        kept = Job.objects.get(pk=job.pk).scope
        assert kept.employee_ids == {org["MIA"].pk, org["TOM"].pk, org["ANN"].pk}
        assert kept.own_team_only
