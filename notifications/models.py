"""What the app tells people: a list in the app, and email for those who want it.

Every notification is kept in the app (`Notification`); an email goes too, unless the
person turned that kind off (`EmailOptOut`) or has no email address.
"""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    REQUEST_SUBMITTED = "request_submitted", "A request waits for my approval"
    REQUEST_DECIDED = "request_decided", "My request was decided"
    APPROVAL_REMINDER = "approval_reminder", "Reminders of requests waiting for me"
    CLOCK_OUT_REMINDER = "clock_out_reminder", "Reminders that I forgot to clock out"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_newest_idx"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="notification_kind_valid"
            ),
        ]

    def __str__(self):
        return self.title


class EmailOptOut(models.Model):
    """`user` wants no email of `kind` (the in-app notification still comes)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_once"),
        ]

    def __str__(self):
        return f"{self.user}: no {self.get_kind_display().lower()} emails"
