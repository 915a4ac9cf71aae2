"""Reads of leave: balances, and who is away when."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from accounts.scoping import Scope, scope_for
from attendance.calendar import days
from attendance.models import Holiday
from employees.models import Department, Employee, team_of

from . import ical
from .calendar import described
from .models import CalendarFeed, Entitlement, Leave, LeaveType

HALF = Decimal("0.5")


@dataclass(frozen=True)
class Balance:
    """One employee's balance of one type of leave in one year."""

    leave_type: LeaveType
    year: int
    yearly: Decimal  # the year's entitlement
    accrued: Decimal  # of which earned so far (all of it, when it comes up front)
    carried_over: Decimal
    taken: Decimal  # approved
    pending: Decimal  # waiting for approval

    @property
    def available(self) -> Decimal:
        """What may still be asked for: earned and carried over, less approved and pending."""
        return self.accrued + self.carried_over - self.taken - self.pending


def accrued(leave_type: LeaveType, yearly: Decimal, year: int, on: datetime.date) -> Decimal:
    """What of `yearly` days is earned by `on`: all of it up front; or a twelfth at the
    start of each month, counted in half days (rounded down), for a monthly accrual."""
    if leave_type.accrual == LeaveType.Accrual.UP_FRONT or on.year > year:
        return yearly
    if on.year < year:
        return Decimal(0)
    earned = yearly * on.month / 12
    return (earned / HALF).to_integral_value(rounding=ROUND_FLOOR) * HALF


def balances(
    employee: Employee, *, year: int, on: datetime.date | None = None, types=None
) -> list[Balance]:
    """`employee`'s balance of each active type of leave (or `types`) in `year`, with
    accrual as of `on` (the end of the year by default). Three queries."""
    on = on or datetime.date(year, 12, 31)
    types = list(types if types is not None else LeaveType.objects.filter(is_active=True))
    entitlements = {
        row.leave_type_id: row
        for row in Entitlement.objects.filter(employee=employee, year=year, leave_type__in=types)
    }
    used = {
        (type_id, state): days
        for type_id, state, days in Leave.objects.filter(
            employee=employee,
            leave_type__in=types,
            state__in=Leave.HOLDING,
            start__year=year,
        )
        .values_list("leave_type", "state")
        .annotate(days=Sum("days"))
        .order_by()
    }
    result = []
    for leave_type in types:
        own = entitlements.get(leave_type.pk)
        yearly = own.days if own is not None and own.days is not None else leave_type.days_per_year
        result.append(
            Balance(
                leave_type=leave_type,
                year=year,
                yearly=yearly,
                accrued=accrued(leave_type, yearly, year, on),
                carried_over=own.carried_over if own is not None else Decimal(0),
                taken=used.get((leave_type.pk, Leave.State.APPROVED), Decimal(0)),
                pending=used.get((leave_type.pk, Leave.State.PENDING), Decimal(0)),
            )
        )
    return result


def overlapping(employee: Employee, start: datetime.date, end: datetime.date) -> QuerySet[Leave]:
    """`employee`'s pending or approved leave that shares a day with `start`–`end`."""
    return Leave.objects.filter(
        employee=employee, state__in=Leave.HOLDING, start__lte=end, end__gte=start
    ).select_related("leave_type")


def away_between(
    start: datetime.date, end: datetime.date, *, employees: QuerySet[Employee]
) -> QuerySet[Leave]:
    """Approved leave of `employees` that shares a day with `start`–`end`: who is out."""
    return (
        Leave.objects.filter(
            Q(start__lte=end, end__gte=start),
            state=Leave.State.APPROVED,
            employee__in=employees,
        )
        .select_related("employee", "employee__department", "leave_type")
        .order_by("start", "employee__full_name")
    )


def on_leave_on(day: datetime.date, employee_ids) -> set:
    """Which of `employee_ids` are on approved (full-day) leave on `day`. One query."""
    return set(
        Leave.objects.filter(
            employee__in=list(employee_ids),
            state=Leave.State.APPROVED,
            part=Leave.Part.FULL,
            start__lte=day,
            end__gte=day,
        ).values_list("employee_id", flat=True)
    )


def ahead(employee: Employee, today: datetime.date, *, limit: int = 5) -> list[Leave]:
    """`employee`'s leave from `today` on, approved or waiting, soonest first."""
    return list(
        Leave.objects.filter(employee=employee, state__in=Leave.HOLDING, end__gte=today)
        .select_related("leave_type")
        .order_by("start")[:limit]
    )


def calendar_people(
    *, scope: Scope, team: frozenset | None = None, department: Department | None = None
) -> QuerySet[Employee]:
    """The employees a calendar of who is out covers: everyone in `scope`, or of them those
    in `team` (primary keys), or in `department`."""
    found = Employee.objects.all()
    if team is not None:
        found = found.filter(pk__in=team)
    if department is not None:
        found = found.filter(department=department)
    return scope.limit(found, "department")


def out_per_day(
    start: datetime.date, end: datetime.date, *, employees: QuerySet[Employee]
) -> dict[datetime.date, int]:
    """How many of `employees` are on approved leave (whole or half days) on each day from
    `start` to `end`. One query, whatever the number of people or days."""
    period = list(days(start, end))
    counts = Leave.objects.filter(
        start__lte=end, end__gte=start, state=Leave.State.APPROVED, employee__in=employees
    ).aggregate(
        **{
            f"d{n}": Count("employee", distinct=True, filter=Q(start__lte=day, end__gte=day))
            for n, day in enumerate(period)
        }
    )
    return {day: counts[f"d{n}"] or 0 for n, day in enumerate(period)}


def holidays_between(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    """Each holiday's name by its date, from `start` to `end`. One query."""
    return dict(Holiday.objects.filter(date__range=(start, end)).values_list("date", "name"))


def calendar_feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner(token: str):
    """The active user whose calendar feed has this token; None for any other token."""
    feed = (
        CalendarFeed.objects.filter(token_hash=CalendarFeed.hash(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    return feed.user if feed is not None else None


# The feed covers this many days back and ahead of today.
FEED_DAYS_BACK = 90
FEED_DAYS_AHEAD = 365


def feed_events(owner, *, today: datetime.date) -> list[ical.Event]:
    """The owner's calendar feed: the approved leave of the owner and of everyone who
    reports to them (within what the owner may see), and the holidays, from 90 days
    back to 365 ahead. Four queries or so, however many events."""
    start = today - datetime.timedelta(days=FEED_DAYS_BACK)
    end = today + datetime.timedelta(days=FEED_DAYS_AHEAD)
    team = team_of(owner.pk)
    scope = scope_for(owner)
    if scope.own_team_only:
        scope = scope.with_team(team)
    people = calendar_people(scope=scope, team=team)
    events = [
        ical.Event(
            uid=f"leave-{leave.pk}@hrms-lite",
            first=leave.start,
            last=leave.end,
            summary=f"{leave.employee.full_name} — {leave.leave_type.name}",
            description=f"{described(leave)}.",
            stamp=leave.updated_at,
        )
        for leave in away_between(start, end, employees=people)
    ]
    events += [
        ical.Event(
            uid=f"holiday-{holiday.pk}@hrms-lite",
            first=holiday.date,
            last=holiday.date,
            summary=f"Holiday — {holiday.name}",
            stamp=holiday.updated_at,
        )
        for holiday in Holiday.objects.filter(date__range=(start, end))
    ]
    return events
