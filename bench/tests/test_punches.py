"""The benchmark's device file imports as the benchmark expects (its verdict compares the
job's counts with these), and the benchmark finds its punches again to take them out."""

import datetime
import zoneinfo

import pytest

from accounts.scoping import EVERYTHING
from bench.punches import DEVICE, punch_file, remove_punches
from employees.tests.factories import EmployeeFactory
from timeclock.imports import punches_import
from timeclock.models import Punch

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 4)  # a Friday


def test_the_file_imports_as_expected_and_its_punches_are_taken_out_again():
    for n in range(5):
        EmployeeFactory(employee_id=f"B{n}", date_joined=datetime.date(2026, 11, 25))
    EmployeeFactory(employee_id="LEFT", date_joined=datetime.date(2026, 1, 1), date_left=TODAY)
    EmployeeFactory(
        employee_id="GONE",
        date_joined=datetime.date(2026, 1, 1),
        date_left=datetime.date(2026, 11, 1),
    )
    content, expected = punch_file(100, today=TODAY)
    assert content.count(b"\n") == expected["rows"] + 1  # and the header
    # Working days before today (not the weekend), each with the people employed on it
    # (6 of the 7), until there are 25 person-days: the oldest day is a part of one.
    assert expected["days"] == 5
    assert (expected["first_day"], expected["last_day"]) == ("2026-11-27", "2026-12-03")
    now = datetime.datetime(2026, 12, 4, 12, 0, tzinfo=datetime.UTC)
    zone = zoneinfo.ZoneInfo("UTC")
    report = punches_import(content=content, zone=zone, scope=EVERYTHING, now=now)
    assert (report.rows, report.added, report.refused, report.warned) == (
        expected["rows"],
        expected["added"],
        expected["refused"],
        expected["warned"],
    )
    Punch.objects.create(
        employee=Punch.objects.first().employee, at=now, direction="in", source="web"
    )
    assert remove_punches() == expected["added"]
    assert list(Punch.objects.values_list("source", "device")) == [("web", "")]
    assert DEVICE not in Punch.objects.values_list("device", flat=True)
