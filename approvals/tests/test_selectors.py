"""The approvals inbox: whose requests, and a page of them in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.scoping import EVERYTHING, Scope
from approvals import services
from approvals.selectors import inbox
from employees.tests.factories import EmployeeFactory
from leave.tests.factories import LeaveTypeFactory

from .test_services import next_monday


def ask(employee, day, by):
    return services.request_leave(
        employee=employee,
        leave_type=LeaveTypeFactory(),
        start=day,
        end=day,
        reason="Family visit",
        by=by,
    )


def team_asks(people, count):
    """`count` more of the lead's reports ask for a day each."""
    for _ in range(count):
        person = EmployeeFactory(
            department=people["sales"],
            manager=people["lead"],
            date_joined=people["worker"].date_joined,
        )
        ask(person, next_monday(), people["hr"])


def page(user, *, is_hr, scope=EVERYTHING):
    waiting = inbox(user=user, scope=scope, is_hr=is_hr)
    return waiting.count(), [
        (r.summary, r.employee.department.name, r.approver and r.approver.full_name)
        for r in waiting[:50]
    ]


def test_the_manager_sees_what_waits_for_them_and_hr_everything_but_their_own(people):
    mine = ask(people["worker"], next_monday(), people["worker"].user)
    boss = ask(people["lead"], next_monday(), people["lead"].user)  # waits for the boss
    away = ask(people["outsider"], next_monday(), people["outsider"].user)  # for HR
    lead_inbox = inbox(user=people["lead"].user, scope=EVERYTHING, is_hr=False)
    assert list(lead_inbox) == [mine]
    assert list(inbox(user=people["boss"].user, scope=EVERYTHING, is_hr=False)) == [boss]
    assert list(inbox(user=people["hr"], scope=EVERYTHING, is_hr=True)) == [mine, boss, away]
    # HR limited to Sales does not see the other department's; nobody sees their own.
    sales = Scope(department_ids=frozenset({people["sales"].pk}))
    assert list(inbox(user=people["hr"], scope=sales, is_hr=True)) == [mine, boss]
    assert list(inbox(user=people["lead"].user, scope=EVERYTHING, is_hr=True)) == [mine, away]


def test_a_page_of_the_inbox_in_the_same_queries_however_many_wait(people):
    team_asks(people, 3)
    with CaptureQueriesContext(connection) as few:
        assert page(people["hr"], is_hr=True)[0] == 3
    team_asks(people, 12)
    with CaptureQueriesContext(connection) as many:
        count, rows = page(people["hr"], is_hr=True)
    assert count == len(rows) == 15
    assert len(many.captured_queries) == len(few.captured_queries) <= 7
    assert rows[0][1] == "Sales"
    assert rows[0][2] == people["lead"].full_name
