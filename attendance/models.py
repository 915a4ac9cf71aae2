from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.formats import format_day
from employees.models import Employee


class Status(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    HALF_DAY = "half_day", "Half day"
    ON_LEAVE = "on_leave", "On leave"
    WORK_FROM_HOME = "wfh", "Work from home"


class Source(models.TextChoices):
    """Where a day's status came from. HR's mark wins: the time clock's derivation
    (timeclock.services.days_derive) writes only days HR has not marked, and any change by
    HR makes the day theirs."""

    HAND = "hand", "Marked by HR"
    CLOCK = "clock", "From the time clock"


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
