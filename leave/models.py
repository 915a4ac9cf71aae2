"""Leave: its types, each employee's yearly entitlement, and the leave asked for or taken.

A balance is never stored: it is the entitlement (accrued so far, plus what carried over
from last year) less the leave approved and the leave still waiting for approval
(selectors.balances). Approved leave is written as the days' attendance
(attendance.services.attendance_leave_apply), so the day results, the register and My
attendance show it.
"""

import hashlib
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.db import filled_in
from core.formats import format_day, format_day_range
from employees.models import Employee


class LeaveType(models.Model):
    class Accrual(models.TextChoices):
        UP_FRONT = "up_front", "All at the start of the year"
        MONTHLY = "monthly", "A twelfth at the start of each month"

    name = models.CharField(max_length=100, unique=True)
    paid = models.BooleanField(default=True)
    needs_approval = models.BooleanField(
        default=True, help_text="Off: a request is approved as soon as it is made."
    )
    half_days = models.BooleanField("Allows half days", default=True)
    counts_non_working = models.BooleanField(
        "Counts weekly off days and holidays",
        default=False,
        help_text="Off: only working days in the period count against the balance.",
    )
    allow_negative = models.BooleanField(
        "May go below zero",
        default=False,
        help_text="On: a request beyond the balance is still allowed (e.g. unpaid leave).",
    )
    days_per_year = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        help_text="Each employee's entitlement, unless theirs is set otherwise.",
    )
    accrual = models.CharField(max_length=10, choices=Accrual.choices, default=Accrual.UP_FRONT)
    carry_over_max = models.DecimalField(
        "Days that may carry over",
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        help_text="At the year's end, up to this many unused days carry over to the next.",
    )
    is_active = models.BooleanField("Active", default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            filled_in("name", name="leave_type_name_filled_in", message="Enter the type's name."),
            models.CheckConstraint(
                condition=Q(days_per_year__gte=0, days_per_year__lte=366),
                name="leave_type_days_per_year_range",
                violation_error_message="Days per year must be between 0 and 366.",
            ),
            models.CheckConstraint(
                condition=Q(carry_over_max__gte=0, carry_over_max__lte=366),
                name="leave_type_carry_over_range",
                violation_error_message="Days that may carry over must be between 0 and 366.",
            ),
        ]

    def __str__(self):
        return self.name


class Entitlement(models.Model):
    """One employee's entitlement to one type of leave in one year, where it differs from
    the type's default (`days`), and what carried over from the year before."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="leave_entitlements"
    )
    leave_type = models.ForeignKey(LeaveType, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    days = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Empty: the type's days per year.",
    )
    carried_over = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal(0))

    class Meta:
        ordering = ["-year", "leave_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "leave_type", "year"],
                name="leave_one_entitlement_per_type_and_year",
                violation_error_message="This employee already has an entitlement to this "
                "type of leave for that year: change that one.",
            ),
            models.CheckConstraint(
                condition=Q(days__isnull=True) | Q(days__gte=0, days__lte=366),
                name="leave_entitlement_days_range",
                violation_error_message="Days must be between 0 and 366.",
            ),
            models.CheckConstraint(
                condition=Q(carried_over__gte=0, carried_over__lte=366),
                name="leave_entitlement_carried_range",
                violation_error_message="Days carried over must be between 0 and 366.",
            ),
        ]

    def __str__(self):
        return f"{self.employee}: {self.leave_type} {self.year}"

    def get_additional_data(self) -> dict:
        return {"department": self.employee.department_id, "employee": str(self.employee_id)}


class Leave(models.Model):
    """Leave an employee asked for, or has: one type, a period of days or half a day.
    Pending and approved leave hold their days of the balance; the rest hold none."""

    class Part(models.TextChoices):
        FULL = "full", "Full days"
        MORNING = "morning", "Morning (half day)"
        AFTERNOON = "afternoon", "Afternoon (half day)"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"
        REVOKED = "revoked", "Revoked"

    HOLDING = (State.PENDING, State.APPROVED)

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="leaves")
    leave_type = models.ForeignKey(LeaveType, on_delete=models.PROTECT, related_name="+")
    start = models.DateField()
    end = models.DateField()
    part = models.CharField(max_length=10, choices=Part.choices, default=Part.FULL)
    # The days it takes from the balance, counted when it was asked for.
    days = models.DecimalField(max_digits=5, decimal_places=1)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="leave_ends_after_it_starts",
                violation_error_message="The last day cannot be before the first day.",
            ),
            models.CheckConstraint(
                condition=Q(part="full") | Q(end=F("start")),
                name="leave_half_day_is_one_day",
                violation_error_message="Half a day's leave is one day: the first and last "
                "day must be the same.",
            ),
            models.CheckConstraint(
                condition=Q(part__in=["full", "morning", "afternoon"]), name="leave_part_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "approved", "rejected", "cancelled", "revoked"]),
                name="leave_state_valid",
            ),
            models.CheckConstraint(condition=Q(days__gte=0), name="leave_days_not_negative"),
        ]
        indexes = [
            # Overlaps and calendars: one person's leave by date; everyone's by date.
            models.Index(fields=["employee", "start"], name="leave_employee_start_idx"),
            models.Index(fields=["start", "end"], name="leave_period_idx"),
        ]

    def __str__(self):
        return f"{self.leave_type} for {self.employee}, {self.period}"

    @property
    def period(self) -> str:
        if self.part != self.Part.FULL:
            return f"{format_day(self.start)} ({self.get_part_display().split(' ')[0].lower()})"
        if self.start == self.end:
            return format_day(self.start)
        return format_day_range(self.start, self.end)

    @property
    def is_half_day(self) -> bool:
        return self.part != self.Part.FULL

    def get_additional_data(self) -> dict:
        return {"department": self.employee.department_id, "employee": str(self.employee_id)}


class CalendarFeed(models.Model):
    """A person's private calendar address (leave.views.feed): their own and their team's
    leave, and the holidays, for a calendar app to subscribe to. Only the token's sha256
    is kept; the address is shown once, when it is made. One per person: making a new one
    replaces the old, and revoking deletes it, so the old address stops working at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Calendar feed of {self.user}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
