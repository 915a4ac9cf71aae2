from django.db import migrations

from accounts.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    """The Employee role: what someone sees of their own team."""

    dependencies = [("accounts", "0006_invite_permission")]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
