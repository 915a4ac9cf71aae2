"""Every change, by every path, is traced to who made it, when, and what it changed."""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.utils import timezone
from pytest_django.asserts import assertContains

from attendance.models import AttendanceRecord, Holiday
from attendance.tests.factories import AttendanceRecordFactory
from employees.models import Employee
from employees.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db
CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE


def today():
    return timezone.localdate()


def entries_for(model):
    return LogEntry.objects.get_for_model(model).order_by("pk")


@pytest.fixture
def hr(admin_user, client):
    client.force_login(admin_user)
    return admin_user


class TestEveryWritePath:
    def test_employee_pages(self, client, hr):
        department = DepartmentFactory(name="Sales")
        data = {
            "employee_id": "E1",
            "full_name": "Jane Smith",
            "email": "jane@example.com",
            "department": department.pk,
            "date_joined": "2024-01-02",
        }
        client.post("/employees/new/", data)
        client.post("/employees/E1/edit/", {**data, "full_name": "Jane Jones"})
        client.post("/employees/E1/deactivate/", {"date_left": today().isoformat()})
        client.post("/employees/E1/delete/")
        log = list(entries_for(Employee))
        assert [entry.action for entry in log] == [CREATE, UPDATE, UPDATE, DELETE]
        assert all(entry.actor == hr for entry in log)
        assert log[1].changes_dict == {"full_name": ["Jane Smith", "Jane Jones"]}
        assert log[2].changes_dict["is_active"] == ["True", "False"]
        assert log[3].object_repr == "Jane Jones (E1)"

    def test_departments_and_holidays(self, client, hr):
        client.post("/departments/new/", {"name": "Ops"})
        department = DepartmentFactory._meta.model.objects.get(name="Ops")
        client.post(f"/departments/{department.pk}/edit/", {"name": "Operations"})
        client.post("/holidays/new/", {"date": "2026-12-25", "name": "Christmas Day"})
        assert [
            (e.action, e.changes_dict.get("name")) for e in entries_for(department.__class__)
        ] == [(CREATE, ["None", "Ops"]), (UPDATE, ["Ops", "Operations"])]
        assert entries_for(Holiday).get().actor == hr

    def test_correcting_and_deleting_a_record(self, client, hr):
        record = AttendanceRecordFactory(status="absent")
        client.post(f"/attendance/{record.pk}/edit/", {"status": "present", "note": "Was in"})
        client.post(f"/attendance/{record.pk}/delete/")
        log = list(entries_for(AttendanceRecord))
        assert [e.action for e in log] == [CREATE, UPDATE, DELETE]
        assert log[1].changes_dict["status"] == ["absent", "present"]
        assert log[1].actor == hr

    def test_bulk_roster_save(self, client, hr):
        EmployeeFactory(employee_id="E1")
        existing = AttendanceRecordFactory(employee__employee_id="E2", status="absent")
        client.post(
            "/attendance/mark/",
            {
                "date": today().isoformat(),
                "status_E1": "present",
                "seen_E1": "",
                "status_E2": "wfh",
                "seen_E2": "absent",
            },
        )
        log = entries_for(AttendanceRecord).filter(actor=hr)
        assert sorted((e.action, e.changes_dict["status"][1]) for e in log) == [
            (CREATE, "present"),
            (UPDATE, "wfh"),
        ]
        update = log.get(action=UPDATE)
        assert update.object_pk == str(existing.pk)
        assert update.changes_dict["status"] == ["absent", "wfh"]

    def test_range_marking(self, client, hr):
        EmployeeFactory(employee_id="E1", date_joined=datetime.date(2024, 1, 1))
        client.post(
            "/attendance/employee/E1/range/",
            {"start": "2025-03-03", "end": "2025-03-07", "status": "on_leave"},
        )
        assert entries_for(AttendanceRecord).filter(actor=hr, action=CREATE).count() == 5

    def test_admin_edit(self, client, hr):
        employee = EmployeeFactory(employee_id="E1", job_title="Clerk")
        data = {
            "employee_id": "E1",
            "full_name": employee.full_name,
            "email": employee.email,
            "department": employee.department_id,
            "job_title": "Senior clerk",
            "date_joined": employee.date_joined.isoformat(),
            "is_active": "on",
        }
        client.post(f"/admin/employees/employee/{employee.pk}/change/", data)
        entry = entries_for(Employee).get(action=UPDATE)
        assert entry.actor == hr
        assert entry.changes_dict == {"job_title": ["Clerk", "Senior clerk"]}

    def test_history_outlives_the_employee(self, client, hr):
        record = AttendanceRecordFactory(
            employee__employee_id="E1", employee__full_name="Jane Smith"
        )
        client.post("/employees/E1/delete/")
        assert not Employee.objects.exists()
        deleted = entries_for(Employee).get(action=DELETE)
        assert (deleted.object_repr, deleted.actor) == ("Jane Smith (E1)", hr)
        assert (
            entries_for(AttendanceRecord)
            .filter(action=DELETE, object_pk=str(record.pk), actor=hr)
            .exists()
        )


