"""Writing the punch log (clocking in and out, at a browser or at the office kiosk;
voiding a mistaken punch), kiosk PINs, and keeping the days' results derived from it."""

import datetime
import functools
import ipaddress
import uuid
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attendance.models import AttendanceRecord, Holiday
from core.db import one_writer_at_a_time
from core.formats import format_moment
from employees.models import Employee

from . import lockout
from .derivation import OFF, DayRule, PunchIn, derive, marked_by_hand, window
from .models import (
    DayOutcome,
    DepartmentPattern,
    Direction,
    KioskPin,
    PatternAssignment,
    Punch,
    PunchVoid,
    Source,
    WorkPatternDay,
    validate_kiosk_pin,
)
from .selectors import clock_state


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
    try:
        with transaction.atomic():
            return PunchVoid.objects.create(punch=punch, reason=reason[:200], voided_by=by)
    except IntegrityError:
        raise ValidationError("That punch is void already.", code="void") from None


def days_derive(day: datetime.date, *, now: datetime.datetime | None = None) -> int:
    """Derive `day` for everyone employed on it who has a working pattern, and keep each
    result (DayOutcome), replacing the last. A fixed number of queries whatever the
    number of people: who works, their patterns, the departments' defaults, the patterns'
    rules, the holidays, HR's marks, the punches, and the writes. Returns how many."""
    now = now or timezone.now()
    organisation = timezone.get_current_timezone()
    people = list(Employee.objects.employed_on(day).values_list("pk", "department_id").order_by())
    if not people:
        return 0
    # Each person's pattern and zone on the day: their latest change on or before it, or
    # their department's pattern.
    own = {}
    for employee_id, pattern_id, zone in (
        PatternAssignment.objects.filter(starts_on__lte=day)
        .order_by("employee_id", "starts_on")
        .values_list("employee_id", "pattern_id", "time_zone")
    ):
        own[employee_id] = (pattern_id, zone)
    defaults = dict(DepartmentPattern.objects.values_list("department_id", "pattern_id"))
    rules: dict[int, dict[int, DayRule]] = {}
    for pattern_day in WorkPatternDay.objects.filter(weekday=day.weekday()):
        rules[pattern_day.pattern_id] = {day.weekday(): pattern_day.rule()}
    holiday = Holiday.objects.filter(date=day).values_list("name", flat=True).first() or ""
    marks = {
        record.employee_id: record
        for record in AttendanceRecord.objects.filter(date=day).select_related("marked_by")
    }
    schedule = {}
    for employee_id, department_id in people:
        pattern_id, zone = own.get(employee_id, (defaults.get(department_id), ""))
        if pattern_id is None:
            continue  # no pattern: nothing to derive
        rule = rules.get(pattern_id, {}).get(day.weekday(), OFF)
        zone = zoneinfo.ZoneInfo(zone) if zone else organisation
        schedule[employee_id] = (rule, zone, window(day, rule, zone))
    if not schedule:
        return 0
    earliest = min(start for _, _, (start, _) in schedule.values())
    latest = max(end for _, _, (_, end) in schedule.values())
    punches: dict = {}
    for employee_id, at, direction in (
        Punch.objects.filter(at__gte=earliest, at__lt=latest, void__isnull=True)
        .order_by()
        .values_list("employee_id", "at", "direction")
    ):
        if employee_id in schedule:
            punches.setdefault(employee_id, []).append(PunchIn(at, direction))
    outcomes = []
    for employee_id, (rule, zone, (start, end)) in schedule.items():
        record = marks.get(employee_id)
        if record is not None:
            who = record.marked_by.get_username() if record.marked_by else None
            result = marked_by_hand(record.status, who)
        else:
            mine = [p for p in punches.get(employee_id, ()) if start <= p.at < end]
            result = derive(day=day, rule=rule, zone=zone, punches=mine, now=now, holiday=holiday)
        outcomes.append(
            DayOutcome(
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
                marked_by_hand=record is not None,
                derived_at=now,
            )
        )
    with transaction.atomic():
        DayOutcome.objects.bulk_create(
            outcomes,
            batch_size=2_000,
            update_conflicts=True,
            unique_fields=["employee", "date"],
            update_fields=[
                "status",
                "reason",
                "first_in",
                "last_out",
                "worked_minutes",
                "late_minutes",
                "early_minutes",
                "overtime_minutes",
                "marked_by_hand",
                "derived_at",
            ],
        )
    return len(outcomes)
