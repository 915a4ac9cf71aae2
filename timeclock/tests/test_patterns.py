"""Working patterns: what the database refuses, and which pattern (and zone) a day uses."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from employees.models import Employee
from employees.tests.factories import DepartmentFactory, EmployeeFactory
from timeclock.models import (
    DepartmentPattern,
    PatternAssignment,
    WorkPattern,
    WorkPatternDay,
    validate_time_zone,
)
from timeclock.selectors import days_results, in_force, pattern_of

pytestmark = pytest.mark.django_db

NINE, FIVE, TEN_PM, SIX = (datetime.time(h) for h in (9, 17, 22, 6))


def pattern(name, start=NINE, end=FIVE, weekdays=range(5)):
    made = WorkPattern.objects.create(name=name)
    for weekday in weekdays:
        WorkPatternDay.objects.create(
            pattern=made,
            weekday=weekday,
            start=start,
            end=end,
            break_minutes=60,
            grace_minutes=5,
            full_day_minutes=420,
            half_day_minutes=240,
        )
    return made


def refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkPatternDay.objects.create(**fields)


class TestTheDatabaseRefuses:
    def test_two_rules_for_one_weekday(self):
        days = pattern("Days")
        refused(pattern=days, weekday=0, start=NINE, end=FIVE)

    def test_a_working_day_without_a_shift(self):
        empty = WorkPattern.objects.create(name="Empty")
        refused(pattern=empty, weekday=0, start=None, end=FIVE)
        refused(pattern=empty, weekday=0, start=NINE, end=NINE)
        WorkPatternDay.objects.create(pattern=empty, weekday=6, working=False)  # an off day

    def test_a_half_day_longer_than_a_full_day(self):
        empty = WorkPattern.objects.create(name="Empty")
        refused(
            pattern=empty,
            weekday=0,
            start=NINE,
            end=FIVE,
            full_day_minutes=240,
            half_day_minutes=300,
        )

    def test_two_changes_of_pattern_on_one_day(self):
        jane, days = EmployeeFactory(), pattern("Days")
        PatternAssignment.objects.create(
            employee=jane, pattern=days, starts_on=datetime.date(2026, 1, 1)
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            PatternAssignment.objects.create(
                employee=jane, pattern=days, starts_on=datetime.date(2026, 1, 1)
            )

    def test_a_time_zone_that_does_not_exist(self):
        validate_time_zone("Asia/Kolkata")
        validate_time_zone("")
        with pytest.raises(ValidationError, match="not a time zone name"):
            validate_time_zone("Mars/Olympus")


def day_result(employee, day, *, now=None):
    """`employee`'s result on `day` (days_results for one); None without a pattern."""
    return days_results(day, employee_ids=[employee.pk], now=now).get(employee.pk)


UTC = zoneinfo.ZoneInfo("UTC")  # the organisation's, in tests
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")


def in_force_on(employee, day):
    """(pattern id, zone) in force for `employee` on `day`, by the one rule."""
    patterns = in_force(day)
    row = (
        Employee.objects.filter(pk=employee.pk)
        .annotate(**patterns)
        .values("date_joined", *patterns)
        .get()
    )
    return pattern_of(row, day)


class TestWhichPatternADayUses:
    def test_a_change_applies_from_its_date_and_keeps_its_zone(self):
        jane = EmployeeFactory(date_joined=datetime.date(2025, 1, 1))
        days, nights = pattern("Days"), pattern("Nights", start=TEN_PM, end=SIX)
        PatternAssignment.objects.create(
            employee=jane, pattern=days, starts_on=datetime.date(2025, 1, 1)
        )
        PatternAssignment.objects.create(
            employee=jane,
            pattern=nights,
            starts_on=datetime.date(2026, 12, 15),
            time_zone="Asia/Kolkata",
        )
        assert in_force_on(jane, datetime.date(2026, 12, 14)) == (days.pk, UTC)  # a Monday
        assert in_force_on(jane, datetime.date(2026, 12, 15)) == (nights.pk, KOLKATA)
        assert in_force_on(jane, datetime.date(2024, 12, 31)) == (None, UTC)  # before any
        later = datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)
        saturday = day_result(jane, datetime.date(2026, 12, 19), now=later)
        assert saturday.result.status == "weekly_off"  # no rule for the weekday: off

    def test_the_departments_pattern_for_someone_without_one(self):
        sales = DepartmentFactory()
        office = pattern("Office")
        DepartmentPattern.objects.create(department=sales, pattern=office)
        ann = EmployeeFactory(department=sales, date_joined=datetime.date(2026, 3, 1))
        assert in_force_on(ann, datetime.date(2026, 3, 2)) == (office.pk, UTC)
        assert in_force_on(ann, datetime.date(2026, 2, 27))[0] is None  # before joining
        assert in_force_on(EmployeeFactory(), datetime.date(2026, 3, 2))[0] is None  # none
        assert day_result(EmployeeFactory(), datetime.date(2026, 3, 2)) is None

    def test_a_pattern_in_use_is_not_deleted(self):
        from django.db.models import ProtectedError

        days = pattern("Days")
        PatternAssignment.objects.create(
            employee=EmployeeFactory(), pattern=days, starts_on=datetime.date(2026, 1, 1)
        )
        with pytest.raises(ProtectedError):
            days.delete()


