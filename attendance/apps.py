from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import AttendanceRecord, Holiday

        auditlog.register(AttendanceRecord, exclude_fields=["created_at", "updated_at"])
        auditlog.register(Holiday, exclude_fields=["created_at", "updated_at"])
