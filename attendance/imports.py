"""Importing attendance from a file: every row checked by the attendance rules, the file
as a whole against the database and itself, then every row written or none.

The checks only read, outside any transaction; the writes happen in one transaction at
the end, where the database's constraints catch anything that changed in between.
"""

import datetime
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.scoping import EVERYTHING, Scope
from core.audit import snapshot
from core.db import batched
from core.formats import format_day
from core.spreadsheets import Column, ImportReport, Table
from employees.models import Employee

from . import services
from .models import STATUS_CODES, AttendanceRecord, closures_between, duplicate_message
from .services import STATUS_WORDS

Status = AttendanceRecord.Status

# Codes or employees looked up in one query: SQLite takes at most 32,766 parameters.
LOOKUP_BATCH = 10_000

IMPORT_COLUMNS = [
    Column("employee_id", "Employee code", ("code", "employee", "employee code"), required=True),
    Column("date", "Date", ("day",), required=True),
    Column("status", "Status", ("attendance",), required=True),
    Column("note", "Note", ("notes", "comment", "remarks")),
]


def attendance_import(
    *,
    table: Table,
    update_existing: bool = False,
    scope: Scope = EVERYTHING,
    by=None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    before_write: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Add (and, if asked, update) attendance records from a file: all of them, or none.

    Every row obeys the attendance rules (`attendance_check`): no future days, only
    days of employment, one record per employee and day. `progress(done, total)` hears
    of each row checked; `before_write(report)` is called inside the writing transaction.
    """
    report = ImportReport(rows=len(table.rows))
    if table.ignored_columns:
        report.notes.append("Columns not used: " + ", ".join(table.ignored_columns) + ".")
    codes = {data.get("employee_id", "").strip().upper() for _, data in table.rows}
    employees = {}
    for some in batched(codes, LOOKUP_BATCH):  # a query's parameters are limited
        found = scope.limit(Employee.objects.filter(employee_id__in=some), "department")
        employees.update((e.employee_id, e) for e in found)
    date_field = forms.DateField()
    closures = closures_between(datetime.date.min, datetime.date.max)
    parsed = []
    total = len(table.rows)
    for done, (number, data) in enumerate(table.rows, start=1):
        if progress is not None:
            progress(done, total)
        code = data.get("employee_id", "").strip().upper()
        employee = employees.get(code)
        if employee is None:
            report.error(number, "Employee code", f"No employee has the code “{code}”.")
            continue
        try:
            day = date_field.clean(data.get("date", ""))
        except ValidationError:
            report.error(number, "Date", "Enter the date as YYYY-MM-DD, for example 2026-03-31.")
            continue
        status = STATUS_WORDS.get(data.get("status", "").strip().lower())
        if status is None:
            report.error(
                number,
                "Status",
                f"“{data.get('status', '')}” is not a status. Use one of: "
                + ", ".join(f"{s.label} ({STATUS_CODES[s]})" for s in Status)
                + ".",
            )
            continue
        note = data.get("note", "")
        if len(note) > 200:
            report.error(number, "Note", f"Keep the note to 200 characters (it has {len(note)}).")
            continue
        try:
            services.attendance_check(employee=employee, day=day, closures=closures)
        except ValidationError as error:
            report.error(number, "Date", " ".join(error.messages))
            continue
        parsed.append((number, employee, day, status, note))

    days = {day for _, _, day, *_ in parsed}
    existing = {}
    for some in batched({employee.pk for _, employee, *_ in parsed}, LOOKUP_BATCH):
        existing.update(
            ((record.employee_id, record.date), record)
            for record in AttendanceRecord.objects.filter(employee__in=some, date__in=days)
        )
    seen, to_create, to_update = {}, [], []
    now = timezone.now()
    for number, employee, day, status, note in parsed:
        key = (employee.pk, day)
        if key in seen:
            report.error(
                number, "Date", f"{employee} on {format_day(day)} is also on row {seen[key]}."
            )
            continue
        seen[key] = number
        record = existing.get(key)
        if record is None:
            record = AttendanceRecord(employee=employee, date=day, status=status, note=note)
            record.marked_by = by
            to_create.append((None, record))
        elif update_existing:
            record.employee = employee
            before = snapshot(record)
            record.status, record.note, record.marked_by, record.updated_at = status, note, by, now
            to_update.append((before, record))
        else:
            record.employee = employee
            report.error(
                number,
                "Date",
                duplicate_message(record) + " Or choose “update existing records”.",
            )
    report.created, report.updated = len(to_create), len(to_update)
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        services.attendance_save_many(
            new=[record for _, record in to_create], changed=to_update, by=by
        )
        if before_write is not None:
            before_write(report)
    return report
