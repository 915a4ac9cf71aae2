from django.apps import AppConfig


class EmployeesConfig(AppConfig):
    name = "employees"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.audit import audit

        from .models import Department, Employee

        audit(Department, Employee)
