"""Demo leave and requests: the leave types, a few people's own entitlements, leave taken
on the demo's past days, requests waiting for the demo manager, and a month closed for
payroll. Everything goes through the services a person would use (the counts are small
whatever the demo's size), so the attendance, the balances, the timelines and the
notifications all show it."""

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.scoping import EVERYTHING
from approvals.models import Kind, Request, Route
from approvals.services import request_cancel, request_correction, request_leave, requests_decide
from attendance.calendar import Calendar
from attendance.models import AttendanceRecord, ClosedMonth
from demo.accounts import employee_account
from employees.models import Employee
from leave.models import Leave, LeaveType
from leave.services import entitlement_set

ANNUAL, SICK, UNPAID, PARENTAL = "Annual leave", "Sick leave", "Unpaid leave", "Parental leave"
# name -> the type's settings (the rest are the model's defaults).
LEAVE_TYPES = {
    ANNUAL: {"days_per_year": Decimal(20), "carry_over_max": Decimal(5)},
    SICK: {"days_per_year": Decimal(10), "needs_approval": False},
    UNPAID: {"days_per_year": Decimal(0), "allow_negative": True, "paid": False},
    PARENTAL: {
        "days_per_year": Decimal(12),
        "accrual": LeaveType.Accrual.MONTHLY,
        "half_days": False,
    },
}
# Requests waiting for the demo manager: enough to fill their inbox, not a wall of them.
WAITING = 12
LEAVE_REASONS = ["Family visit", "A long weekend away", "Moving house", "School holidays"]
CORRECTION_REASONS = ["Forgot to clock out", "The kiosk was down", "Badge left at home"]


def leave_types() -> dict[str, LeaveType]:
    """The demo's types of leave, made once (by name)."""
    return {
        name: LeaveType.objects.get_or_create(name=name, defaults=settings)[0]
        for name, settings in LEAVE_TYPES.items()
    }


