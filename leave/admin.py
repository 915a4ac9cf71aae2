"""Leave in the back office: its types and rules, and each person's entitlements."""

from django.contrib import admin

from accounts.admin import ScopedAdmin

from .models import Entitlement, LeaveType


@admin.register(LeaveType)
class LeaveTypeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "paid",
        "needs_approval",
        "half_days",
        "counts_non_working",
        "allow_negative",
        "days_per_year",
        "accrual",
        "carry_over_max",
        "is_active",
    ]
    list_filter = ["paid", "needs_approval", "accrual", "is_active"]
    search_fields = ["name"]


@admin.register(Entitlement)
class EntitlementAdmin(ScopedAdmin):
    """Each person's own entitlement where it differs from the type's days per year."""

    department_path = "employee__department"
    list_display = ["employee", "leave_type", "year", "days", "carried_over"]
    list_filter = ["year", "leave_type"]
    search_fields = ["employee__full_name", "employee__employee_id"]
    list_select_related = ["employee", "leave_type"]
    autocomplete_fields = ["employee"]
