"""The payroll page: months closed and open, closing one (after a confirmation) and
reopening one (with a reason); only for HR admins, within their departments."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from attendance.models import ClosedMonth
from attendance.services import month_close
from employees.tests.factories import DepartmentFactory, EmployeeFactory

from .conftest import past_month, pending_request, working_days

pytestmark = pytest.mark.django_db

MONTHS = reverse("payroll:months")
CLOSE = reverse("payroll:close")


def reopen_url(closure: ClosedMonth) -> str:
    return reverse("payroll:reopen", args=[closure.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


class TestMonths:
    def test_lists_the_last_twelve_months_open_and_closed_with_their_history(self, client, hr):
        last, older = past_month(1), past_month(2)
        sales = DepartmentFactory(name="Sales")
        month_close(month=last, by=hr)
        reopened = month_close(month=older, department=sales, by=hr)
        reopened.reopened_at, reopened.reopened_by = reopened.closed_at, hr
        reopened.reopen_reason = "A late sick note."
        reopened.save()
        ancient = ClosedMonth.objects.create(month=past_month(30), closed_by=hr)
        client.force_login(hr)
        response = client.get(MONTHS)
        assert response.status_code == 200
        html = response.content.decode()
        rows = response.context["rows"]
        assert len(rows) == 13  # twelve months, and the older one closed
        assert [row.month for row in rows[:2]] == [last, older]
        assert rows[-1].month == ancient.month
        assertContains(response, "Closed</span> for the organisation", count=2)
        assert "“A late sick note.”" in html
        # Reopen and export only what is closed now.
        assertContains(response, reopen_url(ClosedMonth.objects.get(month=last)))
        assertNotContains(response, reopen_url(reopened))
        assertContains(response, f"/payroll/{last.year}-{last.month}/export/?format=csv")
        assertNotContains(response, f"/payroll/{older.year}-{older.month}/export/")

    def test_a_month_closed_for_one_department_offers_that_departments_export(self, client, hr):
        last = past_month(1)
        sales = DepartmentFactory(name="Sales")
        month_close(month=last, department=sales, by=hr)
        client.force_login(hr)
        response = client.get(MONTHS)
        assertContains(response, "Closed</span> for Sales")
        export = f"/payroll/{last.year}-{last.month}/export/?format=csv&amp;department={sales.pk}"
        assertContains(response, export)
        assertNotContains(response, f"/payroll/{last.year}-{last.month}/export/?format=xlsx")

    def test_shows_the_requests_still_waiting_in_each_month(self, client, hr):
        month = past_month(1)
        employee = EmployeeFactory(date_joined=month - datetime.timedelta(days=100))
        day = working_days(month)[3]
        pending_request(employee, day, day)
        client.force_login(hr)
        response = client.get(MONTHS)
        counts = {row.month: row.pending for row in response.context["rows"]}
        assert counts[month] == 1
        assert counts[past_month(2)] == 0
        assertContains(response, "<strong>1</strong> waiting for a decision", html=False)

    def test_the_htmx_partial_is_the_list_alone(self, client, hr, htmx_headers):
        client.force_login(hr)
        response = client.get(MONTHS, headers=htmx_headers())
        assertContains(response, 'id="months"')
        assertNotContains(response, "<html")
        assertNotContains(response, "Close a month")

    def test_is_for_hr_admins_only(self, client, clerk):
        client.force_login(clerk)
        assert client.get(MONTHS).status_code == 403
        assert client.get(CLOSE).status_code == 403
        assert client.post(CLOSE, {"month": past_month(1).isoformat()[:7]}).status_code == 403
        assert not ClosedMonth.objects.exists()

    def test_needs_a_sign_in(self, client):
        assert client.get(MONTHS)["Location"].startswith("/login/")

    def test_refuses_a_post(self, client, hr):
        client.force_login(hr)
        assert client.post(MONTHS).status_code == 405

    def test_queries_do_not_grow_with_the_closures(self, client, hr, django_assert_max_num_queries):
        client.force_login(hr)

        def close_many(first: int, n: int) -> None:
            for months_ago in range(first, first + n):
                closure = ClosedMonth.objects.create(month=past_month(months_ago), closed_by=hr)
                closure.reopened_at, closure.reopened_by = closure.closed_at, hr
                closure.reopen_reason = "Again."
                closure.save()
                ClosedMonth.objects.create(
                    month=past_month(months_ago),
                    department=DepartmentFactory(),
                    closed_by=hr,
                )

        close_many(1, 2)
        with django_assert_max_num_queries(12) as few:
            client.get(MONTHS)
        close_many(3, 20)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(MONTHS)


class TestClose:
    def test_asks_for_confirmation_saying_what_waits_and_that_nothing_changes_after(
        self, client, hr
    ):
        month = past_month(1)
        employee = EmployeeFactory(date_joined=month - datetime.timedelta(days=100))
        day = working_days(month)[0]
        pending_request(employee, day, day)
        client.force_login(hr)
        response = client.get(CLOSE, {"month": month.isoformat()[:7]})
        assertContains(response, "Nothing can change after this")
        assertContains(response, "1 request for days in the month still waits")
        assertContains(response, "1 person employed in the month")
        assert not ClosedMonth.objects.exists()  # a GET never closes

    def test_the_confirmation_as_an_htmx_partial(self, client, hr, htmx_headers):
        client.force_login(hr)
        response = client.get(
            CLOSE, {"month": past_month(1).isoformat()[:7]}, headers=htmx_headers(MONTHS)
        )
        assertContains(response, "Nothing can change after this")
        assertNotContains(response, "<html")

    def test_closes_once_confirmed(self, client, hr):
        month = past_month(1)
        sales = DepartmentFactory(name="Sales")
        client.force_login(hr)
        response = client.post(CLOSE, {"month": month.isoformat()[:7], "department": sales.pk})
        assertRedirects(response, MONTHS, fetch_redirect_response=False)
        closure = ClosedMonth.objects.get()
        assert (closure.month, closure.department, closure.closed_by) == (month, sales, hr)
        assert messages_of(response)[0].startswith(f"Closed {closure} for payroll")

    def test_from_htmx_the_list_refreshes(self, client, hr, htmx_headers):
        client.force_login(hr)
        response = client.post(
            CLOSE,
            {"month": past_month(1).isoformat()[:7]},
            headers=htmx_headers(f"http://testserver{MONTHS}"),
        )
        assert response.status_code == 200
        assert "refresh-lists" in response["HX-Trigger"]
        assert ClosedMonth.objects.count() == 1

    @pytest.mark.parametrize(
        ("month", "error"),
        [
            ("", "Choose the month to close"),
            ("March", "Enter the month as YYYY-MM"),
            ("this", "has not ended yet"),
        ],
    )
    def test_bad_input_is_a_form_error(self, client, hr, month, error):
        if month == "this":
            month = timezone.localdate().isoformat()[:7]
        client.force_login(hr)
        response = client.post(CLOSE, {"month": month})
        assert response.status_code == 200
        assertContains(response, error)
        assert not ClosedMonth.objects.exists()

    def test_a_month_already_closed_is_a_form_error_saying_so(self, client, hr):
        month_close(month=past_month(1), by=hr)
        client.force_login(hr)
        response = client.get(CLOSE, {"month": past_month(1).isoformat()[:7]})
        assertContains(response, "is already closed for the organisation by hr")
        assertNotContains(response, "Nothing can change after this")
        response = client.post(CLOSE, {"month": past_month(1).isoformat()[:7]})
        assertContains(response, "is already closed for the organisation by hr")
        assert ClosedMonth.objects.count() == 1

    def test_a_limited_user_must_choose_one_of_their_departments(self, client, limited_hr):
        client.force_login(limited_hr.user)
        month = past_month(1).isoformat()[:7]
        response = client.post(CLOSE, {"month": month})
        assertContains(response, "Choose the department.")
        response = client.post(CLOSE, {"month": month, "department": limited_hr.outside.pk})
        assertContains(response, "That department does not exist")
        assertNotContains(client.get(CLOSE), "Outside")
        assert not ClosedMonth.objects.exists()
        client.post(CLOSE, {"month": month, "department": limited_hr.inside.pk})
        assert ClosedMonth.objects.get().department == limited_hr.inside


class TestReopen:
    def test_asks_for_a_reason_then_reopens(self, client, hr):
        closure = month_close(month=past_month(1), by=hr)
        client.force_login(hr)
        assertContains(client.get(reopen_url(closure)), "Why reopen it?")
        response = client.post(reopen_url(closure), {"reason": ""})
        assert response.status_code == 200
        assertContains(response, "Say why the month is reopened.")
        closure.refresh_from_db()
        assert closure.is_closed
        response = client.post(reopen_url(closure), {"reason": "A late sick note."})
        assertRedirects(response, MONTHS, fetch_redirect_response=False)
        closure.refresh_from_db()
        assert (closure.is_closed, closure.reopen_reason) == (False, "A late sick note.")
        assert messages_of(response) == [
            f"Reopened {closure}: its days may change again until it is closed."
        ]

    def test_a_month_reopened_already_is_a_404(self, client, hr):
        closure = month_close(month=past_month(1), by=hr)
        client.force_login(hr)
        client.post(reopen_url(closure), {"reason": "Once."})
        assert client.post(reopen_url(closure), {"reason": "Twice."}).status_code == 404

    def test_the_htmx_form_is_the_panel_alone(self, client, hr, htmx_headers):
        closure = month_close(month=past_month(1), by=hr)
        client.force_login(hr)
        response = client.post(reopen_url(closure), {"reason": ""}, headers=htmx_headers())
        assertContains(response, "Say why the month is reopened.")
        assertNotContains(response, "<html")

    def test_outside_the_users_departments_is_a_404(self, client, hr, limited_hr):
        outside = month_close(month=past_month(1), department=limited_hr.outside, by=hr)
        everyone = month_close(month=past_month(2), by=hr)
        client.force_login(limited_hr.user)
        for closure in (outside, everyone):
            assert client.get(reopen_url(closure)).status_code == 404
            assert client.post(reopen_url(closure), {"reason": "Mine?"}).status_code == 404
        assert ClosedMonth.objects.filter(reopened_at__isnull=True).count() == 2
        # The organisation's closure is shown, the other department's is not.
        response = client.get(MONTHS)
        assertContains(response, "Closed</span> for the organisation")
        assertNotContains(response, "Outside")
        assertNotContains(response, reopen_url(everyone))  # not theirs to reopen

    def test_is_for_hr_admins_only(self, client, hr, clerk):
        closure = month_close(month=past_month(1), by=hr)
        client.force_login(clerk)
        assert client.post(reopen_url(closure), {"reason": "Why not."}).status_code == 403
        closure.refresh_from_db()
        assert closure.is_closed
