"""The lookups that would slow down as the data grows are answered from an index: the
database is asked (with sequential scans discouraged, as they would be on a big table)
how it would run the query the page sends."""

import uuid

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.scoping import Scope
from activity import selectors as activity_selectors
from attendance import selectors
from attendance.models import AttendanceRecord
from employees import selectors as employee_selectors
from employees.tests.factories import EmployeeFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="expression indexes are PostgreSQL's"
    ),
]


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return "\n".join(queryset.explain().splitlines())


def plan_of_sql(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def attendance_log():
    """500 changes to other employees' attendance, in 20 other departments, and the
    planner's statistics of the log.

    Without statistics the planner prices every index that could serve alike, and
    the rows earlier tests left behind decide between them; with them, it plans as
    on a real log. (ANALYZE's count of rows outlives the test's rollback.)
    """
    record_type = ContentType.objects.get_for_model(AttendanceRecord)
    LogEntry.objects.bulk_create(
        LogEntry(
            content_type=record_type,
            object_pk=str(n),
            object_repr="attendance",
            action=LogEntry.Action.UPDATE,
            additional_data={"employee": str(uuid.uuid4()), "department": -1 - n % 20},
        )
        for n in range(500)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE auditlog_logentry")


def test_an_employees_history_uses_the_audit_employee_index(attendance_log):
    employee = EmployeeFactory()
    assert "attendance_audit_employee_idx" in plan(selectors.employee_history(employee)[:20])


def test_a_department_limited_activity_page_uses_the_audit_department_index(attendance_log):
    employee = EmployeeFactory()
    scope = Scope(department_ids=frozenset({employee.department_id}))
    assert "attendance_audit_department_idx" in plan(
        activity_selectors.visible_entries(scope=scope)[:50]
    )


def test_the_attendance_list_reads_newest_first_from_its_index():
    records = selectors.attendance_list(scope=Scope(department_ids=None))[:50]
    assert "attendance_newest_first_idx" in plan(records)


def test_recently_added_employees_read_newest_first_from_an_index():
    recent = employee_selectors.recent_employees(scope=Scope(department_ids=None))
    assert "employee_newest_idx" in plan(recent)


SEARCH_INDEXES = {
    "employee_name_trgm_idx": "full_name",
    "employee_code_trgm_idx": "employee_id",
    "employee_email_trgm_idx": "email",
}


@pytest.mark.postgres
def test_the_directory_search_has_a_trigram_index_on_each_searched_column():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'employees_employee'"
        )
        definitions = dict(cursor.fetchall())
    for name, column in SEARCH_INDEXES.items():
        assert f"USING gin (upper(({column})::text) gin_trgm_ops)" in definitions[name]


@pytest.mark.postgres
def test_the_directory_search_counts_its_matches_from_the_trigram_indexes(admin_client):
    """Counting reads every match (the page of 25 can stop early). Active and inactive
    employees alike, so the index of active employees by name is no way around."""
    EmployeeFactory(full_name="Jane Smith")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get("/employees/", {"q": "smi", "status": "all"})
    assert "Jane Smith" in response.content.decode()
    (count,) = [q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "LIKE" in q["sql"]]
    found = plan_of_sql(count)
    for name in SEARCH_INDEXES:
        assert f"Bitmap Index Scan on {name}" in found
