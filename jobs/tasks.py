"""Periodic upkeep, enqueued by the scheduler (`manage.py run_scheduler`, settings
SCHEDULED_TASKS) and run by the workers like any task."""

from django.conf import settings
from django.core.management import call_command
from django_tasks import task

from . import services


@task()
def recover_stalled_jobs() -> dict:
    """Retry (or fail, with a reason) the jobs whose worker stopped while running them."""
    retried, failed = services.jobs_recover()
    return {"retried": retried, "failed": failed}


@task()
def clear_expired_files() -> int:
    """Delete the result files kept past their time (JOB_RESULT_DAYS)."""
    return services.job_files_clear_expired()


@task()
def prune_task_results() -> None:
    """Delete the queue's own records of tasks finished over JOB_RESULT_DAYS ago."""
    call_command("prune_db_task_results", min_age_days=settings.JOB_RESULT_DAYS, verbosity=0)
