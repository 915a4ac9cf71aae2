"""Importing punch logs from attendance terminals: a CSV with a header (employee code,
time, and optionally direction and device), or a ZKTeco-style attendance log (no header;
tab- or comma-separated: user id, "YYYY-MM-DD HH:MM:SS", then the device's numbers, of
which the second is the direction: 0 in, 1 out).

Unlike the other imports, a bad row never stops the rest: each is refused with its row
number and reason, and every good row is kept. A punch already in the log (the same
employee, instant and device source) is counted, not added again, so importing the same
file twice changes nothing. Two rows are kept but reported as warnings: a punch the file
has already given (counted once: "same as row 7"), and one earlier than the same
employee's row before it (a device writes its log in time order, so its clock may have
been put back; the punch is still real, and the day's result sorts punches by time).

Read line by line and written a batch at a time, without a model instance per punch (on
PostgreSQL by COPY): the file's own bytes, and the instants it has given (to tell a
repeated row), are what memory holds.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import itertools
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from accounts.scoping import Scope
from attendance.models import Closures, closed_message, closures_between
from core.formats import format_clock, format_day
from employees.models import Employee

from .models import Direction, Punch, Source

# Rows checked and written together.
BATCH = 5_000
# Punches in one INSERT statement (fewer where the database allows fewer parameters).
PER_STATEMENT = 1_000
# A device's clock may run this far ahead of ours.
CLOCK_SKEW = datetime.timedelta(minutes=5)
# Refused rows, and rows warned about, kept in the report (all are counted).
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
DIRECTION_VALUES = {text: direction.value for text, direction in DIRECTIONS.items()}
ZKTECO_LINE = re.compile(
    r"^\s*(\S+)[\t,]\s*(\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d)?)\s*(?:[\t,](.*))?$"
)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


# The columns an imported punch fills in (the first four from the row); the others are a
# web punch's (left empty).
COLUMNS = ("employee", "at", "direction", "device", "source", "entered_by", "created_at")
# PostgreSQL: the table (temporary, the connection's own) that a batch is copied into.
STAGING = "timeclock_punch_import"
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


class FileRefused(ValueError):
    """The file as a whole cannot be read as a punch log (the message says why)."""


@dataclass
class PunchReport:
    rows: int = 0
    added: int = 0
    already: int = 0  # in the log before this file: silent, so a file read twice is quiet
    repeated: int = 0  # the same punch again in the file: kept once, each row reported
    out_of_order: int = 0  # earlier than the same employee's row before it: kept, reported
    refused: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    # The earliest and latest punch kept: the days to derive again.
    earliest: datetime.datetime | None = None
    latest: datetime.datetime | None = None

    def refuse(self, row: int, column: str, message: str) -> None:
        self.refused += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"row": row, "column": column, "message": message})

    def warn(self, row: int, column: str, message: str) -> None:
        if len(self.warnings) < ERRORS_KEPT:
            self.warnings.append({"row": row, "column": column, "message": message})

    @property
    def warned(self) -> int:
        return self.repeated + self.out_of_order

    @property
    def message(self) -> str:
        text = f"Read {self.rows:,} punch{'es' if self.rows != 1 else ''}: {self.added:,} added"
        text += f", {self.already:,} already in the log"
        if self.repeated:
            text += f", {self.repeated:,} repeated in the file"
        if self.refused:
            text += f", {self.refused:,} refused (below, each with its reason)"
        if self.out_of_order:
            text += f"; {self.out_of_order:,} out of time order (kept)"
        return text + "."


class Row(NamedTuple):
    number: int
    code: str
    time: str
    direction: str
    device: str


def read_rows(content: bytes) -> Iterator[Row]:
    """The file's rows, in either layout (see the module's notes), a line at a time."""
    # Lines ending in \n, \r\n or \r alike, decoded as they are read.
    lines = io.TextIOWrapper(io.BytesIO(content), encoding=_encoding(content), newline=None)
    blank = []
    first = ""
    for line in lines:
        if line.strip():
            first = line
            break
        blank.append(line)
    lines = itertools.chain(blank, [first], lines)
    if ZKTECO_LINE.match(first):
        yield from _zkteco(lines)
        return
    dialect = "excel-tab" if first.count("\t") > first.count(",") else "excel"
    reader = csv.reader(lines, dialect=dialect)
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


def _encoding(content: bytes) -> str:
    if content.isascii():
        return "ascii"
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            content.decode("cp1252")
        except UnicodeDecodeError:
            raise FileRefused("The file is not text: export the punches as CSV or TXT.") from None
        return "cp1252"
    return "utf-8-sig"  # and its byte order mark, if any, left out


def _zkteco(lines: Iterable[str]) -> Iterator[Row]:
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\n")
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
    closures = closures_between(datetime.date.min, datetime.date.max)
    people = len(employees) + 1
    # Each punch of the file (its instant and employee, as one number) -> its first row.
    seen: dict[int, int] = {}
    # Each employee's latest row so far: (instant, row).
    latest: dict[int, tuple[datetime.datetime, int]] = {}
    batch: list[tuple] = []
    for row in read_rows(content):
        report.rows += 1
        checked = _check(row, employees, zone, now, report, closures)
        if checked is None:
            continue
        (pk, _, _, person, _), at, direction = checked
        key = (at - EPOCH) // MICROSECOND * people + person
        first = seen.get(key)
        if first is not None:
            report.repeated += 1
            report.warn(row.number, "Time", f"Same as row {first}: one punch, counted once.")
            continue
        seen[key] = row.number
        before = latest.get(person)
        if before is not None and at < before[0]:
            report.out_of_order += 1
            report.warn(row.number, "Time", _out_of_order(row, before, at, zone))
        latest[person] = (at, row.number)
        if report.earliest is None or at < report.earliest:
            report.earliest = at
        if report.latest is None or at > report.latest:
            report.latest = at
        batch.append((pk, at, direction, row.device[:100]))
        if len(batch) >= BATCH:
            _write(batch, report, by)
            batch = []
            if progress is not None:
                progress(report.rows)
    _write(batch, report, by)
    if progress is not None:
        progress(report.rows)
    return report


def _employees(scope: Scope) -> dict[str, tuple]:
    """Code (upper case) -> (key as the database takes it, joined, left, a number of
    their own, department) of everyone the importer may reach."""
    found = scope.limit(Employee.objects.all(), "department")
    key = Employee._meta.pk
    return {
        code.upper(): (key.get_db_prep_value(pk, connection), joined, left, number, department)
        for number, (code, pk, joined, left, department) in enumerate(
            found.values_list("employee_id", "pk", "date_joined", "date_left", "department_id")
        )
    }


def _check(
    row: Row, employees: dict, zone, now, report: PunchReport, closures: Closures
) -> tuple | None:
    """The row's employee, instant (UTC) and direction; or None, the row refused."""
    person = employees.get(row.code.upper())
    if person is None:
        report.refuse(row.number, "Employee code", f"No employee has the code “{row.code}”.")
        return None
    local = _local_time(row.time, zone)
    if local is None:
        report.refuse(
            row.number, "Time", f"“{row.time}” is not a time: write it as YYYY-MM-DD HH:MM:SS."
        )
        return None
    at = local.astimezone(datetime.UTC)
    if at > now + CLOCK_SKEW:
        report.refuse(row.number, "Time", "In the future: check the device's clock.")
        return None
    _, joined, left, _, department = person
    day = local.date()
    if day < joined:
        report.refuse(row.number, "Time", f"Before {row.code} joined, on {format_day(joined)}.")
        return None
    if left is not None and day > left:
        report.refuse(row.number, "Time", f"After {row.code} left, on {format_day(left)}.")
        return None
    if closures and (closure := closures.closing(department, day)) is not None:
        report.refuse(row.number, "Time", closed_message(closure, day))
        return None
    direction = DIRECTION_VALUES.get(row.direction.strip().lower())
    if direction is None:
        report.refuse(
            row.number,
            "Direction",
            f"“{row.direction}” is not a direction: use in, out or leave it empty.",
        )
        return None
    return person, at, direction


