"""What the import and export commands share: read the file, run the import, print the
report; a progress line on the terminal."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.spreadsheets import Column, FileRefused, ImportReport, Limits, read_table


def read_file(path: str, columns: list[Column]):
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"There is no file at {path}.")
    limits = Limits.from_settings()
    try:
        limits.check_size(file.stat().st_size)  # before reading it into memory
        return read_table(file.read_bytes(), filename=file.name, columns=columns, limits=limits)
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


class TerminalProgress:
    """`progress(done, total)` for a command: one line on the terminal, redrawn at most ten
    times a second; nothing when the output is not a terminal (a log, a pipe)."""

    def __init__(self, stream, label: str, *, force: bool = False):
        self.stream, self.label = stream, label
        self.shown = force or stream.isatty()
        self.drawn = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        if not self.shown or (now - self.drawn < 0.1 and done != total):
            return
        self.drawn = now
        of = f" of {total:,} ({done * 100 // total}%)" if total else ""
        self.stream.write(f"\r{self.label}: {done:,}{of}", ending="")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("")


class ImportCommand(BaseCommand):
    """Import a CSV or XLSX file: every row, or none; exit non-zero on any problem.

    A subclass names the file's `columns`, says what `--update` does and runs its
    import in `run_import`.
    """

    columns: list[Column]
    update_help: str

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument("--update", action="store_true", help=self.update_help)
        self.add_import_arguments(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; change nothing."
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show the progress line even when the output is not a terminal.",
        )

    def add_import_arguments(self, parser):
        """Add this import's own options (shown between --update and --dry-run)."""

    def handle(self, *args, file, dry_run, progress, **options):
        table = read_file(file, self.columns)
        bar = TerminalProgress(self.stderr, "Checking rows", force=progress)
        try:
            report = self.run_import(table, dry_run=dry_run, progress=bar, **options)
        finally:
            bar.close()
        print_report(self, report, dry_run=dry_run)

    def run_import(
        self, table, *, update: bool, dry_run: bool, progress, **options
    ) -> ImportReport:
        raise NotImplementedError
