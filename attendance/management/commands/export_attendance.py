import datetime

from django.core.management.base import BaseCommand, CommandError

from accounts.scoping import EVERYTHING
from attendance.register import Register, export_table
from core.exports import write_csv, write_xlsx
from core.formats import format_month
from employees.models import Department


class Command(BaseCommand):
    help = "Write a month's attendance register (every employee, every day) to a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="The month, as YYYY-MM.")
        parser.add_argument("--department", help="Only this department (its name).")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv", dest="fmt")
        parser.add_argument("-o", "--output", required=True, help="The file to write.")

    def handle(self, *args, month, department, fmt, output, **options):
        try:
            first = datetime.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise CommandError(
                f"Give the month as YYYY-MM, for example 2026-03 (not {month})."
            ) from None
        chosen = None
        if department:
            chosen = Department.objects.filter(name__iexact=department.strip()).first()
            if chosen is None:
                raise CommandError(f"There is no department named {department}.")
        sheet = Register(month=first, department=chosen, scope=EVERYTHING)
        header, rows = export_table(sheet)
        count = 0

        def counted(rows):
            nonlocal count
            for row in rows:
                count += 1
                yield row

        if fmt == "csv":
            with open(output, "w", newline="", encoding="utf-8") as file:
                write_csv(file, header=header, rows=counted(rows))
        else:
            write_xlsx(output, title=format_month(first), header=header, rows=counted(rows))
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {count} employees' {format_month(first)} register to {output}."
            )
        )
