"""Indexes on the audit log's JSON keys that HRMS Lite looks entries up by.

An employee's history finds their attendance entries by `additional_data->'employee'`,
and a department-limited user's activity page by `additional_data->'department'`.
Without an index PostgreSQL walks the whole log, newest first, to fill a page: 420 ms
for an employee with no history in a log of a million entries, 23 ms with it
(docs/performance.md). PostgreSQL only: SQLite has no index on a JSON key that these
lookups could use, and its databases are small.
"""

from django.db import migrations

INDEXES = {
    "attendance_audit_employee_idx": "employee",
    "attendance_audit_department_idx": "department",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, key in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON auditlog_logentry ((additional_data -> '{key}'))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0004_newest_first_index"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create, drop)]
