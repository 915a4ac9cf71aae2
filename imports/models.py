import uuid

from django.conf import settings
from django.db import models

from jobs.models import Job


class ImportBatch(models.Model):
    """An uploaded file on its way in: checked by a preview job, imported by a confirm job.

    The file itself is the preview job's input, kept in the database (not on one server's
    disk), so the upload, the jobs and the confirmation may each reach a different machine.
    """

    class Kind(models.TextChoices):
        EMPLOYEES = "employees", "Employees"
        ATTENDANCE = "attendance", "Attendance"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    options = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    preview_job = models.OneToOneField(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The one confirmation that imports it: a second one (a double click, another tab)
    # finds it set and is sent to its job.
    confirm_job = models.OneToOneField(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set, in the same transaction as the rows, by the confirm job that imported it.
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.filename}"
