"""The API's requests, approvals, leave balances and leave calendar: the same rules as the
approvals services, narrowed by each caller's scope."""

import datetime
import json
import uuid

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from accounts import roles
from accounts.models import DepartmentScope
from accounts.scoping import EVERYTHING
from api import endpoints, middleware
from api.models import ApiToken
from approvals import services
from approvals.models import Request, Route
from attendance.models import AttendanceRecord, ClosedMonth
from employees.tests.factories import DepartmentFactory, EmployeeFactory
from leave.models import Leave
from leave.tests.factories import LeaveTypeFactory

pytestmark = pytest.mark.django_db


def next_monday():
    """A Monday early next year: a week of leave from it stays within one year."""
    day = datetime.date(timezone.localdate().year + 1, 2, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def last_monday():
    day = timezone.localdate() - datetime.timedelta(days=7)
    return day - datetime.timedelta(days=day.weekday())


def days(n):
    return datetime.timedelta(days=n)


class Api:
    """A client calling with a user's token, answering (status, body)."""

    def __init__(self, user):
        _, key = ApiToken.issue(user=user, name="tests")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def get(self, path, **params):
        response = self.client.get(f"/api{path}", params)
        return response.status_code, response.json()

    def post(self, path, body=None):
        response = self.client.post(
            f"/api{path}", json.dumps(body or {}), content_type="application/json"
        )
        return response.status_code, response.json()


@pytest.fixture(autouse=True)
def no_rate_limit(monkeypatch):
    """No rate limit, and a token's use noted once: what is counted below is the
    operations' own queries, however slowly the tests run (a new rate-limit window, or a
    minute since the token's use was noted, would add one)."""
    monkeypatch.setattr(endpoints, "count_request", lambda ident, period: 1)
    monkeypatch.setattr(middleware, "USE_NOTED_EVERY", 10**9)


@pytest.fixture
def people(django_user_model):
    """Sales: boss, lead (reports to boss), worker (reports to lead), each with an account
    (role Employee); outsider in Other; an HR admin; a viewer (no one reports to them);
    and one type of leave (20 days a year)."""

    def account(name, role):
        user = django_user_model.objects.create_user(name, email=f"{name}@example.com")
        user.groups.add(Group.objects.get(name=role))
        return user

    joined = timezone.localdate() - days(400)
    sales, other = DepartmentFactory(name="Sales"), DepartmentFactory(name="Other")
    boss = EmployeeFactory(
        employee_id="BOSS",
        department=sales,
        date_joined=joined,
        user=account("boss", roles.EMPLOYEE),
    )
    lead = EmployeeFactory(
        employee_id="LEAD",
        full_name="Lena Lead",
        department=sales,
        date_joined=joined,
        manager=boss,
        user=account("lead", roles.EMPLOYEE),
    )
    worker = EmployeeFactory(
        employee_id="WORK",
        full_name="Walt Worker",
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
        "viewer": account("viewer", roles.VIEWER),
        "sales": sales,
        "other": other,
        "annual": LeaveTypeFactory(),
    }


def ask_leave(people, who="worker", start=None, length=1):
    start = start or next_monday()
    return services.request_leave(
        employee=people[who],
        leave_type=people["annual"],
        start=start,
        end=start + days(length - 1),
        reason="Family visit",
        by=people[who].user,
    )


def leave_body(people, **changes):
    monday = next_monday()
    return {
        "leave_type": people["annual"].pk,
        "start": str(monday),
        "end": str(monday + days(4)),
        "reason": "Family visit",
        **changes,
    }


class TestListRequests:
    def test_each_sees_their_own_and_their_teams(self, people):
        mine = ask_leave(people)
        leads = ask_leave(people, "lead")
        outsiders = ask_leave(people, "outsider")

        def ids(user, **params):
            status, body = Api(user).get("/requests", **params)
            assert status == 200
            return {row["id"] for row in body}

        assert ids(people["worker"].user) == {str(mine.pk)}
        assert ids(people["lead"].user) == {str(mine.pk), str(leads.pk)}
        assert ids(people["outsider"].user) == {str(outsiders.pk)}
        assert ids(people["hr"]) == {str(mine.pk), str(leads.pk), str(outsiders.pk)}
        assert ids(people["lead"].user, mine="true") == {str(leads.pk)}
        assert ids(people["hr"], employee="work") == {str(mine.pk)}

    def test_your_own_even_outside_the_departments_you_see(self, people):
        """An HR admin limited to another department sees, and cancels, their own."""
        DepartmentScope.objects.create(user=people["lead"].user).departments.add(people["other"])
        people["lead"].user.groups.set([Group.objects.get(name=roles.HR_ADMIN)])
        leads = ask_leave(people, "lead")
        api = Api(people["lead"].user)
        assert [row["id"] for row in api.get("/requests")[1]] == [str(leads.pk)]
        assert api.post(f"/requests/{leads.pk}/cancel")[0] == 200

    def test_a_row_says_what_is_asked_and_whom_it_waits_for(self, people):
        asked = ask_leave(people, length=5)
        status, (row,) = Api(people["worker"].user).get("/requests")
        assert status == 200
        assert row["kind"] == "leave"
        assert row["status"] == "pending"
        assert row["approver"] == "LEAD"
        assert row["approver_name"] == "Lena Lead"
        assert row["employee"] == "WORK"
        assert row["department"] == "Sales"
        assert row["leave"] == {
            "leave_type_id": people["annual"].pk,
            "leave_type": "Annual leave",
            "part": "full",
            "days": 5.0,
        }
        assert row["summary"] == asked.summary
        assert row["set_status"] is None

    def test_filters_and_pages(self, people):
        first = ask_leave(people)
        second = ask_leave(people, start=next_monday() + days(7))
        services.request_cancel(request=first, by=people["worker"].user)
        api = Api(people["hr"])
        assert [r["id"] for r in api.get("/requests", status="cancelled")[1]] == [str(first.pk)]
        assert [r["id"] for r in api.get("/requests", status="pending")[1]] == [str(second.pk)]
        assert api.get("/requests", kind="correction")[1] == []
        newest_first = [r["id"] for r in api.get("/requests")[1]]
        assert newest_first == [str(second.pk), str(first.pk)]
        assert [r["id"] for r in api.get("/requests", skip=1, limit=1)[1]] == [str(first.pk)]
        status, body = api.get("/requests", status="lost")
        assert status == 422

    def test_query_count_does_not_grow_with_rows(self, people, django_assert_max_num_queries):
        api = Api(people["hr"])
        api.get("/requests")  # the token's first use is noted once
        start = next_monday()
        for size in (2, 12):
            while Request.objects.count() < size:
                n = Request.objects.count()
                ask_leave(people, "outsider" if n % 2 else "worker", start + days(7 * n), 1)
            # The token, the caller's scope, the requests.
            with django_assert_max_num_queries(3):
                status, body = api.get("/requests")
            assert status == 200
            assert len(body) == size


class TestGetRequest:
    def test_with_its_timeline(self, people):
        asked = ask_leave(people)
        services.requests_decide(
            ids=[asked.pk],
            approve=True,
            comment="Enjoy",
            by=people["lead"].user,
            is_hr=False,
            scope=EVERYTHING,
        )
        status, body = Api(people["worker"].user).get(f"/requests/{asked.pk}")
        assert status == 200
        assert body["status"] == "approved"
        assert [(e["action"], e["by"], e["comment"]) for e in body["events"]] == [
            ("submitted", "worker", "Family visit"),
            ("approved", "lead", "Enjoy"),
        ]

    def test_another_departments_request_is_404(self, people):
        asked = ask_leave(people)
        assert Api(people["outsider"].user).get(f"/requests/{asked.pk}")[0] == 404
        assert Api(people["worker"].user).get(f"/requests/{uuid.uuid4()}")[0] == 404


class TestRequestLeave:
    def test_for_yourself(self, people):
        status, body = Api(people["worker"].user).post("/requests/leave", leave_body(people))
        assert status == 201, body
        assert body["employee"] == "WORK"
        assert body["approver"] == "LEAD"
        assert body["leave"]["days"] == 5
        assert body["events"][0]["action"] == "submitted"
        request = Request.objects.get(pk=body["id"])
        assert request.requested_by == people["worker"].user
        assert request.leave.state == Leave.State.PENDING

    def test_a_manager_for_their_team_and_hr_for_anyone(self, people):
        status, body = Api(people["lead"].user).post(
            "/requests/leave", leave_body(people, employee="work")
        )
        assert status == 201, body
        assert body["employee"] == "WORK"
        assert body["requested_by"] == "lead"
        status, body = Api(people["hr"]).post("/requests/leave", leave_body(people, employee="OUT"))
        assert status == 201, body
        assert body["employee"] == "OUT"
        assert body["stage"] == "hr"  # nobody above the outsider: HR decides

    def test_nobody_else(self, people):
        # Outside their scope: nobody there, for them.
        status, body = Api(people["worker"].user).post(
            "/requests/leave", leave_body(people, employee="LEAD")
        )
        assert status == 404
        assert body["detail"] == "No employee you can see has the code LEAD."
        assert Api(people["outsider"].user).post(
            "/requests/leave", leave_body(people, employee="WORK")
        ) == (404, {"detail": "No employee you can see has the code WORK."})
        # A viewer sees everyone, and manages nobody.
        status, body = Api(people["viewer"]).post(
            "/requests/leave", leave_body(people, employee="WORK")
        )
        assert status == 403
        assert "for yourself, for your team" in body["detail"]
        status, body = Api(people["viewer"]).post("/requests/leave", leave_body(people))
        assert status == 400
        assert "no employee's" in body["detail"]
        assert not Request.objects.exists()

    def test_refusals_say_why(self, people):
        api = Api(people["worker"].user)
        status, body = api.post("/requests/leave", leave_body(people, leave_type=999))
        assert (status, body["detail"]) == (404, "There is no leave type with the id 999.")
        # More than the balance: a conflict with what is left.
        long = leave_body(people, end=str(next_monday() + days(40)))
        status, body = api.post("/requests/leave", long)
        assert status == 409
        assert body["detail"].startswith("Not enough Annual leave left")
        # A half day is one day.
        status, body = api.post("/requests/leave", leave_body(people, part="morning"))
        assert status == 400
        assert body["detail"] == "Half a day's leave is one day: make the last day the first."
        assert api.post("/requests/leave", leave_body(people))[0] == 201
        status, body = api.post("/requests/leave", leave_body(people))
        assert status == 409
        assert "overlaps this period" in body["detail"]
        status, body = api.post("/requests/leave", leave_body(people, reason=""))
        assert status == 422
        assert Request.objects.count() == 1

    def test_a_closed_month_is_a_conflict(self, people):
        ClosedMonth.objects.create(month=next_monday().replace(day=1))
        status, body = Api(people["worker"].user).post("/requests/leave", leave_body(people))
        assert status == 409
        assert "is closed for payroll" in body["detail"]


def correction_body(**changes):
    monday = last_monday()
    return {"start": str(monday), "set_status": "Present", "reason": "Forgot to clock", **changes}


class TestRequestCorrection:
    def test_for_yourself(self, people):
        status, body = Api(people["worker"].user).post(
            "/requests/correction", correction_body(check_in="09:00", check_out="17:30")
        )
        assert status == 201, body
        assert body["kind"] == "correction"
        assert body["set_status"] == "Present"
        assert body["check_in"] == "09:00:00"
        assert body["end"] == body["start"]
        assert body["leave"] is None

    def test_refusals(self, people):
        api = Api(people["worker"].user)
        status, body = api.post("/requests/correction", correction_body(set_status=None))
        assert (status, body["detail"]) == (
            400,
            "Say what to change: a status, a check-in or a check-out.",
        )
        status, body = api.post(
            "/requests/correction",
            correction_body(set_status=None, check_in="10:00", check_out="09:00"),
        )
        assert (status, body["detail"]) == (400, "The check-out must be after the check-in.")
        status, body = api.post("/requests/correction", correction_body(check_in="09:00+02:00"))
        assert status == 422
        assert api.post("/requests/correction", correction_body())[0] == 201
        status, body = api.post("/requests/correction", correction_body())
        assert status == 409
        assert "already waiting for approval" in body["detail"]
        assert Request.objects.count() == 1

    def test_a_closed_month_is_a_conflict(self, people):
        ClosedMonth.objects.create(month=last_monday().replace(day=1))
        status, body = Api(people["worker"].user).post("/requests/correction", correction_body())
        assert status == 409
        assert "is closed for payroll" in body["detail"]

    def test_another_departments_employee_is_404(self, people):
        status, _ = Api(people["lead"].user).post(
            "/requests/correction", correction_body(employee="OUT")
        )
        assert status == 404


class TestInbox:
    def test_what_waits_for_each(self, people):
        workers = ask_leave(people)
        leads = ask_leave(people, "lead")
        outsiders = ask_leave(people, "outsider")

        def ids(user):
            status, body = Api(user).get("/approvals")
            assert status == 200
            return [row["id"] for row in body]

        assert ids(people["lead"].user) == [str(workers.pk)]
        assert ids(people["boss"].user) == [str(leads.pk)]
        assert ids(people["worker"].user) == []
        assert ids(people["hr"]) == [str(workers.pk), str(leads.pk), str(outsiders.pk)]

    def test_query_count_does_not_grow_with_rows(self, people, django_assert_max_num_queries):
        api = Api(people["hr"])
        api.get("/approvals")
        start = next_monday()
        for size in (2, 12):
            while Request.objects.count() < size:
                n = Request.objects.count()
                ask_leave(people, "outsider" if n % 2 else "worker", start + days(7 * n), 1)
            # The token, the caller's permissions and scope, the requests; and (prefetched,
            # a query each whatever the rows) their people, departments, approvers and leave.
            with django_assert_max_num_queries(9):
                status, body = api.get("/approvals")
            assert (status, len(body)) == (200, size)


class TestDecide:
    def test_a_manager_approves_their_teams(self, people):
        asked = ask_leave(people)
        status, body = Api(people["lead"].user).post(
            "/approvals/decide", {"ids": [str(asked.pk)], "action": "approve"}
        )
        assert status == 200, body
        assert body["message"] == "1 decided."
        assert [(r["id"], r["status"]) for r in body["decided"]] == [(str(asked.pk), "approved")]
        assert body["forwarded"] == body["refused"] == []
        assert AttendanceRecord.objects.filter(employee=people["worker"], source="leave").exists()

    def test_an_employee_decides_neither_others_nor_their_own(self, people):
        own = ask_leave(people)
        bosses = ask_leave(people, "lead")  # waits for the boss; not in the worker's scope
        status, body = Api(people["worker"].user).post(
            "/approvals/decide", {"ids": [str(own.pk), str(bosses.pk)], "action": "approve"}
        )
        assert status == 200
        assert body["decided"] == body["forwarded"] == []
        assert body["refused"] == [
            {
                "id": str(own.pk),
                "reason": "Nobody approves their own request: it waits for someone else.",
            },
            {"id": None, "reason": "1 no longer exist or are not yours to see."},
        ]
        assert set(Request.objects.values_list("status", flat=True)) == {"pending"}

    def test_in_bulk_each_is_decided_forwarded_or_refused(self, people):
        Route.objects.update_or_create(kind="leave", defaults={"hr_after_manager": True})
        first = ask_leave(people)
        second = ask_leave(people, start=next_monday() + days(7))
        services.request_cancel(request=second, by=people["worker"].user)
        correction = services.request_correction(
            employee=people["worker"],
            start=last_monday(),
            end=last_monday(),
            set_status="present",
            reason="Forgot",
            by=people["worker"].user,
        )
        ids = [str(first.pk), str(second.pk), str(correction.pk), str(uuid.uuid4())]
        status, body = Api(people["lead"].user).post(
            "/approvals/decide", {"ids": ids, "action": "approve", "comment": "Fine"}
        )
        assert status == 200, body
        assert [r["id"] for r in body["decided"]] == [str(correction.pk)]
        assert [(r["id"], r["stage"]) for r in body["forwarded"]] == [(str(first.pk), "hr")]
        assert body["refused"] == [
            {"id": str(second.pk), "reason": "It is cancelled already."},
            {"id": None, "reason": "1 no longer exist or are not yours to see."},
        ]
        assert body["message"] == "1 decided, 1 sent on to HR, 2 not decided."
        # HR then approves what was sent on.
        status, body = Api(people["hr"]).post(
            "/approvals/decide", {"ids": [str(first.pk)], "action": "approve"}
        )
        assert [r["status"] for r in body["decided"]] == ["approved"]

    def test_rejecting_needs_a_comment(self, people):
        asked = ask_leave(people)
        api = Api(people["lead"].user)
        status, body = api.post("/approvals/decide", {"ids": [str(asked.pk)], "action": "reject"})
        assert (status, body["detail"]) == (
            400,
            "Say why they are rejected: the employee reads it.",
        )
        status, body = api.post(
            "/approvals/decide",
            {"ids": [str(asked.pk)], "action": "reject", "comment": "Busy week"},
        )
        assert [r["status"] for r in body["decided"]] == ["rejected"]
        assert Leave.objects.get().state == Leave.State.REJECTED


class TestCancelAndRevoke:
    def test_cancel_your_own(self, people):
        asked = ask_leave(people)
        status, body = Api(people["worker"].user).post(f"/requests/{asked.pk}/cancel")
        assert status == 200
        assert body["status"] == "cancelled"
        assert body["events"][-1]["action"] == "cancelled"
        status, body = Api(people["worker"].user).post(f"/requests/{asked.pk}/cancel")
        assert status == 409
        assert body["detail"] == "It is cancelled already, so it cannot be cancelled."

    def test_not_someone_elses(self, people):
        asked = ask_leave(people)
        status, body = Api(people["lead"].user).post(f"/requests/{asked.pk}/cancel")
        assert (status, body["detail"]) == (
            403,
            "Only who asked, or whom it is for, may cancel it.",
        )
        assert Api(people["outsider"].user).post(f"/requests/{asked.pk}/cancel")[0] == 404
        assert Request.objects.get().status == "pending"

    def test_hr_revokes_approved_leave(self, people):
        asked = ask_leave(people)
        pending = Api(people["hr"]).post(f"/requests/{asked.pk}/revoke", {"reason": "Mistake"})
        assert pending[0] == 409
        assert pending[1]["detail"].startswith("Only an approved request can be revoked")
        services.requests_decide(
            ids=[asked.pk],
            approve=True,
            by=people["lead"].user,
            is_hr=False,
            scope=EVERYTHING,
        )
        status, body = Api(people["worker"].user).post(
            f"/requests/{asked.pk}/revoke", {"reason": "Mine"}
        )
        assert status == 403
        assert Api(people["hr"]).post(f"/requests/{asked.pk}/revoke", {})[0] == 422
        status, body = Api(people["hr"]).post(f"/requests/{asked.pk}/revoke", {"reason": "Mistake"})
        assert status == 200
        assert body["status"] == "revoked"
        assert body["events"][-1]["comment"] == "Mistake"
        assert not AttendanceRecord.objects.filter(source="leave").exists()

    def test_hr_limited_to_another_department_cannot_revoke(self, people, django_user_model):
        asked = ask_leave(people)
        services.requests_decide(
            ids=[asked.pk],
            approve=True,
            by=people["lead"].user,
            is_hr=False,
            scope=EVERYTHING,
        )
        limited = django_user_model.objects.create_user("limited-hr")
        limited.groups.add(Group.objects.get(name=roles.HR_ADMIN))
        DepartmentScope.objects.create(user=limited).departments.add(people["other"])
        status, _ = Api(limited).post(f"/requests/{asked.pk}/revoke", {"reason": "Mistake"})
        assert status == 404
        assert Request.objects.get().status == "approved"


class TestLeaveTypesAndBalances:
    def test_types(self, people):
        LeaveTypeFactory(name="Old", is_active=False)
        status, body = Api(people["worker"].user).get("/leave/types")
        assert status == 200
        assert [(t["id"], t["name"], t["days_per_year"]) for t in body] == [
            (people["annual"].pk, "Annual leave", 20.0)
        ]

    def test_your_own_by_default(self, people):
        ask_leave(people, length=5)
        year = next_monday().year
        status, body = Api(people["worker"].user).get("/leave/balances", year=year)
        assert status == 200
        assert body["employee"] == "WORK"
        assert body["year"] == year
        (balance,) = body["balances"]
        assert (balance["leave_type"], balance["pending"], balance["available"]) == (
            "Annual leave",
            5.0,
            15.0,
        )
        status, body = Api(people["worker"].user).get("/leave/balances")
        assert body["year"] == timezone.localdate().year

    def test_others_within_scope(self, people):
        status, body = Api(people["lead"].user).get("/leave/balances", employee="work")
        assert (status, body["employee"]) == (200, "WORK")
        assert Api(people["hr"]).get("/leave/balances", employee="OUT")[0] == 200
        assert Api(people["outsider"].user).get("/leave/balances", employee="WORK")[0] == 404
        assert Api(people["worker"].user).get("/leave/balances", employee="LEAD")[0] == 404
        assert Api(people["worker"].user).get("/leave/balances", year=1)[0] == 422


class TestCalendar:
    def approve(self, people, request):
        services.requests_decide(
            ids=[request.pk], approve=True, by=people["hr"], is_hr=True, scope=EVERYTHING
        )

    def test_approved_leave_in_scope(self, people):
        monday = next_monday()
        self.approve(people, ask_leave(people, length=3))
        self.approve(people, ask_leave(people, "outsider", start=monday + days(1)))
        ask_leave(people, "lead")  # waiting: not on the calendar
        period = {"start": str(monday), "end": str(monday + days(30))}
        status, body = Api(people["hr"]).get("/leave/calendar", **period)
        assert status == 200
        assert [(r["employee"], r["start"], r["end"], r["days"]) for r in body] == [
            ("WORK", str(monday), str(monday + days(2)), 3.0),
            ("OUT", str(monday + days(1)), str(monday + days(1)), 1.0),
        ]
        sales = Api(people["hr"]).get("/leave/calendar", department="sales", **period)[1]
        assert [r["employee"] for r in sales] == ["WORK"]
        team = Api(people["lead"].user).get("/leave/calendar", **period)[1]
        assert [r["employee"] for r in team] == ["WORK"]
        other = Api(people["outsider"].user).get("/leave/calendar", department="Sales", **period)
        assert other == (200, [])

    def test_at_most_92_days(self, people):
        monday = next_monday()
        api = Api(people["hr"])
        status, body = api.get("/leave/calendar", start=str(monday), end=str(monday + days(92)))
        assert (status, body["detail"]) == (400, "Ask for at most 92 days at once.")
        status, body = api.get("/leave/calendar", start=str(monday), end=str(monday - days(1)))
        assert status == 400
        assert api.get("/leave/calendar", start=str(monday), end=str(monday + days(91)))[0] == 200

    def test_query_count_does_not_grow_with_rows(self, people, django_assert_max_num_queries):
        api = Api(people["hr"])
        start = next_monday()
        period = {"start": str(start), "end": str(start + days(91))}
        api.get("/leave/calendar", **period)
        for size in (2, 12):
            while Leave.objects.count() < size:
                n = Leave.objects.count()
                self.approve(
                    people,
                    ask_leave(people, "outsider" if n % 2 else "worker", start + days(7 * n)),
                )
            # The token, the caller's scope, the leave.
            with django_assert_max_num_queries(3):
                status, body = api.get("/leave/calendar", **period)
            assert (status, len(body)) == (200, size)
