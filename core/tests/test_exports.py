"""Downloads are safe to open in a spreadsheet."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from core import exports


class TestNeutralise:
    @pytest.mark.parametrize("value", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
    def test_formula_starts_are_made_text(self, value):
        assert exports.neutralise(value) == "'" + value

    @pytest.mark.parametrize("value", ["Jane", "", 5, None, datetime.date(2025, 3, 1)])
    def test_other_values_pass(self, value):
        assert exports.neutralise(value) == value


def xlsx_sheet(header, rows):
    """The sheet `write_xlsx` makes of `header` and `rows`, read back by openpyxl."""
    output = io.BytesIO()
    exports.write_xlsx(output, title="People", header=header, rows=rows)
    output.seek(0)
    return openpyxl.load_workbook(output).active


class TestWriteXlsx:
    def test_header_row_is_bold_frozen_and_filtered(self):
        sheet = xlsx_sheet(["Code", "Name", "Joined"], [["E1", "Amy", None], ["E2", "Bo", None]])
        assert sheet.freeze_panes == "A2"
        assert [cell.font.b for cell in sheet[1]] == [True, True, True]
        assert not sheet["A2"].font.b
        assert sheet.auto_filter.ref == "A1:C3"

    def test_columns_are_as_wide_as_their_values_within_limits(self):
        sheet = xlsx_sheet(
            ["Code", "Email", "Note", "Joined"],
            [["E1", "amy.long-surname@example.com", "x" * 200, datetime.date(2025, 3, 1)]],
        )
        widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]
        assert widths[0] == exports.MIN_WIDTH
        assert widths[1] > widths[0]
        assert widths[1] >= len("amy.long-surname@example.com")
        assert widths[2] == exports.MAX_WIDTH
        assert widths[3] >= len("yyyy-mm-dd")

    def test_rows_beyond_the_measured_ones_are_written_too(self, monkeypatch):
        monkeypatch.setattr(exports, "WIDTH_SAMPLE_ROWS", 2)
        rows = [[f"E{n}", "x" * (40 if n == 4 else 1)] for n in range(1, 6)]
        sheet = xlsx_sheet(["Code", "Name"], rows)
        assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
            "E1",
            "E2",
            "E3",
            "E4",
            "E5",
        ]
        assert sheet.column_dimensions["B"].width == exports.MIN_WIDTH  # measured E1, E2 only
        assert sheet.auto_filter.ref == "A1:B6"

    def test_dates_are_iso_date_cells_and_numbers_stay_numbers(self):
        sheet = xlsx_sheet(["Day", "Days", "Rate %"], [[datetime.date(2025, 3, 1), 3, 87.5]])
        day, days, rate = sheet[2]
        assert day.is_date
        assert day.value == datetime.datetime(2025, 3, 1)
        assert day.number_format == "yyyy-mm-dd"
        assert (days.value, days.data_type) == (3, "n")
        assert (rate.value, rate.data_type) == (87.5, "n")

    def test_aware_datetimes_are_written_in_local_time(self):
        marked = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)
        with timezone.override("Asia/Kolkata"):
            sheet = xlsx_sheet(["Marked at"], [[marked]])
        cell = sheet["A2"]
        assert cell.value == datetime.datetime(2025, 3, 1, 15, 0)
        assert cell.number_format == "yyyy-mm-dd hh:mm"

    def test_formulas_are_made_text(self):
        sheet = xlsx_sheet(["Name", "Phone"], [['=HYPERLINK("http://x")', "+44 1"]])
        name, phone = sheet[2]
        assert name.value == '\'=HYPERLINK("http://x")'
        assert name.data_type == "s"
        assert phone.value == "'+44 1"
