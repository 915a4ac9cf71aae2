from attendance.imports import IMPORT_COLUMNS, attendance_import
from core.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Import attendance records (employee code, date, status, note) from a CSV or XLSX "
        "file, through the attendance rules: every row is imported, or none. Exits non-zero "
        "if any row has a problem."
    )
    columns = IMPORT_COLUMNS
    update_help = "Replace records that already exist."

    def run_import(self, table, *, update, dry_run, progress, **options):
        return attendance_import(
            table=table, update_existing=update, dry_run=dry_run, progress=progress
        )
