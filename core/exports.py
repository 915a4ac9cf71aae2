"""Spreadsheet downloads: CSV streamed row by row, XLSX written by openpyxl in write-only mode.

Both keep memory flat however many rows there are. Text that a spreadsheet would
read as a formula (starting with =, +, -, @, tab or carriage return) is prefixed
with an apostrophe; dates are written in ISO format.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator

from django.contrib import messages
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .audit import log_event

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_576
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TooManyRows(Exception):
    """More rows than a spreadsheet can hold."""


def neutralise(value):
    """Make a value safe to open in a spreadsheet: no formulas, ISO dates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return neutralise(value)


class _Echo:
    """A file-like object whose write() returns what it was given (for csv.writer)."""

    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # a byte-order mark, so Excel reads UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_value(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    filename: str, title: str, header: list[str], rows: Iterable[list], *, row_count: int
) -> FileResponse:
    if row_count + 1 > XLSX_MAX_ROWS:
        raise TooManyRows(row_count)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(output, title=title, header=header, rows=rows)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def write_xlsx(output, *, title: str, header: list[str], rows: Iterable[list]) -> None:
    """Write a one-sheet workbook to `output` (a path or a binary file), row by row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(output)


def write_csv(output, *, header: list[str], rows: Iterable[list]) -> None:
    """Write rows to `output` (a text file opened with newline=""), as the downloads do."""
    writer = csv.writer(output)
    output.write("\ufeff")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])


def _xlsx_cell(sheet, value):
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return neutralise(value)


def export(fmt: str, *, name: str, title: str, header: list[str], rows: Iterable[list], row_count):
    """Answer a download in `fmt` ("csv" or "xlsx") named `name`.`fmt`.

    `row_count` is a callable, asked only for XLSX (to refuse what cannot fit).
    """
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, rows)
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", title, header, rows, row_count=row_count())
    raise Http404("Downloads come as csv or xlsx.")


def download(request, fmt: str, *, back: str, model, **kwargs):
    """`export()` for a view: a file that cannot be made becomes a message on page `back`;
    a file that can is recorded in the audit trail as downloaded (of `model` records)."""
    try:
        response = export(fmt, **kwargs)
    except TooManyRows as error:
        messages.error(
            request,
            f"{error.args[0]:,} rows do not fit in a spreadsheet (the limit is "
            f"{XLSX_MAX_ROWS - 1:,}). Narrow the filters, or download CSV instead.",
        )
        return redirect(back)
    query = request.GET.urlencode()
    what = f"{kwargs['name']}.{fmt}" + (f" ({query})" if query else "")
    log_event(model=model, what=f"Downloaded {what}", actor=request.user)
    return response
