"""The punch log: when each employee clocked in or out, append-only.

A punch is never changed or deleted. A mistaken one is voided by a `PunchVoid` that
gives the reason (audited); the punch stays in the log. A device's punch read twice
(same employee, instant and source) is one punch: the database refuses the copy. A
double tap on the web is one punch too: both taps carry the same form key.
"""

import functools
import itertools
import operator
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.formats import format_day, format_moment
from employees.models import Department, Employee

from .derivation import LABELS, OFF, STATUSES, DayRule


class Direction(models.TextChoices):
    IN = "in", "In"
    OUT = "out", "Out"
    UNKNOWN = "unknown", "Unknown"


class Source(models.TextChoices):
    WEB = "web", "Web"
    KIOSK = "kiosk", "Kiosk"
    DEVICE = "device", "Device"
    API = "api", "API"
    HR = "hr", "HR entry"
    CORRECTION = "correction", "Approved correction"


class AppendOnly(models.Model):
    """A row that is written once: saving it again, or deleting it, is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("The punch log is append-only: an entry is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(
            "The punch log is append-only: void a mistaken punch, with a reason, instead."
        )


class Punch(AppendOnly):
    Direction = Direction
    Source = Source

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="punches")
    # The instant, in UTC: the server's clock for web and kiosk punches, the file's for
    # device imports.
    at = models.DateTimeField()
    direction = models.CharField(max_length=8, choices=Direction.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    device = models.CharField(max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The form's key of a web or kiosk punch: a second tap of the same button sends the
    # same key, and the database keeps one punch.
    request_key = models.UUIDField(null=True, blank=True, editable=False)
    # Where a web punch came from: the address, and the browser's location when the
    # deployment asks for it (CLOCK_ASK_LOCATION) and the person allows it.
    ip = models.GenericIPAddressField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "punches"
        permissions = [
            ("import_punch", "Can import punches from attendance devices"),
            ("use_kiosk", "Can be the office kiosk where employees clock in with a PIN"),
        ]
        ordering = ["employee", "at"]
        constraints = [
            # Also the index for "one employee's punches over a period".
            models.UniqueConstraint(
                fields=["employee", "at", "source"], name="punch_once_per_instant_and_source"
            ),
            models.UniqueConstraint(fields=["request_key"], name="punch_once_per_request"),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="punch_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="punch_source_valid"
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90, latitude__lte=90)
                    & Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="punch_location_valid",
            ),
        ]

    def __str__(self):
        return f"{self.employee} {self.get_direction_display().lower()} at {format_moment(self.at)}"


# A kiosk PIN: 4 to 8 digits, none of the ones tried first (1111, 1234, 9876).
KIOSK_PIN_LENGTHS = range(4, 9)


def validate_kiosk_pin(value: str) -> None:
    """4 to 8 digits, not all the same and not a run (1234, 98765): the ones tried first."""
    if not (value.isascii() and value.isdigit() and len(value) in KIOSK_PIN_LENGTHS):
        raise ValidationError("A PIN is 4 to 8 digits.", code="pin_format")
    steps = {int(b) - int(a) for a, b in itertools.pairwise(value)}
    if steps in ({0}, {1}, {-1}):
        raise ValidationError(
            "That PIN is too easy to guess (one digit repeated, or a run like 1234); "
            "choose another.",
            code="pin_trivial",
        )


class KioskPin(models.Model):
    """The PIN an employee types at the office kiosk after their code, kept hashed the way
    passwords are (never the PIN itself)."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="kiosk_pin")
    pin = models.CharField(max_length=128)
    set_at = models.DateTimeField()

    class Meta:
        verbose_name = "kiosk PIN"

    def __str__(self):
        return f"Kiosk PIN of {self.employee}"


class PunchVoid(AppendOnly):
    """A punch taken out of the reckoning, with why and by whom; the punch stays in the log."""

    punch = models.OneToOneField(Punch, on_delete=models.CASCADE, related_name="void")
    reason = models.CharField(max_length=200)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="punch_void_has_a_reason"),
        ]

    def __str__(self):
        return f"Void of {self.punch}: {self.reason}"


def validate_time_zone(value: str) -> None:
    """An IANA time zone name (Europe/London, Asia/Kolkata), or empty for the organisation's."""
    if value and value not in available_time_zones():
        raise ValidationError(
            f"“{value}” is not a time zone name; use one like Europe/London or Asia/Kolkata.",
            code="time_zone",
        )


@functools.cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class WorkPattern(models.Model):
    """A working week: for each weekday, working or off, and the shift's rules."""

    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def rules(self) -> dict[int, DayRule]:
        """{weekday (Monday 0): its rule}; a weekday without a row is off."""
        return {day.weekday: day.rule() for day in self.days.all()}


