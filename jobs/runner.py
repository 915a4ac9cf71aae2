"""Running one job: claim it, call its kind's code with a context, record how it ended.

The context is how the work reports progress (at most a few writes a second), learns
that the user asked to cancel, and leaves its result file and summary.
"""

import datetime
import logging
import time
from collections.abc import Iterable, Iterator
from typing import BinaryIO, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import files
from .models import Job, JobFile
from .registry import KINDS

logger = logging.getLogger(__name__)
T = TypeVar("T")

UNEXPECTED = (
    "The job stopped on an unexpected error; nothing more will happen to it. Try again, "
    "and if it fails again tell your administrator (reference {pk})."
)


class JobCancelled(Exception):
    """The user asked to cancel: stop, changing nothing (or say what stays done)."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class JobFailed(Exception):
    """The work cannot be done; the message tells the user why and what to do."""

    def __init__(self, message: str, *, report: dict | None = None):
        super().__init__(message)
        self.message, self.report = message, report


class JobContext:
    PROGRESS_SECONDS = 0.5  # the most often progress is written

    def __init__(self, job: Job):
        self.job = job
        self.message = ""
        self.report: dict | None = None
        self._written = 0.0

    def progress(self, done: int, total: int | None = None, *, phase: str | None = None) -> None:
        """Record how far the work is; raise JobCancelled if the user asked to cancel."""
        now = time.monotonic()
        if phase is None and now - self._written < self.PROGRESS_SECONDS:
            return
        self._written = now
        fields = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
            fields["done"] = min(done, total)
        if phase is not None:
            fields["phase"] = phase
        updated = Job.objects.filter(pk=self.job.pk, cancel_requested=False).update(**fields)
        if not updated:
            raise JobCancelled

    def steps(self, items: Iterable[T], *, total: int, phase: str) -> Iterator[T]:
        """Yield `items`, reporting progress through them."""
        self.progress(0, total, phase=phase)
        done = 0
        for done, item in enumerate(items, start=1):
            yield item
            self.progress(done, total)
        self.progress(done, total, phase=phase)

    def save_result(self, *, name: str, content_type: str, stream: BinaryIO) -> None:
        """Keep the job's result file, for JOB_RESULT_DAYS, for the people in its scope."""
        size = files.save_file(self.job, JobFile.Role.RESULT, stream)
        keep = datetime.timedelta(days=settings.JOB_RESULT_DAYS)
        Job.objects.filter(pk=self.job.pk).update(
            result_name=name,
            result_type=content_type,
            result_size=size,
            expires_at=timezone.now() + keep,
        )

    def succeed(self, message: str = "", report: dict | None = None) -> None:
        """Mark the job done now: inside the caller's transaction, so both land or neither."""
        _finish(self.job.pk, Job.State.SUCCEEDED, message, report)


def run(job_id: str) -> str:
    """Run the job if it is still waiting; return the state it ended in."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        cancel_requested=False,
    )
    if not claimed:  # cancelled before it started, or already run
        return Job.objects.filter(pk=job_id).values_list("state", flat=True).first() or ""
    job = Job.objects.get(pk=job_id)
    context = JobContext(job)
    try:
        kind = KINDS[job.kind]
        kind.run(job, context)
    except JobCancelled as cancelled:
        message = cancelled.message or _cancelled_message(job)
        _finish(job.pk, Job.State.CANCELLED, message, context.report)
    except JobFailed as failure:
        _finish(job.pk, Job.State.FAILED, failure.message, failure.report or context.report)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job.pk, Job.State.FAILED, UNEXPECTED.format(pk=job.pk), context.report)
    else:
        _finish(job.pk, Job.State.SUCCEEDED, context.message, context.report)
    return Job.objects.values_list("state", flat=True).get(pk=job.pk)


def _cancelled_message(job: Job) -> str:
    job.refresh_from_db(fields=["cancelled_by"])
    who = f" by {job.cancelled_by}" if job.cancelled_by else ""
    return f"Cancelled{who} while running; nothing was changed."


def _finish(pk, state: str, message: str, report: dict | None) -> None:
    fields = {"state": state, "finished_at": timezone.now(), "message": message, "phase": ""}
    if report is not None:
        fields["report"] = report
    if state == Job.State.SUCCEEDED:
        fields["done"] = Coalesce(F("total"), F("done"))
    with transaction.atomic():
        Job.objects.filter(pk=pk, state=Job.State.RUNNING).update(**fields)
