import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from accounts.models import DepartmentScope
from employees.tests.factories import DepartmentFactory, EmployeeFactory
from leave.models import Leave
from leave.tests.factories import LeaveTypeFactory

# A fixed week to look at: Monday 7 Dec to Sunday 13 Dec 2026.
MONDAY = datetime.date(2026, 12, 7)


@pytest.fixture
def office(db, django_user_model):
    """Sales: Boss, Lead (reports to Boss) and Worker (reports to Lead), each with an
    account of role Employee; Other: Olga, with an account too; an HR admin who sees
    everything, and one limited to Sales."""

    def account(name, role):
        user = django_user_model.objects.create_user(name, email=f"{name}@example.com")
        user.groups.add(Group.objects.get(name=role))
        return user

    joined = timezone.localdate() - datetime.timedelta(days=800)
    sales, other = DepartmentFactory(name="Sales"), DepartmentFactory(name="Other")

    def employee(code, name, department, manager=None):
        return EmployeeFactory(
            employee_id=code,
            full_name=name,
            department=department,
            date_joined=joined,
            manager=manager,
            user=account(code.lower(), roles.EMPLOYEE),
        )

    boss = employee("BOSS", "Bea Boss", sales)
    lead = employee("LEAD", "Lee Lead", sales, boss)
    worker = employee("WORK", "Wes Worker", sales, lead)
    olga = employee("OLGA", "Olga Other", other)
    hr_sales = account("hr_sales", roles.HR_ADMIN)
    DepartmentScope.objects.create(user=hr_sales).departments.add(sales)
    return {
        "sales": sales,
        "other": other,
        "boss": boss,
        "lead": lead,
        "worker": worker,
        "olga": olga,
        "hr": account("hr", roles.HR_ADMIN),
        "hr_sales": hr_sales,
        "annual": LeaveTypeFactory(name="Annual leave"),
    }


@pytest.fixture
def approved(office):
    """Approved leave of `employee` from `start` to `end` (or half a day)."""

    def make(employee, start, end=None, *, part=Leave.Part.FULL, leave_type=None, state=None):
        end = end or start
        days = Decimal("0.5") if part != Leave.Part.FULL else Decimal((end - start).days + 1)
        return Leave.objects.create(
            employee=employee,
            leave_type=leave_type or office["annual"],
            start=start,
            end=end,
            part=part,
            days=days,
            state=state or Leave.State.APPROVED,
        )

    return make
