"""Importing punch logs from attendance terminals: a CSV with a header (employee code,
time, and optionally direction and device), or a ZKTeco-style attendance log (no header;
tab- or comma-separated: user id, "YYYY-MM-DD HH:MM:SS", then the device's numbers, of
which the second is the direction: 0 in, 1 out).

Unlike the other imports, a bad row never stops the rest: each is refused with its row
number and reason, and every good row is kept. A punch already in the log (the same
employee, instant and device source) is counted, not added again, so importing the same
file twice changes nothing. Read line by line and written a batch at a time: memory stays
flat however long the file.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.scoping import Scope
from core.formats import format_day
from employees.models import Employee

from .models import Direction, Punch, Source

# Rows checked and written together.
BATCH = 5_000
# A device's clock may run this far ahead of ours.
CLOCK_SKEW = datetime.timedelta(minutes=5)
# Refused rows kept in the report (all are counted).
ERRORS_KEPT = 1_000

HEADERS = {
    "code": (
        "employee code",
        "employee",
        "code",
        "employee id",
        "user id",
        "userid",
        "id",
        "ac-no",
        "ac-no.",
    ),
    "time": ("time", "timestamp", "date time", "datetime", "punch time", "check time", "checktime"),
    "direction": ("direction", "in/out", "state", "status", "check type", "checktype", "type"),
    "device": ("device", "terminal", "device id", "sn", "machine"),
}
DIRECTIONS = {
    "in": Direction.IN,
    "i": Direction.IN,
    "c/in": Direction.IN,
    "check-in": Direction.IN,
    "check in": Direction.IN,
    "0": Direction.IN,
    "out": Direction.OUT,
    "o": Direction.OUT,
    "c/out": Direction.OUT,
    "check-out": Direction.OUT,
    "check out": Direction.OUT,
    "1": Direction.OUT,
    "": Direction.UNKNOWN,
    "unknown": Direction.UNKNOWN,
}
ZKTECO_LINE = re.compile(
    r"^\s*(\S+)[\t,]\s*(\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d)?)\s*(?:[\t,](.*))?$"
)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


class FileRefused(ValueError):
    """The file as a whole cannot be read as a punch log (the message says why)."""


@dataclass
class PunchReport:
    rows: int = 0
    added: int = 0
    already: int = 0
    refused: int = 0
    errors: list[dict] = field(default_factory=list)

    def refuse(self, row: int, column: str, message: str) -> None:
        self.refused += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"row": row, "column": column, "message": message})

    @property
    def message(self) -> str:
        text = f"Read {self.rows:,} punch{'es' if self.rows != 1 else ''}: {self.added:,} added"
        text += f", {self.already:,} already in the log"
        if self.refused:
            text += f", {self.refused:,} refused (below, each with its reason)"
        return text + "."


@dataclass(frozen=True)
class Row:
    number: int
    code: str
    time: str
    direction: str
    device: str


def read_rows(content: bytes) -> Iterator[Row]:
    """The file's rows, in either layout (see the module's notes)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise FileRefused("The file is not text: export the punches as CSV or TXT.") from None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if ZKTECO_LINE.match(first):
        yield from _zkteco(lines)
        return
    dialect = "excel-tab" if first.count("\t") > first.count(",") else "excel"
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    header = [cell.strip().lower() for cell in next(reader, [])]
    columns = {}
    for key, names in HEADERS.items():
        columns[key] = next((i for i, name in enumerate(header) if name in names), None)
    if columns["code"] is None or columns["time"] is None:
        raise FileRefused(
            "The file needs an “Employee code” and a “Time” column (or the ZKTeco "
            "layout: user id, then the time as YYYY-MM-DD HH:MM:SS)."
        )

    def cell(values, key):
        index = columns[key]
        return values[index].strip() if index is not None and index < len(values) else ""

    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        yield Row(
            number,
            cell(values, "code"),
            cell(values, "time"),
            cell(values, "direction"),
            cell(values, "device"),
        )


