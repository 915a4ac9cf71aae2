from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "payroll"
    verbose_name = "Payroll"

    def ready(self):
        from . import exports  # noqa: F401 (registers the export, for the export job)
