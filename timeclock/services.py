"""Writing the punch log (clocking in and out, at a browser or at the office kiosk;
voiding a mistaken punch), kiosk PINs, and keeping the days' results derived from it."""

import datetime
import functools
import ipaddress
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, OuterRef, When
from django.urls import reverse
from django.utils import timezone

from attendance.models import AttendanceRecord, closures_between
from attendance.selectors import figures_changed
from attendance.services import attendance_mark, attendance_update
from core.db import one_writer_at_a_time
from core.formats import format_clock, format_moment
from employees.models import Employee
from notifications.models import Kind as NotificationKind
from notifications.models import Notification
from notifications.services import Message, notify

from . import lockout
from .derivation import (
    IN_PROGRESS,
    recorded_status,
)
from .models import (
    ANY_EXCEPTION,
    DayOutcome,
    Direction,
    KioskPin,
    Punch,
    PunchVoid,
    Resolution,
    Source,
    validate_kiosk_pin,
)
from .selectors import clock_state, day_bounds, days_results, still_in_after_shift


@dataclass(frozen=True)
class Location:
    """Where the browser said it was."""

    latitude: Decimal
    longitude: Decimal
    accuracy_m: int | None = None


def from_allowed_network(ip: str | None) -> bool:
    """Whether a web punch from `ip` is allowed (CLOCK_NETWORKS; none set: any address)."""
    networks = _networks(tuple(settings.CLOCK_NETWORKS))
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    return any(address in network for network in networks)


@functools.cache
def _networks(texts: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(text.strip(), strict=False) for text in texts if text.strip())


def clock_punch(
    *,
    employee: Employee,
    direction: str,
    by,
    request_key: uuid.UUID,
    source: str = Source.WEB,
    ip: str | None = None,
    location: Location | None = None,
) -> tuple[Punch, bool]:
    """Clock `employee` in or out now, by the server's clock, from `ip` (and `location`,
    when the browser gave it). Returns the punch and whether it is new: the same
    `request_key` again (a double tap, a resent form) is the same punch. Refused, saying
    why, from outside CLOCK_NETWORKS, for someone who no longer works here, or who is
    already clocked in (out) when asked to clock in (out) again."""
    if direction not in (Direction.IN, Direction.OUT):
        raise ValidationError("Clock in or clock out.", code="direction")
    if not from_allowed_network(ip):
        raise ValidationError(
            f"Clock in and out from the office's network: this device's address ({ip}) is "
            "not one of its.",
            code="network",
        )
    if not employee.may_sign_in:
        raise ValidationError(
            f"{employee.full_name} no longer works here, so cannot clock in or out.",
            code="not_employed",
        )
    today = timezone.localdate()
    closures_between(today, today).check(employee, today)
    with transaction.atomic():
        # Two taps (or two tabs) at once: one checks and writes, then the other.
        one_writer_at_a_time(f"timeclock:{employee.pk}")
        done = Punch.objects.filter(request_key=request_key).first()
        if done is not None:
            return done, False
        state = clock_state(employee)
        if state.last is not None and state.last.direction == direction:
            when = format_moment(state.last.at)
            what = "in" if direction == Direction.IN else "out"
            raise ValidationError(f"You clocked {what} already, at {when}.", code="already")
        try:
            with transaction.atomic():
                punch = Punch.objects.create(
                    employee=employee,
                    at=timezone.now(),
                    direction=direction,
                    source=source,
                    entered_by=by,
                    request_key=request_key,
                    ip=ip,
                    latitude=location.latitude if location else None,
                    longitude=location.longitude if location else None,
                    location_accuracy_m=location.accuracy_m if location else None,
                )
        except IntegrityError:  # the same key, written by another request meanwhile
            return Punch.objects.get(request_key=request_key), False
    return punch, True


def kiosk_pin_set(*, employee: Employee, pin: str) -> KioskPin:
    """Set (or change) the PIN `employee` types at the office kiosk; only its hash is kept."""
    validate_kiosk_pin(pin)
    kiosk_pin, _ = KioskPin.objects.update_or_create(
        employee=employee, defaults={"pin": make_password(pin), "set_at": timezone.now()}
    )
    return kiosk_pin


# The same answer for a code that is nobody's (or not this kiosk's departments'), for
# someone without a PIN and for a wrong PIN: the kiosk tells nobody which codes exist.
NOT_RECOGNISED = "Code or PIN not recognised."
CODE_LOCKED = "Too many tries with this code: try again in 15 minutes, or ask HR to help."
KIOSK_PAUSED = (
    "Too many codes or PINs not recognised here: the kiosk is paused for 15 minutes. "
    "Ask HR to help."
)


