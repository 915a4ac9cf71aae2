"""Importing employees or attendance from a spreadsheet: upload, preview, confirm.

The rows are checked by the same services the rest of the app uses; nothing is
written until the user confirms a preview without errors, and then all or nothing.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from attendance import imports as attendance_imports
from attendance.models import AttendanceRecord
from core.audit import log_event
from core.exports import export
from core.spreadsheets import Column, FileRefused, ImportReport, Limits, Table, read_table
from employees import imports as employee_imports
from employees.models import Employee

from .forms import UploadForm
from .models import ImportBatch

KEEP_BATCHES = datetime.timedelta(days=1)
CHANGED_MEANWHILE = "The data changed since the preview; nothing was imported."


@dataclass(frozen=True)
class Importer:
    title: str
    permission: str
    columns: list[Column]
    run: Callable[..., ImportReport]
    model: type  # the records it writes, for the audit trail
    options: tuple[str, ...]
    done_url: str
    example: list[str]


IMPORTERS = {
    ImportBatch.Kind.EMPLOYEES: Importer(
        title="Import employees",
        permission="employees.import_employee",
        columns=employee_imports.IMPORT_COLUMNS,
        run=employee_imports.employees_import,
        model=Employee,
        options=("update_existing", "create_departments"),
        done_url="employees:list",
        example=[
            "EMP-001",
            "Jane Smith",
            "jane.smith@example.com",
            "Engineering",
            "Engineer",
            "+44 20 7946 0000",
            "2024-01-15",
            "",
        ],
    ),
    ImportBatch.Kind.ATTENDANCE: Importer(
        title="Import attendance",
        permission="attendance.import_attendancerecord",
        columns=attendance_imports.IMPORT_COLUMNS,
        run=attendance_imports.attendance_import,
        model=AttendanceRecord,
        options=("update_existing",),
        done_url="attendance:list",
        example=["EMP-001", "2026-03-02", "Present", ""],
    ),
}


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
        limits = Limits.from_settings()
        try:
            limits.check_size(upload.size)  # the bytes received, before reading them
            table = read_table(
                upload.read(), filename=upload.name, columns=importer.columns, limits=limits
            )
        except FileRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            report = importer.run(
                table=table, scope=request.scope, by=request.user, dry_run=True, **options
            )
            ImportBatch.objects.filter(
                created_by=request.user, created_at__lt=timezone.now() - KEEP_BATCHES
            ).delete()
            batch = ImportBatch.objects.create(
                kind=kind,
                filename=upload.name[:255],
                options=options,
                table=table.to_json(),
                report=report.to_json(),
                created_by=request.user,
            )
            return redirect("imports:preview", pk=batch.pk)
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
    """The preview of an upload; POST confirms it and imports every row, or none."""
    batch = get_object_or_404(ImportBatch, pk=pk, created_by=request.user)
    importer = _importer(request, batch.kind)
    if batch.imported_at is not None:
        return _already_imported(request, importer)
    report = ImportReport.from_json(batch.report)
    if request.method == "POST" and report.ok:
        with transaction.atomic():
            # One confirmation imports: another one at the same moment waits here for the
            # first, then finds the file imported.
            batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if batch.imported_at is not None:
                return _already_imported(request, importer)
            try:
                report = importer.run(
                    table=Table.from_json(batch.table),
                    scope=request.scope,
                    by=request.user,
                    **batch.options,
                )
            except IntegrityError:  # a clash with another change saved at the same moment
                messages.error(request, CHANGED_MEANWHILE)
                return redirect("imports:preview", pk=batch.pk)
            batch.report = report.to_json()
            if report.ok:
                batch.imported_at = timezone.now()
                batch.table = {"rows": [], "ignored_columns": []}  # no need to keep the data
                batch.save(update_fields=["report", "imported_at", "table"])
                log_event(
                    model=importer.model,
                    what=f"{batch.filename}: {_done_message(report)}",
                    actor=request.user,
                )
                messages.success(request, _done_message(report))
                return redirect(importer.done_url)
            batch.save(update_fields=["report"])
        messages.error(request, CHANGED_MEANWHILE + " See below.")
    context = {"batch": batch, "importer": importer, "report": report}
    # Showing a preview succeeds whatever the file holds; a refused confirmation is a 400.
    refused = request.method == "POST" and not report.ok
    return render(request, "imports/preview.html", context, status=400 if refused else 200)


@require_POST
def cancel(request, pk):
    batch = get_object_or_404(ImportBatch, pk=pk, created_by=request.user)
    importer = _importer(request, batch.kind)
    if batch.imported_at is not None:
        return _already_imported(request, importer)
    batch.delete()
    messages.info(request, "Import cancelled; nothing was changed.")
    return redirect(reverse(f"imports:{batch.kind}"))


def _already_imported(request, importer: Importer):
    messages.info(request, "This file was already imported; nothing more was done.")
    return redirect(importer.done_url)


def _done_message(report: ImportReport) -> str:
    return f"Imported {report.rows} rows: {report.created} added, {report.updated} updated."
