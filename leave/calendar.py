"""Who is out: the period a calendar shows (a day, a week or a month around a date), and
each absence said in words."""

import datetime
from dataclasses import dataclass

from attendance.calendar import days, month_bounds
from core.formats import format_day, format_day_range, format_month, format_weekday_day

from .models import Leave

DAY, WEEK, MONTH = "day", "week", "month"
VIEWS = [(DAY, "Day"), (WEEK, "Week"), (MONTH, "Month")]


@dataclass(frozen=True)
class Period:
    """The days a calendar shows, and the dates its previous and next links go to."""

    view: str
    start: datetime.date
    end: datetime.date
    previous: datetime.date
    following: datetime.date

    @property
    def title(self) -> str:
        if self.view == DAY:
            return format_weekday_day(self.start)
        if self.view == WEEK:
            return f"Week of {format_day_range(self.start, self.end)}"
        return format_month(self.start)

    @property
    def days(self) -> list[datetime.date]:
        return list(days(self.start, self.end))


def period(view: str, day: datetime.date) -> Period:
    """The day, the week (Monday to Sunday) or the month holding `day`."""
    one_day = datetime.timedelta(days=1)
    if view == DAY:
        return Period(DAY, day, day, day - one_day, day + one_day)
    if view == WEEK:
        start = day - datetime.timedelta(days=day.weekday())
        end = start + datetime.timedelta(days=6)
        return Period(WEEK, start, end, start - 7 * one_day, start + 7 * one_day)
    start, end = month_bounds(day)
    return Period(MONTH, start, end, (start - one_day).replace(day=1), end + one_day)


def when(leave: Leave) -> str:
    """3 Dec – 5 Dec 2026; 3 Dec 2026; 3 Dec 2026 (half day, morning)."""
    if leave.is_half_day:
        return f"{format_day(leave.start)} (half day, {leave.part})"
    if leave.start == leave.end:
        return format_day(leave.start)
    return format_day_range(leave.start, leave.end)


def described(leave: Leave) -> str:
    """Ann Lee — Annual leave, 3 Dec – 5 Dec 2026."""
    return f"{leave.employee.full_name} — {leave.leave_type.name}, {when(leave)}"
