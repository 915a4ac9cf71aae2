"""The import jobs: the preview (read and check every row, write nothing) and the
confirmation (check again and write every row, or none)."""

import io

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from core.audit import log_event
from core.exports import write_csv
from core.spreadsheets import FileRefused, ImportReport, read_table
from jobs import files
from jobs.models import Job, JobFile
from jobs.registry import register
from jobs.runner import JobContext, JobFailed

from .importers import IMPORTERS, done_message
from .models import ImportBatch

PREVIEW, CONFIRM = "imports.preview", "imports.confirm"
ERRORS_SHOWN = 500  # on the page; the error report file has them all
CHANGED_MEANWHILE = "The data changed since the preview; nothing was imported."


@register(PREVIEW)
def preview(job: Job, context: JobContext) -> None:
    batch = ImportBatch.objects.get(pk=job.params["batch"])
    report = _check(job, batch, context, job_with_file=job, dry_run=True)
    context.report = report_json(report)
    if report.ok:
        context.message = (
            f"Everything is in order: importing will add {report.created:,} and update "
            f"{report.updated:,}."
        )
    else:
        context.message = (
            f"{len(report.errors):,} problem{'s' if len(report.errors) != 1 else ''} found: "
            "nothing will be imported. Correct the file and upload it again."
        )
        _save_error_report(context, batch, report)


@register(CONFIRM)
def confirm(job: Job, context: JobContext) -> None:
    batch = ImportBatch.objects.select_related("preview_job").get(pk=job.params["batch"])
    importer = IMPORTERS[batch.kind]

    def record_import(report: ImportReport) -> None:  # in the transaction of the rows
        ImportBatch.objects.filter(pk=batch.pk).update(imported_at=timezone.now())
        log_event(
            model=importer.model,
            what=f"{batch.filename}: {done_message(report)}",
            actor=job.created_by,
        )
        context.succeed(done_message(report), report_json(report))

    try:
        report = _check(
            job, batch, context, job_with_file=batch.preview_job, before_write=record_import
        )
    except (IntegrityError, ValidationError) as clash:  # saved by someone else meanwhile
        raise JobFailed(CHANGED_MEANWHILE + " Upload the file again to check it anew.") from clash
    if not report.ok:
        _save_error_report(context, batch, report)
        raise JobFailed(CHANGED_MEANWHILE + " See the problems below.", report=report_json(report))


def _check(job, batch, context, *, job_with_file, **kwargs) -> ImportReport:
    importer = IMPORTERS[batch.kind]
    context.progress(0, phase="Reading the file")
    content = files.read_bytes(job_with_file, JobFile.Role.INPUT)
    try:
        table = read_table(content, filename=batch.filename, columns=importer.columns)
    except FileRefused as refusal:
        raise JobFailed(str(refusal)) from refusal
    del content
    total = len(table.rows)
    context.progress(0, total, phase="Checking rows" if kwargs.get("dry_run") else "Importing rows")
    return importer.run(
        table=table,
        scope=job.scope,
        by=job.created_by,
        progress=context.progress,
        **batch.options,
        **kwargs,
    )


def report_json(report: ImportReport) -> dict:
    """The report as the job keeps it: counts, notes and the first problems."""
    return {
        "ok": report.ok,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "notes": report.notes,
        "errors": [
            {"row": e.row, "column": e.column, "message": e.message}
            for e in report.errors[:ERRORS_SHOWN]
        ],
        "errors_total": len(report.errors),
    }


def _save_error_report(context: JobContext, batch: ImportBatch, report: ImportReport) -> None:
    text = io.StringIO(newline="")
    write_csv(
        text,
        header=["Row", "Column", "Problem"],
        rows=([e.row or "", e.column, e.message] for e in report.errors),
    )
    stem = batch.filename.rsplit(".", 1)[0][:100] or "import"
    context.save_result(
        name=f"{stem}-problems.csv",
        content_type="text/csv; charset=utf-8",
        stream=io.BytesIO(text.getvalue().encode()),
    )
