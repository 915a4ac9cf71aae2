import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.scoping import EVERYTHING
from approvals import services
from approvals.models import Event, Request, Route
from attendance.models import AttendanceRecord, ClosedMonth
from leave.models import Leave
from leave.selectors import balances
from leave.tests.factories import LeaveTypeFactory
from notifications.models import Notification
from timeclock.models import Punch


def next_monday():
    """A Monday early next year: weeks of leave from it stay within one year."""
    day = datetime.date(timezone.localdate().year + 1, 2, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def last_monday():
    day = timezone.localdate() - datetime.timedelta(days=7)
    return day - datetime.timedelta(days=day.weekday())


def ask_leave(people, start, end=None, **kwargs):
    kwargs.setdefault("leave_type", LeaveTypeFactory())
    return services.request_leave(
        employee=people["worker"],
        start=start,
        end=end or start,
        reason="Family visit",
        by=people["worker"].user,
        **kwargs,
    )


def decide(people, requests, user, approve=True, comment="", is_hr=False):
    return services.requests_decide(
        ids=[r.pk for r in requests],
        approve=approve,
        comment=comment,
        by=user,
        is_hr=is_hr,
        scope=EVERYTHING,
    )


class TestLeaveRequest:
    def test_goes_to_the_manager_and_holds_the_balance(self, people):
        monday = next_monday()
        request = ask_leave(people, monday, monday + datetime.timedelta(days=4))
        assert request.status == Request.Status.PENDING
        assert request.approver == people["lead"]
        assert request.leave.days == 5
        (balance,) = balances(people["worker"], year=monday.year, types=[request.leave.leave_type])
        assert balance.pending == 5
        assert balance.available == 15
        assert Notification.objects.filter(user=people["lead"].user).count() == 1

    def test_weekends_do_not_count(self, people):
        monday = next_monday()
        request = ask_leave(people, monday, monday + datetime.timedelta(days=13))
        assert request.leave.days == 10

    def test_refused_beyond_the_balance(self, people):
        monday = next_monday()
        with pytest.raises(ValidationError, match="Not enough Annual leave left"):
            ask_leave(people, monday, monday + datetime.timedelta(days=30))
        with pytest.raises(ValidationError, match="Leave is counted by year"):
            ask_leave(
                people, datetime.date(monday.year, 12, 30), datetime.date(monday.year + 1, 1, 2)
            )
        assert not Request.objects.exists()
        assert not Leave.objects.exists()

    def test_overlap_refused(self, people):
        monday = next_monday()
        ask_leave(people, monday, monday + datetime.timedelta(days=2))
        with pytest.raises(ValidationError, match="overlaps"):
            ask_leave(people, monday + datetime.timedelta(days=2))
        assert Request.objects.count() == 1

    def test_half_day_on_a_weekend_refused(self, people):
        saturday = next_monday() + datetime.timedelta(days=5)
        with pytest.raises(ValidationError, match="not a working day"):
            ask_leave(people, saturday, part=Leave.Part.MORNING)

    def test_closed_month_refused(self, people):
        monday = last_monday()
        ClosedMonth.objects.create(month=monday.replace(day=1))
        with pytest.raises(ValidationError, match="closed for payroll"):
            ask_leave(people, monday)

    def test_manager_on_leave_is_passed_over(self, people):
        today = timezone.localdate()
        lead_leave = services.request_leave(
            employee=people["lead"],
            leave_type=LeaveTypeFactory(counts_non_working=True),
            start=today,
            end=today,
            reason="Away",
            by=people["lead"].user,
        )
        decide(people, [lead_leave], people["boss"].user)
        request = ask_leave(people, next_monday())
        assert request.approver == people["boss"]
        assert request.events.filter(action=Event.Action.SKIPPED).exists()


class TestDecide:
    def test_approving_leave_writes_its_days(self, people):
        monday = last_monday()
        request = ask_leave(people, monday, monday + datetime.timedelta(days=1))
        result = decide(people, [request], people["lead"].user)
        assert result.done == [request]
        request.refresh_from_db()
        assert request.status == Request.Status.APPROVED
        records = AttendanceRecord.objects.filter(employee=people["worker"]).order_by("date")
        assert [(r.status, r.source) for r in records] == [("on_leave", "leave")] * 2
        (balance,) = balances(people["worker"], year=monday.year, types=[request.leave.leave_type])
        assert balance.taken == 2
        assert balance.pending == 0
        assert Notification.objects.filter(user=people["worker"].user).exists()

    def test_own_request_refused(self, people):
        request = ask_leave(people, next_monday())
        result = decide(people, [request], people["worker"].user, is_hr=True)
        assert "own request" in result.refused[request]
        request.refresh_from_db()
        assert request.status == Request.Status.PENDING

    def test_someone_else_may_not(self, people):
        request = ask_leave(people, next_monday())
        result = decide(people, [request], people["outsider"].user)
        assert "waits for" in result.refused[request]

    def test_hr_after_manager(self, people):
        Route.objects.filter(kind="leave").update(hr_after_manager=True)
        request = ask_leave(people, next_monday())
        decide(people, [request], people["lead"].user)
        request.refresh_from_db()
        assert (request.status, request.stage) == ("pending", "hr")
        decide(people, [request], people["hr"], is_hr=True)
        request.refresh_from_db()
        assert request.status == "approved"

    def test_hr_deciding_first_is_the_last_step(self, people):
        Route.objects.filter(kind="leave").update(hr_after_manager=True)
        request = ask_leave(people, next_monday())
        decide(people, [request], people["hr"], is_hr=True)
        request.refresh_from_db()
        assert request.status == "approved"

    def test_reject_needs_a_comment_and_frees_the_balance(self, people):
        request = ask_leave(people, next_monday())
        with pytest.raises(ValidationError):
            decide(people, [request], people["lead"].user, approve=False)
        decide(people, [request], people["lead"].user, approve=False, comment="Busy week")
        request.leave.refresh_from_db()
        assert request.leave.state == Leave.State.REJECTED

    def test_cancel_then_approve_is_refused(self, people):
        request = ask_leave(people, next_monday())
        services.request_cancel(request=request, by=people["worker"].user)
        result = decide(people, [request], people["lead"].user)
        assert "cancelled already" in result.refused[request]

    def test_revoke_gives_the_days_back(self, people):
        monday = last_monday()
        request = ask_leave(people, monday)
        decide(people, [request], people["lead"].user)
        services.request_revoke(request=request, reason="Was at work", by=people["hr"])
        assert not AttendanceRecord.objects.filter(source="leave").exists()
        request.leave.refresh_from_db()
        assert request.leave.state == Leave.State.REVOKED


class TestCorrection:
    def test_approved_correction_adds_punches(self, people):
        monday = last_monday()
        request = services.request_correction(
            employee=people["worker"],
            start=monday,
            end=monday,
            check_in=datetime.time(9),
            check_out=datetime.time(17),
            reason="Forgot my badge",
            by=people["worker"].user,
        )
        decide(people, [request], people["lead"].user)
        punches = Punch.objects.filter(employee=people["worker"]).order_by("at")
        assert [(p.direction, p.source) for p in punches] == [
            ("in", "correction"),
            ("out", "correction"),
        ]
        decide(people, [request], people["lead"].user)  # again: nothing more
        assert punches.count() == 2

    def test_status_correction_marks_the_day(self, people):
        monday = last_monday()
        request = services.request_correction(
            employee=people["worker"],
            start=monday,
            end=monday,
            set_status="wfh",
            reason="Worked from home",
            by=people["worker"].user,
        )
        decide(people, [request], people["lead"].user)
        record = AttendanceRecord.objects.get(employee=people["worker"], date=monday)
        assert (record.status, record.source) == ("wfh", "hand")

    def test_future_refused(self, people):
        with pytest.raises(ValidationError):
            services.request_correction(
                employee=people["worker"],
                start=next_monday(),
                end=next_monday(),
                set_status="present",
                reason="x",
                by=people["worker"].user,
            )


def test_leave_needing_no_approval_is_approved_at_once(people):
    request = ask_leave(
        people, next_monday(), leave_type=LeaveTypeFactory(name="Sick", needs_approval=False)
    )
    assert request.status == "approved"
    assert request.leave.days == Decimal(1)
