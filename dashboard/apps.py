from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The home page: today's attendance at a glance, departments and trends."""

    name = "dashboard"
    verbose_name = "Dashboard"
