"""Job files compressed with lz4 on PostgreSQL: storing a 10 MB upload took ~150 ms of
pglz compression, lz4 takes a few. Nothing changes on SQLite, or where the server was
built without lz4 (PostgreSQL then keeps its default)."""

from django.db import migrations

LZ4 = """
DO $$ BEGIN
    ALTER TABLE jobs_jobfile ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available: job files keep the default compression';
END $$;
"""
DEFAULT = "ALTER TABLE jobs_jobfile ALTER COLUMN data SET COMPRESSION default"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [migrations.RunPython(on_postgresql(LZ4), on_postgresql(DEFAULT))]
