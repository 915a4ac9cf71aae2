import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from approvals import services
from approvals.models import Request
from attendance.models import AttendanceRecord
from leave.tests.factories import LeaveTypeFactory


def monday_next_year():
    day = datetime.date(timezone.localdate().year + 1, 3, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def last_monday():
    day = timezone.localdate() - datetime.timedelta(days=7)
    return day - datetime.timedelta(days=day.weekday())


@pytest.fixture
def annual(db):
    return LeaveTypeFactory()


def ask(people, start, end=None, who="worker"):
    return services.request_leave(
        employee=people[who],
        leave_type=LeaveTypeFactory(),
        start=start,
        end=end or start,
        reason="Trip",
        by=people[who].user,
    )


class TestMyRequests:
    def test_shows_balances_and_requests(self, client, people, annual):
        ask(people, monday_next_year())
        client.force_login(people["worker"].user)
        response = client.get(reverse("approvals:mine"))
        assertContains(response, "Annual leave")
        assertContains(response, "Waiting for approval")
        assertContains(response, "Ask for leave")

    def test_needs_sign_in(self, client, db):
        response = client.get(reverse("approvals:mine"))
        assert response.status_code == 302


class TestNewLeave:
    def test_employee_asks_and_it_goes_to_their_manager(self, client, people, annual):
        client.force_login(people["worker"].user)
        start = monday_next_year()
        response = client.post(
            reverse("approvals:new_leave"),
            {
                "employee": "WORK",
                "leave_type": annual.pk,
                "start": start,
                "end": start + datetime.timedelta(days=2),
                "part": "full",
                "reason": "Holiday",
            },
        )
        made = Request.objects.get()
        assert response.status_code == 302
        assert response["Location"] == made.get_absolute_url()
        assert made.approver == people["lead"]

    def test_preview_shows_the_days_and_what_is_left(self, client, people, annual):
        client.force_login(people["worker"].user)
        start = monday_next_year()
        response = client.get(
            reverse("approvals:new_leave"),
            {
                "employee": "WORK",
                "leave_type": annual.pk,
                "start": start,
                "end": start + datetime.timedelta(days=6),
                "part": "full",
                "reason": "x",
            },
        )
        assertContains(
            response,
            "This takes <strong>5 days</strong> of Annual leave: 20 available, 15 left after.",
        )
        assert not Request.objects.exists()

    def test_checking_needs_no_reason_yet(self, client, people, annual):
        client.force_login(people["worker"].user)
        start = monday_next_year()
        data = {"employee": "WORK", "leave_type": annual.pk, "start": start, "end": start}
        response = client.get(reverse("approvals:new_leave"), data | {"part": "full"})
        assertContains(response, "This takes <strong>1 day</strong>")
        assertNotContains(response, "This field is required")

    def test_checking_says_what_would_be_refused(self, client, people, annual):
        ask(people, monday_next_year())
        client.force_login(people["worker"].user)
        start = monday_next_year()
        data = {"employee": "WORK", "leave_type": annual.pk, "start": start, "end": start}
        response = client.get(reverse("approvals:new_leave"), data | {"part": "full"})
        assertContains(response, "which overlaps this period")

    def test_too_much_is_refused_with_the_reason(self, client, people, annual):
        client.force_login(people["worker"].user)
        start = monday_next_year()
        response = client.post(
            reverse("approvals:new_leave"),
            {
                "employee": "WORK",
                "leave_type": annual.pk,
                "start": start,
                "end": start + datetime.timedelta(days=40),
                "part": "full",
                "reason": "Long trip",
            },
        )
        assertContains(response, "Not enough Annual leave left", status_code=400)
        assert not Request.objects.exists()

    def test_a_plain_employee_cannot_ask_for_someone_else(self, client, people, annual):
        client.force_login(people["worker"].user)
        start = monday_next_year()
        response = client.post(
            reverse("approvals:new_leave"),
            {
                "employee": "OUT",
                "leave_type": annual.pk,
                "start": start,
                "end": start,
                "part": "full",
                "reason": "x",
            },
        )
        assertContains(response, "No employee you may ask for has the code", status_code=400)
        assert not Request.objects.exists()

    def test_a_manager_asks_for_their_report_but_not_outside_their_team(
        self, client, people, annual
    ):
        client.force_login(people["lead"].user)
        start = monday_next_year()
        data = {
            "leave_type": annual.pk,
            "start": start,
            "end": start,
            "part": "full",
            "reason": "x",
        }
        assert (
            client.post(reverse("approvals:new_leave"), {**data, "employee": "OUT"}).status_code
            == 400
        )
        response = client.post(reverse("approvals:new_leave"), {**data, "employee": "WORK"})
        assert response.status_code == 302
        made = Request.objects.get()
        # Asked by the lead, so the lead does not decide it: it still waits for them as
        # approver, but they are refused (someone else decides).
        assert made.requested_by == people["lead"].user


class TestInbox:
    def test_manager_sees_and_bulk_approves(
        self, client, people, annual, django_assert_max_num_queries
    ):
        first = ask(people, last_monday())
        second = ask(people, last_monday() + datetime.timedelta(days=1))
        other = ask(people, monday_next_year(), who="outsider")
        client.force_login(people["lead"].user)
        response = client.get(reverse("approvals:inbox"))
        assertContains(response, "2 requests wait")
        assertNotContains(response, str(other.pk))
        response = client.post(
            reverse("approvals:decide"),
            {"ids": [first.pk, second.pk, other.pk], "action": "approve", "comment": ""},
        )
        assert response.status_code == 302
        first.refresh_from_db()
        second.refresh_from_db()
        other.refresh_from_db()
        assert (first.status, second.status, other.status) == ("approved", "approved", "pending")
        assert (
            AttendanceRecord.objects.filter(employee=people["worker"], source="leave").count() == 2
        )

    def test_query_count_does_not_grow(self, client, people, annual, django_assert_max_num_queries):
        client.force_login(people["hr"])
        for n in range(3):
            ask(people, monday_next_year() + datetime.timedelta(days=7 * n))
        with django_assert_max_num_queries(14) as few:
            client.get(reverse("approvals:inbox"))
        for n in range(3, 15):
            ask(people, monday_next_year() + datetime.timedelta(days=7 * n))
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(reverse("approvals:inbox"))
        assertContains(response, "15 requests wait")

    def test_reject_without_comment_changes_nothing(self, client, people, annual):
        item = ask(people, monday_next_year())
        client.force_login(people["lead"].user)
        response = client.post(
            reverse("approvals:decide"), {"ids": [item.pk], "action": "reject", "comment": ""}
        )
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.status == "pending"

    def test_get_refused_on_decide(self, client, people):
        client.force_login(people["lead"].user)
        assert client.get(reverse("approvals:decide")).status_code == 405

    def test_htmx_gives_the_results(self, client, people, annual, htmx_headers):
        ask(people, monday_next_year())
        client.force_login(people["lead"].user)
        response = client.get(reverse("approvals:inbox"), headers=htmx_headers())
        assertContains(response, 'id="results"')
        assertNotContains(response, "<html")


class TestDetail:
    def test_outsider_gets_404(self, client, people, annual):
        item = ask(people, monday_next_year())
        client.force_login(people["outsider"].user)
        assert client.get(item.get_absolute_url()).status_code == 404

    def test_requester_cancels(self, client, people, annual):
        item = ask(people, monday_next_year())
        client.force_login(people["worker"].user)
        response = client.get(item.get_absolute_url())
        assertContains(response, "Cancel the request")
        assertNotContains(response, "Approve")
        client.post(reverse("approvals:cancel", args=[item.pk]))
        item.refresh_from_db()
        assert item.status == "cancelled"

    def test_correction_shows_the_day_beside_the_change(self, client, people):
        monday = last_monday()
        item = services.request_correction(
            employee=people["worker"],
            start=monday,
            end=monday,
            check_out=datetime.time(17, 30),
            reason="Forgot to clock out",
            by=people["worker"].user,
        )
        client.force_login(people["lead"].user)
        response = client.get(item.get_absolute_url())
        assertContains(response, "Not marked")
        assertContains(response, "Check-out 17:30")
        assertContains(response, "Approve")

    def test_hr_revokes_with_a_reason(self, client, people, annual):
        item = ask(people, last_monday())
        services.requests_decide(
            ids=[item.pk],
            approve=True,
            by=people["lead"].user,
            is_hr=False,
            scope=__import__("accounts.scoping", fromlist=["EVERYTHING"]).EVERYTHING,
        )
        client.force_login(people["hr"])
        response = client.post(reverse("approvals:revoke", args=[item.pk]), {"reason": ""})
        item.refresh_from_db()
        assert item.status == "approved"
        client.post(reverse("approvals:revoke", args=[item.pk]), {"reason": "Worked that day"})
        item.refresh_from_db()
        assert item.status == "revoked"
        assert response.status_code == 302

    def test_employee_cannot_revoke(self, client, people, annual):
        item = ask(people, last_monday())
        client.force_login(people["worker"].user)
        response = client.post(reverse("approvals:revoke", args=[item.pk]), {"reason": "x"})
        assert response.status_code == 404


class TestInboxScope:
    def test_hr_limited_to_a_department_sees_only_its_requests(self, client, people, annual):
        from accounts.models import DepartmentScope

        ask(people, monday_next_year())
        ask(people, monday_next_year(), who="outsider")
        DepartmentScope.objects.create(user=people["hr"]).departments.add(people["other"])
        client.force_login(people["hr"])
        response = client.get(reverse("approvals:inbox"))
        assertContains(response, "1 request waits")
        assertContains(response, people["outsider"].full_name)
        assertNotContains(response, people["worker"].full_name)

    def test_hr_does_not_see_their_own_request(self, client, people, annual, django_user_model):
        people["worker"].user.groups.add(people["hr"].groups.get())
        ask(people, monday_next_year())
        client.force_login(people["worker"].user)
        assertContains(client.get(reverse("approvals:inbox")), "No requests wait")


class TestNewCorrection:
    def test_a_day_of_a_closed_month_is_refused_with_the_reason(self, client, people):
        from attendance.models import ClosedMonth

        last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(
            day=1
        )
        ClosedMonth.objects.create(month=last_month)
        client.force_login(people["worker"].user)
        data = {"employee": "WORK", "start": last_month, "end": last_month}
        data |= {"set_status": "present", "reason": "I was there"}
        response = client.post(reverse("approvals:new_correction"), data)
        assertContains(response, "is closed for payroll", status_code=400)
        assert not Request.objects.exists()

    def test_show_the_days_needs_only_the_dates(self, client, people):
        client.force_login(people["worker"].user)
        day = last_monday()
        data = {"employee": "WORK", "start": day, "end": day}
        response = client.get(reverse("approvals:new_correction"), data)
        assertContains(response, "Not marked")
        assertNotContains(response, "This field is required")

    def test_nothing_to_change_is_refused(self, client, people):
        client.force_login(people["worker"].user)
        day = last_monday()
        data = {"employee": "WORK", "start": day, "end": day, "reason": "x"}
        response = client.post(reverse("approvals:new_correction"), data)
        assertContains(response, "Say what to change", status_code=400)
