"""How HRMS Lite shows dates and numbers to people (LANGUAGE_CODE en-gb), in one place.

Templates use `|date` (DATE_FORMAT) and the named formats below, never a format of their
own; Python code uses the helpers in `core.formats`. Files (CSV, XLSX, the API) use ISO
`YYYY-MM-DD` instead, always.
"""

DATE_FORMAT = "j M Y"  # 2 Dec 2026
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"  # 2 Dec 2026, 14:05
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j M"  # 2 Dec
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
