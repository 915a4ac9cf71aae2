"""Writing the punch log: clocking in and out, and voiding a mistaken punch."""

import functools
import ipaddress
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.db import one_writer_at_a_time
from core.formats import format_moment
from employees.models import Employee

from .models import Direction, Punch, PunchVoid, Source
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
