from django.apps import AppConfig


class EmployeesConfig(AppConfig):
    name = "employees"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.audit import audit

        from . import (
            exports,  # noqa: F401 (registers the export, for the export job)
            signals,  # noqa: F401 (keeps cached head counts true)
        )
        from .models import Department, Employee

        audit(Department, Employee)
