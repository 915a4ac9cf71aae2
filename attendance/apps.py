from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import AttendanceRecord, Holiday

        auditlog.register(AttendanceRecord, exclude_fields=["created_at", "updated_at"])
        auditlog.register(Holiday, exclude_fields=["created_at", "updated_at"])

        # Cached figures are forgotten on every single save or delete (the admin, deletes
        # that cascade from an employee); bulk writes call figures_changed themselves.
        from django.db.models.signals import post_delete, post_save

        from .selectors import figures_changed

        def forget(sender, **kwargs):
            figures_changed()

        for model in (AttendanceRecord, Holiday):
            post_save.connect(forget, sender=model, dispatch_uid=f"forget-figures-{model.__name__}")
            post_delete.connect(
                forget, sender=model, dispatch_uid=f"forget-figures-del-{model.__name__}"
            )
