from django.contrib import admin

from accounts.admin import ScopedAdmin

from . import services
from .forms import AttendanceAdminForm, HolidayForm
from .models import AttendanceRecord, Holiday


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(ScopedAdmin):
    """Attendance in the back office, through the same rules and services as the pages."""

    department_path = "employee__department"
    form = AttendanceAdminForm
    list_display = ["date", "employee", "department", "status", "note", "marked_by", "updated_at"]
    list_filter = ["status", "date", "employee__department"]
    search_fields = ["employee__employee_id", "employee__full_name"]
    list_select_related = ["employee__department", "marked_by"]
    date_hierarchy = "date"
    autocomplete_fields = ["employee"]
    readonly_fields = ["marked_by", "created_at", "updated_at"]
    ordering = ["-date", "employee__full_name"]

    @admin.display(ordering="employee__department__name")
    def department(self, record):
        return record.employee.department

    def get_readonly_fields(self, request, obj=None):
        # A record is one employee's day, as on the pages: to move it, delete it and mark
        # the right day.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "employee", "date"] if obj else fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.attendance_update(
                record=obj, status=data["status"], note=data["note"], by=request.user
            )
        else:
            created = services.attendance_mark(
                employee=data["employee"],
                day=data["date"],
                status=data["status"],
                note=data["note"],
                by=request.user,
            )
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        # A day from the time clock would come back when derived again: edit it instead.
        # (A bulk delete that includes one is refused whole, as Django refuses any.)
        if obj is not None and obj.source == AttendanceRecord.Source.CLOCK:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        for record in queryset:
            services.attendance_delete(record=record)

    def delete_model(self, request, obj):
        services.attendance_delete(record=obj)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    form = HolidayForm
    list_display = ["date", "name"]
    list_filter = ["date"]
    search_fields = ["name"]
    date_hierarchy = "date"
