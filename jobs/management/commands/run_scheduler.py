"""Enqueue the periodic tasks (settings.SCHEDULED_TASKS) on their schedules; workers run them."""

import contextlib
import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

from jobs import services

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the scheduler: enqueue each task of settings.SCHEDULED_TASKS at the times its "
        "cron expression gives (in TIME_ZONE). One is enough; a second one is harmless (each "
        "time slot is enqueued once). --list shows the schedule and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="Show the schedule and exit.")

    def handle(self, *args, list=False, **options):
        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
        for path, cron in settings.SCHEDULED_TASKS.items():
            try:
                import_string(path)
                trigger = CronTrigger.from_crontab(cron, timezone=settings.TIME_ZONE)
            except (ImportError, ValueError) as error:
                raise CommandError(f"SCHEDULED_TASKS[{path!r}] = {cron!r}: {error}") from error
            scheduler.add_job(
                enqueue,
                trigger,
                args=[path],
                id=path,
                coalesce=True,  # after a pause, run once, not once per missed time
                misfire_grace_time=60,
                max_instances=1,
            )
            self.stdout.write(f"{cron:<14} {path}")
        if list:
            return
        self.stdout.write("Scheduler running; Ctrl-C stops it.")
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()


def enqueue(path: str) -> None:
    slot = timezone.now().replace(second=0, microsecond=0)
    close_old_connections()
    try:
        if services.scheduled_task_enqueue(path=path, slot=slot):
            logger.info("Enqueued %s for %s", path, slot.isoformat())
    finally:
        close_old_connections()
