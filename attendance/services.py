"""Every write to attendance, and the rules every write obeys.

`attendance_check` is the one place for the rules about which days can be
marked; pages, the admin, the roster, commands and the API all go through it.
"""

import datetime
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.scoping import EVERYTHING, Scope, scope_for
from core.audit import log_bulk, snapshot
from core.db import delete_once, save_validated, update_many
from core.formats import format_day, format_moment, format_month
from employees.models import Department, Employee

from .calendar import HOLIDAY, WEEKLY_OFF, Calendar, days
from .models import (
    STATUS_CODES,
    AttendanceRecord,
    ClosedMonth,
    Closures,
    Holiday,
    closed_message,
    closures_between,
)
from .selectors import figures_changed
from .signals import marks_changed

Status = AttendanceRecord.Status
Source = AttendanceRecord.Source


def check_not_future(day: datetime.date) -> None:
    today = timezone.localdate()
    if day > today:
        raise ValidationError(
            f"{format_day(day)} is in the future. Attendance can be marked for today "
            f"({format_day(today)}) or earlier.",
            code="future",
        )


def attendance_check(
    *, employee: Employee, day: datetime.date, closures: Closures | None = None
) -> None:
    """Refuse a day that `employee` cannot have attendance for, saying why and what to do.
    `closures`: the closed months, when the caller checks many days (else one query)."""
    check_not_future(day)
    if day < employee.date_joined:
        raise ValidationError(
            f"{employee} joined on {format_day(employee.date_joined)}, so {format_day(day)} cannot "
            "be marked. Pick a later date, or correct the joining date first.",
            code="before_joining",
        )
    if employee.date_left is not None and day > employee.date_left:
        raise ValidationError(
            f"{employee} left on {format_day(employee.date_left)}, so {format_day(day)} cannot "
            "be marked. Pick an earlier date, or correct the leaving date first.",
            code="after_leaving",
        )
    if not employee.is_active and employee.date_left is None:
        raise ValidationError(
            f"{employee} is inactive and has no leaving date. Set their leaving date, or "
            "reactivate them, before marking attendance.",
            code="inactive",
        )
    (closures if closures is not None else closures_between(day, day)).check(employee, day)


def attendance_mark(
    *,
    employee: Employee,
    day: datetime.date,
    status: str,
    note: str = "",
    by=None,
) -> AttendanceRecord:
    """Record one employee's attendance for a day that has no record yet.

    The database's unique constraint is the check for "no record yet": the record is
    inserted at once, and only if the database refuses it are all the model's rules
    checked, to say why (usually: that day is already marked, and by whom). The insert
    (with its audit entry) is the one write, so it is the transaction.
    """
    attendance_check(employee=employee, day=day)
    record = AttendanceRecord(employee=employee, date=day, status=status, note=note, marked_by=by)
    # The rules that need no query (a status, a note); the employee and user are loaded.
    record.full_clean(
        exclude=["employee", "marked_by"], validate_unique=False, validate_constraints=False
    )
    try:
        with transaction.atomic():
            record.save(force_insert=True)
    except IntegrityError:
        save_validated(record)  # names the record already there, or saves if it is gone
    return record


@transaction.atomic
def attendance_update(
    *, record: AttendanceRecord, status: str, note: str = "", by=None
) -> AttendanceRecord:
    """Correct the status or note of an existing record."""
    attendance_check(employee=record.employee, day=record.date)
    record.status, record.note, record.marked_by = status, note, by
    record.source = Source.HAND  # HR's change makes the day theirs, over the time clock's
    save_validated(record)
    return record


@transaction.atomic
def attendance_delete(*, record: AttendanceRecord) -> None:
    """AttendanceRecord.DoesNotExist if someone else deleted it first. A day from the time
    clock is not deleted: it would come back when the day is next derived."""
    if record.source == Source.CLOCK:
        raise ValidationError(
            f"{record.employee}'s {format_day(record.date)} comes from the time clock, so "
            "deleting it would not last. Edit it to mark the day by hand instead, or resolve "
            "it under Exceptions.",
            code="from_clock",
        )
    closures_between(record.date, record.date).check(record.employee, record.date)
    delete_once(record)


@dataclass(frozen=True)
class RosterEntry:
    """One row of a saved roster: the status chosen, and the one the user saw before."""

    employee: Employee
    status: str
    seen: str  # "" when the row had no record


@dataclass(frozen=True)
class RosterResult:
    created: int
    updated: int

    @property
    def saved(self) -> int:
        return self.created + self.updated


