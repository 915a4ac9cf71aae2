"""Periodic upkeep of employees, enqueued by the scheduler (settings SCHEDULED_TASKS)."""

from django_tasks import task

from . import services


@task()
def close_accounts_of_leavers() -> int:
    """Every night: employees whose last day has passed can no longer sign in."""
    return services.accounts_of_leavers_close()
