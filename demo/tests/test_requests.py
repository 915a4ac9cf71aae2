"""The demo's leave and requests: what `make run` shows on the leave and approvals pages."""

import collections
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.scoping import EVERYTHING
from approvals.models import Event, Request, Route
from approvals.selectors import inbox
from approvals.services import requests_decide
from attendance.models import AttendanceRecord, ClosedMonth
from demo.data import create_demo_data, demo_pair
from leave.models import Entitlement, Leave, LeaveType
from leave.services import leave_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The demo as `make run` makes it."""
    create_demo_data(employees=40, departments=5, days=30, punch_days=10)
    manager, report = demo_pair()
    return {"manager": manager, "report": report}


def test_four_types_of_leave_and_a_few_own_entitlements(demo):
    types = {t.name: t for t in LeaveType.objects.all()}
    assert set(types) == {"Annual leave", "Sick leave", "Unpaid leave", "Parental leave"}
    annual, sick = types["Annual leave"], types["Sick leave"]
    unpaid, parental = types["Unpaid leave"], types["Parental leave"]
    assert (annual.days_per_year, annual.accrual, annual.carry_over_max) == (20, "up_front", 5)
    assert (sick.days_per_year, sick.needs_approval, sick.half_days) == (10, False, True)
    assert (unpaid.days_per_year, unpaid.allow_negative, unpaid.paid) == (0, True, False)
    assert (parental.days_per_year, parental.accrual) == (12, "monthly")
    own = Entitlement.objects.filter(days__isnull=False)
    assert own.count() >= 3
    assert Entitlement.objects.get(employee=demo["manager"], leave_type=annual).days == 25


def test_requests_wait_for_the_demo_manager(demo):
    manager = demo["manager"]
    waiting = inbox(user=manager.user, scope=EVERYTHING, is_hr=False)
    assert 10 <= waiting.count() <= 20
    assert {r.kind for r in waiting} == {"leave", "correction"}
    assert all(r.approver == manager for r in waiting)
    assert all(r.employee.manager == manager for r in waiting)
    # Corrections go on to HR once the manager approves: one has.
    assert Route.objects.get(kind="correction").hr_after_manager
    forwarded = Request.objects.get(status="pending", stage="hr")
    assert forwarded.kind == "correction"
    assert forwarded.events.filter(action=Event.Action.FORWARDED, by=manager.user).exists()
    rejected = Request.objects.get(status="rejected")
    assert rejected.events.get(action="rejected").comment
    assert rejected.leave.state == Leave.State.REJECTED
    cancelled = Request.objects.get(status="cancelled")
    assert cancelled.employee == demo["report"]
    assert cancelled.events.filter(action="cancelled", by=demo["report"].user).exists()
    # The manager was told of each request (in the app: demo accounts have no address yet).
    assert manager.user.notifications.count() >= waiting.count()


def test_leave_taken_on_past_days_is_their_attendance(demo):
    today = timezone.localdate()
    approved = list(Leave.objects.filter(state="approved").select_related("employee"))
    kinds = collections.Counter(leave.leave_type.name for leave in approved)
    assert kinds["Annual leave"] >= 2
    assert kinds["Sick leave"] >= 3
    assert kinds["Unpaid leave"] == 1
    assert any(leave.is_half_day for leave in approved)
    days = 0
    for leave in approved:
        assert leave.end < today
        counted = leave_count(
            employee=leave.employee,
            leave_type=leave.leave_type,
            start=leave.start,
            end=leave.end,
            part=leave.part,
        )
        for day, status in counted.days.items():
            record = AttendanceRecord.objects.get(employee=leave.employee, date=day)
            assert (record.source, record.status) == ("leave", status)
            days += 1
    assert AttendanceRecord.objects.filter(source="leave").count() == days >= 8
    assert {"on_leave", "half_day"} <= set(
        AttendanceRecord.objects.filter(source="leave").values_list("status", flat=True)
    )
    # Sick leave needed nobody's approval; annual leave was the manager's decision.
    sick = Request.objects.filter(leave__leave_type__name="Sick leave").first()
    assert sick.events.get(action="approved").by is None
    annual = Request.objects.filter(leave__leave_type__name="Annual leave", status="approved")
    assert annual.first().decided_by == demo["manager"].user


def test_the_month_before_the_clock_days_is_closed_and_nothing_waiting_breaks(demo):
    closed = ClosedMonth.objects.get()
    assert closed.department is None
    assert closed.is_closed
    first_clock_day = AttendanceRecord.objects.filter(source="clock").earliest("date").date
    assert closed.month < first_clock_day.replace(day=1)
    next_month = (closed.month + datetime.timedelta(days=31)).replace(day=1)
    assert next_month == first_clock_day.replace(day=1)
    # HR approves everything still waiting, twice (corrections go on from the manager's
    # stage to HR's): none of it is refused, since no day of it is closed.
    hr = get_user_model().objects.create_superuser("hr-test", "hr@example.com", "x")
    for _ in range(2):
        result = requests_decide(
            ids=list(Request.objects.filter(status="pending").values_list("pk", flat=True)),
            approve=True,
            by=hr,
            is_hr=True,
            scope=EVERYTHING,
        )
        assert result.refused == {}
    assert not Request.objects.filter(status="pending").exists()
    assert Request.objects.filter(status="approved", kind="correction").count() >= 4
    assert Leave.objects.filter(state="approved", start__gt=timezone.localdate()).exists()
    assert sum(leave.days for leave in Leave.objects.filter(state="approved")) > Decimal(10)
