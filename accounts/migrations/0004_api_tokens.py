from django.db import migrations

from accounts.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    """HR admins may manage everyone's API tokens."""

    dependencies = [("accounts", "0003_import_permissions"), ("api", "0001_initial")]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
