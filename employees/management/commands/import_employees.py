from core.commands import ImportCommand
from employees.imports import IMPORT_COLUMNS, employees_import


class Command(ImportCommand):
    help = (
        "Import employees from a CSV or XLSX file, through the same checks as the import "
        "page: every row is imported, or none. Exits non-zero if any row has a problem."
    )
    columns = IMPORT_COLUMNS
    update_help = "Update employees whose code already exists."

    def add_import_arguments(self, parser):
        parser.add_argument(
            "--create-departments",
            action="store_true",
            help="Create departments named in the file that do not exist yet.",
        )

    def run_import(self, table, *, update, create_departments, dry_run, progress, **options):
        return employees_import(
            table=table,
            update_existing=update,
            create_departments=create_departments,
            dry_run=dry_run,
            progress=progress,
        )
