"""The benchmark's requests: seeded in bulk as the services would have made them, again
and again alike (--reuse), and approved in bulk without changing anything."""

import pytest
from django.contrib.auth import get_user_model

from approvals.models import Event, Request
from bench.requests import (
    BENCH_HR_USER,
    REASON,
    measure_decide,
    measure_inbox_selector,
    prepare_requests,
    remove_requests,
)
from demo.data import create_demo_data
from leave.models import Leave
from leave.services import leave_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    create_demo_data(employees=60, departments=3, days=20, punch_days=10, seed=4)
    return prepare_requests("secret", pending=20)


def test_requests_wait_as_if_asked_one_by_one(seeded):
    mine = Request.objects.filter(reason=REASON).select_related("leave", "employee")
    assert seeded["pending"] == mine.count() == 20
    assert (seeded["leave"], seeded["corrections"]) == (10, 10)
    for request in mine:
        assert request.status == "pending"
        events = list(request.events.values_list("action", flat=True))
        if request.kind == "leave":
            assert request.approver == request.employee.manager
            assert events == [Event.Action.SUBMITTED]
        else:  # approved by the manager: waits for HR
            assert (request.stage, request.approver) == ("hr", None)
            assert events == [Event.Action.SUBMITTED, Event.Action.FORWARDED]
        request.full_clean()
        if request.kind == "leave":
            leave = request.leave
            assert (leave.start, leave.end) == (request.start, request.end)
            counted = leave_count(
                employee=request.employee,
                leave_type=leave.leave_type,
                start=leave.start,
                end=leave.end,
            )
            assert leave.days == counted.total  # as leave_request would have counted
            assert 1 <= leave.days <= 3
    # One each: nobody asks twice, and nobody who already asked in the demo.
    people = set(mine.values_list("employee", flat=True))
    assert len(people) == 20
    assert not Request.objects.exclude(reason=REASON).filter(employee__in=people).exists()
    hr = get_user_model().objects.get(username=BENCH_HR_USER)
    assert hr.check_password("secret")
    assert hr.groups.get().name == "HR admin"


def test_seeding_again_replaces_the_earlier_runs_requests(seeded):
    before = Request.objects.count()
    again = prepare_requests("secret", pending=20)
    assert again["pending"] == 20
    assert Request.objects.count() == before
    assert remove_requests() == 20
    assert not Request.objects.filter(reason=REASON).exists()
    assert not Leave.objects.filter(request__isnull=True).exists()


def test_measuring_changes_nothing(seeded):
    hr = get_user_model().objects.get(username=BENCH_HR_USER)
    inbox = measure_inbox_selector(hr, warmup=0, repeat=2)
    assert inbox["rows"] == Request.objects.filter(status="pending").count() >= 20
    page = measure_inbox_selector(hr, warmup=0, repeat=2, first=5)
    assert page["rows"] == inbox["rows"]  # the count, with five rows read
    assert page["queries"] == inbox["queries"] + 1
    decided = measure_decide(hr, bulk=12, repeat=2)
    assert decided["ids"] == 12
    assert (decided["decided"], decided["forwarded"]) == (12, 0)
    assert decided["queries"] > 0
    # Rolled back: still waiting, no leave approved.
    assert Request.objects.filter(reason=REASON, status="pending").count() == 20
    assert not Leave.objects.filter(request__reason=REASON, state="approved").exists()
