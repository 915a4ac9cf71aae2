"""Importing a device's punch log (a background job, with every refused row reported, and
every row repeated or out of time order reported as a warning), and deriving the days'
results (periodic: settings SCHEDULED_TASKS)."""

import datetime
import zoneinfo

from django.utils import timezone
from django_tasks import task

from jobs import files
from jobs.models import Job, JobFile
from jobs.registry import register
from jobs.runner import JobCancelled, JobContext

from .imports import FileRefused, punches_import
from .services import clock_out_reminders, days_derive

IMPORT_PUNCHES = "timeclock.import_punches"


@register(IMPORT_PUNCHES, done_url="attendance:list")
def import_punches(job: Job, context: JobContext) -> None:
    content = files.read_bytes(job, JobFile.Role.INPUT)
    # The file's lines: about its rows (a header, blank lines), for the progress bar.
    lines = content.count(b"\n") or None
    context.progress(0, lines, phase="Reading")
    written = 0

    def progress(rows: int) -> None:  # hears of each batch once it is written
        nonlocal written
        written = rows
        context.progress(rows, lines)  # writes at most twice a second

    try:
        report = punches_import(
            content=content,
            zone=zoneinfo.ZoneInfo(job.params["time_zone"]),
            scope=job.scope,
            by=job.created_by,
            progress=progress,
        )
    except JobCancelled:
        raise JobCancelled(
            f"Cancelled after {written:,} rows: their punches stay in the log. Import the "
            "same file again to add the rest (none is added twice)."
        ) from None
    except FileRefused as refusal:
        context.message = str(refusal)
        context.report = {"errors": [], "errors_total": 0, "notes": [str(refusal)]}
        return
    context.progress(report.rows, report.rows)
    if report.added:  # written in bulk, without signals: derive their days again now
        first = timezone.localdate(report.earliest) - datetime.timedelta(days=1)
        derive_again.enqueue(first.isoformat(), timezone.localdate(report.latest).isoformat())
    context.message = report.message
    context.report = {
        "errors": report.errors,
        "errors_total": report.refused,
        # Rows kept (or counted once) that someone should look at: repeated, out of order.
        "warnings": report.warnings,
        "warnings_total": report.warned,
        "notes": [],
    }


@task()
def derive_days() -> dict:
    """Every quarter hour: yesterday's and today's results for everyone with a pattern. A
    day becomes final once it closes (its shift's end and a grace period: derivation),
    so a night shift that ended this morning, or a check-out that never came, shows here
    within a quarter of an hour of its day closing."""
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    return {str(day): days_derive(day) for day in (yesterday, today)}


@task()
def derive_again(first: str, last: str, employee_ids: list[str] | None = None) -> int:
    """Derive the days from `first` to `last` (ISO dates; none after today) again, for
    `employee_ids` or everyone: queued when one of the results' inputs changes
    (timeclock.signals). Returns how many results were kept."""
    start = datetime.date.fromisoformat(first)
    end = min(datetime.date.fromisoformat(last), timezone.localdate())
    kept = 0
    while start <= end:
        kept += days_derive(start, employee_ids=employee_ids)
        start += datetime.timedelta(days=1)
    return kept


@task()
def remind_to_clock_out() -> int:
    """Every hour: remind those still clocked in an hour after their shift ended (once a
    day at most). Returns how many were reminded."""
    return clock_out_reminders()
