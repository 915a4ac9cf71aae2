from django.db import migrations

from accounts.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    """HR admins manage leave types and entitlements, decide requests, and close months."""

    dependencies = [
        ("accounts", "0009_kiosk_role"),
        ("approvals", "0002_initial"),
        ("attendance", "0007_closed_month_and_leave_source"),
        ("leave", "0001_initial"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
