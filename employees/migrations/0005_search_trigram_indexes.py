"""Trigram indexes that the directory's search reads from as people type.

The search finds a piece of a name, code or email anywhere in it (`icontains`:
`UPPER(column) LIKE UPPER('%smi%')` on PostgreSQL). A B-tree index cannot answer
that, so each search read every employee: counting the matches of "smi" among
100,000 took 170–280 ms, and 11–19 ms with these indexes (docs/performance.md). A GIN
index of `pg_trgm` trigrams on the same upper-cased column answers it from three
characters on; PostgreSQL combines the three indexes with a bitmap OR.

PostgreSQL only: SQLite has no trigram index, and its databases are small. `pg_trgm`
ships with PostgreSQL and is a trusted extension, so the database's owner may
create it. Reversing drops the indexes and leaves the extension, which something
else in the database may use.
"""

from django.db import migrations

INDEXES = {
    "employee_name_trgm_idx": "full_name",
    "employee_code_trgm_idx": "employee_id",
    "employee_email_trgm_idx": "email",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON employees_employee "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("employees", "0004_newest_first_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
