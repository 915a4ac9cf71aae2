import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.formats import format_day, format_month
from employees.models import Employee


class Status(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    HALF_DAY = "half_day", "Half day"
    ON_LEAVE = "on_leave", "On leave"
    WORK_FROM_HOME = "wfh", "Work from home"


class Source(models.TextChoices):
    """Where a day's status came from. HR's mark wins: the time clock's derivation
    (timeclock.services.days_derive) writes only days HR has not marked and nobody is on
    approved leave, and any change by HR makes the day theirs. Approved leave
    (leave.services) writes its days as "leave", over the clock's and HR's."""

    HAND = "hand", "Marked by HR"
    CLOCK = "clock", "From the time clock"
    LEAVE = "leave", "Approved leave"


# The one-letter code of each status: the roster's keys and the register's cells.
STATUS_CODES = {
    Status.PRESENT: "P",
    Status.ABSENT: "A",
    Status.HALF_DAY: "H",
    Status.ON_LEAVE: "L",
    Status.WORK_FROM_HOME: "W",
}


class AttendanceRecord(models.Model):
    """One employee's attendance on one day."""

    Status = Status
    Source = Source

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices)
    note = models.CharField(max_length=200, blank=True)
    source = models.CharField(
        max_length=8, choices=Source.choices, default=Source.HAND, db_default=Source.HAND
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "employee__full_name"]
        constraints = [
            # Also the index for "a date range for one employee".
            models.UniqueConstraint(
                fields=["employee", "date"], name="attendance_one_record_per_employee_per_day"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="attendance_status_valid",
                violation_error_message="Choose one of the statuses.",
            ),
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="attendance_source_valid"
            ),
        ]
        indexes = [
            # "One day for everyone": the roster, today's figures, the register.
            models.Index(fields=["date", "status"], name="attendance_date_status_idx"),
            # The attendance list: newest day first.
            models.Index(fields=["-date", "id"], name="attendance_newest_first_idx"),
        ]
        permissions = [
            ("export_attendancerecord", "Can export attendance"),
            ("import_attendancerecord", "Can import attendance from a file"),
        ]

    def __str__(self):
        return f"{self.employee} on {format_day(self.date)}: {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("attendance:update", args=[self.pk])

    def get_additional_data(self) -> dict:
        """Kept with each audit log entry: whose record it was, and their department."""
        return {"department": self.employee.department_id, "employee": str(self.employee_id)}

    def unique_error_message(self, model_class, unique_check):
        """Name the record that already exists for this employee and day, and how to change it."""
        if model_class is AttendanceRecord and set(unique_check) == {"employee", "date"}:
            existing = (
                AttendanceRecord.objects.filter(employee_id=self.employee_id, date=self.date)
                .exclude(pk=self.pk)
                .select_related("employee")
                .first()
            )
            if existing is not None:
                return ValidationError(duplicate_message(existing), code="duplicate")
        return super().unique_error_message(model_class, unique_check)


def duplicate_message(existing: AttendanceRecord) -> str:
    by = " by the time clock" if existing.source == Source.CLOCK else ""
    return (
        f"{existing.employee} is already marked {existing.get_status_display()}{by} on "
        f"{format_day(existing.date)}. To change it, edit that record (Attendance, or the "
        "roster for that day) instead of adding another."
    )


class Holiday(models.Model):
    """A public or company holiday: nobody is expected at work."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="holiday_name_not_blank",
                violation_error_message="Enter the holiday's name.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({format_day(self.date)})"

    def unique_error_message(self, model_class, unique_check):
        if model_class is Holiday and tuple(unique_check) == ("date",):
            existing = Holiday.objects.filter(date=self.date).exclude(pk=self.pk).first()
            if existing is not None:
                return ValidationError(
                    f"{format_day(self.date)} is already a holiday: {existing.name}.", code="unique"
                )
        return super().unique_error_message(model_class, unique_check)


class ClosedMonth(models.Model):
    """A month closed for payroll, for the whole organisation (no department) or one
    department: no punch, mark, correction or leave may change a day in it until it is
    reopened. Reopening keeps the row, with who reopened it and why, so the history of
    closing and reopening stays; closing again adds a new row."""

    month = models.DateField(help_text="The month's first day.")
    department = models.ForeignKey(
        "employees.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the whole organisation.",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-month", "-closed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "department"],
                condition=Q(reopened_at__isnull=True, department__isnull=False),
                name="closed_month_once_per_department",
                violation_error_message="That month is already closed for that department.",
            ),
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(reopened_at__isnull=True, department__isnull=True),
                name="closed_month_once_for_everyone",
                violation_error_message="That month is already closed for the organisation.",
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="closed_month_reopened_with_reason",
                violation_error_message="Say why the month is reopened.",
            ),
        ]
        permissions = [("close_month", "Can close and reopen a month for payroll")]

    def __str__(self):
        whom = self.department.name if self.department_id else "the organisation"
        return f"{format_month(self.month)} for {whom}"

    def get_additional_data(self) -> dict:
        """Kept with each audit log entry: the department closed (None: everyone)."""
        return {"department": self.department_id}

    @property
    def is_closed(self) -> bool:
        return self.reopened_at is None


@dataclass(frozen=True)
class Closures:
    """The months closed between two dates, loaded once (`closures_between`): which days
    no write may change."""

    closed: dict  # {(month's first day, department id or None): ClosedMonth}

    def closing(self, department_id, day: datetime.date) -> "ClosedMonth | None":
        """The closure that keeps `day` from changing for an employee of `department_id`."""
        month = day.replace(day=1)
        return self.closed.get((month, None)) or self.closed.get((month, department_id))

    def check(self, employee, day: datetime.date) -> None:
        """ValidationError (code "closed_month") if `day` is closed for `employee`."""
        closure = self.closing(employee.department_id, day)
        if closure is not None:
            raise ValidationError(closed_message(closure, day), code="closed_month")

    def __bool__(self) -> bool:
        return bool(self.closed)


def closures_between(start: datetime.date, end: datetime.date) -> Closures:
    """The months closed (and not reopened) between `start` and `end`. One query."""
    rows = ClosedMonth.objects.filter(
        reopened_at__isnull=True, month__gte=start.replace(day=1), month__lte=end
    ).select_related("department")
    return Closures({(row.month, row.department_id): row for row in rows})


def closed_message(closure: ClosedMonth, day: datetime.date) -> str:
    whom = f" for {closure.department.name}" if closure.department_id else ""
    return (
        f"{format_month(closure.month)} is closed for payroll{whom}, so {format_day(day)} "
        "cannot change. HR can reopen the month, with a reason, to change it."
    )
