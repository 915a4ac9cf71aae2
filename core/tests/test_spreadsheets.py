"""Reading an uploaded file into rows."""

import pytest

from core.spreadsheets import Column, FileRefused, read_table

COLUMNS = [
    Column("employee_id", "Employee code", ("code",), required=True),
    Column("full_name", "Full name", required=True),
    Column("email", "Email", ("e-mail",), required=True),
    Column("department", "Department", required=True),
]


class TestReadTable:
    def test_refuses_missing_columns_with_their_names(self):
        with pytest.raises(FileRefused, match="no column for: Email"):
            read_table(
                b"employee_id,full_name,department\n",
                filename="x.csv",
                columns=COLUMNS,
                max_bytes=1000,
            )
