"""A day's result follows its inputs: each change queues the days it touches."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from attendance.models import AttendanceRecord, Holiday
from timeclock.models import DayOutcome, PatternAssignment, Punch
from timeclock.services import punch_void
from timeclock.tests.test_days import office  # noqa: F401 (fixture)
from timeclock.tests.test_patterns import pattern

pytestmark = pytest.mark.django_db


def yesterday():
    """The last working day (Monday to Friday) before today."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    while day.weekday() > 4:
        day -= datetime.timedelta(days=1)
    return day


def moment(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def result(employee, day):
    return DayOutcome.objects.filter(employee=employee, date=day).first()


def test_a_punch_and_its_void_derive_the_day_again(office, django_capture_on_commit_callbacks):  # noqa: F811
    ben, day = office["BEN"], yesterday()
    with django_capture_on_commit_callbacks(execute=True):
        Punch.objects.create(employee=ben, at=moment(day, 9), direction="in", source="device")
    assert result(ben, day).status == "missing_checkout"
    with django_capture_on_commit_callbacks(execute=True):
        out = Punch.objects.create(
            employee=ben, at=moment(day, 17), direction="out", source="device"
        )
    assert result(ben, day).status == "present"
    assert AttendanceRecord.objects.get(employee=ben, date=day).source == "clock"
    with django_capture_on_commit_callbacks(execute=True):
        punch_void(punch=out, reason="Wrong card", by=None)
    assert result(ben, day).status == "missing_checkout"
    assert not AttendanceRecord.objects.filter(employee=ben, date=day).exists()


def test_taking_hrs_mark_away_lets_the_punches_decide(office, django_capture_on_commit_callbacks):  # noqa: F811
    cat, day = office["CAT"], yesterday()
    with django_capture_on_commit_callbacks(execute=True):
        mark = AttendanceRecord.objects.create(employee=cat, date=day, status="on_leave")
    assert DayOutcome.objects.get(employee=cat, date=day).marked_by_hand
    with django_capture_on_commit_callbacks(execute=True):
        mark.delete()
    assert AttendanceRecord.objects.get(employee=cat, date=day).status == "absent"


def test_a_holiday_added_and_a_pattern_changed(office, django_capture_on_commit_callbacks):  # noqa: F811
    cat, day = office["CAT"], yesterday()
    with django_capture_on_commit_callbacks(execute=True):
        holiday = Holiday.objects.create(date=day, name="Founders' Day")
    assert result(cat, day).status == "holiday"
    with django_capture_on_commit_callbacks(execute=True):
        holiday.delete()
    assert result(cat, day).status == "absent"
    with django_capture_on_commit_callbacks(execute=True):
        PatternAssignment.objects.create(
            employee=cat, pattern=pattern("Never", weekdays=()), starts_on=day
        )
    assert result(cat, day).status == "weekly_off"  # from its date on


def test_the_command_derives_a_range(office):  # noqa: F811
    out = StringIO()
    day = yesterday()
    call_command("derive_days", "--from", day.isoformat(), stdout=out)
    days = (timezone.localdate() - day).days + 1
    assert f"Derived {days} days" in out.getvalue()
    assert result(office["CAT"], day) is not None
    with pytest.raises(CommandError, match="after today"):
        call_command("derive_days", "--from", day.isoformat(), "--to", "2999-01-01")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("derive_days", "--from", "yesterday")


def test_one_change_of_many_rows_queues_one_derivation(office):  # noqa: F811
    from django.db import connection

    from timeclock.models import WorkPatternDay

    for rule in WorkPatternDay.objects.all():  # the admin saving a pattern's days
        rule.grace_minutes = 15
        rule.save()
    assert WorkPatternDay.objects.count() == 10
    everyone = [
        queued.derives
        for _, queued, _ in connection.run_on_commit
        if hasattr(queued, "derives") and queued.derives[2] is None
    ]
    assert len(everyone) == 1  # the fixture's patterns and these ten saves: one derivation


def test_a_roster_marked_by_hr_takes_its_days_out_of_the_inbox(
    office,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from attendance.services import RosterEntry, roster_save
    from timeclock.services import days_derive

    cat, ben, day = office["CAT"], office["BEN"], yesterday()
    days_derive(day)
    assert DayOutcome.objects.get(employee=cat, date=day).needs_attention  # absent
    entries = [RosterEntry(employee=e, status="on_leave", seen="absent") for e in (cat, ben)]
    with django_capture_on_commit_callbacks(execute=True):
        roster_save(day=day, entries=entries)  # in bulk: no post_save for each
    for person in (cat, ben):
        kept = DayOutcome.objects.get(employee=person, date=day)
        assert (kept.marked_by_hand, kept.needs_attention) == (True, False)


def test_deleting_an_employee_queues_no_derivation_for_their_records(
    office,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    cat = office["CAT"]
    with django_capture_on_commit_callbacks(execute=True):  # each its own change, done
        for back in range(1, 4):
            AttendanceRecord.objects.create(
                employee=cat, date=yesterday() - datetime.timedelta(days=back), status="present"
            )
    with django_capture_on_commit_callbacks() as callbacks:
        cat.delete()  # the records go with her
    assert not [c for c in callbacks if hasattr(c, "derives")]
    with django_capture_on_commit_callbacks(execute=True):
        mark = AttendanceRecord.objects.create(
            employee=office["BEN"], date=yesterday(), status="wfh"
        )
    with django_capture_on_commit_callbacks() as callbacks:
        mark.delete()  # HR taking a mark away still does
    assert [c.derives for c in callbacks if hasattr(c, "derives")] == [
        (mark.date, mark.date, (str(office["BEN"].pk),))
    ]
