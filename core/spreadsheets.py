"""Reading uploaded spreadsheets (CSV or XLSX) into rows, for imports.

Accepted: a byte-order mark, Windows line endings, UTF-8 or Windows-1252 text,
columns in any order and under a few usual names, extra columns (ignored and
reported), empty optional cells and blank lines. Refused, with a reason: a file
that is neither CSV nor XLSX, one that cannot be read, one missing a required
column, and one over any of the `Limits` (size, unpacked size, rows, columns, cells,
time). A file is never trusted about its own size: an XLSX sheet is read as a stream
of the rows it really holds, and reading stops at the first limit crossed.
"""

import csv
import datetime
import io
import re
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from openpyxl import load_workbook

XLSX_MAGIC = b"PK\x03\x04"


class FileRefused(Exception):
    """The file cannot be read as a table; the message says why and what to do."""


@dataclass(frozen=True)
class Column:
    name: str  # the canonical name, as in the template
    label: str  # as shown to people
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Table:
    """The rows of a file, keyed by canonical column names, with their row numbers."""

    rows: list[tuple[int, dict[str, str]]]
    ignored_columns: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"rows": self.rows, "ignored_columns": self.ignored_columns}

    @classmethod
    def from_json(cls, data: dict) -> "Table":
        return cls(
            rows=[(n, row) for n, row in data["rows"]], ignored_columns=data["ignored_columns"]
        )


@dataclass(frozen=True)
class Limits:
    """How much of a file one import reads (settings IMPORT_MAX_*, docs/security.md)."""

    max_bytes: int = 5 * 1024 * 1024  # the file as uploaded
    max_unpacked_bytes: int = 50 * 1024 * 1024  # an XLSX file's parts, unzipped
    max_rows: int = 10_000  # rows below the header
    max_columns: int = 50
    max_cells: int = 250_000
    max_seconds: float = 15.0

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.IMPORT_MAX_BYTES,
            max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
            max_rows=settings.IMPORT_MAX_ROWS,
            max_columns=settings.IMPORT_MAX_COLUMNS,
            max_cells=settings.IMPORT_MAX_CELLS,
            max_seconds=settings.IMPORT_MAX_SECONDS,
        )

    def check_size(self, size: int) -> None:
        if size > self.max_bytes:
            raise FileRefused(
                f"The file is {size / 1_048_576:.1f} MB; the limit is "
                f"{self.max_bytes / 1_048_576:.0f} MB. Split it into smaller files."
            )


def read_table(
    content: bytes, *, filename: str, columns: list[Column], limits: Limits | None = None
) -> Table:
    """Read a CSV or XLSX file's first sheet into a Table with the given columns."""
    limits = limits or Limits.from_settings()
    limits.check_size(len(content))
    if sniff_format(content, filename=filename) == "xlsx":
        raw = _xlsx_rows(content, limits)
    else:
        raw = _csv_rows(content, limits)
    return _table(raw, columns)


def sniff_format(content: bytes, *, filename: str) -> str:
    """ "csv" or "xlsx", from the file's first bytes and name, or FileRefused: the quick
    check an upload gets before a job reads it all."""
    if not content.strip():
        raise FileRefused("The file is empty.")
    if content.startswith(XLSX_MAGIC):
        return "xlsx"
    if filename.lower().endswith((".csv", ".txt")):
        if b"\x00" in content[:65536]:
            raise FileRefused("That is not a CSV file (it holds binary data). Upload CSV or XLSX.")
        return "csv"
    raise FileRefused(
        "That is not a CSV or Excel (.xlsx) file. Save the spreadsheet as CSV or "
        "XLSX and upload it again."
    )


