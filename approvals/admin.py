"""Requests in the back office: how each kind is approved, and the requests to read (they
are decided on their pages, where every rule is applied, not edited here)."""

from django.contrib import admin

from accounts.admin import ScopedAdmin

from .models import Event, Request, Route


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ["kind", "hr_after_manager"]

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ["at", "action", "by", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Request)
class RequestAdmin(ScopedAdmin):
    department_path = "employee__department"
    list_display = ["employee", "kind", "start", "end", "status", "stage", "created_at"]
    list_filter = ["kind", "status", "stage"]
    search_fields = ["employee__employee_id", "employee__full_name"]
    list_select_related = ["employee"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
