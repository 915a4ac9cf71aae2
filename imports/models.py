import uuid

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """An uploaded file waiting for the user to confirm its import, after the preview.

    Kept in the database (not in one server's memory or disk), so the preview and the
    confirmation may reach different app servers.
    """

    class Kind(models.TextChoices):
        EMPLOYEES = "employees", "Employees"
        ATTENDANCE = "attendance", "Attendance"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    options = models.JSONField(default=dict)
    table = models.JSONField()
    report = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the one confirmation that imported it; kept a while so that a second
    # confirmation (a double click, another tab) is told so.
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.filename}"
