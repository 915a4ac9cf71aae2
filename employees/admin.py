from django.contrib import admin

from accounts.admin import ScopedAdmin
from accounts.scoping import scope_for

from .forms import DepartmentForm, EmployeeForm
from .models import Department, Employee
from .selectors import department_list


class EmployeeAdminForm(EmployeeForm):
    class Meta(EmployeeForm.Meta):
        fields = (*EmployeeForm.Meta.fields, "is_active")


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    form = DepartmentForm
    list_display = ["name", "active_count", "employee_count"]
    search_fields = ["name"]

    department_path = "pk"

    def get_queryset(self, request):
        return department_list(scope=scope_for(request.user))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and scope_for(request.user).may_add_departments

    @admin.display(description="active employees", ordering="active_count")
    def active_count(self, department):
        return department.active_count

    @admin.display(description="all employees", ordering="employee_count")
    def employee_count(self, department):
        return department.employee_count


@admin.register(Employee)
class EmployeeAdmin(ScopedAdmin):
    form = EmployeeAdminForm
    list_display = ["employee_id", "full_name", "email", "department", "date_joined", "is_active"]
    list_filter = ["is_active", "department", "date_joined"]
    search_fields = ["employee_id", "full_name", "email"]
    list_select_related = ["department"]
    date_hierarchy = "date_joined"
    readonly_fields = ["created_at", "updated_at"]
