"""Background jobs as people see them: what runs, how far it is, what came of it.

The queue itself is django-tasks (its database backend, `django_tasks_db`); a `Job` is
the record users follow on its page. Its files (an uploaded import, an export) are kept
in the database in chunks, so any app server can serve what any worker wrote.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from accounts.scoping import EVERYTHING, Scope


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED = (State.SUCCEEDED, State.FAILED, State.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=50)
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # The departments the job may reach (its starter's scope when it started); null: all.
    department_ids = models.JSONField(null=True, blank=True)
    # The employees it may reach, for a starter limited to some people; null: no such limit.
    employee_ids = models.JSONField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written with each step of progress: a running job whose heartbeat stops was lost
    # with its worker, and is retried or failed (`services.jobs_recover`).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    phase = models.CharField(max_length=100, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    # Row-numbered problems and notes, as `core.spreadsheets.ImportReport.to_json()`.
    report = models.JSONField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result_name = models.CharField(max_length=200, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    result_size = models.PositiveBigIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="job_by_starter"),
            models.Index(fields=["state", "heartbeat_at"], name="job_by_state"),
            models.Index(fields=["expires_at"], name="job_by_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    state__in=["queued", "running", "succeeded", "failed", "cancelled"]
                ),
                name="job_state_known",
            ),
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(done__lte=models.F("total")),
                name="job_done_within_total",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def scope(self) -> Scope:
        """The departments and people the job may reach: its starter's when it started."""
        if self.department_ids is None and self.employee_ids is None:
            return EVERYTHING
        return Scope(
            department_ids=None if self.department_ids is None else frozenset(self.department_ids),
            employee_ids=None
            if self.employee_ids is None
            else frozenset(uuid.UUID(pk) for pk in self.employee_ids),
            own_team_only=self.employee_ids is not None,
        )

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.state == self.State.SUCCEEDED else None
        return min(100, self.done * 100 // self.total)


class JobFile(models.Model):
    """One chunk of a job's file: its input (an uploaded file) or its result (a download)."""

    class Role(models.TextChoices):
        INPUT = "input", "Input"
        RESULT = "result", "Result"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="chunks")
    role = models.CharField(max_length=10, choices=Role.choices)
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "role", "seq"], name="job_file_chunk_once")
        ]

    def __str__(self):
        return f"{self.job_id} {self.role} #{self.seq}"


class ScheduledRun(models.Model):
    """A periodic task enqueued for one time slot: at most once, however many schedulers."""

    task = models.CharField(max_length=200)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "slot"], name="scheduled_run_once_per_slot")
        ]

    def __str__(self):
        return f"{self.task} at {self.slot.isoformat()}"