def _within_limits(rows: Iterable[Sequence], limits: Limits) -> list[list[str]]:
    """The rows as text, stopping at the first limit the file crosses."""
    started = time.monotonic()
    raw, cells = [], 0
    for row in rows:
        if len(raw) > limits.max_rows:  # the header and max_rows rows are read
            raise FileRefused(
                f"The file has more than {limits.max_rows:,} rows, the most one import "
                "takes at once. Split it into smaller files."
            )
        row = list(row)
        if len(row) > limits.max_columns:
            extra = row[limits.max_columns :]
            if extra.count(None) + extra.count("") < len(extra):
                raise FileRefused(
                    f"Row {len(raw) + 1} has more than {limits.max_columns} columns. Keep "
                    "only the columns of the template and upload it again."
                )
            row = row[: limits.max_columns]
        values = [_cell(value) for value in row]
        cells += len(values)
        if cells > limits.max_cells:
            raise FileRefused(
                f"The file has more than {limits.max_cells:,} cells, the most one import "
                "takes at once. Split it into smaller files."
            )
        if time.monotonic() - started > limits.max_seconds:
            raise FileRefused(
                f"Reading the file took more than {limits.max_seconds:.0f} seconds. "
                "Split it into smaller files."
            )
        raw.append(values)
    return raw


def _csv_rows(content: bytes, limits: Limits) -> list[list[str]]:
    if b"\x00" in content:
        raise FileRefused("That is not a CSV file (it holds binary data). Upload CSV or XLSX.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise FileRefused("The file's text encoding is not UTF-8. Save it as CSV UTF-8.")
    # The delimiter is whichever of , ; and tab the header line uses most (Excel writes ;
    # in some countries).
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    try:
        return _within_limits(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), limits
        )
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            reason = f"a cell is longer than {csv.field_size_limit():,} characters"
        else:
            reason = str(error)
        raise FileRefused(f"The CSV file could not be read: {reason}.") from None


UNREADABLE_XLSX = "The Excel file could not be read. Open it in Excel and save it as .xlsx again."


def _xlsx_rows(content: bytes, limits: Limits) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            # Python's zip reader never unpacks a part past the size it declares.
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileRefused(UNREADABLE_XLSX) from None
    if unpacked > limits.max_unpacked_bytes:
        raise FileRefused(
            f"The Excel file unpacks to {unpacked / 1_048_576:.0f} MB; the limit is "
            f"{limits.max_unpacked_bytes / 1_048_576:.0f} MB. Split it into smaller files."
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # Forget the size the sheet declares (it may claim A1:XFD1048576): read only
            # the rows and cells it really holds.
            sheet.reset_dimensions()
            return _within_limits(sheet.iter_rows(values_only=True), limits)
        finally:
            workbook.close()
    except FileRefused:
        raise
    except Exception:  # a hostile or broken file can fail anywhere in the reader
        raise FileRefused(UNREADABLE_XLSX) from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def _table(raw: list[list[str]], columns: list[Column]) -> Table:
    header_index = next((n for n, row in enumerate(raw) if any(c.strip() for c in row)), None)
    if header_index is None:
        raise FileRefused("The file is empty.")
    header = raw[header_index]
    names = {}
    for column in columns:
        for alias in (column.name, *column.aliases):
            names[_key(alias)] = column.name
    positions, ignored = {}, []
    for position, title in enumerate(header):
        key = _key(title)
        if key in names and names[key] not in positions:
            positions[names[key]] = position
        elif title.strip():
            ignored.append(title.strip())
    missing = [c.label for c in columns if c.required and c.name not in positions]
    if missing:
        expected = ", ".join(c.label for c in columns if c.required)
        raise FileRefused(
            f"The file has no column for: {', '.join(missing)}. The first row must name "
            f"the columns; these are required: {expected}. Download the template to see them."
        )
    rows = []
    for number, cells in enumerate(raw[header_index + 1 :], start=header_index + 2):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(
            (
                number,
                {
                    name: cells[position].strip() if position < len(cells) else ""
                    for name, position in positions.items()
                },
            )
        )
    return Table(rows=rows, ignored_columns=ignored)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import did (or would do): counts, and every refused cell with its reason."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row=row, column=column, message=message))

    def to_json(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "errors": [[e.row, e.column, e.message] for e in self.errors],
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: dict) -> "ImportReport":
        return cls(
            rows=data["rows"],
            created=data["created"],
            updated=data["updated"],
            errors=[RowError(*e) for e in data["errors"]],
            notes=data["notes"],
        )
