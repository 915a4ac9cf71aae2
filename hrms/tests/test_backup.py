"""A backup made with dumpdata, loaded into an empty database, gives everything back."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from accounts import roles
from accounts.models import DepartmentScope
from attendance.models import AttendanceRecord, Holiday
from employees.models import Department, Employee

pytestmark = pytest.mark.django_db

# What docs/deploy.md tells people to run.
BACKUP_ARGS = [
    "--natural-foreign",
    "--natural-primary",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
    "--exclude=admin.logentry",
    "--exclude=axes",
    "--exclude=imports",
    "--exclude=jobs",
    "--exclude=django_tasks_database",
]


def state():
    """Everything a backup must keep, in a form that does not depend on database ids."""
    return {
        "departments": sorted(Department.objects.values_list("name", flat=True)),
        "employees": sorted(
            Employee.objects.values_list(
                "id",
                "employee_id",
                "full_name",
                "email",
                "department__name",
                "date_joined",
                "date_left",
                "is_active",
            )
        ),
        "attendance": sorted(
            AttendanceRecord.objects.values_list(
                "employee__employee_id", "date", "status", "note", "marked_by__username"
            )
        ),
        "holidays": sorted(Holiday.objects.values_list("date", "name")),
        "users": sorted(
            (
                user.username,
                user.password,
                user.is_superuser,
                sorted(g.name for g in user.groups.all()),
            )
            for user in User.objects.prefetch_related("groups")
        ),
        "roles": sorted(
            (group.name, sorted(p.codename for p in group.permissions.all()))
            for group in Group.objects.prefetch_related("permissions")
        ),
        "scopes": sorted(
            (scope.user.username, sorted(d.name for d in scope.departments.all()))
            for scope in DepartmentScope.objects.all()
        ),
        "history": sorted(
            (
                entry.content_type.model,
                entry.object_pk if entry.content_type.model == "employee" else entry.object_repr,
                entry.action,
                str(entry.changes_dict),
                entry.actor.username if entry.actor else None,
            )
            for entry in LogEntry.objects.select_related("content_type", "actor")
        ),
    }


def test_a_dump_loaded_into_an_empty_database_gives_the_same_data(client, admin_user, tmp_path):
    client.force_login(admin_user)
    client.post("/departments/new/", {"name": "Sales"})
    sales = Department.objects.get(name="Sales")
    client.post(
        "/employees/new/",
        {
            "employee_id": "E1",
            "full_name": "Jane Smith",
            "email": "jane@example.com",
            "department": sales.pk,
            "date_joined": "2025-01-06",
        },
    )
    client.post("/holidays/new/", {"date": "2025-12-25", "name": "Christmas Day"})
    client.post(
        "/attendance/employee/E1/range/",
        {"start": "2025-03-03", "end": "2025-03-07", "status": "present"},
    )
    record = AttendanceRecord.objects.get(date=datetime.date(2025, 3, 4))
    client.post(f"/attendance/{record.pk}/edit/", {"status": "half_day", "note": "Dentist"})
    clerk = User.objects.create_user("clerk", password="x-Pass-1234")
    clerk.groups.add(Group.objects.get(name=roles.ATTENDANCE_MANAGER))
    DepartmentScope.objects.create(user=clerk).departments.add(sales)
    before = state()
    assert len(before["history"]) >= 8

    backup = tmp_path / "backup.json"
    call_command("dumpdata", *BACKUP_ARGS, "--output", str(backup), verbosity=0)

    for model in (LogEntry, AttendanceRecord, Employee, Holiday, Department, DepartmentScope):
        model.objects.all().delete()
    User.objects.all().delete()
    Group.objects.all().delete()
    LogEntry.objects.all().delete()  # the deletes above were logged too
    assert not any(state()[key] for key in state())

    call_command("loaddata", str(backup), verbosity=0)
    assert state() == before
