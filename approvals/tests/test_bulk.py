"""Approving many requests at once: the same queries for 3 as for 12."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.scoping import EVERYTHING
from approvals import services
from approvals.models import Request
from attendance.models import AttendanceRecord
from employees.tests.factories import EmployeeFactory
from leave.tests.factories import LeaveTypeFactory

from .test_services import last_monday, next_monday


def requests_of(people, count):
    """`count` of the lead's reports: each asks for two days of leave, and to be marked
    working from home on a day last week."""
    made = []
    for _ in range(count):
        person = EmployeeFactory(
            department=people["sales"],
            manager=people["lead"],
            date_joined=people["worker"].date_joined,
        )
        made.append(
            services.request_leave(
                employee=person,
                leave_type=LeaveTypeFactory(),
                start=next_monday(),
                end=next_monday() + datetime.timedelta(days=1),
                reason="Family visit",
                by=people["hr"],
            )
        )
        made.append(
            services.request_correction(
                employee=person,
                start=last_monday(),
                end=last_monday(),
                set_status="wfh",
                reason="Worked from home",
                by=people["hr"],
            )
        )
    return made


def approve(people, requests):
    with CaptureQueriesContext(connection) as queries:
        result = services.requests_decide(
            ids=[r.pk for r in requests],
            approve=True,
            comment="",
            by=people["lead"].user,
            is_hr=False,
            scope=EVERYTHING,
        )
    assert len(result.done) == len(requests)
    return len(queries.captured_queries)


def test_approving_many_takes_the_same_queries_as_approving_a_few(people):
    few = approve(people, requests_of(people, 3))
    many = approve(people, requests_of(people, 12))
    assert many <= few  # (the first also loads what later ones find cached)
    assert Request.objects.filter(status="approved").count() == 30
    # Each leave's two days, and each correction's day, are the attendance.
    assert AttendanceRecord.objects.filter(source="leave").count() == 30
    assert AttendanceRecord.objects.filter(status="wfh", source="hand").count() == 15
