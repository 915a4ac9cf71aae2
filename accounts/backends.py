"""Permissions: Django's model backend, with a user's permissions (their own and their
groups') read in one query instead of two. Every request of a user who is not a superuser
asks for them once. And the signed-in user is read with what two-factor sign-in needs to
know of them (accounts.selectors.two_factor_due), so no request asks for it again."""

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Permission

from .selectors import two_factor_facts


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.annotate(**two_factor_facts())
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            names = ("content_type__app_label", "codename")
            if user_obj.is_superuser:
                rows = Permission.objects.values_list(*names)
            else:
                own = Permission.objects.filter(user=user_obj).order_by()
                grouped = Permission.objects.filter(group__user=user_obj).order_by()
                rows = own.values_list(*names).union(grouped.values_list(*names))
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache
