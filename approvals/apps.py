from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Requests and approvals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.audit import audit

        from .models import Request, Route

        # Each request's state (its timeline keeps the steps) and how each kind is routed.
        audit(Request, Route)
