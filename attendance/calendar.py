"""The working calendar: which days people are expected at work.

A working day is a day that is neither a weekly off day (settings.WEEKLY_OFF_DAYS,
Saturday and Sunday by default) nor a holiday (the Holiday table).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from .models import Holiday

WORKING, WEEKLY_OFF, HOLIDAY = "working", "weekly_off", "holiday"


def days(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    for n in range((end - start).days + 1):
        yield start + datetime.timedelta(days=n)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    """The calendar between two dates, with that period's holidays loaded once."""

    start: datetime.date
    end: datetime.date
    holidays: dict[datetime.date, str]

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> "Calendar":
        holidays = dict(
            Holiday.objects.filter(date__range=(start, end)).values_list("date", "name")
        )
        return cls(start=start, end=end, holidays=holidays)

    def kind(self, day: datetime.date) -> str:
        if day in self.holidays:
            return HOLIDAY
        if day.weekday() in settings.WEEKLY_OFF_DAYS:
            return WEEKLY_OFF
        return WORKING

    def is_working(self, day: datetime.date) -> bool:
        return self.kind(day) == WORKING

    def days_between(self) -> Iterator[datetime.date]:
        return days(self.start, self.end)

    def working_days(
        self, start: datetime.date | None = None, end: datetime.date | None = None
    ) -> list[datetime.date]:
        """Working days between `start` and `end` (the whole calendar by default)."""
        return [d for d in days(start or self.start, end or self.end) if self.is_working(d)]


def last_working_days(count: int, *, until: datetime.date) -> list[datetime.date]:
    """The `count` most recent working days up to and including `until`, oldest first."""
    span = count * 2 + 30
    while True:
        calendar = Calendar.between(until - datetime.timedelta(days=span), until)
        found = calendar.working_days()
        if len(found) >= count or span > 3660:
            return found[-count:]
        span *= 2
