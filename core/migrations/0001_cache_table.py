from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "hrms_cache"  # settings.CACHES when REDIS_URL is not set


def create(apps, schema_editor):
    """The database cache's table, made by `migrate` (so by every deployment), whichever
    cache is configured today: switching from Redis to it later needs no extra step."""
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    operations = [migrations.RunPython(create, drop)]