def kiosk_punch(
    *,
    kiosk,
    code: str,
    pin: str,
    direction: str,
    request_key: uuid.UUID,
    ip: str | None,
    department_ids: frozenset[int] | None = None,
) -> Punch:
    """Clock in or out the employee whose `code` and `pin` were typed at the office kiosk
    (the user `kiosk`; limited to the employees of `department_ids`, if given). Refused,
    saying why, as `clock_punch` refuses; and for a code or PIN not recognised, a code
    tried too often (lockout.CODE_FAILURES) or a kiosk where too many tries failed
    (lockout.KIOSK_FAILURES), without telling which codes exist."""
    if not from_allowed_network(ip):  # before the PIN is checked: nothing to learn outside
        raise ValidationError(
            f"Clock in and out from the office's network: this device's address ({ip}) is "
            "not one of its.",
            code="network",
        )
    if lockout.kiosk_paused(kiosk.pk):
        raise ValidationError(KIOSK_PAUSED, code="paused")
    if lockout.code_locked(code):
        raise ValidationError(CODE_LOCKED, code="locked")
    people = Employee.objects.filter(employee_id=code).select_related("kiosk_pin")
    if department_ids is not None:
        people = people.filter(department__in=department_ids)
    employee = people.first()
    hashed = getattr(employee, "kiosk_pin", None)
    if hashed is None:
        make_password(pin)  # as long as checking a PIN takes: the time says nothing either
        recognised = False
    else:
        recognised = check_password(pin, hashed.pin)
    if not recognised:
        lockout.note_failure(code=code, kiosk_id=kiosk.pk)
        raise ValidationError(NOT_RECOGNISED, code="not_recognised")
    lockout.note_success(code=code)
    # A form sent again after someone else (or the other button) used it: not their punch.
    used = Punch.objects.filter(request_key=request_key).values_list("employee", "direction")
    used = used.first()
    if used is not None and used != (employee.pk, direction):
        raise ValidationError(
            "This form was sent already: type your code and PIN again.", code="stale"
        )
    punch, _ = clock_punch(
        employee=employee,
        direction=direction,
        by=kiosk,
        request_key=request_key,
        source=Source.KIOSK,
        ip=ip,
    )
    return punch


def punch_void(*, punch: Punch, reason: str, by) -> PunchVoid:
    """Take a mistaken punch out of the reckoning, saying why; it stays in the log."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the punch is void.", code="reason")
    day = timezone.localdate(punch.at)
    closures_between(day, day).check(punch.employee, day)
    try:
        with transaction.atomic():
            return PunchVoid.objects.create(punch=punch, reason=reason[:200], voided_by=by)
    except IntegrityError:
        raise ValidationError("That punch is void already.", code="void") from None


def days_derive(
    day: datetime.date,
    *,
    employee_ids: Collection | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Derive `day` for everyone employed on it who has a working pattern (or only for
    `employee_ids`: selectors.days_results), and keep each result (DayOutcome), replacing
    the last. Each day HR has not marked gets the derived status as its attendance record
    (source "clock"), which the attendance pages, register, dashboard, exports and API
    show; a record of the clock's that no longer applies is removed. HR's marks are never
    touched. A fixed number of queries whatever the number of people. Returns how many."""
    now = now or timezone.now()
    closures = closures_between(day, day)
    if closures:  # a closed month's days stay as they were closed
        if closures.closing(None, day) is not None:
            return 0
        open_people = Employee.objects.exclude(
            department__in=[department for _, department in closures.closed]
        )
        if employee_ids is not None:
            open_people = open_people.filter(pk__in=list(employee_ids))
        employee_ids = list(open_people.values_list("pk", flat=True))
    with transaction.atomic():
        # The day's records, locked first: HR's change to one waits for this, then wins.
        records = AttendanceRecord.objects.select_for_update().filter(date=day)
        if employee_ids is not None:
            records = records.filter(employee__in=list(employee_ids))
        records = {record.employee_id: record for record in records}
        results = days_results(day, employee_ids=employee_ids, now=now)
        outcomes, to_create, to_update, to_delete = [], [], [], []
        for employee_id, explained in results.items():
            if not explained.marked_by_hand:
                record = records.get(employee_id)
                _keep_record(
                    explained.result, employee_id, day, record, to_create, to_update, to_delete
                )
            outcomes.append(_outcome(employee_id, day, explained, now))
        DayOutcome.objects.bulk_create(
            outcomes,
            batch_size=2_000,
            update_conflicts=True,
            unique_fields=["employee", "date"],
            update_fields=OUTCOME_FIELDS,
        )
        attention_keep(day, employee_ids=employee_ids)
        # A record HR adds meanwhile is not overwritten: theirs is kept.
        AttendanceRecord.objects.bulk_create(to_create, batch_size=2_000, ignore_conflicts=True)
        AttendanceRecord.objects.bulk_update(
            to_update, ["status", "note", "updated_at"], batch_size=2_000
        )
        # The clock's records are derived, not entered: their inputs (punches, voids,
        # resolutions, HR's marks) are what the audit log keeps, as for the writes above.
        with disable_auditlog():
            AttendanceRecord.objects.filter(pk__in=to_delete).delete()
    if to_create or to_update or to_delete:
        figures_changed([day])
    return len(outcomes)


