"""Reads of the punch log."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from employees.models import Employee

from .models import Direction, Punch


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `day` and of the day after, in the app's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
    return start, datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )


def punches_on(employee: Employee, day: datetime.date) -> QuerySet[Punch]:
    """`employee`'s punches on `day` that count (not voided), in time order."""
    start, end = day_bounds(day)
    return Punch.objects.filter(
        employee=employee, at__gte=start, at__lt=end, void__isnull=True
    ).order_by("at", "pk")


@dataclass(frozen=True)
class ClockState:
    punches: list[Punch]  # today's, in time order

    @property
    def last(self) -> Punch | None:
        return self.punches[-1] if self.punches else None

    @property
    def clocked_in(self) -> bool:
        """In since the last punch: their last punch today was an "in"."""
        return self.last is not None and self.last.direction == Direction.IN

    @property
    def next_direction(self) -> str:
        return Direction.OUT if self.clocked_in else Direction.IN


def clock_state(employee: Employee) -> ClockState:
    """Where `employee` stands today: their punches, and whether they are clocked in."""
    return ClockState(punches=list(punches_on(employee, timezone.localdate())))
