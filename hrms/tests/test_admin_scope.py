"""Department limits hold across the admin's shared screens: the "view on site" redirect,
the audit log, and the attendance list's filters."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from attendance.tests.factories import AttendanceRecordFactory
from employees.models import Employee
from employees.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(client, limited_hr):
    client.force_login(limited_hr.user)
    joined = timezone.localdate() - datetime.timedelta(days=30)
    return {
        "in": EmployeeFactory(
            employee_id="IN1",
            full_name="Ines Inside",
            department=limited_hr.inside,
            date_joined=joined,
        ),
        "out": EmployeeFactory(
            employee_id="OUT1",
            full_name="Otto Outside",
            department=limited_hr.outside,
            date_joined=joined,
        ),
    }


def redirect_url(obj) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


class TestViewOnSiteRedirect:
    def test_goes_to_an_employee_they_may_see(self, client, people):
        response = client.get(redirect_url(people["in"]))
        assert response.status_code == 302
        assert response["Location"].endswith("/employees/IN1/")

    def test_is_404_for_another_departments_employee_as_for_none(self, client, people):
        assert client.get(redirect_url(people["out"])).status_code == 404
        ghost = f"/admin/r/{ContentType.objects.get_for_model(Employee).pk}/{people['in'].pk}0/"
        assert client.get(ghost).status_code == 404

    def test_bad_addresses_are_404(self, client, people):
        assert client.get("/admin/r/abc/1/").status_code == 404
        assert client.get("/admin/r/999999/1/").status_code == 404
        employees = ContentType.objects.get_for_model(Employee).pk
        assert client.get(f"/admin/r/{employees}/not-a-uuid/").status_code == 404

    def test_a_superuser_still_goes_anywhere(self, admin_client, people):
        assert admin_client.get(redirect_url(people["out"])).status_code == 302


class TestAuditLogAdmin:
    def test_shows_only_entries_of_their_departments(self, client, people):
        response = client.get("/admin/auditlog/logentry/")
        assertContains(response, "Ines Inside")
        assertNotContains(response, "Otto Outside")
        out_entry = LogEntry.objects.get_for_object(people["out"]).get()
        response = client.get(f"/admin/auditlog/logentry/{out_entry.pk}/change/", follow=True)
        assertContains(response, "doesn’t exist")

    def test_a_superuser_sees_every_entry(self, admin_client, people):
        response = admin_client.get("/admin/auditlog/logentry/")
        assertContains(response, "Ines Inside")
        assertContains(response, "Otto Outside")


def test_the_attendance_lists_department_filter_offers_only_theirs(client, people, limited_hr):
    second = DepartmentFactory(name="Inside too")  # with one department there is no filter
    limited_hr.user.department_scope.departments.add(second)
    for employee in people.values():
        AttendanceRecordFactory(employee=employee, date=timezone.localdate())
    response = client.get("/admin/attendance/attendancerecord/")
    assertContains(response, f"employee__department__id__exact={limited_hr.inside.pk}")
    assertNotContains(response, f"employee__department__id__exact={limited_hr.outside.pk}")
    assertNotContains(response, "Otto Outside")


def test_role_and_department_limit_changes_are_in_the_audit_trail_with_their_actor(
    admin_client, admin_user, django_user_model
):
    from django.contrib.auth.models import Group

    from accounts import roles
    from accounts.models import DepartmentScope

    jane = django_user_model.objects.create_user("jane")
    sales = DepartmentFactory(name="Sales")
    data = {
        "username": "jane",
        "is_active": "on",
        "groups": [Group.objects.get(name=roles.HR_ADMIN).pk],
        "department_scope-TOTAL_FORMS": "1",
        "department_scope-INITIAL_FORMS": "0",
        "department_scope-MIN_NUM_FORMS": "0",
        "department_scope-MAX_NUM_FORMS": "1",
        "department_scope-0-departments": [sales.pk],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    response = admin_client.post(f"/admin/auth/user/{jane.pk}/change/", data)
    assert response.status_code == 302, response.content[:3000]
    roles_entry = LogEntry.objects.get_for_object(jane).filter(actor=admin_user).last()
    assert roles.HR_ADMIN in str(roles_entry.changes)
    scope = DepartmentScope.objects.get(user=jane)
    scope_entries = LogEntry.objects.get_for_object(scope).filter(actor=admin_user)
    assert "Sales" in str([entry.changes for entry in scope_entries])
