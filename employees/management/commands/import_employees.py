from django.core.management.base import BaseCommand

from core.commands import print_report, read_file
from employees.imports import IMPORT_COLUMNS, employees_import


class Command(BaseCommand):
    help = (
        "Import employees from a CSV or XLSX file, through the same checks as the import "
        "page: every row is imported, or none. Exits non-zero if any row has a problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument(
            "--update", action="store_true", help="Update employees whose code already exists."
        )
        parser.add_argument(
            "--create-departments",
            action="store_true",
            help="Create departments named in the file that do not exist yet.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; change nothing."
        )

    def handle(self, *args, file, update, create_departments, dry_run, **options):
        report = employees_import(
            table=read_file(file, IMPORT_COLUMNS),
            update_existing=update,
            create_departments=create_departments,
            dry_run=dry_run,
        )
        print_report(self, report, dry_run=dry_run)
