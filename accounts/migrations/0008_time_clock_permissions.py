from django.db import migrations

from accounts.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    """HR admins keep the working patterns and read the punch log."""

    dependencies = [("accounts", "0007_employee_role"), ("timeclock", "0001_initial")]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
