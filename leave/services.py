"""Every write to leave, and the rules a request for leave obeys (`leave_check`).

Approval itself (who decides, in which order) is the approvals app's: it calls
`leave_request` when someone asks, and `leaves_approve` / `leaves_release` when a
request is decided, cancelled or revoked.
"""

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attendance.models import Status, closures_between
from attendance.services import LeaveDay, attendance_leave_apply, attendance_leave_remove
from core.audit import log_bulk, snapshot
from core.db import save_validated, update_many
from core.formats import format_day
from employees.models import Employee
from timeclock.selectors import HOLIDAY, WORKING, working_days, working_days_of

from .models import CalendarFeed, Entitlement, Leave, LeaveType
from .selectors import balances, overlapping

# Leave is asked for at most this long ahead, and for at most this many days at once.
MAX_AHEAD_DAYS = 400
MAX_DAYS = 366


@dataclass(frozen=True)
class Counted:
    """The days a request would take: which ones, and how many against the balance."""

    days: dict[datetime.date, str]  # each day it covers -> attendance status
    total: Decimal


def leave_count(
    *,
    employee: Employee,
    leave_type: LeaveType,
    start: datetime.date,
    end: datetime.date,
    part: str = Leave.Part.FULL,
    kinds: dict[datetime.date, str] | None = None,
) -> Counted:
    """The days leave of `leave_type` from `start` to `end` takes: working days only, by
    the employee's working pattern, unless the type counts weekly off days and holidays.
    A half day is half a working day. ValidationError for a half day that cannot be.
    `kinds`: the period's `working_days`, when the caller has them (else four queries)."""
    if kinds is None:
        kinds = working_days(employee, start, end)
    if part != Leave.Part.FULL:
        if not leave_type.half_days:
            raise ValidationError(
                {"part": f"{leave_type} is taken in whole days only."}, code="no_half_days"
            )
        if start != end:
            raise ValidationError(
                {"end": "Half a day's leave is one day: make the last day the first."},
                code="half_day_range",
            )
        if kinds[start] != WORKING and not leave_type.counts_non_working:
            what = "a holiday" if kinds[start] == HOLIDAY else "not a working day"
            raise ValidationError(
                {"start": f"{format_day(start)} is {what} for {employee}: no half day needed."},
                code="half_day_off",
            )
        return Counted({start: Status.HALF_DAY}, Decimal("0.5"))
    counted = {
        day: Status.ON_LEAVE
        for day, kind in kinds.items()
        if kind == WORKING or leave_type.counts_non_working
    }
    return Counted(counted, Decimal(len(counted)))


def leave_check(
    *,
    employee: Employee,
    leave_type: LeaveType,
    start: datetime.date,
    end: datetime.date,
    part: str = Leave.Part.FULL,
    today: datetime.date | None = None,
) -> Counted:
    """Refuse leave that cannot be, saying why; else the days it would take. The rules: a
    period within one year, of employment, and not in a closed month; no day already
    on (or asked as) leave; a half day only where the type allows, on a working day; and
    enough balance unless the type may go below zero."""
    today = today or timezone.localdate()
    if end < start:
        raise ValidationError({"end": "The last day cannot be before the first day."})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError({"end": f"Ask for at most {MAX_DAYS} days at once."})
    if start.year != end.year:
        raise ValidationError(
            {
                "end": f"Leave is counted by year: ask up to 31 December {start.year}, and the "
                "rest as a second request."
            },
            code="two_years",
        )
    if (start - today).days > MAX_AHEAD_DAYS:
        raise ValidationError({"start": "That is too far ahead to ask for leave yet."})
    if not leave_type.is_active:
        raise ValidationError({"leave_type": f"{leave_type} can no longer be asked for."})
    if start < employee.date_joined:
        raise ValidationError(
            {
                "start": f"{employee} joined on {format_day(employee.date_joined)}: start on or "
                "after that day."
            },
            code="before_joining",
        )
    if employee.date_left is not None and end > employee.date_left:
        raise ValidationError(
            {
                "end": f"{employee} left on {format_day(employee.date_left)}: end on or before "
                "that day."
            },
            code="after_leaving",
        )
    closures = closures_between(start, end)
    if closures:
        for day in (start + datetime.timedelta(days=n) for n in range((end - start).days + 1)):
            closures.check(employee, day)
    counted = leave_count(employee=employee, leave_type=leave_type, start=start, end=end, part=part)
    if not counted.days:
        raise ValidationError(
            {"end": f"{employee} does not work on any day of this period: nothing to take."},
            code="no_working_days",
        )
    clash = overlapping(employee, start, end).first()
    if clash is not None:
        state = "already has" if clash.state == Leave.State.APPROVED else "already asked for"
        raise ValidationError(
            f"{employee} {state} {clash.leave_type} on {clash.period}, which overlaps this "
            "period. Change or cancel that leave first.",
            code="overlap",
        )
    if not leave_type.allow_negative:
        (balance,) = balances(employee, year=start.year, on=end, types=[leave_type])
        if counted.total > balance.available:
            raise ValidationError(
                f"Not enough {leave_type} left: this takes {_days(counted.total)}, and "
                f"{_days(balance.available)} {'is' if balance.available == 1 else 'are'} "
                f"available (of {_days(balance.accrued + balance.carried_over)} earned by "
                f"{format_day(end)}; {_days(balance.taken)} taken, {_days(balance.pending)} "
                "waiting for approval).",
                code="balance",
            )
    return counted


