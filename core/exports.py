"""Spreadsheet downloads: CSV streamed row by row, XLSX written by openpyxl in write-only mode.

Both keep memory flat however many rows there are. Text that a spreadsheet would
read as a formula (starting with =, +, -, @, tab or carriage return) is prefixed
with an apostrophe; dates are written in ISO format. XLSX sheets open ready to read:
a bold, frozen header row with a filter, and columns wide enough for their values.
"""

import csv
import datetime
import itertools
import tempfile
from collections.abc import Iterable, Iterator

from django.contrib import messages
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .audit import log_event

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_576
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE = "yyyy-mm-dd"
XLSX_DATETIME = "yyyy-mm-dd hh:mm"
WIDTH_SAMPLE_ROWS = 200  # rows held back to measure column widths
MIN_WIDTH, MAX_WIDTH = 10, 50  # in characters


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
    """Write a one-sheet workbook to `output` (a path or a binary file), row by row.

    A write-only sheet must have its column widths before its first row is written, so
    the first WIDTH_SAMPLE_ROWS rows are held back to measure them; the rest stream
    straight through, and memory stays flat however many rows there are.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
    for index, width in enumerate(_column_widths(header, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    row_count = 0
    for row in itertools.chain(sample, rows):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        row_count += 1
    if header:
        # The filter is written after the rows, so its range can cover all of them.
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{row_count + 1}"
    workbook.save(output)


def _column_widths(header: list[str], rows: list[list]) -> list[int]:
    """The width of each column, in characters, to fit its header and values."""
    widths = [len(name) + 3 for name in header]  # + room for the filter button
    for row in rows:
        for index, value in enumerate(row):
            if index == len(widths):
                widths.append(0)
            widths[index] = max(widths[index], _text_width(value) + 2)
    return [min(max(width, MIN_WIDTH), MAX_WIDTH) for width in widths]


def _text_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return len(XLSX_DATETIME)
    if isinstance(value, datetime.date):
        return len(XLSX_DATE)
    return len(str(neutralise(value)))


def write_csv(output, *, header: list[str], rows: Iterable[list]) -> None:
    """Write rows to `output` (a text file opened with newline=""), as the downloads do."""
    writer = csv.writer(output)
    output.write("\ufeff")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])


def _xlsx_cell(sheet, value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):  # Excel has no time zones: write the local time
            value = timezone.make_naive(value)
        return _formatted_cell(sheet, value, XLSX_DATETIME)
    if isinstance(value, datetime.date):
        return _formatted_cell(sheet, value, XLSX_DATE)
    return neutralise(value)


def _formatted_cell(sheet, value, number_format: str):
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


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
