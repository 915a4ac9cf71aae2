from django.db import migrations

from accounts.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    """The Kiosk role (the office's shared device); HR admins may remove a kiosk PIN."""

    dependencies = [
        ("accounts", "0008_time_clock_permissions"),
        ("timeclock", "0002_resolution_and_kiosk"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
