from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import DepartmentScope
from .scoping import scope_for
from .selectors import two_factor_required
from .services import two_factor_disable

User = get_user_model()


class DepartmentScopeInline(admin.StackedInline):
    model = DepartmentScope
    can_delete = True
    filter_horizontal = ["departments"]
    verbose_name_plural = "Limit to departments (leave empty for every department)"


admin.site.unregister(User)


@admin.register(User)
class HRMSUserAdmin(UserAdmin):
    """Users with their roles (groups) and department limits."""

    inlines = [DepartmentScopeInline]
    list_display = ["username", "get_full_name", "email", "roles", "is_active", "is_superuser"]
    list_filter = ["groups", "is_active", "is_superuser"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all()) or "—"


class ScopedFilter(admin.RelatedFieldListFilter):
    """A list filter on a department or employee that offers only those the user's
    department limit lets them see."""

    def field_choices(self, field, request, model_admin):
        scope = scope_for(request.user)
        if not scope.is_limited:
            return super().field_choices(field, request, model_admin)
        path = SCOPED_CHOICES[field.related_model._meta.model_name]
        allowed = scope.limit(field.related_model.objects.all(), path)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, ordering=ordering, limit_choices_to={"pk__in": allowed}
        )


# How each kind of object (a department, an employee) reaches its department, for
# narrowing a form's choices and a list filter's.
SCOPED_CHOICES = {"department": "pk", "employee": "department"}


class ScopedAdmin(admin.ModelAdmin):
    """A model admin that keeps a department-limited user inside their departments, as the
    pages do: its lists, filters, form choices, object pages and history."""

    department_path = "department"  # how this model reaches its department

    def get_queryset(self, request):
        return scope_for(request.user).limit(super().get_queryset(request), self.department_path)

    def get_list_filter(self, request):
        return [
            (name, ScopedFilter)
            if isinstance(name, str) and name.split("__")[-1] in SCOPED_CHOICES
            else name
            for name in super().get_list_filter(request)
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        scope = scope_for(request.user)

        class ScopedForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.scope = scope  # forms that name duplicates check it
                for name, path in SCOPED_CHOICES.items():
                    field = self.fields.get(name)
                    if field is not None:
                        field.queryset = scope.limit(field.queryset, path)

        ScopedForm.__name__ = form.__name__
        return ScopedForm


# Two-factor sign-in: django-otp's own device pages would show each secret and recovery code
# (and add and change devices by hand); here an administrator only sees who has it on and
# resets it for someone who lost their phone (deleting it turns it off, as a service does:
# the recovery codes go too, and it is in the audit trail).
admin.site.unregister([TOTPDevice, StaticDevice])


@admin.register(TOTPDevice)
class TwoFactorAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at", "throttling_failure_count"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "created_at", "last_used_at", "throttling_failure_count"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        """Not one's own where one's role requires it (the service refuses it too)."""
        if obj is not None and obj.user_id == request.user.pk:
            return not two_factor_required(request.user)
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        two_factor_disable(user=obj.user, by=request.user)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            try:
                two_factor_disable(user=device.user, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
