"""The time clock in the back office: working patterns, who works which, and the punch
log to read (never to change: a mistaken punch is voided)."""

from django.contrib import admin

from accounts.admin import ScopedAdmin

from .models import (
    DepartmentPattern,
    KioskPin,
    PatternAssignment,
    Punch,
    WorkPattern,
    WorkPatternDay,
)


class WorkPatternDayInline(admin.TabularInline):
    model = WorkPatternDay
    extra = 0
    max_num = 7


@admin.register(WorkPattern)
class WorkPatternAdmin(admin.ModelAdmin):
    list_display = ["name", "updated_at"]
    search_fields = ["name"]
    inlines = [WorkPatternDayInline]


@admin.register(PatternAssignment)
class PatternAssignmentAdmin(ScopedAdmin):
    """Who works which pattern from when (a change is a new row from its date)."""

    department_path = "employee__department"
    list_display = ["employee", "pattern", "starts_on", "time_zone"]
    list_filter = ["pattern", "employee__department"]
    search_fields = ["employee__employee_id", "employee__full_name"]
    list_select_related = ["employee", "pattern"]
    autocomplete_fields = ["employee"]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DepartmentPattern)
class DepartmentPatternAdmin(ScopedAdmin):
    department_path = "department"
    list_display = ["department", "pattern"]
    list_select_related = ["department", "pattern"]


@admin.register(Punch)
class PunchAdmin(ScopedAdmin):
    """The punch log, to read."""

    department_path = "employee__department"
    list_display = ["employee", "at", "direction", "source", "device", "entered_by"]
    list_filter = ["source", "direction"]
    search_fields = ["employee__employee_id", "employee__full_name"]
    list_select_related = ["employee", "entered_by"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KioskPin)
class KioskPinAdmin(ScopedAdmin):
    """Who has a kiosk PIN, and since when; HR may remove one (the employee sets a new one
    themselves). The PIN is never shown, not even hashed."""

    department_path = "employee__department"
    list_display = ["employee", "set_at"]
    search_fields = ["employee__employee_id", "employee__full_name"]
    list_select_related = ["employee"]
    fields = ["employee", "set_at"]
    readonly_fields = ["employee", "set_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
