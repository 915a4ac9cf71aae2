from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model

        from .models import DepartmentScope

        # Who may do what is part of the audit trail: a user's roles, powers and active
        # state, and their department limit (never their password or last sign-in).
        auditlog.register(
            get_user_model(),
            include_fields=["username", "is_active", "is_staff", "is_superuser", "groups"],
            m2m_fields={"groups"},
        )
        auditlog.register(DepartmentScope, m2m_fields={"departments"})

        from . import signals  # noqa: F401  (lockouts in the audit trail)
