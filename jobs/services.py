"""Starting, cancelling and looking after background jobs."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.scoping import Scope
from core.formats import format_moment

from . import files, queue
from .models import Job, JobFile, ScheduledRun


@transaction.atomic
def job_start(
    *,
    kind: str,
    title: str,
    by,
    scope: Scope,
    params: dict | None = None,
    input: bytes | None = None,
    total: int | None = None,
) -> Job:
    """Save a job (and its input file) and put it on the queue, in one transaction."""
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        created_by=by,
        department_ids=None if scope.department_ids is None else sorted(scope.department_ids),
        employee_ids=None if scope.employee_ids is None else sorted(map(str, scope.employee_ids)),
        params=params or {},
        total=total,
    )
    if input is not None:
        files.save_bytes(job, JobFile.Role.INPUT, input)
    queue.enqueue(job)
    job.refresh_from_db()  # a backend that runs tasks at once has run it already
    return job


def job_cancel(*, job: Job, by) -> Job:
    """Cancel a job: at once if it is waiting; a running one stops at its next step."""
    now = timezone.now()
    stopped = Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
        state=Job.State.CANCELLED,
        finished_at=now,
        cancelled_by=by,
        message=f"Cancelled by {by} before it started; nothing was changed.",
    )
    if not stopped:
        asked = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
            cancel_requested=True, cancelled_by=by
        )
        if not asked:
            raise ValidationError("This job has already finished.", code="finished")
    job.refresh_from_db()
    return job


def jobs_recover(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Find the running jobs whose worker stopped (no heartbeat for JOB_STALL_SECONDS):
    queue each again, or, after JOB_MAX_ATTEMPTS tries, fail it with the reason."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.JOB_STALL_SECONDS)
    retried = failed = 0
    stalled = Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=cutoff)
    for job in stalled.only("pk", "attempts", "heartbeat_at"):
        with transaction.atomic():
            same = Job.objects.filter(
                pk=job.pk, state=Job.State.RUNNING, heartbeat_at=job.heartbeat_at
            )
            if job.attempts < settings.JOB_MAX_ATTEMPTS:
                if same.update(
                    state=Job.State.QUEUED,
                    phase="",
                    done=0,
                    message=(
                        f"The worker running it stopped at {_time(job.heartbeat_at)}; "
                        "it was queued again and starts from the beginning."
                    ),
                ):
                    queue.enqueue(job)
                    retried += 1
            elif same.update(
                state=Job.State.FAILED,
                finished_at=now,
                phase="",
                message=(
                    f"The worker running it stopped, {job.attempts} times; it was not tried "
                    "again. Nothing was changed by it: start it again, and if it stops again "
                    "tell your administrator."
                ),
            ):
                failed += 1
    return retried, failed


def job_files_clear_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete result files past their expiry, and the inputs of jobs finished long ago;
    return how many jobs lost files."""
    now = now or timezone.now()
    expired = Job.objects.filter(expires_at__lt=now, result_size__gt=0)
    input_cutoff = now - datetime.timedelta(days=settings.JOB_RESULT_DAYS)
    old_inputs = JobFile.objects.filter(
        role=JobFile.Role.INPUT,
        job__state__in=Job.FINISHED,
        job__finished_at__lt=input_cutoff,
    )
    with transaction.atomic():
        ids = list(expired.values_list("pk", flat=True))
        JobFile.objects.filter(job__in=ids, role=JobFile.Role.RESULT).delete()
        Job.objects.filter(pk__in=ids).update(result_size=0)
        old_inputs.delete()
    return len(ids)


def _time(moment: datetime.datetime | None) -> str:
    return "an unknown time" if moment is None else format_moment(moment)


def scheduled_task_enqueue(*, path: str, slot: datetime.datetime) -> bool:
    """Enqueue the periodic task at `path` for its time `slot`, unless a scheduler already
    did (the database allows one per slot); return whether this call enqueued it."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(task=path, slot=slot)
            import_string(path).enqueue()
    except IntegrityError:
        return False
    ScheduledRun.objects.filter(slot__lt=slot - datetime.timedelta(days=2)).delete()
    return True
