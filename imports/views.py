"""Importing employees or attendance from a spreadsheet: upload, preview, confirm.

The upload is checked by a background job (the preview) and imported by another (the
confirmation), so a file of any size never keeps a web request waiting. Nothing is
written until the user confirms a preview without errors, and then all or nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.exports import export
from core.spreadsheets import FileRefused, Limits, sniff_format
from jobs import services as jobs
from jobs.models import Job

from .forms import UploadForm
from .importers import IMPORTERS, Importer
from .models import ImportBatch
from .tasks import CONFIRM, PREVIEW


def _importer(request, kind: str) -> Importer:
    importer = IMPORTERS[kind]
    if not request.user.has_perm(importer.permission):
        raise PermissionDenied
    return importer


@require_http_methods(["GET", "HEAD", "POST"])
def upload(request, kind):
    importer = _importer(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None, options=importer.options)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        options = {name: form.cleaned_data.get(name, False) for name in importer.options}
        try:
            Limits.from_settings().check_size(upload.size)  # the bytes received
            content = upload.read()
            sniff_format(content, filename=upload.name)
        except FileRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            with transaction.atomic():
                batch = ImportBatch.objects.create(
                    kind=kind, filename=upload.name[:255], options=options, created_by=request.user
                )
                batch.preview_job = jobs.job_start(
                    kind=PREVIEW,
                    title=f"Check {upload.name[:150]} ({importer.title.lower()})",
                    by=request.user,
                    scope=request.scope,
                    params={
                        "batch": str(batch.pk),
                        "next_url": _preview_url(batch),
                        "next_label": "Back to the preview",
                    },
                    input=content,
                )
                batch.save(update_fields=["preview_job"])
            return redirect(_preview_url(batch))
    status = 400 if form.is_bound else 200
    context = {"importer": importer, "kind": kind, "form": form}
    return render(request, "imports/upload.html", context, status=status)


@require_safe
def template(request, kind, fmt):
    """An empty file with the right columns, and one example row."""
    importer = _importer(request, kind)
    header = [column.name for column in importer.columns]
    return export(
        fmt,
        name=f"{kind}-import-template",
        title=importer.title,
        header=header,
        rows=[importer.example],
        row_count=lambda: 1,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def preview(request, pk):
    """The check of an upload, live while it runs; POST confirms it: a job imports every
    row, or none."""
    batch = get_object_or_404(
        ImportBatch.objects.select_related("preview_job", "confirm_job"),
        pk=pk,
        created_by=request.user,
    )
    importer = _importer(request, batch.kind)
    if batch.confirm_job is not None and batch.confirm_job.state != Job.State.FAILED:
        if request.method == "POST":
            messages.info(request, _already(batch.confirm_job))
        return redirect(batch.confirm_job)
    job = batch.preview_job
    report = (job.report or {}) if job else {}
    ready = job is not None and job.state == Job.State.SUCCEEDED and report.get("ok")
    if request.method == "POST":
        if not ready:
            messages.error(request, "Only a file checked without problems can be imported.")
            return redirect(_preview_url(batch))
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if batch.confirm_job_id is not None and batch.confirm_job.state != Job.State.FAILED:
                messages.info(request, _already(batch.confirm_job))
                return redirect(batch.confirm_job)
            batch.confirm_job = jobs.job_start(
                kind=CONFIRM,
                title=f"Import {batch.filename[:150]} ({importer.title.lower()})",
                by=request.user,
                scope=request.scope,
                params={
                    "batch": str(batch.pk),
                    "next_url": reverse(importer.done_url),
                    "next_label": f"Go to {batch.get_kind_display().lower()}",
                },
                total=report.get("rows"),
            )
            batch.save(update_fields=["confirm_job"])
        return redirect(batch.confirm_job)
    context = {
        "batch": batch,
        "importer": importer,
        "job": job,
        "report": report,
        "poll": job is not None and not job.is_finished,
    }
    return render(request, "imports/preview.html", context)


@require_POST
def cancel(request, pk):
    batch = get_object_or_404(ImportBatch, pk=pk, created_by=request.user)
    importer = _importer(request, batch.kind)
    if batch.imported_at is not None or batch.confirm_job_id is not None:
        messages.info(request, "This file was already imported; nothing more was done.")
        return redirect(importer.done_url)
    if batch.preview_job is not None and not batch.preview_job.is_finished:
        jobs.job_cancel(job=batch.preview_job, by=request.user)
    batch.delete()
    messages.info(request, "Import cancelled; nothing was changed.")
    return redirect(reverse(f"imports:{batch.kind}"))


def _already(job: Job) -> str:
    if job.state == Job.State.SUCCEEDED:
        return "This file was already imported; nothing more was done."
    return "This file is already being imported; nothing more was done."


def _preview_url(batch: ImportBatch) -> str:
    return reverse("imports:preview", args=[batch.pk])
