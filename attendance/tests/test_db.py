"""update_many: saving hundreds of changed rows with a few UPDATEs, and the same result
whichever way it takes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import AttendanceRecord
from attendance.tests.factories import AttendanceRecordFactory
from core.db import MAX_UPDATE_GROUPS, update_many
from employees.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


def records(count):
    return [
        AttendanceRecordFactory(
            employee=EmployeeFactory(date_joined=datetime.date(2026, 1, 1)), date=DAY
        )
        for _ in range(count)
    ]


def test_a_few_distinct_values_take_one_update_each():
    rows = records(30)
    for number, record in enumerate(rows):
        record.status = "absent" if number % 3 else "half_day"
        record.note = "checked"
    with CaptureQueriesContext(connection) as queries:
        update_many(rows, ["status", "note"])
    assert len(queries) == 2
    saved = dict(AttendanceRecord.objects.values_list("pk", "status"))
    assert saved == {record.pk: record.status for record in rows}
    assert set(AttendanceRecord.objects.values_list("note", flat=True)) == {"checked"}


def test_many_distinct_values_are_all_saved():
    rows = records(MAX_UPDATE_GROUPS + 5)
    for number, record in enumerate(rows):
        record.note = f"note {number}"
    update_many(rows, ["note"])
    saved = dict(AttendanceRecord.objects.values_list("pk", "note"))
    assert saved == {record.pk: record.note for record in rows}


def test_nothing_to_save_sends_nothing():
    with CaptureQueriesContext(connection) as queries:
        update_many([], ["status"])
    assert len(queries) == 0