@transaction.atomic
def roster_save(*, day: datetime.date, entries: list[RosterEntry], by=None) -> RosterResult:
    """Save a day's roster: all rows or none.

    Rows whose status is what the user saw are left alone. A row that someone
    else changed since the user loaded the roster is refused rather than
    overwritten. Errors are keyed by the employee's code.
    """
    changed = [entry for entry in entries if entry.status and entry.status != entry.seen]
    if not changed:
        return RosterResult(created=0, updated=0)
    # Lock this day's records of these employees: a concurrent save of the same
    # rows waits for ours, then sees it (PostgreSQL; SQLite takes the whole lock).
    existing = {
        record.employee_id: record
        for record in AttendanceRecord.objects.select_for_update().filter(
            date=day, employee__in=[entry.employee.pk for entry in changed]
        )
    }
    errors: dict[str, list[str]] = {}
    to_create, to_update = [], []
    now = timezone.now()
    closures = closures_between(day, day)
    for entry in changed:
        employee = entry.employee
        try:
            attendance_check(employee=employee, day=day, closures=closures)
            if entry.status not in Status.values:
                raise ValidationError("Choose one of the statuses.", code="invalid_status")
        except ValidationError as error:
            errors[employee.employee_id] = error.messages
            continue
        record = existing.get(employee.pk)
        if record is not None:
            record.employee = employee  # already loaded: no query to describe the change
        if (record.status if record else "") != entry.seen:
            errors[employee.employee_id] = [_changed_meanwhile(employee, record)]
        elif record is None:
            to_create.append(
                AttendanceRecord(employee=employee, date=day, status=entry.status, marked_by=by)
            )
        else:
            before = snapshot(record)
            record.status, record.marked_by, record.updated_at = entry.status, by, now
            record.source = Source.HAND
            to_update.append((before, record))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            AttendanceRecord.objects.bulk_create(to_create)
    except IntegrityError:
        raise ValidationError(_created_meanwhile(day, to_create)) from None
    update_many(
        [record for _, record in to_update], ["status", "marked_by", "updated_at", "source"]
    )
    log_bulk([*((None, record) for record in to_create), *to_update], actor=by)
    figures_changed([day])
    marks_changed.send(AttendanceRecord, records=[*to_create, *(r for _, r in to_update)])
    return RosterResult(created=len(to_create), updated=len(to_update))


def _changed_meanwhile(employee: Employee, record: AttendanceRecord | None) -> str:
    now = record.get_status_display() if record else "not marked"
    return (
        f"Someone else changed {employee} while you were editing (now: {now}). "
        "Nothing was saved; reload the roster to see their change, then save again."
    )


def _created_meanwhile(day: datetime.date, records: list[AttendanceRecord]) -> dict:
    """The rows that another save marked at the same moment as this one."""
    taken = AttendanceRecord.objects.filter(
        date=day, employee__in=[record.employee_id for record in records]
    ).select_related("employee")
    errors = {
        record.employee.employee_id: [_changed_meanwhile(record.employee, record)]
        for record in taken
    }
    return errors or {
        NON_FIELD_ERRORS: ["Another save of this roster got in first. Reload it and try again."]
    }


def holiday_check(day: datetime.date) -> None:
    """A holiday changes everyone's day: not in a month closed for anyone."""
    closures = closures_between(day, day)
    if closures:
        closure = next(iter(closures.closed.values()))
        raise ValidationError(closed_message(closure, day), code="closed_month")


@transaction.atomic
def holiday_create(*, day: datetime.date, name: str) -> Holiday:
    holiday_check(day)
    holiday = Holiday(date=day, name=name)
    save_validated(holiday)
    return holiday


@transaction.atomic
def holiday_update(*, holiday: Holiday, day: datetime.date, name: str) -> Holiday:
    holiday_check(holiday.date)
    holiday_check(day)
    holiday.date, holiday.name = day, name
    save_validated(holiday)
    return holiday


@transaction.atomic
def holiday_delete(*, holiday: Holiday) -> None:
    holiday_check(holiday.date)
    holiday.delete()


MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class RangeResult:
    marked: int  # days that had no record
    replaced: int  # days whose record was overwritten, when asked
    kept: int  # days that already had a record, left as they were
    weekly_off: int
    holidays: int


