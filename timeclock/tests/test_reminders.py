"""Reminding people still clocked in an hour after their shift ended, once a day."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import Holiday
from employees.tests.factories import DepartmentFactory, EmployeeFactory
from notifications.models import Kind, Notification
from timeclock.models import DepartmentPattern, PatternAssignment, Punch
from timeclock.services import clock_out_reminders, punch_void
from timeclock.tests.test_patterns import SIX, TEN_PM, pattern

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 2)  # a Wednesday; Sales works 09:00–17:00 Monday to Friday


def at(hour, minute=0, day=DAY):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=datetime.UTC)


def remind(moment, **kwargs):
    """Run the reminders as the clock says `moment` (notifications are kept at that time)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return clock_out_reminders(**kwargs)


def punch(employee, moment, direction):
    return Punch.objects.create(employee=employee, at=moment, direction=direction, source="web")


def reminded():
    return sorted(
        Notification.objects.filter(kind=Kind.CLOCK_OUT_REMINDER).values_list(
            "user__username", flat=True
        )
    )


@pytest.fixture
def sales(django_user_model):
    department = DepartmentFactory(name="Sales")
    DepartmentPattern.objects.create(department=department, pattern=pattern("Office"))
    joined = datetime.date(2025, 1, 1)

    def person(code, account=True, **fields):
        user = None
        if account:
            user = django_user_model.objects.create_user(
                code.lower(), email=f"{code.lower()}@example.com"
            )
        return EmployeeFactory(
            employee_id=code, department=department, date_joined=joined, user=user, **fields
        )

    return person


class TestWhoIsReminded:
    def test_those_still_in_an_hour_after_their_shift(
        self, sales, django_capture_on_commit_callbacks
    ):
        ann, ben, cat, don = (sales(code) for code in ("ANN", "BEN", "CAT", "DON"))
        punch(ann, at(9), "in")  # never clocked out
        punch(ben, at(9), "in")
        punch(ben, at(17, 5), "out")  # clocked out
        punch(cat, at(9), "in")
        punch(cat, at(12), "out")
        punch(cat, at(13), "in")  # back from lunch, never out
        # DON never came.
        with django_capture_on_commit_callbacks(execute=True):
            assert remind(at(18, 30)) == 2
        assert reminded() == ["ann", "cat"]
        note = Notification.objects.get(user=ann.user)
        assert note.title == "You are still clocked in"
        assert "Your shift ended at 17:00" in note.body
        assert note.url == "/me/"
        assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.com", "cat@example.com"]

    def test_not_within_the_hour_after_the_shift(self, sales):
        punch(sales("ANN"), at(9), "in")
        assert remind(at(17, 59)) == 0
        assert remind(at(18, 1)) == 1

    def test_not_without_an_active_account(self, sales, django_user_model):
        punch(sales("DON", account=False), at(9), "in")
        eve = sales("EVE")
        eve.user.is_active = False
        eve.user.save()
        punch(eve, at(9), "in")
        assert remind(at(20)) == 0
        assert reminded() == []

    def test_an_unknown_punch_after_an_in_is_an_out(self, sales):
        ann = sales("ANN")
        punch(ann, at(9), "in")
        punch(ann, at(17), "unknown")  # a device that does not say: paired as the out
        assert remind(at(20)) == 0

    def test_a_voided_out_leaves_them_in(self, sales):
        ann = sales("ANN")
        punch(ann, at(9), "in")
        punch_void(punch=punch(ann, at(17), "out"), reason="Someone else's card", by=None)
        assert remind(at(20)) == 1

    def test_not_on_a_holiday_nor_a_day_off(self, sales):
        ann = sales("ANN")
        Holiday.objects.create(date=DAY, name="Founders' Day")
        punch(ann, at(9), "in")
        saturday = DAY + datetime.timedelta(days=3)
        punch(ann, at(9, day=saturday), "in")
        assert remind(at(20)) == 0
        assert remind(at(20, day=saturday)) == 0

    def test_by_their_own_pattern_and_time_zone(self, sales):
        ann = sales("ANN")
        PatternAssignment.objects.create(
            employee=ann, pattern=pattern("Late"), starts_on=DAY, time_zone="Asia/Kolkata"
        )
        # 09:00 in Kolkata is 03:30 UTC; the shift ends at 17:00 there, 11:30 UTC.
        punch(ann, at(3, 30), "in")
        assert remind(at(12, 0)) == 0
        assert remind(at(12, 45)) == 1
        assert "Your shift ended at 17:00" in Notification.objects.get().body

    def test_last_nights_shift(self, sales, django_user_model):
        night = sales("NIA")
        PatternAssignment.objects.create(
            employee=night, pattern=pattern("Nights", start=TEN_PM, end=SIX), starts_on=DAY
        )
        punch(night, at(22), "in")  # Wednesday 22:00 until Thursday 06:00
        thursday = DAY + datetime.timedelta(days=1)
        assert remind(at(6, 30, day=thursday)) == 0
        assert remind(at(7, 30, day=thursday)) == 1
        assert "Your shift ended at 06:00" in Notification.objects.get().body


