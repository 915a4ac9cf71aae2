from django.apps import AppConfig


class TimeclockConfig(AppConfig):
    name = "timeclock"
    verbose_name = "Time clock"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from core.audit import audit

        from . import signals, tasks  # noqa: F401 (receivers; the punch import job)
        from .models import (
            DepartmentPattern,
            KioskPin,
            PatternAssignment,
            PunchVoid,
            Resolution,
            WorkPattern,
            WorkPatternDay,
        )

        # Voids, and every change to who works which pattern: the inputs of each day's result.
        audit(
            PunchVoid, Resolution, WorkPattern, WorkPatternDay, PatternAssignment, DepartmentPattern
        )
        # When a kiosk PIN was set, changed or removed, and by whom: never the PIN's hash.
        auditlog.register(KioskPin, exclude_fields=["pin"])
