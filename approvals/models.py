"""Requests and their approval: leave, and corrections of attendance.

A request goes to the employee's manager, then (if the route of its kind says so) to
HR. A manager who is away on leave, or has no account, is passed over for the next one
up the reporting line; with nobody left, it goes to HR. Every step is kept as an event:
the request's timeline. services.py holds every rule of who may do what, and when.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from attendance.models import Status as AttendanceStatus
from core.formats import format_day, format_day_range
from employees.models import Employee
from leave.models import Leave


class Kind(models.TextChoices):
    LEAVE = "leave", "Leave"
    CORRECTION = "correction", "Attendance correction"


class Route(models.Model):
    """How requests of one kind are approved: by the manager, then by HR if `hr_after`."""

    kind = models.CharField(max_length=16, choices=Kind.choices, unique=True)
    hr_after_manager = models.BooleanField(
        "HR approves after the manager",
        default=False,
        help_text="On: once the manager approves, HR approves too before it applies.",
    )

    def __str__(self):
        then = ", then HR" if self.hr_after_manager else ""
        return f"{self.get_kind_display()}: the manager{then}"


class Request(models.Model):
    Kind = Kind

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"
        REVOKED = "revoked", "Revoked"

    class Stage(models.TextChoices):
        MANAGER = "manager", "Manager"
        HR = "hr", "HR"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    start = models.DateField()
    end = models.DateField()
    reason = models.CharField(max_length=500)
    # Leave: what is asked for, and holds the balance while it waits.
    leave = models.OneToOneField(
        Leave, on_delete=models.CASCADE, null=True, blank=True, related_name="request"
    )
    # A correction: the status to set on each working day, and/or the punches to add on
    # each day (in the employee's zone): a check-in, a check-out, or both.
    set_status = models.CharField(
        "Status", max_length=16, choices=AttendanceStatus.choices, blank=True
    )
    check_in = models.TimeField(null=True, blank=True)
    check_out = models.TimeField(null=True, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    stage = models.CharField(max_length=8, choices=Stage.choices, default=Stage.MANAGER)
    # Who decides now at the manager's stage (None at HR's).
    approver = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="request_ends_after_it_starts",
                violation_error_message="The last day cannot be before the first day.",
            ),
            models.CheckConstraint(
                condition=Q(kind="leave", leave__isnull=False)
                | Q(kind="correction", leave__isnull=True),
                name="request_leave_iff_kind_leave",
            ),
            models.CheckConstraint(
                condition=~Q(kind="correction")
                | ~Q(set_status="")
                | Q(check_in__isnull=False)
                | Q(check_out__isnull=False),
                name="request_correction_changes_something",
                violation_error_message="Say what to change: a status, a check-in or a check-out.",
            ),
            models.CheckConstraint(
                condition=Q(check_in__isnull=True)
                | Q(check_out__isnull=True)
                | Q(check_out__gt=F("check_in")),
                name="request_check_out_after_check_in",
                violation_error_message="The check-out must be after the check-in.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "cancelled", "revoked"]),
                name="request_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="request_reason_given",
                violation_error_message="Say why.",
            ),
        ]
        indexes = [
            # The approvals inbox: what waits, for whom, oldest first.
            models.Index(
                fields=["approver", "created_at"],
                condition=Q(status="pending"),
                name="request_waiting_for_idx",
            ),
            models.Index(
                fields=["stage", "created_at"],
                condition=Q(status="pending"),
                name="request_waiting_stage_idx",
            ),
            models.Index(fields=["employee", "-created_at"], name="request_of_employee_idx"),
        ]
        permissions = [
            ("decide_request", "Can approve or reject any request in their scope (HR)"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.employee}, {self.period}"

    def get_absolute_url(self):
        return reverse("approvals:detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"department": self.employee.department_id, "employee": str(self.employee_id)}

    @property
    def period(self) -> str:
        if self.leave_id and self.leave.is_half_day:
            return self.leave.period
        if self.start == self.end:
            return format_day(self.start)
        return format_day_range(self.start, self.end)

    @property
    def summary(self) -> str:
        """What is asked, in a few words."""
        if self.kind == Kind.LEAVE:
            days = self.leave.days
            count = f"{days:f}".rstrip("0").rstrip(".") if days % 1 else f"{days:.0f}"
            return f"{self.leave.leave_type}, {self.period} ({count} day{'s' * (days != 1)})"
        return f"{self.change}, {self.period}"

    @property
    def change(self) -> str:
        """A correction's change to each day, in words."""
        parts = []
        if self.set_status:
            parts.append(f"mark {self.get_set_status_display()}")
        if self.check_in:
            parts.append(f"check-in {self.check_in.isoformat('minutes')}")
        if self.check_out:
            parts.append(f"check-out {self.check_out.isoformat('minutes')}")
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Event(models.Model):
    """One step of a request's timeline."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Asked"
        SKIPPED = "skipped", "Passed over"
        FORWARDED = "forwarded", "Approved, sent on to HR"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"
        REVOKED = "revoked", "Revoked"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="event_of_request_idx")]

    def __str__(self):
        return f"{self.get_action_display()} at {self.at}"
