from django.conf import settings
from django.db import models


class DepartmentScope(models.Model):
    """Limits a user to some departments. A user without one sees every department."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_scope"
    )
    # Named, not imported: accounts sits below employees in the layers.
    departments = models.ManyToManyField(
        "employees.Department",
        related_name="+",
        help_text="The user sees and changes only these departments' employees and records.",
    )

    class Meta:
        verbose_name = "department limit"

    def __str__(self):
        return f"{self.user} limited to {', '.join(d.name for d in self.departments.all())}"
