"""Reading an uploaded file into rows: whatever the file says about itself, reading stops
at the first limit it crosses, with a message that names the limit; a broken file is
refused with a reason, never a server error."""

import io
import re
import zipfile

import openpyxl
import pytest

from core.spreadsheets import Column, FileRefused, Limits, read_table

COLUMNS = [
    Column("employee_id", "Employee code", ("code",), required=True),
    Column("full_name", "Full name", required=True),
    Column("email", "Email", ("e-mail",), required=True),
    Column("department", "Department", required=True),
]
HEADER = ["employee_id", "full_name", "email", "department"]
ROW = ["E1", "Jane", "jane@example.com", "Sales"]


def xlsx(rows, **cells) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    for reference, value in cells.items():
        workbook.active[reference] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewritten(content: bytes, part: str, change) -> bytes:
    """The XLSX file with one of its parts changed by `change(text) -> text`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                data = change(data.decode()).encode()
            target.writestr(item, data)
    return buffer.getvalue()


def read(content: bytes, filename="people.xlsx", **limits):
    return read_table(content, filename=filename, columns=COLUMNS, limits=Limits(**limits))


def test_refuses_missing_columns_with_their_names():
    with pytest.raises(FileRefused, match="no column for: Email"):
        read(b"employee_id,full_name,department\n", filename="x.csv")


class TestXlsxThatLies:
    def test_a_sheet_declaring_the_largest_size_is_read_for_what_it_holds(self):
        content = rewritten(
            xlsx([HEADER, ROW]),
            "xl/worksheets/sheet1.xml",
            lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml),
        )
        assert (
            "A1:XFD1048576"
            in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
        )
        table = read(content)
        assert [data["email"] for _, data in table.rows] == ["jane@example.com"]

    def test_a_cell_on_a_far_row_stops_reading_at_the_row_limit(self):
        content = xlsx([HEADER, ROW], A1048576="far away")
        assert len(content) < 10_000
        with pytest.raises(FileRefused, match="more than 10,000 rows"):
            read(content)

    def test_a_cell_in_a_far_column_is_refused(self):
        with pytest.raises(FileRefused, match="Row 1 has more than 50 columns"):
            read(xlsx([HEADER, ROW], XFD1="far away"))

    def test_an_archive_that_unpacks_too_large_is_refused_before_reading(self):
        long_rows = [[f"E{n}", "x" * 30_000, f"e{n}@example.com", "Sales"] for n in range(5)]
        content = xlsx([HEADER, *long_rows])
        assert len(content) < 10_000  # it packs small
        with pytest.raises(FileRefused, match="unpacks to 0 MB; the limit is 0 MB"):
            read(content, max_unpacked_bytes=100_000)


class TestLimits:
    def test_rows(self):
        text = ",".join(HEADER) + "\n" + "".join(f"E{n},N,e{n}@x.com,S\n" for n in range(6))
        with pytest.raises(FileRefused, match="more than 5 rows"):
            read(text.encode(), filename="x.csv", max_rows=5)
        assert len(read(text.encode(), filename="x.csv", max_rows=6).rows) == 6

    def test_columns_and_cells(self):
        wide = ",".join(HEADER + [f"extra{n}" for n in range(10)]) + "\n"
        with pytest.raises(FileRefused, match="more than 8 columns"):
            read(wide.encode(), filename="x.csv", max_columns=8)
        rows = ",".join(HEADER) + "\n" + ",".join(ROW) + "\n"
        with pytest.raises(FileRefused, match="more than 6 cells"):
            read(rows.encode(), filename="x.csv", max_cells=6)

    def test_empty_cells_past_the_column_limit_are_ignored(self):
        text = ",".join(HEADER) + "," * 100 + "\n" + ",".join(ROW) + "\n"
        assert len(read(text.encode(), filename="x.csv").rows) == 1

    def test_time(self):
        with pytest.raises(FileRefused, match="took more than 0 seconds"):
            read(xlsx([HEADER, ROW]), max_seconds=0)

    def test_size(self):
        with pytest.raises(FileRefused, match="the limit is 0 MB"):
            read(b"x" * 1000, filename="x.csv", max_bytes=100)

    def test_the_defaults_come_from_the_settings(self, settings):
        settings.IMPORT_MAX_ROWS = 7
        assert Limits.from_settings().max_rows == 7


def _no_sheets(xml: str) -> str:
    return re.sub(r"<sheets>.*</sheets>", "<sheets/>", xml, flags=re.S)


@pytest.mark.parametrize(
    ("part", "change"),
    [
        ("xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2]),  # broken sheet XML
        ("xl/workbook.xml", _no_sheets),  # a workbook with no sheet
        ("xl/styles.xml", lambda xml: "<styleSheet><broken"),  # broken styles
    ],
)
def test_a_broken_xlsx_is_refused_with_a_reason(part, change):
    with pytest.raises(FileRefused, match="could not be read"):
        read(rewritten(xlsx([HEADER, ROW]), part, change))


def test_a_truncated_xlsx_is_refused():
    content = xlsx([HEADER, ROW])
    with pytest.raises(FileRefused, match="could not be read"):
        read(content[: len(content) // 2])


class TestCsvThatBreaksTheReader:
    def test_a_nul_byte_anywhere(self):
        text = ",".join(HEADER) + "\n" + (",".join(ROW) + "\n") * 200 + "E9,\x00,x,y\n"
        assert text.index("\x00") > 4096
        with pytest.raises(FileRefused, match="binary data"):
            read(text.encode(), filename="x.csv")

    def test_a_field_over_the_csv_limit(self):
        text = ",".join(HEADER) + '\nE1,"' + "x" * 200_000 + '",a@x.com,S\n'
        with pytest.raises(FileRefused, match="a cell is longer than 131,072 characters"):
            read(text.encode(), filename="x.csv")
