from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.audit import audit

        from . import exports  # noqa: F401 (registers the export, for the export job)
        from .models import AttendanceRecord, ClosedMonth, Holiday

        audit(AttendanceRecord, Holiday, ClosedMonth)

        # Cached figures are forgotten on every single save or delete; bulk writes call
        # figures_changed themselves.
        from . import signals  # noqa: F401
