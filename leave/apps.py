from django.apps import AppConfig


class LeaveConfig(AppConfig):
    name = "leave"
    verbose_name = "Leave"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.audit import audit

        from . import tasks  # noqa: F401 (the yearly carry-over)
        from .models import Entitlement, Leave, LeaveType

        # Who changed which type's rules or which person's entitlement, and each leave's state.
        audit(LeaveType, Entitlement, Leave)
