"""Closing a month for payroll and reopening it: the rules, the history, the audit trail."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import roles
from attendance.models import ClosedMonth
from attendance.services import attendance_mark, month_close, month_reopen
from employees.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

THIS_MONTH = timezone.localdate().replace(day=1)
LAST_MONTH = (THIS_MONTH - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def hr(django_user_model):
    user = django_user_model.objects.create_user("hr")
    user.groups.add(Group.objects.get(name=roles.HR_ADMIN))
    return user


def codes(error: pytest.ExceptionInfo) -> set[str]:
    exception = error.value
    if hasattr(exception, "error_dict"):
        return {e.code for errors in exception.error_dict.values() for e in errors}
    return {e.code for e in exception.error_list}


class TestMonthClose:
    def test_closes_a_month_that_has_ended_and_no_day_of_it_can_change(self, hr):
        employee = EmployeeFactory(date_joined=LAST_MONTH - datetime.timedelta(days=100))
        closure = month_close(month=LAST_MONTH.replace(day=15), by=hr)
        assert (closure.month, closure.department, closure.closed_by) == (LAST_MONTH, None, hr)
        assert closure.is_closed
        with pytest.raises(ValidationError, match="is closed for payroll"):
            attendance_mark(employee=employee, day=LAST_MONTH, status="present")

    @pytest.mark.parametrize("months_ahead", [0, 1])
    def test_refuses_this_month_and_the_months_ahead(self, hr, months_ahead):
        month = (THIS_MONTH + datetime.timedelta(days=32 * months_ahead)).replace(day=1)
        with pytest.raises(ValidationError, match="has not ended yet") as error:
            month_close(month=month, by=hr)
        assert codes(error) == {"not_ended"}
        assert not ClosedMonth.objects.exists()

    def test_refuses_a_month_already_closed_saying_by_whom(self, hr):
        month_close(month=LAST_MONTH, by=hr)
        with pytest.raises(ValidationError, match="already closed for the organisation by hr"):
            month_close(month=LAST_MONTH, by=hr)
        # Nor can one department close what the organisation has closed.
        with pytest.raises(ValidationError, match="already closed for the organisation"):
            month_close(month=LAST_MONTH, department=DepartmentFactory(name="Sales"), by=hr)
        assert ClosedMonth.objects.count() == 1

    def test_refuses_a_department_already_closed(self, hr):
        sales = DepartmentFactory(name="Sales")
        month_close(month=LAST_MONTH, department=sales, by=hr)
        with pytest.raises(ValidationError, match="already closed for Sales"):
            month_close(month=LAST_MONTH, department=sales, by=hr)
        # Another department, and the organisation, may still close it.
        month_close(month=LAST_MONTH, department=DepartmentFactory(name="Support"), by=hr)
        month_close(month=LAST_MONTH, by=hr)
        assert ClosedMonth.objects.filter(reopened_at__isnull=True).count() == 3

    def test_a_limited_user_closes_only_their_departments(self, limited_hr):
        user = limited_hr.user
        with pytest.raises(ValidationError, match="not one of your departments") as error:
            month_close(month=LAST_MONTH, department=limited_hr.outside, by=user)
        assert codes(error) == {"department_out_of_scope"}
        with pytest.raises(ValidationError, match="cannot close the month for the whole") as error:
            month_close(month=LAST_MONTH, by=user)
        assert codes(error) == {"organisation_out_of_scope"}
        closure = month_close(month=LAST_MONTH, department=limited_hr.inside, by=user)
        assert list(ClosedMonth.objects.all()) == [closure]

    def test_closing_is_in_the_audit_trail(self, hr):
        sales = DepartmentFactory(name="Sales")
        closure = month_close(month=LAST_MONTH, department=sales, by=hr)
        entry = LogEntry.objects.get_for_object(closure).get()
        assert entry.action == LogEntry.Action.CREATE
        assert entry.actor == hr
        assert entry.additional_data == {"department": sales.pk}


class TestMonthReopen:
    def test_reopens_keeping_who_when_and_why(self, hr):
        closure = month_close(month=LAST_MONTH, by=hr)
        month_reopen(closure=closure, reason="  A late sick note.  ", by=hr)
        closure.refresh_from_db()
        assert not closure.is_closed
        assert (closure.reopened_by, closure.reopen_reason) == (hr, "A late sick note.")
        assert closure.reopened_at is not None

    def test_the_month_can_change_again_and_be_closed_again_keeping_the_history(self, hr):
        employee = EmployeeFactory(date_joined=LAST_MONTH - datetime.timedelta(days=100))
        first = month_close(month=LAST_MONTH, by=hr)
        month_reopen(closure=first, reason="A late sick note.", by=hr)
        attendance_mark(employee=employee, day=LAST_MONTH, status="present")
        second = month_close(month=LAST_MONTH, by=hr)
        history = list(ClosedMonth.objects.filter(month=LAST_MONTH).order_by("closed_at"))
        assert history == [first, second]
        assert [c.is_closed for c in history] == [False, True]

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_refuses_without_a_reason(self, hr, reason):
        closure = month_close(month=LAST_MONTH, by=hr)
        with pytest.raises(ValidationError, match="Say why the month is reopened") as error:
            month_reopen(closure=closure, reason=reason, by=hr)
        assert codes(error) == {"reason_missing"}
        closure.refresh_from_db()
        assert closure.is_closed

    def test_refuses_a_reason_too_long(self, hr):
        closure = month_close(month=LAST_MONTH, by=hr)
        with pytest.raises(ValidationError, match="at most 300 characters"):
            month_reopen(closure=closure, reason="x" * 301, by=hr)

    def test_refuses_a_month_already_reopened(self, hr):
        closure = month_close(month=LAST_MONTH, by=hr)
        month_reopen(closure=closure, reason="First.", by=hr)
        stale = ClosedMonth.objects.get(pk=closure.pk)
        stale.reopened_at = None  # as another page still has it
        with pytest.raises(ValidationError, match="already reopened"):
            month_reopen(closure=stale, reason="Second.", by=hr)
        closure.refresh_from_db()
        assert closure.reopen_reason == "First."

    def test_reopening_is_in_the_audit_trail(self, hr):
        closure = month_close(month=LAST_MONTH, by=hr)
        month_reopen(closure=closure, reason="A late sick note.", by=hr)
        entry = LogEntry.objects.get_for_object(closure).latest("timestamp")
        assert entry.action == LogEntry.Action.UPDATE
        assert entry.actor == hr
        assert entry.changes_dict["reopen_reason"] == ["", "A late sick note."]


def test_closing_and_reopening_show_in_the_activity_log(client, hr):
    closure = month_close(month=LAST_MONTH, by=hr)
    month_reopen(closure=closure, reason="A late sick note.", by=hr)
    client.force_login(hr)
    response = client.get("/activity/", {"kind": "closedmonth"})
    html = response.content.decode()
    assert html.count(str(closure)) == 2
    assert "A late sick note." in html
