"""Write an export (the directory, the attendance list) to a file, at any size."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from accounts.scoping import EVERYTHING
from core.commands import TerminalProgress
from core.exports import XLSX_MAX_ROWS, write_csv, write_xlsx
from jobs.exports import BUILDERS


class Command(BaseCommand):
    help = (
        "Write an export to a file, as the pages' downloads do, with the same filters "
        "(--filter 'status=present&department=3', the page's query string). Rows are "
        "streamed: memory stays flat however many there are."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(BUILDERS), help="What to export.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv", dest="fmt")
        parser.add_argument("-o", "--output", required=True, help="The file to write.")
        parser.add_argument("--filter", default="", help="A page's query string.")
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show the progress line even when the output is not a terminal.",
        )

    def handle(self, *args, name, fmt, output, filter, progress, **options):
        spec = BUILDERS[name](scope=EVERYTHING, query=QueryDict(filter))
        total = spec.row_count()
        if fmt == "xlsx" and total + 1 > XLSX_MAX_ROWS:
            raise CommandError(
                f"{total:,} rows do not fit in a spreadsheet (the limit is "
                f"{XLSX_MAX_ROWS - 1:,}). Narrow the filter, or write CSV."
            )
        bar = TerminalProgress(self.stderr, "Writing rows", force=progress)
        started, written = time.monotonic(), 0

        def counted(rows):
            nonlocal written
            for written, row in enumerate(rows, start=1):  # noqa: B007 (read after the loop)
                bar(written, total)
                yield row

        try:
            if fmt == "csv":
                with open(output, "w", newline="", encoding="utf-8") as file:
                    write_csv(file, header=spec.header, rows=counted(spec.rows))
            else:
                write_xlsx(output, title=spec.title, header=spec.header, rows=counted(spec.rows))
        finally:
            bar.close()
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {written:,} rows to {output} in {seconds:.1f} s.")
        )