@transaction.atomic
def attendance_mark_range(
    *,
    employee: Employee,
    start: datetime.date,
    end: datetime.date,
    status: str,
    note: str = "",
    overwrite: bool = False,
    by=None,
) -> RangeResult:
    """Mark one employee with one status on every working day from `start` to `end`.

    Weekly off days and holidays are skipped; days already marked are kept unless
    `overwrite`. All days are saved, or none.
    """
    (result,) = attendance_mark_ranges(
        ranges=[MarkRange(employee=employee, start=start, end=end, status=status, note=note)],
        overwrite=overwrite,
        by=by,
    )
    return result


@dataclass(frozen=True)
class MarkRange:
    employee: Employee
    start: datetime.date
    end: datetime.date
    status: str
    note: str = ""


@transaction.atomic
def attendance_mark_ranges(
    *, ranges: list[MarkRange], overwrite: bool = False, by=None
) -> list[RangeResult]:
    """`attendance_mark_range` of each of `ranges` (each its own employee, period and
    status), all saved or none, in a fixed number of queries however many. Where two
    ranges share an employee's day, the later one's status is the day's."""
    for mark in ranges:
        if mark.start > mark.end:
            raise ValidationError({"end": "The last day cannot be before the first day."})
        if (mark.end - mark.start).days + 1 > MAX_RANGE_DAYS:
            raise ValidationError(
                {"end": f"Mark at most {MAX_RANGE_DAYS} days at once; split a longer period."}
            )
        if mark.status not in Status.values:
            raise ValidationError({"status": "Choose one of the statuses."})
    if not ranges:
        return []
    first, last = min(m.start for m in ranges), max(m.end for m in ranges)
    closures = closures_between(first, last)
    for mark in ranges:
        for day, field in ((mark.start, "start"), (mark.end, "end")):
            try:
                attendance_check(employee=mark.employee, day=day, closures=closures)
            except ValidationError as error:
                raise ValidationError({field: error.messages}) from None
        for day in days(mark.start, mark.end):
            closures.check(mark.employee, day)  # a month closed in the middle of the range

    calendar = Calendar.between(first, last)
    employees = {mark.employee.pk: mark.employee for mark in ranges}
    existing = {
        (record.employee_id, record.date): record
        for record in AttendanceRecord.objects.select_for_update().filter(
            employee__in=list(employees), date__range=(first, last)
        )
    }
    for record in existing.values():
        record.employee = employees[record.employee_id]  # loaded: no query to describe it
    created: dict = {}  # (employee, day) -> the new record
    updated: dict = {}  # (employee, day) -> (before, after)
    results = []
    now = timezone.now()
    for mark in ranges:
        kinds = {WEEKLY_OFF: 0, HOLIDAY: 0}
        marked = replaced = kept = 0
        for day in days(mark.start, mark.end):
            kind = calendar.kind(day)
            key = (mark.employee.pk, day)
            if kind in kinds:
                kinds[kind] += 1
            elif key in created:  # an earlier range of these marks it: the later wins
                created[key].status, created[key].note = mark.status, mark.note
                marked += 1
            elif key not in existing:
                created[key] = AttendanceRecord(
                    employee=mark.employee,
                    date=day,
                    status=mark.status,
                    note=mark.note,
                    marked_by=by,
                )
                marked += 1
            elif overwrite:
                record = existing[key]
                before = updated[key][0] if key in updated else snapshot(record)
                record.status, record.note, record.marked_by, record.updated_at = (
                    mark.status,
                    mark.note,
                    by,
                    now,
                )
                record.source = Source.HAND
                updated[key] = (before, record)
                replaced += 1
            else:
                kept += 1
        results.append(
            RangeResult(
                marked=marked,
                replaced=replaced,
                kept=kept,
                weekly_off=kinds[WEEKLY_OFF],
                holidays=kinds[HOLIDAY],
            )
        )
    to_create, to_update = list(created.values()), list(updated.values())
    try:
        with transaction.atomic():
            AttendanceRecord.objects.bulk_create(to_create, batch_size=1000)
    except IntegrityError:
        raise ValidationError(
            "Someone else marked some of these days at the same moment. Nothing was saved; "
            "try again."
        ) from None
    update_many(
        [record for _, record in to_update], ["status", "note", "marked_by", "updated_at", "source"]
    )
    log_bulk([*((None, record) for record in to_create), *to_update], actor=by)
    figures_changed([record.date for record in to_create] + [r.date for _, r in to_update])
    marks_changed.send(AttendanceRecord, records=[*to_create, *(r for _, r in to_update)])
    return results


# What a file may say for a status: the label, the stored value, or the one-letter code.
STATUS_WORDS = {
    word.lower(): status.value
    for status in Status
    for word in (status.label, status.value, STATUS_CODES[status])
}
STATUS_WORDS.update(
    {"wfh": Status.WORK_FROM_HOME, "half-day": Status.HALF_DAY, "leave": Status.ON_LEAVE}
)


