from django.db import migrations

from accounts.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    """HR admins invite employees to sign in."""

    dependencies = [("accounts", "0005_job_permissions"), ("employees", "0009_invite_permission")]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
