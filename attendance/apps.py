from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.audit import audit

        from .models import AttendanceRecord, Holiday

        audit(AttendanceRecord, Holiday)

        # Cached figures are forgotten on every single save or delete (pages, the API, the
        # admin, deletes that cascade from an employee): a record's own day (a record never
        # moves to another day), or every day for a holiday. Bulk writes call
        # figures_changed themselves.
        from django.db.models.signals import post_delete, post_save

        from .selectors import figures_changed

        def forget_day(sender, instance, **kwargs):
            figures_changed([instance.date])

        def forget_all(sender, **kwargs):
            figures_changed()

        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(forget_day, sender=AttendanceRecord, dispatch_uid=f"figures-{name}")
            signal.connect(forget_all, sender=Holiday, dispatch_uid=f"figures-holiday-{name}")
