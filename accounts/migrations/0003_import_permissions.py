from django.db import migrations

from accounts.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    """HR admins may import employees and attendance."""

    dependencies = [
        ("accounts", "0002_roles"),
        ("employees", "0003_import_permission"),
        ("attendance", "0003_import_permission"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