def _days(value: Decimal) -> str:
    value = value.normalize() if value % 1 else value.quantize(Decimal(1))
    return f"{value} day" if value == 1 else f"{value} days"


@transaction.atomic
def leave_request(
    *,
    employee: Employee,
    leave_type: LeaveType,
    start: datetime.date,
    end: datetime.date,
    part: str = Leave.Part.FULL,
    by=None,
) -> Leave:
    """Ask for leave (waiting for approval), after `leave_check`. Requests for the same
    person are made one at a time, so two at once cannot both take the last days."""
    Employee.objects.select_for_update().filter(pk=employee.pk).first()
    counted = leave_check(employee=employee, leave_type=leave_type, start=start, end=end, part=part)
    leave = Leave(
        employee=employee,
        leave_type=leave_type,
        start=start,
        end=end,
        part=part,
        days=counted.total,
    )
    save_validated(leave)
    return leave


def leaves_approve(*, leaves: list[Leave], note: str, by=None) -> None:
    """Approve pending leave: write its days as attendance (on leave, or half day). A
    fixed number of queries however many."""
    leave_days = []
    periods = working_days_of([(leave.employee, leave.start, leave.end) for leave in leaves])
    for leave, kinds in zip(leaves, periods, strict=True):
        counted = leave_count(
            employee=leave.employee,
            leave_type=leave.leave_type,
            start=leave.start,
            end=leave.end,
            part=leave.part,
            kinds=kinds,
        )
        text = f"{leave.leave_type}: {note}" if note else str(leave.leave_type)
        leave_days += [
            LeaveDay(employee=leave.employee, day=day, status=status, note=text)
            for day, status in counted.days.items()
        ]
    _set_state(leaves, Leave.State.APPROVED, by)
    attendance_leave_apply(days=leave_days, by=by)


def leaves_release(*, leaves: list[Leave], state: str, by=None) -> None:
    """End leave (rejected, cancelled or revoked): its days go back to the balance, and
    approved leave's days come off the attendance (the time clock derives them again)."""
    approved = [leave for leave in leaves if leave.state == Leave.State.APPROVED]
    _set_state(leaves, state, by)
    attendance_leave_remove(
        days=[
            (leave.employee, leave.start + datetime.timedelta(days=n))
            for leave in approved
            for n in range((leave.end - leave.start).days + 1)
        ]
    )


def _set_state(leaves: list[Leave], state: str, by) -> None:
    changes = []
    now = timezone.now()
    for leave in leaves:
        before = snapshot(leave)
        leave.state, leave.updated_at = state, now
        changes.append((before, leave))
    update_many(leaves, ["state", "updated_at"])
    log_bulk(changes, actor=by)


@transaction.atomic
def entitlement_set(
    *, employee: Employee, leave_type: LeaveType, year: int, days: Decimal | None
) -> Entitlement:
    """Give `employee` their own entitlement to `leave_type` in `year` (None: the type's)."""
    entitlement, _ = Entitlement.objects.get_or_create(
        employee=employee, leave_type=leave_type, year=year
    )
    entitlement.days = days
    save_validated(entitlement)
    return entitlement


@transaction.atomic
def leave_carry_over(*, year: int) -> int:
    """At the end of `year`: for every employee and type that lets days carry over, carry
    what is left (up to the type's limit) into the next year. Running it again sets the
    same figures. Returns how many entitlements it set."""
    types = list(LeaveType.objects.filter(carry_over_max__gt=0))
    if not types:
        return 0
    people = Employee.objects.filter(date_joined__lte=datetime.date(year, 12, 31)).exclude(
        date_left__lt=datetime.date(year + 1, 1, 1)
    )
    count = 0
    for employee in people.iterator(chunk_size=500):
        for balance in balances(employee, year=year, types=types):
            left = max(Decimal(0), balance.accrued + balance.carried_over - balance.taken)
            carried = min(left, balance.leave_type.carry_over_max)
            Entitlement.objects.update_or_create(
                employee=employee,
                leave_type=balance.leave_type,
                year=year + 1,
                defaults={"carried_over": carried},
            )
            count += 1
    return count


@transaction.atomic
def calendar_feed_create(*, user) -> str:
    """Give `user` a new calendar feed, replacing the one they had (whose address stops
    working at once); return its token, which is known only now."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(user=user).delete()
    CalendarFeed.objects.create(user=user, token_hash=CalendarFeed.hash(token))
    return token


def calendar_feed_revoke(*, user) -> bool:
    """Delete `user`'s calendar feed, so its address stops working; False if they had none."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)
