from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data that shows every feature: `seed_demo` and `bootstrap_demo` (make run)."""

    name = "demo"
    verbose_name = "Demo data"
