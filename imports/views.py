"""Importing employees or attendance from a spreadsheet: upload, preview, confirm.

The upload is checked by a background job (the preview) and imported by another (the
confirmation), so a file of any size never keeps a web request waiting. Nothing is
written until the user confirms a preview without errors, and then all or nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.exports import export
from core.spreadsheets import FileRefused, Limits
from jobs import services as jobs
from jobs.models import Job

from . import batches
from .forms import UploadForm
from .importers import IMPORTERS, Importer
from .models import ImportBatch


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
        try:
            Limits.from_settings().check_size(upload.size)  # before reading the bytes
            batch = batches.import_start(
                kind=kind,
                filename=upload.name,
                content=upload.read(),
                options=form.cleaned_data,
                by=request.user,
                scope=request.scope,
            )
        except FileRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            return redirect(batches.preview_url(batch))
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
            messages.info(request, batches.already_message(batch.confirm_job))
        return redirect(batch.confirm_job)
    if request.method == "POST":
        try:
            job = batches.import_confirm(batch=batch, by=request.user, scope=request.scope)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
            if refusal.code == "already":
                return redirect(ImportBatch.objects.get(pk=batch.pk).confirm_job)
            return redirect(batches.preview_url(batch))
        return redirect(job)
    job = batch.preview_job
    report = (job.report or {}) if job else {}
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