class TestTheDaysResult:
    """The result as the pages show it: from the database's punches, pattern and holidays."""

    DAY = datetime.date(2026, 12, 2)  # a Wednesday

    def at(self, hour, minute=0):
        return datetime.datetime.combine(self.DAY, datetime.time(hour, minute), tzinfo=datetime.UTC)

    def clock(self, employee, hour, minute, direction):
        from timeclock.models import Punch

        return Punch.objects.create(
            employee=employee, at=self.at(hour, minute), direction=direction, source="web"
        )

    @pytest.fixture
    def jane(self):
        jane = EmployeeFactory(date_joined=datetime.date(2025, 1, 1))
        PatternAssignment.objects.create(
            employee=jane, pattern=pattern("Days"), starts_on=datetime.date(2025, 1, 1)
        )
        return jane

    def test_from_the_punches_and_the_pattern(self, jane):

        self.clock(jane, 9, 12, "in")
        so_far = day_result(jane, self.DAY, now=self.at(11)).result
        assert (so_far.label, so_far.reason) == (
            "So far",
            "in 09:12, still in; late by 12 min after 5 min grace",
        )
        self.clock(jane, 17, 40, "out")
        done = day_result(jane, self.DAY, now=self.at(23)).result
        assert done.reason == (
            "in 09:12, out 17:40, 7h28m worked; late by 12 min after 5 min grace; 0h28m overtime"
        )

    def test_a_voided_punch_does_not_count(self, jane):
        from timeclock.services import punch_void

        punch_void(punch=self.clock(jane, 9, 0, "in"), reason="Tapped for a colleague", by=None)
        assert day_result(jane, self.DAY, now=self.at(23)).result.status == "absent"

    def test_a_forgotten_check_out_is_an_exception_not_a_day_worked(self, jane):

        self.clock(jane, 9, 0, "in")
        result = day_result(jane, self.DAY, now=self.at(23)).result
        assert (result.label, result.worked_minutes) == ("Missing check-out", 0)

    def test_a_holiday_from_the_calendar(self, jane):
        from attendance.models import Holiday

        Holiday.objects.create(date=self.DAY, name="Founders' Day")
        assert (
            day_result(jane, self.DAY, now=self.at(23)).result.reason
            == "The holiday Founders' Day."
        )

    def test_hrs_mark_wins_and_says_so(self, jane, django_user_model):
        from attendance.models import AttendanceRecord

        self.clock(jane, 9, 0, "in")
        hr = django_user_model.objects.create_user("hana")
        AttendanceRecord.objects.create(employee=jane, date=self.DAY, status="wfh", marked_by=hr)
        explained = day_result(jane, self.DAY, now=self.at(23))
        assert explained.marked_by_hand
        assert explained.result.label == "Work from home"
        assert explained.result.reason == "Marked Work from home by hana: it wins over the punches."

    def test_nothing_to_derive_without_a_pattern(self):

        assert day_result(EmployeeFactory(), self.DAY, now=self.at(23)) is None


class TestTheClocksPanelAgrees:
    """`today_at_the_clock` (three queries, for the pages) gives what `day_result` and the
    day's punches give, case by case."""

    DAY = datetime.date(2026, 12, 2)

    def at(self, hour, minute=0, days=0):
        return datetime.datetime.combine(
            self.DAY + datetime.timedelta(days=days),
            datetime.time(hour, minute),
            tzinfo=datetime.UTC,
        )

    @pytest.mark.parametrize(
        "case",
        [
            "punches",
            "night",
            "holiday",
            "marked",
            "the clock's record",
            "excused",
            "no pattern",
            "department's",
            "voided",
        ],
    )
    def test_case(self, case, django_user_model):
        from attendance.models import AttendanceRecord, Holiday
        from timeclock.models import Punch
        from timeclock.selectors import punches_on, today_at_the_clock
        from timeclock.services import punch_void

        sales = DepartmentFactory()
        jane = EmployeeFactory(department=sales, date_joined=datetime.date(2025, 1, 1))
        if case == "department's":
            DepartmentPattern.objects.create(department=sales, pattern=pattern("Office"))
        elif case == "night":
            PatternAssignment.objects.create(
                employee=jane,
                pattern=pattern("Nights", start=TEN_PM, end=SIX),
                starts_on=datetime.date(2025, 1, 1),
                time_zone="Europe/London",
            )
        elif case == "excused":  # from 08:00: in at 09:00 is late, and is excused
            PatternAssignment.objects.create(
                employee=jane,
                pattern=pattern("Early", start=datetime.time(8)),
                starts_on=datetime.date(2025, 1, 1),
            )
        elif case != "no pattern":
            PatternAssignment.objects.create(
                employee=jane, pattern=pattern("Days"), starts_on=datetime.date(2025, 1, 1)
            )

        def punch(hour, direction, days=0):
            return Punch.objects.create(
                employee=jane, at=self.at(hour, days=days), direction=direction, source="web"
            )

        punch(9, "in")
        punch(17, "out")
        if case == "night":
            punch(22, "in")
            punch(6, "out", days=1)
        if case == "holiday":
            Holiday.objects.create(date=self.DAY, name="Founders' Day")
        if case == "marked":
            hr = django_user_model.objects.create_user("hana")
            AttendanceRecord.objects.create(
                employee=jane, date=self.DAY, status="wfh", marked_by=hr
            )
        if case == "voided":
            punch_void(punch=punch(12, "in"), reason="Twice", by=None)
        if case == "the clock's record":  # not HR's mark: the punches still decide
            AttendanceRecord.objects.create(
                employee=jane, date=self.DAY, status="absent", source="clock"
            )
        if case == "excused":
            from timeclock.models import Resolution

            Resolution.objects.create(employee=jane, date=self.DAY, action="excused", note="Bus")
        for now in (self.at(12), self.at(23, 30)):
            clock, result = today_at_the_clock(jane, now=now)
            assert result == day_result(jane, self.DAY, now=now)
            if case == "excused":
                assert "(excused)" in result.result.reason
            assert clock.punches == list(punches_on(jane, self.DAY))