class WorkPatternDay(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    pattern = models.ForeignKey(WorkPattern, on_delete=models.CASCADE, related_name="days")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    working = models.BooleanField(default=True)
    # The shift's start and end on the clock of the employee's time zone; an end at or
    # before the start is the next day (a night shift, which belongs to the day it starts).
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(default=0)
    grace_minutes = models.PositiveSmallIntegerField(default=0)
    full_day_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Hours worked (in minutes, net of the break) for a full day."
    )
    half_day_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Hours worked (in minutes) for a half day; less is absent."
    )

    class Meta:
        ordering = ["pattern", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "weekday"], name="pattern_one_rule_per_weekday"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="pattern_weekday_valid"),
            models.CheckConstraint(
                condition=Q(working=False)
                | (Q(start__isnull=False) & Q(end__isnull=False) & ~Q(start=models.F("end"))),
                name="pattern_working_day_has_a_shift",
                violation_error_message="A working day needs a start and an end, not the same.",
            ),
            models.CheckConstraint(
                condition=Q(half_day_minutes__lte=models.F("full_day_minutes")),
                name="pattern_half_day_within_full_day",
                violation_error_message="A half day cannot need more hours than a full day.",
            ),
        ]

    def __str__(self):
        return f"{self.pattern}: {self.get_weekday_display()}"

    def rule(self) -> DayRule:
        if not self.working:
            return OFF
        return DayRule(
            working=True,
            start=self.start,
            end=self.end,
            break_minutes=self.break_minutes,
            grace_minutes=self.grace_minutes,
            full_day_minutes=self.full_day_minutes,
            half_day_minutes=self.half_day_minutes,
        )


class PatternAssignment(models.Model):
    """From `starts_on`, `employee` works `pattern` in `time_zone`. A change is a new row
    from its date: the days before keep the pattern they had."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="patterns")
    pattern = models.ForeignKey(WorkPattern, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Empty: the organisation's time zone.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["employee", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "starts_on"], name="pattern_one_change_per_employee_per_day"
            ),
        ]

    def __str__(self):
        return f"{self.employee}: {self.pattern} from {format_day(self.starts_on)}"


class DepartmentPattern(models.Model):
    """The pattern of a department's employees who have none of their own."""

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="default_pattern"
    )
    pattern = models.ForeignKey(WorkPattern, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.department}: {self.pattern}"


# What makes a kept day's result an exception, by kind (selectors.EXCEPTION_KINDS names
# them). One that nobody has resolved needs attention (DayOutcome.needs_attention).
EXCEPTIONS = {
    "missing_checkout": Q(status="missing_checkout"),
    "absent": Q(status="absent", marked_by_hand=False),
    "late": Q(late_minutes__gt=0),
    "early": Q(early_minutes__gt=0),
    "outside": Q(outside_pattern=True),
}
ANY_EXCEPTION = functools.reduce(operator.or_, EXCEPTIONS.values())


class DayOutcome(models.Model):
    """Each employee's result of a day, derived from their punches (timeclock.derivation)
    and kept so lists and exceptions read it at once. Written again whenever the day is
    derived again (services.days_derive): it is never edited by hand."""

    # The derivation's statuses, and work from home, which only HR marks.
    Status = models.TextChoices("Status", [(s.upper(), (s, LABELS[s])) for s in (*STATUSES, "wfh")])

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="outcomes")
    date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices)
    reason = models.CharField(max_length=300)
    first_in = models.DateTimeField(null=True, blank=True)
    last_out = models.DateTimeField(null=True, blank=True)
    worked_minutes = models.PositiveIntegerField(default=0)
    late_minutes = models.PositiveIntegerField(default=0)
    early_minutes = models.PositiveIntegerField(default=0)
    overtime_minutes = models.PositiveIntegerField(default=0)
    # Punches on a day the pattern has off (a weekly off day or a holiday).
    outside_pattern = models.BooleanField(default=False)
    # HR marked the day by hand: their status stands, and the reason says so.
    marked_by_hand = models.BooleanField(default=False)
    # An exception (EXCEPTIONS) nobody has resolved: in the inbox. Kept by days_derive,
    # which runs again whenever a mark, a resolution or a punch changes the day.
    needs_attention = models.BooleanField(default=False)
    derived_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "employee"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "date"], name="outcome_one_per_employee_per_day"
            ),
        ]
        indexes = [
            models.Index(fields=["date", "status"], name="outcome_date_status"),
            # The exceptions inbox: only the days that need attention, newest first.
            models.Index(
                fields=["-date"], condition=Q(needs_attention=True), name="outcome_exceptions"
            ),
        ]

    def __str__(self):
        return f"{self.employee} on {format_day(self.date)}: {self.get_status_display()}"


class ResolutionAction(models.TextChoices):
    CHECKOUT_ADDED = "checkout_added", "Check-out added"
    MARKED = "marked", "Marked by hand"
    EXCUSED = "excused", "Excused"
    ACCEPTED = "accepted", "Accepted as it is"


class Resolution(models.Model):
    """How HR or the manager resolved a day's exception (timeclock.selectors.exceptions).
    A resolved day leaves the inbox; "excused" also feeds the derivation (late arrival and
    early leaving are said but not counted). A missing check-out resolved by adding the
    check-out, or a day resolved by marking it, changes the day through its punches or
    HR's mark: the resolution records who did it, and why."""

    Action = ResolutionAction

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="resolutions")
    date = models.DateField()
    action = models.CharField(max_length=16, choices=ResolutionAction.choices)
    note = models.CharField(max_length=200)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "employee"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "date"], name="resolution_one_per_employee_per_day"
            ),
            models.CheckConstraint(
                condition=Q(action__in=ResolutionAction.values),
                name="resolution_action_valid",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="resolution_has_a_note"),
        ]

    def __str__(self):
        return f"{self.employee} on {format_day(self.date)}: {self.get_action_display()}"

    def get_additional_data(self) -> dict:
        """Kept with each audit log entry: whose day it was, and their department."""
        return {"department": self.employee.department_id, "employee": str(self.employee_id)}