def demo_requests(
    *,
    manager: Employee | None,
    report: Employee | None,
    past: list[datetime.date],
    recent: list[datetime.date],
    rng: random.Random,
) -> None:
    """Leave and requests around the demo `manager` (who has an account, as has their
    `report`): their team's leave taken on `past` days (HR's marks) and a few sick days
    elsewhere; requests waiting for them (leave ahead, corrections of `recent` days, the
    time clock's); one rejected, one cancelled, one sent on to HR; and the month before
    the `recent` days closed for the organisation (the demo's days in it were written
    before it closed)."""
    types = leave_types()
    today = timezone.localdate()
    Route.objects.update_or_create(kind=Kind.CORRECTION, defaults={"hr_after_manager": True})
    current = Employee.objects.employed_on(today).filter(is_active=True)
    people = list(current.order_by("employee_id"))
    if manager is None or not people:
        return
    team = [p for p in people if p.manager_id == manager.pk]
    others = [p for p in people if p.manager_id != manager.pk and p.pk != manager.pk]
    used: dict = {}  # employee pk -> days they have asked about

    def free(person, days, count=1):
        """`count` consecutive days of `days` (within one year) that `person` has not
        asked about yet and worked for, or None."""
        chosen = [d for d in days if d >= person.date_joined and d not in used.get(person.pk, ())]
        starts = list(range(len(chosen) - count + 1))
        rng.shuffle(starts)
        for n in starts:
            run = chosen[n : n + count]
            if run[0].year == run[-1].year and (run[-1] - run[0]).days < count + 3:
                used.setdefault(person.pk, set()).update(run)
                return run
        return None

    # A few people's own entitlements: more annual leave for long service, less for
    # part time, and parental leave doubled for one.
    year = today.year
    for person, name, days in (
        (manager, ANNUAL, Decimal(25)),
        (team[0] if team else None, ANNUAL, Decimal(22)),
        (others[0] if others else None, ANNUAL, Decimal(15)),
        (others[1] if len(others) > 1 else None, PARENTAL, Decimal(24)),
    ):
        if person is not None:
            entitlement_set(employee=person, leave_type=types[name], year=year, days=days)

    # Leave taken on the past days: the team's annual leave (every other one half a day,
    # one unpaid), approved by the manager; sick days elsewhere, which need no approval.
    taken = []
    for n, person in enumerate(team[:6]):
        half = n % 2 == 1
        run = free(person, past, 1 if half else rng.randint(1, 3))
        if run is None:
            continue
        part = rng.choice([Leave.Part.MORNING, Leave.Part.AFTERNOON]) if half else Leave.Part.FULL
        kind = types[UNPAID] if n == 4 else types[ANNUAL]
        taken.append(_leave(person, kind, run, part=part, reason=rng.choice(LEAVE_REASONS)))
    _decide([r for r in taken if r is not None], manager, approve=True)
    for n, person in enumerate(others[2:8]):
        run = free(person, past, 1)
        if run is not None:
            part = Leave.Part.MORNING if n % 3 == 2 else Leave.Part.FULL
            _leave(person, types[SICK], run, part=part, reason="Unwell")

    # Waiting for the manager: leave ahead and corrections of the recent days, by turns
    # over the team, until WAITING of them wait.
    ahead = Calendar.between(
        today + datetime.timedelta(days=7), today + datetime.timedelta(days=60)
    ).working_days()
    corrected = recent or past
    waiting, turn = 0, 0
    while team and waiting < WAITING and turn < WAITING * 3:
        person = team[turn % len(team)]
        if turn % 3 == 2:
            request = _correction(person, free(person, corrected), rng)
        else:
            kind = types[PARENTAL] if turn == 4 else types[ANNUAL]
            run = free(person, ahead, rng.randint(1, 3) if kind == types[ANNUAL] else 1)
            request = run and _leave(person, kind, run, reason=rng.choice(LEAVE_REASONS))
        waiting += request is not None
        turn += 1
    # Decided or taken back: one rejected, one the report cancelled, one correction the
    # manager approved that now waits for HR (corrections' route).
    if team:
        person = team[-1]
        run = free(person, ahead, 2)
        rejected = run and _leave(person, types[ANNUAL], run, reason="Conference")
        if rejected is not None:
            _decide([rejected], manager, approve=False, comment="Two of the team are off then.")
        forwarded = _correction(person, free(person, corrected), rng)
        if forwarded is not None:
            _decide([forwarded], manager, approve=True)
    if report is not None and report.user is not None:
        run = free(report, ahead, 1)
        cancelled = run and _leave(report, types[ANNUAL], run, reason="Dentist", by=report.user)
        if cancelled is not None:
            request_cancel(request=cancelled, by=report.user)
    # A few elsewhere, whose managers have no account: they wait for HR.
    for person in others[8:11]:
        run = free(person, ahead, 1)
        if run is not None:
            _leave(person, types[ANNUAL], run, reason=rng.choice(LEAVE_REASONS))

    # The month before the time clock's days, closed for payroll.
    if recent:
        month = (recent[0].replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        if not ClosedMonth.objects.filter(month=month, department=None, reopened_at=None).exists():
            ClosedMonth.objects.create(month=month, department=None)


def _leave(person, leave_type, days, *, part=Leave.Part.FULL, reason, by=None):
    """`person` asks for leave, in the app (None if refused)."""
    try:
        return request_leave(
            employee=person,
            leave_type=leave_type,
            start=days[0],
            end=days[-1],
            part=part,
            reason=reason,
            by=by or employee_account(person),
        )
    except ValidationError:
        return None


def _correction(person, days, rng: random.Random):
    """Ask to correct one of `days`: the check-out the time clock lacks, or a status."""
    if not days:
        return None
    (day,) = days
    try:
        if rng.random() < 0.7:
            return request_correction(
                employee=person,
                start=day,
                end=day,
                check_out=datetime.time(17, 30),
                reason=rng.choice(CORRECTION_REASONS),
                by=employee_account(person),
            )
        return request_correction(
            employee=person,
            start=day,
            end=day,
            set_status=AttendanceRecord.Status.WORK_FROM_HOME,
            reason="Worked from home that day",
            by=employee_account(person),
        )
    except ValidationError:
        return None


def _decide(requests: list[Request], manager: Employee, *, approve: bool, comment: str = ""):
    if requests:
        requests_decide(
            ids=[r.pk for r in requests],
            approve=approve,
            comment=comment,
            by=manager.user,
            is_hr=False,
            scope=EVERYTHING,
        )
