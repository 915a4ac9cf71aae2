import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from employees.tests.factories import DepartmentFactory, EmployeeFactory


@pytest.fixture
def people(db, django_user_model):
    """A department with a manager (an account, role Employee) and their report (an
    account too), an HR admin, and someone in another department."""

    def account(name, role):
        user = django_user_model.objects.create_user(name, email=f"{name}@example.com")
        user.groups.add(Group.objects.get_or_create(name=role)[0])  # flushed by transactional tests
        return user

    joined = timezone.localdate() - datetime.timedelta(days=400)
    sales, other = DepartmentFactory(name="Sales"), DepartmentFactory(name="Other")
    boss = EmployeeFactory(
        employee_id="BOSS",
        department=sales,
        date_joined=joined,
        user=account("boss", roles.EMPLOYEE),
    )
    lead = EmployeeFactory(
        employee_id="LEAD",
        department=sales,
        date_joined=joined,
        manager=boss,
        user=account("lead", roles.EMPLOYEE),
    )
    worker = EmployeeFactory(
        employee_id="WORK",
        department=sales,
        date_joined=joined,
        manager=lead,
        user=account("worker", roles.EMPLOYEE),
    )
    outsider = EmployeeFactory(
        employee_id="OUT", department=other, date_joined=joined, user=account("out", roles.EMPLOYEE)
    )
    return {
        "boss": boss,
        "lead": lead,
        "worker": worker,
        "outsider": outsider,
        "hr": account("hr", roles.HR_ADMIN),
        "sales": sales,
        "other": other,
    }
