from django.db import migrations

from accounts.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    """HR admins see everyone's background jobs and may cancel them."""

    dependencies = [("accounts", "0004_api_tokens"), ("jobs", "0001_initial")]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
