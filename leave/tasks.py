"""Leave's yearly upkeep, enqueued by the scheduler (settings SCHEDULED_TASKS)."""

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def carry_over() -> int:
    """On 1 January: carry last year's unused days (up to each type's limit) into this year."""
    return services.leave_carry_over(year=timezone.localdate().year - 1)
