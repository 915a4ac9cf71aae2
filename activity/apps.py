from django.apps import AppConfig


class ActivityConfig(AppConfig):
    """The activity log: every change to HRMS records, who made it and when."""

    name = "activity"
    verbose_name = "Activity"
