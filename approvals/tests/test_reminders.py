"""Reminding approvers of requests waiting for them for days: the service, the morning
task, and `manage.py send_reminders` (which also reminds people to clock out)."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from approvals import services
from approvals.models import Request
from approvals.tests.test_services import ask_leave, next_monday
from leave.tests.factories import LeaveTypeFactory
from notifications.models import Kind, Notification
from timeclock.models import DepartmentPattern, Punch
from timeclock.tests.test_patterns import pattern

pytestmark = pytest.mark.django_db


def waiting_for(request, days):
    Request.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def reminders():
    return {
        n.user.username: n
        for n in Notification.objects.filter(kind=Kind.APPROVAL_REMINDER).select_related("user")
    }


class TestApprovalReminders:
    def test_each_approver_once_with_how_many_wait(self, people, settings):
        settings.APPROVAL_REMINDER_DAYS = 2
        monday = next_monday()
        leave_type = LeaveTypeFactory()
        old = [
            ask_leave(people, monday + datetime.timedelta(days=n), leave_type=leave_type)
            for n in range(2)
        ]
        fresh = ask_leave(people, monday + datetime.timedelta(days=7), leave_type=leave_type)
        for request in old:
            waiting_for(request, 3)
        waiting_for(fresh, 1)
        assert services.approval_reminders() == 1
        (lead,) = reminders().values()
        assert lead.user == people["lead"].user  # the worker's manager
        assert lead.title == "2 requests waiting for you over 2 days"
        assert lead.url == reverse("approvals:inbox")

    def test_hr_when_it_waits_for_hr(self, people):
        # The outsider has no manager: their request waits for HR.
        request = services.request_leave(
            employee=people["outsider"],
            leave_type=LeaveTypeFactory(),
            start=next_monday(),
            end=next_monday(),
            reason="Moving house",
            by=people["outsider"].user,
        )
        assert request.stage == Request.Stage.HR
        waiting_for(request, 5)
        assert services.approval_reminders(older_than_days=4) == 1
        assert reminders()["hr"].title == "1 request waiting for you over 4 days"

    def test_none_for_decided_or_cancelled_requests(self, people):
        monday = next_monday()
        cancelled = ask_leave(people, monday)
        services.request_cancel(request=cancelled, by=people["worker"].user)
        waiting_for(cancelled, 10)
        assert services.approval_reminders() == 0
        assert reminders() == {}

    def test_the_morning_task_and_its_schedule(self, people, settings):
        from approvals.tasks import remind_approvers

        assert settings.SCHEDULED_TASKS["approvals.tasks.remind_approvers"] == "0 8 * * *"
        waiting_for(ask_leave(people, next_monday()), 3)
        assert remind_approvers.call() == 1
        assert list(reminders()) == ["lead"]


class TestSendRemindersCommand:
    def test_sends_both_once_and_says_how_many(self, people):
        waiting_for(ask_leave(people, next_monday()), 3)
        # The boss clocked in at 09:00 today and is still in at 18:30, their shift (by
        # their department's pattern) having ended at 17:00.
        DepartmentPattern.objects.create(
            department=people["sales"], pattern=pattern("Every day", weekdays=range(7))
        )
        today = timezone.localdate()
        zone = timezone.get_current_timezone()
        Punch.objects.create(
            employee=people["boss"],
            at=datetime.datetime.combine(today, datetime.time(9), tzinfo=zone),
            direction="in",
            source="web",
        )
        evening = datetime.datetime.combine(today, datetime.time(18, 30), tzinfo=zone)

        def send() -> str:
            out = StringIO()
            with mock.patch("django.utils.timezone.now", return_value=evening):
                call_command("send_reminders", stdout=out)
            return out.getvalue().strip()

        assert send() == "Reminded 1 approver of waiting requests and 1 person still clocked in."
        assert list(reminders()) == ["lead"]
        clock_out = Notification.objects.get(kind=Kind.CLOCK_OUT_REMINDER)
        assert clock_out.user == people["boss"].user
        # Again: the approver again (each run is that day's reminder), the clock not twice.
        assert send() == "Reminded 1 approver of waiting requests and 0 people still clocked in."

    def test_nothing_to_remind(self, db):
        out = StringIO()
        call_command("send_reminders", stdout=out)
        assert "Reminded 0 approvers of waiting requests and 0 people still clocked in." in (
            out.getvalue()
        )

    def test_has_help(self):
        from approvals.management.commands.send_reminders import Command

        assert "reminders" in Command.help