@transaction.atomic
def attendance_save_many(
    *,
    new: list[AttendanceRecord],
    changed: list[tuple[AttendanceRecord, AttendanceRecord]],
    by=None,
) -> None:
    """Write checked records in bulk: insert `new`, update each (before, after) in `changed`
    (status, note, who and when), log each change as made by `by`, forget their days' figures."""
    AttendanceRecord.objects.bulk_create(new, batch_size=1000)
    for _, after in changed:
        after.source = Source.HAND
    update_many(
        [after for _, after in changed], ["status", "note", "marked_by", "updated_at", "source"]
    )
    log_bulk([*((None, record) for record in new), *changed], actor=by)
    figures_changed([record.date for record in [*new, *(after for _, after in changed)]])
    marks_changed.send(AttendanceRecord, records=[*new, *(after for _, after in changed)])


def attendance_mark_day(
    *,
    day: datetime.date,
    status: str,
    department=None,
    only_unmarked: bool = False,
    scope: Scope = EVERYTHING,
    by=None,
) -> RosterResult:
    """Give everyone employed on `day` (in `department`) one status, like a whole roster."""
    from .selectors import roster

    check_not_future(day)
    entries = [
        RosterEntry(employee=employee, status=status, seen=employee.status or "")
        for employee in roster(day=day, department=department, scope=scope)
        if not (only_unmarked and employee.status)
    ]
    return roster_save(day=day, entries=entries, by=by)


@dataclass(frozen=True)
class LeaveDay:
    """A day of approved leave, as attendance records it."""

    employee: Employee
    day: datetime.date
    status: str  # Status.ON_LEAVE, or Status.HALF_DAY for half a day's leave
    note: str


@transaction.atomic
def attendance_leave_apply(*, days: list[LeaveDay], by=None) -> int:
    """Write approved leave's days as attendance (source "leave"), over what the day said
    before (the time clock's result, or HR's mark): the leave is the later decision. The
    time clock's derivation leaves these days alone; HR may still mark one by hand, which
    then wins. Audited; a fixed number of queries whatever the number of days. Returns
    how many days changed."""
    if not days:
        return 0
    closures = closures_between(min(d.day for d in days), max(d.day for d in days))
    for leave_day in days:
        closures.check(leave_day.employee, leave_day.day)
    wanted = {(d.employee.pk, d.day): d for d in days}
    existing = {
        (record.employee_id, record.date): record
        for record in AttendanceRecord.objects.select_for_update().filter(
            employee__in={d.employee.pk for d in days},
            date__range=(min(d.day for d in days), max(d.day for d in days)),
        )
        if (record.employee_id, record.date) in wanted
    }
    to_create, to_update = [], []
    now = timezone.now()
    for key, leave_day in wanted.items():
        record = existing.get(key)
        note = leave_day.note[:200]
        if record is None:
            to_create.append(
                AttendanceRecord(
                    employee=leave_day.employee,
                    date=leave_day.day,
                    status=leave_day.status,
                    note=note,
                    source=Source.LEAVE,
                    marked_by=by,
                )
            )
            continue
        record.employee = leave_day.employee  # loaded: no query to describe the change
        if (record.status, record.note, record.source) == (leave_day.status, note, Source.LEAVE):
            continue
        before = snapshot(record)
        record.status, record.note, record.source = leave_day.status, note, Source.LEAVE
        record.marked_by, record.updated_at = by, now
        to_update.append((before, record))
    AttendanceRecord.objects.bulk_create(to_create, batch_size=1000)
    update_many(
        [record for _, record in to_update], ["status", "note", "source", "marked_by", "updated_at"]
    )
    log_bulk([*((None, record) for record in to_create), *to_update], actor=by)
    changed = [*to_create, *(record for _, record in to_update)]
    figures_changed([record.date for record in changed])
    marks_changed.send(AttendanceRecord, records=changed)
    return len(changed)


@transaction.atomic
def attendance_leave_remove(*, days: list[tuple[Employee, datetime.date]]) -> int:
    """Take away the attendance of leave that no longer stands (cancelled or revoked):
    only the days leave still writes (source "leave"; a day HR marked since stays theirs).
    The time clock derives them again. Returns how many days were taken away."""
    if not days:
        return 0
    wanted = {(employee.pk, day) for employee, day in days}
    closures = closures_between(min(day for _, day in days), max(day for _, day in days))
    for employee, day in days:
        closures.check(employee, day)
    records = [
        record
        for record in AttendanceRecord.objects.select_for_update().filter(
            employee__in={employee.pk for employee, _ in days},
            date__range=(min(day for _, day in days), max(day for _, day in days)),
            source=Source.LEAVE,
        )
        if (record.employee_id, record.date) in wanted
    ]
    AttendanceRecord.objects.filter(pk__in=[record.pk for record in records]).delete()
    figures_changed([record.date for record in records])
    marks_changed.send(AttendanceRecord, records=records)
    return len(records)


