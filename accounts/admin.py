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
