"""What the import commands share: read the file, run the import, print the report."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from core.spreadsheets import Column, FileRefused, ImportReport, read_table


def read_file(path: str, columns: list[Column]):
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"There is no file at {path}.")
    try:
        return read_table(
            file.read_bytes(),
            filename=file.name,
            columns=columns,
            max_bytes=settings.IMPORT_MAX_BYTES,
        )
    except FileRefused as refusal:
        raise CommandError(str(refusal)) from None


def print_report(command, report: ImportReport, *, dry_run: bool) -> None:
    """Print what was (or would be) imported, and every problem; fail if there were any."""
    for note in report.notes:
        command.stdout.write(note)
    for error in report.errors:
        where = f"Row {error.row}" if error.row else "File"
        command.stderr.write(f"{where}, {error.column}: {error.message}")
    if not report.ok:
        raise CommandError(
            f"{len(report.errors)} problem(s) in {report.rows} rows: nothing was imported."
        )
    verb = "Would import" if dry_run else "Imported"
    command.stdout.write(
        command.style.SUCCESS(
            f"{verb} {report.rows} rows: {report.created} added, {report.updated} updated."
        )
    )