def _local_time(text: str, zone) -> datetime.datetime | None:
    """The time in `zone` (a time that carries its own offset is moved into it)."""
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
        return parsed.replace(tzinfo=zone)
    return parsed.astimezone(zone)


def _out_of_order(row: Row, before: tuple, at: datetime.datetime, zone) -> str:
    earlier, number = before
    then = earlier.astimezone(zone)
    when = format_clock(then)
    if then.date() != at.astimezone(zone).date():
        when = f"{format_day(then.date())}, {when}"
    return (
        f"Earlier than row {number} for {row.code} ({when}): the device's clock may have "
        "been reset; kept."
    )


def _write(batch: list[tuple], report: PunchReport, by) -> None:
    """Add the batch's punches that are not in the log yet; count the others. (Another
    import of the same punches meanwhile: the database keeps one of each.)"""
    if not batch:
        return
    write = _copy if connection.vendor == "postgresql" else _insert
    added = write(batch, Source.DEVICE.value, getattr(by, "pk", None), timezone.now())
    report.added += added
    report.already += len(batch) - added


def _copy(batch: list[tuple], source: str, by_pk, created: datetime.datetime) -> int:
    """PostgreSQL: COPY the batch into a table of this connection's own, then add those
    rows the log lacks in one statement (COPY itself cannot skip them)."""
    quote = connection.ops.quote_name
    meta = Punch._meta
    taken = [meta.get_field(name) for name in COLUMNS[:4]]
    columns = ", ".join(quote(f.column) for f in taken)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} ("
            + ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in taken)
            + ")"
        )
        cursor.execute(f"TRUNCATE {STAGING}")
        with cursor.cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
        others = ", ".join(quote(meta.get_field(name).column) for name in COLUMNS[4:])
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}, {others}) "
            f"SELECT {columns}, %s, %s, %s FROM {STAGING} ON CONFLICT DO NOTHING",
            [source, by_pk, created],
        )
        return cursor.rowcount


def _insert(batch: list[tuple], source: str, by_pk, created: datetime.datetime) -> int:
    """Other databases: INSERTs of many rows each, leaving out those the log has."""
    adapt = connection.ops.adapt_datetimefield_value
    created = adapt(created)
    most = connection.features.max_query_params or 65_535
    per_statement = min(PER_STATEMENT, most // len(COLUMNS))
    added = 0
    with connection.cursor() as cursor:
        for start in range(0, len(batch), per_statement):
            part = batch[start : start + per_statement]
            values = []
            for pk, at, direction, device in part:
                values += (pk, adapt(at), direction, device, source, by_pk, created)
            cursor.execute(_insert_sql(len(part)), values)
            added += cursor.rowcount
    return added


@functools.lru_cache(maxsize=16)
def _insert_sql(rows: int) -> str:
    quote = connection.ops.quote_name
    meta = Punch._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in COLUMNS)
    row = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    return (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([row] * rows)} "
        "ON CONFLICT DO NOTHING"
    )