def attention_keep(day: datetime.date, *, employee_ids: Collection | None = None) -> None:
    """Mark which of `day`'s kept results need attention (the exceptions inbox): an
    exception (models.EXCEPTIONS) nobody has resolved. One query."""
    kept = DayOutcome.objects.filter(date=day)
    if employee_ids is not None:
        kept = kept.filter(employee__in=list(employee_ids))
    resolved = Resolution.objects.filter(employee=OuterRef("employee"), date=day)
    kept.update(
        needs_attention=Case(When(ANY_EXCEPTION & ~Exists(resolved), then=True), default=False)
    )


OUTCOME_FIELDS = [
    "status",
    "reason",
    "first_in",
    "last_out",
    "worked_minutes",
    "late_minutes",
    "early_minutes",
    "overtime_minutes",
    "outside_pattern",
    "marked_by_hand",
    "derived_at",
]


def _outcome(employee_id, day, explained, now) -> DayOutcome:
    result = explained.result
    return DayOutcome(
        employee_id=employee_id,
        date=day,
        status=result.status,
        reason=result.reason[:300],
        first_in=result.first_in,
        last_out=result.last_out,
        worked_minutes=result.worked_minutes,
        late_minutes=result.late_minutes,
        early_minutes=result.early_minutes,
        overtime_minutes=result.overtime_minutes,
        outside_pattern=result.outside_pattern,
        marked_by_hand=explained.marked_by_hand,
        derived_at=now,
    )


def _keep_record(result, employee_id, day, record, to_create, to_update, to_delete) -> None:
    """Queue the change that makes the clock's record of the day say `result`."""
    status = recorded_status(result)
    note = result.reason[:200]
    if result.status == IN_PROGRESS:
        note = f"So far: {result.reason}"[:200]
    if status is None:
        if record is not None:
            to_delete.append(record.pk)
    elif record is None:
        to_create.append(
            AttendanceRecord(
                employee_id=employee_id,
                date=day,
                status=status,
                note=note,
                source=AttendanceRecord.Source.CLOCK,
            )
        )
    elif (record.status, record.note) != (status, note):
        record.status, record.note, record.updated_at = status, note, timezone.now()
        to_update.append(record)


