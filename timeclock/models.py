"""The punch log: when each employee clocked in or out, append-only.

A punch is never changed or deleted. A mistaken one is voided by a `PunchVoid` that
gives the reason (audited); the punch stays in the log. A device's punch read twice
(same employee, instant and source) is one punch: the database refuses the copy. A
double tap on the web is one punch too: both taps carry the same form key.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.formats import format_moment
from employees.models import Employee


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
    source = models.CharField(max_length=8, choices=Source.choices)
    device = models.CharField(max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The form's key of a web or kiosk punch: a second tap of the same button sends the
    # same key, and the database keeps one punch.
    request_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "punches"
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
        ]

    def __str__(self):
        return f"{self.employee} {self.get_direction_display().lower()} at {format_moment(self.at)}"


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
