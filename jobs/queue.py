"""The one task that runs any job on the queue (django-tasks), and how a job gets on it."""

from django_tasks import task

from . import runner
from .models import Job


@task()
def run_job(job_id: str) -> str:
    return runner.run(job_id)


def enqueue(job: Job) -> None:
    """Put the job on the queue. With the database backend the queue is a table, so this
    lands in the caller's transaction: the job and its task are saved together or not at all."""
    run_job.enqueue(str(job.pk))
