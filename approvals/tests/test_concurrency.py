"""Two people act on the same request at the same moment: it is decided once."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.scoping import EVERYTHING
from approvals import services
from approvals.models import Event, Request
from core.testing import in_parallel
from leave.models import Leave
from leave.tests.factories import LeaveTypeFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_approve_and_cancel_at_once_is_decided_once(people):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    day = datetime.date(timezone.localdate().year + 1, 3, 2)
    request = services.request_leave(
        employee=people["worker"],
        leave_type=LeaveTypeFactory(),
        start=day,
        end=day,
        reason="Trip",
        by=people["worker"].user,
    )
    # Both start at the same moment.
    both_read = threading.Barrier(2, timeout=10)
    outcomes = {}

    def approve():
        both_read.wait()
        result = services.requests_decide(
            ids=[request.pk], approve=True, by=people["lead"].user, is_hr=False, scope=EVERYTHING
        )
        outcomes["approve"] = "done" if result.done else "refused"

    def cancel():
        both_read.wait()
        try:
            services.request_cancel(request=request, by=people["worker"].user)
            outcomes["cancel"] = "done"
        except ValidationError:
            outcomes["cancel"] = "refused"

    in_parallel(lambda job: job(), [approve, cancel])
    assert sorted(outcomes.values()) == ["done", "refused"]
    request.refresh_from_db()
    leave = Leave.objects.get()
    if outcomes["approve"] == "done":
        assert (request.status, leave.state) == ("approved", "approved")
    else:
        assert (request.status, leave.state) == ("cancelled", "cancelled")
    # One decision on the timeline, after the asking.
    decisions = request.events.exclude(action=Event.Action.SUBMITTED)
    assert decisions.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_apply_the_leave_once(people):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    day = timezone.localdate() - datetime.timedelta(days=7)
    day -= datetime.timedelta(days=day.weekday())
    request = services.request_leave(
        employee=people["worker"],
        leave_type=LeaveTypeFactory(),
        start=day,
        end=day,
        reason="Trip",
        by=people["worker"].user,
    )
    go = threading.Barrier(2, timeout=10)
    done = []

    def decide(user_is_hr):
        user, is_hr = user_is_hr
        go.wait()
        result = services.requests_decide(
            ids=[request.pk], approve=True, by=user, is_hr=is_hr, scope=EVERYTHING
        )
        done.append(len(result.done))

    in_parallel(decide, [(people["lead"].user, False), (people["hr"], True)])
    assert sorted(done) == [0, 1]
    assert Request.objects.get().status == "approved"
    assert request.events.filter(action=Event.Action.APPROVED).count() == 1
