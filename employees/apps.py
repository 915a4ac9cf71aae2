from django.apps import AppConfig


class EmployeesConfig(AppConfig):
    name = "employees"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Department, Employee

        auditlog.register(Department, exclude_fields=["created_at", "updated_at"])
        auditlog.register(Employee, exclude_fields=["created_at", "updated_at"])