def _zkteco(lines: list[str]) -> Iterator[Row]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        match = ZKTECO_LINE.match(line)
        if match is None:
            yield Row(number, "", line.strip()[:40], "", "")  # refused as a bad time
            continue
        rest = re.split(r"[\t,]", match.group(3) or "")
        state = rest[1].strip() if len(rest) > 1 else ""
        yield Row(number, match.group(1), match.group(2), state, rest[0].strip() if rest else "")


def punches_import(
    *,
    content: bytes,
    zone: zoneinfo.ZoneInfo,
    scope: Scope,
    by=None,
    progress: Callable[[int], None] | None = None,
    now: datetime.datetime | None = None,
) -> PunchReport:
    """Add a device's punches to the log (see the module's notes). `zone`: the clock of
    the times in the file that carry no offset. `progress(rows)` hears of each batch."""
    now = now or timezone.now()
    report = PunchReport()
    employees = _employees(scope)
    batch: list[tuple[Row, Punch]] = []
    seen: set[tuple] = set()
    for row in read_rows(content):
        report.rows += 1
        punch = _check(row, employees, zone, now, report)
        if punch is None:
            continue
        key = (punch.employee_id, punch.at)
        if key in seen:
            report.already += 1  # the same punch twice in the file
            continue
        seen.add(key)
        batch.append((row, punch))
        if len(batch) >= BATCH:
            _write(batch, report, by)
            batch, seen = [], set()
            if progress is not None:
                progress(report.rows)
    _write(batch, report, by)
    if progress is not None:
        progress(report.rows)
    return report


def _employees(scope: Scope) -> dict[str, tuple]:
    """Code (upper case) -> (pk, joined, left) of everyone the importer may reach."""
    found = scope.limit(Employee.objects.all(), "department")
    return {
        code.upper(): (pk, joined, left)
        for code, pk, joined, left in found.values_list(
            "employee_id", "pk", "date_joined", "date_left"
        )
    }


def _check(row: Row, employees: dict, zone, now, report: PunchReport) -> Punch | None:
    person = employees.get(row.code.upper())
    if person is None:
        report.refuse(row.number, "Employee code", f"No employee has the code “{row.code}”.")
        return None
    at = _instant(row.time, zone)
    if at is None:
        report.refuse(
            row.number, "Time", f"“{row.time}” is not a time: write it as YYYY-MM-DD HH:MM:SS."
        )
        return None
    if at > now + CLOCK_SKEW:
        report.refuse(row.number, "Time", "In the future: check the device's clock.")
        return None
    pk, joined, left = person
    day = at.astimezone(zone).date()
    if day < joined:
        report.refuse(row.number, "Time", f"Before {row.code} joined, on {format_day(joined)}.")
        return None
    if left is not None and day > left:
        report.refuse(row.number, "Time", f"After {row.code} left, on {format_day(left)}.")
        return None
    direction = DIRECTIONS.get(row.direction.strip().lower())
    if direction is None:
        report.refuse(
            row.number,
            "Direction",
            f"“{row.direction}” is not a direction: use in, out or leave it empty.",
        )
        return None
    return Punch(
        employee_id=pk,
        at=at,
        direction=direction,
        source=Source.DEVICE,
        device=row.device[:100],
    )


def _instant(text: str, zone) -> datetime.datetime | None:
    text = text.strip()
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        parsed = None
        for pattern in TIME_FORMATS:
            try:
                parsed = datetime.datetime.strptime(text, pattern)  # noqa: DTZ007 (zone below)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(datetime.UTC)


def _write(batch: list[tuple[Row, Punch]], report: PunchReport, by) -> None:
    """Add the batch's punches that are not in the log yet; count the others."""
    if not batch:
        return
    instants = [punch.at for _, punch in batch]
    there = set(
        Punch.objects.filter(
            source=Source.DEVICE,
            employee_id__in={punch.employee_id for _, punch in batch},
            at__range=(min(instants), max(instants)),
        ).values_list("employee_id", "at")
    )
    new = []
    for _, punch in batch:
        if (punch.employee_id, punch.at) in there:
            report.already += 1
            continue
        punch.entered_by = by
        new.append(punch)
    # Another import of the same punches meanwhile: the database keeps one of each.
    Punch.objects.bulk_create(new, ignore_conflicts=True)
    report.added += len(new)
