"""Starting an import (its check, as a job) and confirming it (the import, as a job): for
the pages and the API alike. (Not `services.py`: the rows are checked by the forms.)"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.scoping import Scope
from core.spreadsheets import Limits, sniff_format
from jobs import services as jobs
from jobs.models import Job

from .importers import IMPORTERS
from .models import ImportBatch
from .tasks import CONFIRM, PREVIEW


@transaction.atomic
def import_start(
    *, kind: str, filename: str, content: bytes, options: dict, by, scope: Scope
) -> ImportBatch:
    """Keep an uploaded file and start its check. Refuses (FileRefused) at once what is
    plainly not a spreadsheet, or too large; the job reads and checks the rest."""
    importer = IMPORTERS[kind]
    Limits.from_settings().check_size(len(content))
    sniff_format(content, filename=filename)
    options = {name: bool(options.get(name, False)) for name in importer.options}
    batch = ImportBatch.objects.create(
        kind=kind, filename=filename[:255], options=options, created_by=by
    )
    batch.preview_job = jobs.job_start(
        kind=PREVIEW,
        title=f"Check {filename[:150]} ({importer.title.lower()})",
        by=by,
        scope=scope,
        params={
            "batch": str(batch.pk),
            "next_url": preview_url(batch),
            "next_label": "Back to the preview",
        },
        input=content,
    )
    batch.save(update_fields=["preview_job"])
    return batch


def import_confirm(*, batch: ImportBatch, by, scope: Scope) -> Job:
    """Start importing a checked file: one import job per file, whoever confirms, however
    often. Refuses a file not checked, or checked with problems."""
    importer = IMPORTERS[batch.kind]
    with transaction.atomic():
        # Locked alone, and its jobs read after the lock: a row joined in the locking
        # query would be read as it was before another confirmation's commit.
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.confirm_job is not None and batch.confirm_job.state != Job.State.FAILED:
            raise ValidationError(already_message(batch.confirm_job), code="already")
        check = batch.preview_job
        report = (check.report or {}) if check else {}
        if check is None or check.state != Job.State.SUCCEEDED or not report.get("ok"):
            raise ValidationError(
                "Only a file checked without problems can be imported.", code="not_ready"
            )
        batch.confirm_job = jobs.job_start(
            kind=CONFIRM,
            title=f"Import {batch.filename[:150]} ({importer.title.lower()})",
            by=by,
            scope=scope,
            params={
                "batch": str(batch.pk),
                "next_url": reverse(importer.done_url),
                "next_label": f"Go to {batch.get_kind_display().lower()}",
            },
            total=report.get("rows"),
        )
        batch.save(update_fields=["confirm_job"])
    return batch.confirm_job


def already_message(job: Job) -> str:
    if job.state == Job.State.SUCCEEDED:
        return "This file was already imported; nothing more was done."
    return "This file is already being imported; nothing more was done."


def preview_url(batch: ImportBatch) -> str:
    return reverse("imports:preview", args=[batch.pk])
