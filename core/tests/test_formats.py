"""One date style for people everywhere (2 Dec 2026), ISO in files: the formats live in
core/formats/en_GB/formats.py, and no template or message makes up its own."""

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

from core.formats import (
    format_day,
    format_day_range,
    format_month,
    format_weekday_day,
    format_weekday_short,
)

ROOT = Path(settings.BASE_DIR)
# Formats a template may still name: the named formats, and machine formats (ISO values
# for attributes and links, a weekday's name).
ALLOWED = {"DATE_FORMAT", "DATETIME_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT"}
MACHINE = {"Y-m-d", "Y-m", "c", "D"}
DAY = datetime.date(2026, 12, 2)


def render(text: str, **context) -> str:
    return Template("{% load hrms_format %}" + text).render(Context(context))


def test_dates_read_the_same_everywhere():
    assert format_day(DAY) == "2 Dec 2026"
    assert format_weekday_day(DAY) == "Wed 2 Dec 2026"
    assert format_weekday_short(DAY) == "Wed 2 Dec"  # a calendar's cell, read aloud
    assert format_month(DAY) == "December 2026"
    assert format_day_range(DAY, DAY.replace(day=9)) == "2 Dec – 9 Dec 2026"
    assert format_day_range(DAY, datetime.date(2027, 1, 4)) == "2 Dec 2026 – 4 Jan 2027"
    assert render("{{ day|date }}", day=DAY) == "2 Dec 2026"
    assert render("{{ day|weekday_date }}", day=DAY) == "Wed 2 Dec 2026"
    moment = datetime.datetime(2026, 12, 2, 14, 5, tzinfo=datetime.UTC)
    assert render('{{ moment|date:"DATETIME_FORMAT" }}', moment=moment) == "2 Dec 2026, 14:05"


def test_counts_have_thousands_separated():
    assert render("{{ n|number }}", n=123456) == "123,456"
    assert render("{{ n|number }}", n=7) == "7"


def test_no_template_makes_up_a_date_format():
    found = []
    for template in (ROOT / "templates").rglob("*.html"):
        for fmt in re.findall(r"""\|date:["']([^"']*)["']""", template.read_text()):
            if fmt not in ALLOWED | MACHINE:
                found.append(f"{template.relative_to(ROOT)}: {fmt}")
    assert found == []


def test_no_message_in_python_makes_up_a_date_format():
    found = []
    for source in ROOT.glob("*/**/*.py"):
        if {".venv", "tests", "e2e", "bench"} & set(source.parts):
            continue
        for fmt in re.findall(r"\{[^{}\"]+:(%[^}\"]*)\}", source.read_text()):
            if fmt not in {"%Y-%m-%d", "%Y-%m"}:  # ISO, for file names and values
                found.append(f"{source.relative_to(ROOT)}: {fmt}")
    assert found == []
