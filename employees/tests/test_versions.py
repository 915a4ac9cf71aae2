"""The employee data's version: what figures kept in caches (the dashboard's head counts,
the directory's counts) are kept under."""

from django.core.cache import cache

from employees.tests.factories import EmployeeFactory
from employees.versions import EMPLOYEES_VERSION, employees_version


def test_the_version_changes_with_every_employee_change(db, django_capture_on_commit_callbacks):
    before = employees_version()
    assert employees_version() == before
    with django_capture_on_commit_callbacks(execute=True):
        employee = EmployeeFactory()
    saved = employees_version()
    assert saved != before
    with django_capture_on_commit_callbacks(execute=True):
        employee.delete()
    assert employees_version() not in (before, saved)


def test_a_cache_that_lost_the_version_starts_a_new_one(db):
    before = employees_version()
    cache.delete(EMPLOYEES_VERSION)  # a restarted or emptied cache
    after = employees_version()
    assert after != before
    assert employees_version() == after