# Months closed for payroll


def month_close_check(*, month: datetime.date, department: Department | None = None, by) -> None:
    """Refuse closing `month` (for `department`, or None: the organisation), saying why:
    a month that has not ended, one already closed, or what `by` may not see (a user
    limited to some departments closes one of them, never the organisation)."""
    month = month.replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        raise ValidationError(
            {
                "month": ValidationError(
                    f"{format_month(month)} has not ended yet. A month can be closed once "
                    "its last day is over.",
                    code="not_ended",
                )
            }
        )
    scope = scope_for(by)
    if department is None and scope.is_limited:
        raise ValidationError(
            {
                "department": ValidationError(
                    "Your account is limited to some departments, so it cannot close the "
                    "month for the whole organisation. Choose one of your departments.",
                    code="organisation_out_of_scope",
                )
            }
        )
    mine = scope.limit(Department.objects.filter(pk=getattr(department, "pk", None)), "pk")
    if department is not None and not mine.exists():
        raise ValidationError(
            {
                "department": ValidationError(
                    f"{department.name} is not one of your departments, so you cannot close "
                    "its month.",
                    code="department_out_of_scope",
                )
            }
        )
    already = (
        ClosedMonth.objects.filter(month=month, reopened_at__isnull=True)
        .filter(Q(department__isnull=True) | Q(department=department))
        .select_related("department", "closed_by")
        .first()
    )
    if already is not None:
        raise ValidationError(_already_closed(already), code="already_closed")


@transaction.atomic
def month_close(*, month: datetime.date, department: Department | None = None, by) -> ClosedMonth:
    """Close `month` for payroll, for `department` or (None) the whole organisation: from
    now on no write may change a day in it (`attendance_check`). Refused as
    `month_close_check` says. In the audit trail, as done by `by`."""
    month = month.replace(day=1)
    month_close_check(month=month, department=department, by=by)
    closure = ClosedMonth(month=month, department=department, closed_by=by)
    whom = f"for {department.name}" if department else "for the organisation"
    try:
        with transaction.atomic(), disable_auditlog():  # logged below, with `by` as the actor
            closure.save(force_insert=True)
    except IntegrityError:  # closed by someone else at the same moment
        raise ValidationError(
            f"{format_month(month)} is already closed {whom}: someone closed it at the same "
            "moment.",
            code="already_closed",
        ) from None
    log_bulk([(None, closure)], actor=by)
    return closure


def _already_closed(closure: ClosedMonth) -> str:
    whom = f"for {closure.department.name}" if closure.department_id else "for the organisation"
    by = f" by {closure.closed_by}" if closure.closed_by_id else ""
    return (
        f"{format_month(closure.month)} is already closed {whom}{by}, on "
        f"{format_moment(closure.closed_at)}. Reopen it first if it must change."
    )


@transaction.atomic
def month_reopen(*, closure: ClosedMonth, reason: str, by) -> ClosedMonth:
    """Reopen a closed month, saying why: its days may change again. The row stays, with
    who reopened it, when and why (the history of closing and reopening). In the audit
    trail, as done by `by`."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError("Say why the month is reopened.", code="reason_missing")}
        )
    # Lock the row: of two people reopening at once, the second is told it is done.
    current = ClosedMonth.objects.select_for_update().get(pk=closure.pk)
    if current.reopened_at is not None:
        raise ValidationError(
            f"{closure} was already reopened on {format_moment(current.reopened_at)}.",
            code="already_reopened",
        )
    longest = ClosedMonth._meta.get_field("reopen_reason").max_length
    if len(reason) > longest:
        raise ValidationError(
            {
                "reason": ValidationError(
                    f"Say why in at most {longest} characters (this is {len(reason)}).",
                    code="reason_too_long",
                )
            }
        )
    before = snapshot(current)
    closure.reopened_at, closure.reopened_by, closure.reopen_reason = timezone.now(), by, reason
    with disable_auditlog():  # logged below, with `by` as the actor
        closure.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    log_bulk([(before, closure)], actor=by)
    return closure
