"""Dates in words for people, in the app's one style (the formats are in `en_GB/formats.py`,
found through the FORMAT_MODULE_PATH setting). For messages written in Python; templates
use the `|date` filter and the `|weekday_date` filter of `hrms_format`."""

import datetime

from django.utils import dateformat, formats


def format_day(value: datetime.date) -> str:
    """2 Dec 2026."""
    return formats.date_format(value, "DATE_FORMAT")


def format_weekday_day(value: datetime.date) -> str:
    """Wed 2 Dec 2026: a day someone plans around, in a heading or a confirmation."""
    return f"{dateformat.format(value, 'D')} {format_day(value)}"


def format_weekday_short(value: datetime.date) -> str:
    """Wed 2 Dec: a day of a month already named, as a calendar's cell says it aloud."""
    return dateformat.format(value, f"D {formats.get_format('MONTH_DAY_FORMAT')}")


def format_day_range(start: datetime.date, end: datetime.date) -> str:
    """2 Dec – 9 Dec 2026, or 30 Dec 2026 – 2 Jan 2027 across a year."""
    if start.year == end.year:
        return f"{formats.date_format(start, 'MONTH_DAY_FORMAT')} – {format_day(end)}"
    return f"{format_day(start)} – {format_day(end)}"


def format_month(value: datetime.date) -> str:
    """December 2026."""
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


def format_moment(value: datetime.datetime) -> str:
    """2 Dec 2026, 14:05, in the app's time zone."""
    from django.utils import timezone

    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def format_clock(value: datetime.datetime) -> str:
    """14:05: the wall-clock time of `value` in its own time zone (an employee's)."""
    return formats.time_format(value.time(), "TIME_FORMAT")