def exception_resolve(
    *,
    employee: Employee,
    day: datetime.date,
    action: str,
    note: str,
    by,
    checkout_at: datetime.datetime | None = None,
    status: str = "",
) -> Resolution:
    """Resolve a day's exception, saying why, all or nothing; the day is derived again at
    once. `checkout_at` adds the missing check-out as HR's punch (the log is never edited);
    `status` marks the day by hand through the attendance rules (HR's mark wins); excusing
    stops late arrival and early leaving counting; accepting leaves the day as it is."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say why: it is kept with the day."})
    Action = Resolution.Action
    closures_between(day, day).check(employee, day)
    outcome = DayOutcome.objects.filter(employee=employee, date=day).first()
    if outcome is None:
        raise ValidationError("That day has no result from the time clock to resolve.")
    with transaction.atomic():
        if action == Action.CHECKOUT_ADDED:
            if outcome.status != DayOutcome.Status.MISSING_CHECKOUT:
                raise ValidationError("Only a day with a missing check-out needs one added.")
            if checkout_at is None:
                raise ValidationError({"checkout_at": "Enter the time they left."})
            if outcome.first_in and checkout_at <= outcome.first_in:
                came = format_moment(outcome.first_in)
                raise ValidationError({"checkout_at": f"Enter a time after they came in ({came})."})
            if checkout_at > timezone.now():
                raise ValidationError({"checkout_at": "That time has not come yet."})
            Punch.objects.create(
                employee=employee,
                at=checkout_at,
                direction=Direction.OUT,
                source=Source.HR,
                entered_by=by,
            )
        elif action == Action.MARKED:
            record = AttendanceRecord.objects.filter(employee=employee, date=day).first()
            if record is None:
                attendance_mark(employee=employee, day=day, status=status, note=note[:200], by=by)
            else:
                attendance_update(record=record, status=status, note=note[:200], by=by)
        elif action not in (Action.EXCUSED, Action.ACCEPTED):
            raise ValidationError({"action": "Choose how to resolve it."})
        try:
            with transaction.atomic():
                resolution = Resolution.objects.create(
                    employee=employee, date=day, action=action, note=note[:200], resolved_by=by
                )
        except IntegrityError:
            raise ValidationError(
                "Someone else resolved this day meanwhile: reload to see how."
            ) from None
        days_derive(day, employee_ids=[employee.pk])
    return resolution


@dataclass(frozen=True)
class PunchEntry:
    """A punch someone enters for another moment than now (an approved correction)."""

    employee: Employee
    at: datetime.datetime  # aware
    direction: str
    key: uuid.UUID  # the same entry again is the same punch


@transaction.atomic
def punches_enter(*, entries: list[PunchEntry], source: str, by) -> int:
    """Add punches to the log, as entries of `source` (they are never edited in place;
    a wrong one is voided). Refused in a closed month or in the future. The same `key`
    again adds nothing. Each day touched is derived again (signals). Returns how many
    were added."""
    if not entries:
        return 0
    now = timezone.now()
    days = [timezone.localdate(entry.at) for entry in entries]
    closures = closures_between(min(days), max(days))
    for entry, day in zip(entries, days, strict=True):
        if entry.at > now:
            raise ValidationError(f"{format_moment(entry.at)} has not come yet.", code="future")
        closures.check(entry.employee, day)
    done = set(
        Punch.objects.filter(request_key__in=[entry.key for entry in entries]).values_list(
            "request_key", flat=True
        )
    )
    added = 0
    for entry in entries:
        if entry.key in done:
            continue
        Punch.objects.create(
            employee=entry.employee,
            at=entry.at,
            direction=entry.direction,
            source=source,
            entered_by=by,
            request_key=entry.key,
        )
        added += 1
    return added


@transaction.atomic
def punches_void(*, keys: list[uuid.UUID], reason: str, by) -> int:
    """Void the punches entered with these keys (`punches_enter`) that are not void yet."""
    punches = Punch.objects.filter(request_key__in=keys, void__isnull=True).select_related(
        "employee"
    )
    count = 0
    for punch in punches:
        punch_void(punch=punch, reason=reason, by=by)
        count += 1
    return count


# Someone still clocked in this long after their shift ended is reminded to clock out.
REMIND_AFTER = datetime.timedelta(hours=1)


def clock_out_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind everyone with an account who is still clocked in more than `REMIND_AFTER`
    after their shift ended (yesterday's shift, which may have run past midnight, or
    today's): selectors.still_in_after_shift. Once a day at most: nobody reminded today,
    or since that shift ended, is reminded again. A fixed number of queries whatever the
    number of people. Returns how many were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ends: dict = {}
    for day in (today - datetime.timedelta(days=1), today):
        ends.update(still_in_after_shift(day, ended_before=now - REMIND_AFTER))
    if not ends:
        return 0
    people = list(
        Employee.objects.filter(pk__in=list(ends), user__isnull=False, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    start_of_today = day_bounds(today)[0]
    since = {person.user_id: min(start_of_today, ends[person.pk]) for person in people}
    reminded = set()
    if since:
        for user_id, created_at in Notification.objects.filter(
            kind=NotificationKind.CLOCK_OUT_REMINDER,
            user__in=list(since),
            created_at__gte=min(since.values()),
        ).values_list("user_id", "created_at"):
            if created_at >= since[user_id]:
                reminded.add(user_id)
    url = reverse("people:my_attendance")
    return notify(
        kind=NotificationKind.CLOCK_OUT_REMINDER,
        messages=[
            Message(
                user=person.user,
                title="You are still clocked in",
                body=(
                    f"Your shift ended at {format_clock(ends[person.pk])}, and you have not "
                    "clocked out. If you have left, clock out now; if you left earlier, ask "
                    "for a correction so the day counts."
                ),
                url=url,
            )
            for person in people
            if person.user_id not in reminded
        ],
    )
