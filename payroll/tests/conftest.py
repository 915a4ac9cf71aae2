import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from approvals.models import Request
from attendance.models import AttendanceRecord
from employees.tests.factories import DepartmentFactory, EmployeeFactory
from leave.models import Leave
from leave.services import leave_request, leaves_approve
from leave.tests.factories import LeaveTypeFactory
from timeclock.models import DayOutcome

Status = AttendanceRecord.Status


def past_month(months_ago: int = 2) -> datetime.date:
    """The first day of a month that has ended, `months_ago` before this one."""
    month = timezone.localdate().replace(day=1)
    for _ in range(months_ago):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def working_days(month: datetime.date) -> list[datetime.date]:
    """The month's Mondays to Fridays."""
    day, days = month, []
    while day.month == month.month:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


@pytest.fixture
def hr(db, django_user_model):
    user = django_user_model.objects.create_user("hr", password="x-Pass-1234")
    user.groups.add(Group.objects.get(name=roles.HR_ADMIN))
    return user


@pytest.fixture
def clerk(db, django_user_model):
    """An attendance manager: marks attendance, but closes no month."""
    user = django_user_model.objects.create_user("clerk", password="x-Pass-1234")
    user.groups.add(Group.objects.get(name=roles.ATTENDANCE_MANAGER))
    return user


def outcome(employee, day, overtime: int) -> DayOutcome:
    return DayOutcome.objects.create(
        employee=employee,
        date=day,
        status="present",
        reason="From the punches.",
        overtime_minutes=overtime,
        derived_at=timezone.now(),
    )


@pytest.fixture
def payroll_world(db, hr):
    """A month two months ago in Sales: Ana was present, at home, on half a day, absent,
    on annual leave (a day, and half a day), on unpaid leave (two days), on leave marked by
    hand (a day), and worked 75 minutes overtime; Ben has nothing marked; Cleo left and
    Dan joined outside the month. Support has Eve, present one day. Sick leave exists
    (active, unused); Old leave is inactive."""
    month = past_month()
    days = working_days(month)
    sales, support = DepartmentFactory(name="Sales"), DepartmentFactory(name="Support")
    joined = month - datetime.timedelta(days=400)
    ana = EmployeeFactory(
        employee_id="E-ANA", full_name="Ana", department=sales, date_joined=joined
    )
    ben = EmployeeFactory(
        employee_id="E-BEN", full_name="Ben", department=sales, date_joined=joined
    )
    EmployeeFactory(
        employee_id="E-CLEO",
        full_name="Cleo",
        department=sales,
        date_joined=joined,
        date_left=month - datetime.timedelta(days=1),
        is_active=False,
    )
    EmployeeFactory(
        employee_id="E-DAN",
        full_name="Dan",
        department=sales,
        date_joined=month + datetime.timedelta(days=40),
    )
    eve = EmployeeFactory(
        employee_id="E-EVE", full_name="Eve", department=support, date_joined=joined
    )
    annual = LeaveTypeFactory(name="Annual leave")
    unpaid = LeaveTypeFactory(
        name="Unpaid leave", paid=False, allow_negative=True, days_per_year=Decimal(0)
    )
    LeaveTypeFactory(name="Sick leave")
    LeaveTypeFactory(name="Old leave", is_active=False)

    for day, status in zip(
        days[:4],
        [Status.PRESENT, Status.WORK_FROM_HOME, Status.HALF_DAY, Status.ABSENT],
        strict=True,
    ):
        AttendanceRecord.objects.create(employee=ana, date=day, status=status)
    AttendanceRecord.objects.create(employee=ana, date=days[8], status=Status.ON_LEAVE)
    AttendanceRecord.objects.create(employee=eve, date=days[0], status=Status.PRESENT)
    leaves = [
        leave_request(employee=ana, leave_type=annual, start=days[4], end=days[4]),
        leave_request(employee=ana, leave_type=unpaid, start=days[5], end=days[6]),
        leave_request(
            employee=ana, leave_type=annual, start=days[7], end=days[7], part=Leave.Part.MORNING
        ),
    ]
    leaves_approve(leaves=leaves, note="", by=hr)
    outcome(ana, days[0], 30)
    outcome(ana, days[1], 45)
    outcome(ben, days[1], 0)
    return {
        "month": month,
        "days": days,
        "sales": sales,
        "support": support,
        "ana": ana,
        "ben": ben,
        "eve": eve,
    }


def pending_request(employee, start, end) -> Request:
    """A leave request still waiting for a decision."""
    leave_type = LeaveTypeFactory(name="Annual leave")
    leave = Leave.objects.create(
        employee=employee, leave_type=leave_type, start=start, end=end, days=Decimal(1)
    )
    return Request.objects.create(
        kind=Request.Kind.LEAVE,
        employee=employee,
        start=start,
        end=end,
        reason="A trip.",
        leave=leave,
    )
