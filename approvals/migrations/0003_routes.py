from django.db import migrations


def add_routes(apps, schema_editor):
    """One route per kind of request, so the admin lists both to set: the manager decides,
    and HR after them only where it is turned on."""
    Route = apps.get_model("approvals", "Route")
    for kind in ("leave", "correction"):
        Route.objects.get_or_create(kind=kind)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0002_initial")]

    operations = [migrations.RunPython(add_routes, migrations.RunPython.noop)]
