"""A small iCalendar (RFC 5545) writer: all-day events, for the leave calendar feed.

No well-kept iCalendar library is among the project's dependencies, and all-day events
need little: text escaped (backslash, semicolon, comma, newline), lines folded at 75
octets without splitting a character, CRLF line ends.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//HRMS Lite//Leave calendar//EN"
MAX_OCTETS = 75


@dataclass(frozen=True)
class Event:
    """An all-day event from `first` to `last`, both included."""

    uid: str
    first: datetime.date
    last: datetime.date
    summary: str
    stamp: datetime.datetime  # when it last changed (DTSTAMP)
    description: str = ""


def escape(text: str) -> str:
    """TEXT as RFC 5545 3.3.11 writes it."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """`line` in pieces of at most 75 octets, each after the first starting with a space
    (RFC 5545 3.1), never splitting a character's UTF-8 bytes."""
    pieces, current, size = [], [], 0
    for char in line:
        octets = len(char.encode())
        limit = MAX_OCTETS if not pieces else MAX_OCTETS - 1  # the space counts
        if size + octets > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def date_value(day: datetime.date) -> str:
    """20261203: DATE's basic ISO 8601 form."""
    return day.isoformat().replace("-", "")


def moment_value(moment: datetime.datetime) -> str:
    """20261203T140500Z: a DATE-TIME in UTC."""
    utc = moment.astimezone(datetime.UTC).replace(microsecond=0, tzinfo=None)
    return utc.isoformat().replace("-", "").replace(":", "") + "Z"


def calendar(events: Iterable[Event], *, name: str) -> str:
    """A VCALENDAR of `events`, named `name`, CRLF after every line."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{moment_value(event.stamp)}",
            f"DTSTART;VALUE=DATE:{date_value(event.first)}",
            # DTEND is the day after the last: all-day events end exclusively.
            f"DTEND;VALUE=DATE:{date_value(event.last + datetime.timedelta(days=1))}",
            f"SUMMARY:{escape(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape(event.description)}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
