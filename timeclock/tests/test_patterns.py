"""Working patterns: what the database refuses, and which pattern (and zone) a day uses."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from employees.tests.factories import DepartmentFactory, EmployeeFactory
from timeclock.derivation import OFF
from timeclock.models import (
    DepartmentPattern,
    PatternAssignment,
    WorkPattern,
    WorkPatternDay,
    validate_time_zone,
)
from timeclock.selectors import schedule_of

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
        schedule = schedule_of(jane)
        before, zone_before = schedule.on(datetime.date(2026, 12, 14))  # a Monday
        after, zone_after = schedule.on(datetime.date(2026, 12, 15))
        assert (before.start, after.start) == (NINE, TEN_PM)
        assert str(zone_before) == "UTC"  # the organisation's, in tests
        assert zone_after == zoneinfo.ZoneInfo("Asia/Kolkata")
        assert schedule.on(datetime.date(2026, 12, 19))[0] == OFF  # Saturday: no rule, off
        assert schedule.on(datetime.date(2024, 12, 31))[0] is None  # before any pattern

    def test_the_departments_pattern_for_someone_without_one(self):
        sales = DepartmentFactory()
        DepartmentPattern.objects.create(department=sales, pattern=pattern("Office"))
        ann = EmployeeFactory(department=sales, date_joined=datetime.date(2026, 3, 1))
        assert schedule_of(ann).on(datetime.date(2026, 3, 2))[0].start == NINE
        assert schedule_of(ann).on(datetime.date(2026, 2, 27))[0] is None  # before joining
        assert schedule_of(EmployeeFactory()).periods == []  # no pattern anywhere

    def test_a_pattern_in_use_is_not_deleted(self):
        from django.db.models import ProtectedError

        days = pattern("Days")
        PatternAssignment.objects.create(
            employee=EmployeeFactory(), pattern=days, starts_on=datetime.date(2026, 1, 1)
        )
        with pytest.raises(ProtectedError):
            days.delete()