class TestReadingHistory:
    def test_profile_shows_the_employees_history_in_words(self, client, hr):
        sales, ops = DepartmentFactory(name="Sales"), DepartmentFactory(name="Ops")
        employee = EmployeeFactory(employee_id="E1", department=sales)
        data = {
            "employee_id": "E1",
            "full_name": employee.full_name,
            "email": employee.email,
            "department": ops.pk,
            "date_joined": employee.date_joined.isoformat(),
        }
        client.post("/employees/E1/edit/", data)
        record = AttendanceRecordFactory(employee=employee, status="absent")
        client.post(f"/attendance/{record.pk}/edit/", {"status": "half_day", "note": ""})
        response = client.get("/employees/E1/")
        assertContains(
            response, '<th scope="row">Department</th><td>Sales</td><td>Ops</td>', html=True
        )
        assertContains(
            response, '<th scope="row">Status</th><td>Absent</td><td>Half day</td>', html=True
        )

    def test_activity_filters(self, client, hr, django_user_model):
        other = django_user_model.objects.create_user("other")
        client.post("/departments/new/", {"name": "Ops"})
        client.force_login(other)
        client.force_login(hr)
        EmployeeFactory(department__name="Ops")  # no request: no actor
        response = client.get("/activity/", {"user": hr.pk})
        assert {e.actor for e, _ in response.context["entries"]} == {hr}
        response = client.get("/activity/", {"kind": "department"})
        assert [e.object_repr for e, _ in response.context["entries"]] == ["Ops"]
        response = client.get("/activity/", {"kind": "employee"})
        assert [e.actor for e, _ in response.context["entries"]] == [None]
        response = client.get(
            "/activity/", {"start": (today() + datetime.timedelta(1)).isoformat()}
        )
        assert response.context["entries"] == []

    def test_activity_query_count_does_not_grow(self, hr, query_counts):
        def changes(n):
            for employee in EmployeeFactory.create_batch(n):
                employee.job_title = "Changed"
                employee.save()

        few, many, _ = query_counts("/activity/", changes, few=3, more=40)
        assert few == many


def test_a_limited_users_who_filter_lists_only_people_whose_changes_they_see(
    client, limited_hr, django_user_model
):
    inside_clerk = django_user_model.objects.create_user("inside-clerk")
    outside_clerk = django_user_model.objects.create_user("outside-clerk")
    for clerk, department in (
        (inside_clerk, limited_hr.inside),
        (outside_clerk, limited_hr.outside),
    ):
        with set_actor(clerk):
            EmployeeFactory(department=department)
    client.force_login(limited_hr.user)
    response = client.get("/activity/")
    people = [user.username for user in response.context["filter"].form.fields["user"].queryset]
    assert people == ["inside-clerk"]


class TestBulkWrites:
    def test_an_imported_employee_is_logged_as_a_saved_one_is(self, admin_user):
        """log_bulk's entry for a new row says what auditlog's own entry says."""
        from core.audit import log_bulk
        from employees.services import employees_save_many

        sales = DepartmentFactory(name="Sales")
        saved = EmployeeFactory(employee_id="S-1", department=sales, phone="+1 555 0100")
        imported = Employee(
            employee_id="I-1",
            full_name=saved.full_name,
            email="imported@example.com",
            department=sales,
            job_title=saved.job_title,
            phone="+1 555 0100",
            date_joined=saved.date_joined,
        )
        employees_save_many(new=[imported], changed=[], by=admin_user)

        by_signal = LogEntry.objects.get_for_object(saved).get().changes_dict
        by_bulk = LogEntry.objects.get_for_object(imported).get()
        assert (by_bulk.action, by_bulk.actor) == (CREATE, admin_user)
        different = {"id", "employee_id", "email"}
        assert {k: v for k, v in by_bulk.changes_dict.items() if k not in different} == {
            k: v for k, v in by_signal.items() if k not in different
        }
        assert by_bulk.changes_dict["employee_id"] == ["None", "I-1"]
        assert set(by_bulk.changes_dict) == set(by_signal)
        log_bulk([])  # nothing to write: no error, no entry
        assert LogEntry.objects.get_for_model(Employee).count() == 2

    def test_a_bulk_insert_that_clashes_writes_nothing(self, admin_user):
        from django.db import IntegrityError, transaction

        from employees.services import employees_save_many

        taken = EmployeeFactory(employee_id="T-1")
        clash = Employee(
            employee_id="T-1",
            full_name="Someone Else",
            email="else@example.com",
            department=taken.department,
            date_joined=taken.date_joined,
        )
        fine = Employee(
            employee_id="T-2",
            full_name="Fine Person",
            email="fine@example.com",
            department=taken.department,
            date_joined=taken.date_joined,
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            employees_save_many(new=[fine, clash], changed=[], by=admin_user)
        assert list(Employee.objects.values_list("employee_id", flat=True)) == ["T-1"]
