"""Periodic reminders of requests, enqueued by the scheduler (settings SCHEDULED_TASKS)."""

from django_tasks import task

from . import services


@task()
def remind_approvers() -> int:
    """Every morning: remind each approver of the requests waiting for them for days.
    Returns how many were reminded."""
    return services.approval_reminders()
