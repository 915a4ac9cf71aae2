from django.core.management.base import BaseCommand

from attendance.imports import IMPORT_COLUMNS, attendance_import
from core.commands import print_report, read_file


class Command(BaseCommand):
    help = (
        "Import attendance records (employee code, date, status, note) from a CSV or XLSX "
        "file, through the attendance rules: every row is imported, or none. Exits non-zero "
        "if any row has a problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument(
            "--update", action="store_true", help="Replace records that already exist."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; change nothing."
        )

    def handle(self, *args, file, update, dry_run, **options):
        report = attendance_import(
            table=read_file(file, IMPORT_COLUMNS), update_existing=update, dry_run=dry_run
        )
        print_report(self, report, dry_run=dry_run)
