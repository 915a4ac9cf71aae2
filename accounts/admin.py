from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import DepartmentScope
from .scoping import scope_for

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


class ScopedAdmin(admin.ModelAdmin):
    """A model admin that keeps a department-limited user inside their departments."""

    department_path = "department"  # how this model reaches its department

    def get_queryset(self, request):
        return scope_for(request.user).limit(super().get_queryset(request), self.department_path)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = scope_for(request.user)
        if db_field.name == "department":
            kwargs["queryset"] = scope.limit(db_field.remote_field.model.objects.all(), "pk")
        elif db_field.name == "employee":
            kwargs["queryset"] = scope.limit(
                db_field.remote_field.model.objects.all(), "department"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