class TestOnceADay:
    def test_not_reminded_twice(self, sales):
        ann = sales("ANN")
        punch(ann, at(9), "in")
        assert remind(at(18, 30)) == 1
        assert remind(at(19, 30)) == 0
        assert remind(at(23, 30)) == 0
        assert reminded() == ["ann"]

    def test_nor_again_after_midnight_for_the_same_shift(self, sales):
        ann = sales("ANN")
        punch(ann, at(9), "in")
        assert remind(at(18, 30)) == 1
        thursday = DAY + datetime.timedelta(days=1)
        assert remind(at(0, 30, day=thursday)) == 0  # Wednesday's shift, still in its window
        assert reminded() == ["ann"]

    def test_but_again_the_next_day_when_it_happens_again(self, sales):
        ann = sales("ANN")
        punch(ann, at(9), "in")
        assert remind(at(18, 30)) == 1
        thursday = DAY + datetime.timedelta(days=1)
        punch(ann, at(9, day=thursday), "out")  # in the morning, closing Wednesday
        punch(ann, at(9, 1, day=thursday), "in")
        assert remind(at(18, 30, day=thursday)) == 1
        assert reminded() == ["ann", "ann"]

    def test_a_reminder_earlier_today_counts(self, sales):
        ann = sales("ANN")
        punch(ann, at(9), "in")
        earlier = Notification.objects.create(
            user=ann.user, kind=Kind.CLOCK_OUT_REMINDER, title="You are still clocked in"
        )
        Notification.objects.filter(pk=earlier.pk).update(created_at=at(0, 30))
        assert remind(at(18, 30)) == 0
        # One from yesterday does not.
        Notification.objects.filter(pk=earlier.pk).update(
            created_at=at(18, 30, day=DAY - datetime.timedelta(days=1))
        )
        assert remind(at(18, 30)) == 1

    def test_other_kinds_do_not_count(self, sales):
        ann = sales("ANN")
        punch(ann, at(9), "in")
        Notification.objects.create(user=ann.user, kind=Kind.REQUEST_DECIDED, title="Approved")
        assert remind(at(18, 30)) == 1


def test_a_fixed_number_of_queries(sales):
    def count():
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            remind(at(18, 30))
        return len(queries)

    punch(sales("ANN"), at(9), "in")
    few = count()
    for n in range(30):
        person = sales(f"P{n:02d}")
        punch(person, at(9), "in")
        if n % 3 == 0:
            punch(person, at(17), "out")
    assert count() == few
    assert len(reminded()) == 21


def test_the_hourly_task_and_its_schedule(sales, settings):
    from timeclock.tasks import remind_to_clock_out

    assert settings.SCHEDULED_TASKS["timeclock.tasks.remind_to_clock_out"] == "0 * * * *"
    punch(sales("ANN"), at(9), "in")
    with mock.patch("django.utils.timezone.now", return_value=at(18, 30)):
        assert remind_to_clock_out.call() == 1
