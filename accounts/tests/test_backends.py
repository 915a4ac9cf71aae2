"""Permissions come from the user and their groups, read in one query."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def permission(codename):
    return Permission.objects.get(codename=codename)


def test_own_and_group_permissions_in_one_query(django_user_model):
    user = django_user_model.objects.create_user("pat")
    user.user_permissions.add(permission("view_employee"))
    group = Group.objects.create(name="Markers")
    group.permissions.add(permission("add_attendancerecord"), permission("view_employee"))
    user.groups.add(group)
    user = django_user_model.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("employees.view_employee")
        assert user.has_perm("attendance.add_attendancerecord")
        assert not user.has_perm("employees.delete_employee")
    assert len(queries) == 1
    assert user.get_all_permissions() == {
        "employees.view_employee",
        "attendance.add_attendancerecord",
    }


def test_leaving_a_group_takes_its_permissions_away(django_user_model):
    user = django_user_model.objects.create_user("pat")
    group = Group.objects.create(name="Markers")
    group.permissions.add(permission("add_attendancerecord"))
    user.groups.add(group)
    assert django_user_model.objects.get(pk=user.pk).has_perm("attendance.add_attendancerecord")
    user.groups.remove(group)
    assert not django_user_model.objects.get(pk=user.pk).has_perm("attendance.add_attendancerecord")


def test_an_inactive_user_has_none_and_a_superuser_every_one(django_user_model):
    user = django_user_model.objects.create_user("pat", is_active=False)
    user.user_permissions.add(permission("view_employee"))
    assert not django_user_model.objects.get(pk=user.pk).has_perm("employees.view_employee")
    boss = django_user_model.objects.create_superuser("boss")
    assert len(boss.get_all_permissions()) == Permission.objects.count()
