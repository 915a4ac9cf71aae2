import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from accounts.scoping import CANNOT_ADD_DEPARTMENTS
from core.db import deleted_meanwhile_is_404
from core.formats import format_day
from core.forms import add_service_errors
from core.htmx import finish, render_page
from core.pagination import NearerEndPaginator
from jobs.exports import export_or_start

from . import selectors, services
from .filters import EmployeeFilter
from .forms import DeactivateForm, DepartmentForm, EmployeeForm
from .models import Employee
from .versions import employees_version

require_get_or_post = require_http_methods(["GET", "HEAD", "POST"])


def _employee_or_404(request, code: str) -> Employee:
    """The employee with this code, if the user may see them; else 404."""
    employee = selectors.employee_by_code(code, scope=request.scope)
    if employee is None:
        raise Http404("No employee has that code.")
    return employee


def _directory_count_key(request) -> str:
    """What the directory's count depends on: the employee data's version, the user's
    departments and the filters (not the page, nor the order)."""
    filters = sorted((k, v) for k, v in request.GET.lists() if k not in ("page", "sort"))
    digest = hashlib.sha256(repr(filters).encode()).hexdigest()[:32]
    return f"employees:directory-count:{employees_version()}:{request.scope.key}:{digest}"


def _directory_url() -> str:
    return reverse("employees:list")


# Employees


@require_safe
@permission_required("employees.view_employee", raise_exception=True)
def employee_list(request):
    directory = selectors.employee_directory(scope=request.scope)
    filterset = EmployeeFilter(request.GET, queryset=directory, request=request)
    paginator = NearerEndPaginator(
        filterset.qs, settings.EMPLOYEES_PER_PAGE, count_key=_directory_count_key(request)
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "sort_columns": filterset.sort_columns(),
        "has_employees": page.paginator.count > 0 or directory.exists(),
    }
    return render_page(request, "employees/employee_list.html", context, partial="results")


@require_get_or_post
@permission_required("employees.add_employee", raise_exception=True)
def employee_create(request):
    form = EmployeeForm(request.POST or None, scope=request.scope)
    if form.is_valid():
        try:
            employee = services.employee_create(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added {employee}.")
            return finish(request, employee.get_absolute_url(), refresh_on=(_directory_url(),))
    return render_page(
        request,
        "employees/employee_form.html",
        {"form": form, "cancel_url": _directory_url()},
    )


@require_get_or_post
@permission_required("employees.change_employee", raise_exception=True)
def employee_update(request, code):
    employee = _employee_or_404(request, code)
    context = {
        "title": f"Edit {employee}",
        "cancel_url": employee.get_absolute_url(),
        "employee": employee,
    }
    form = EmployeeForm(request.POST or None, instance=employee, scope=request.scope)
    if form.is_valid():
        try:
            services.employee_update(employee=employee, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the changes to {employee}.")
            return finish(request, employee.get_absolute_url(), refresh_on=(_directory_url(),))
    return render_page(request, "employees/employee_form.html", {**context, "form": form})


@require_get_or_post
@permission_required("employees.change_employee", raise_exception=True)
def employee_deactivate(request, code):
    employee = _employee_or_404(request, code)
    form = DeactivateForm(request.POST or None)
    if form.is_valid():
        try:
            services.employee_deactivate(
                employee=employee, date_left=form.cleaned_data["date_left"]
            )
        except ValidationError as error:
            employee.refresh_from_db()
            add_service_errors(form, error, field="date_left")
        else:
            messages.success(
                request,
                f"Deactivated {employee}; last working day {format_day(employee.date_left)}.",
            )
            return finish(request, employee.get_absolute_url(), refresh_on=(_directory_url(),))
    return render_page(
        request, "employees/employee_deactivate.html", {"employee": employee, "form": form}
    )


@require_get_or_post
@permission_required("employees.change_employee", raise_exception=True)
def employee_reactivate(request, code):
    employee = _employee_or_404(request, code)
    error = None
    if request.method == "POST":
        try:
            services.employee_reactivate(employee=employee)
        except ValidationError as exc:
            error = exc
        else:
            messages.success(request, f"Reactivated {employee}.")
            return finish(request, employee.get_absolute_url(), refresh_on=(_directory_url(),))
    context = {"employee": employee, "error": error}
    return render_page(request, "employees/employee_reactivate.html", context)


@require_get_or_post
@permission_required("employees.delete_employee", raise_exception=True)
def employee_delete(request, code):
    employee = _employee_or_404(request, code)
    if request.method == "POST":
        with deleted_meanwhile_is_404("employee"):
            services.employee_delete(employee=employee)
        messages.success(request, f"Deleted {employee} and all their records.")
        return finish(request, _directory_url(), refresh_on=(_directory_url(),))
    context = {"employee": employee, "record_count": employee.attendance.count()}
    return render_page(request, "employees/employee_delete.html", context)


# Departments


def _departments_url() -> str:
    return reverse("departments:list")


@require_safe
@permission_required("employees.view_department", raise_exception=True)
def department_list(request):
    return render_page(
        request,
        "employees/department_list.html",
        {"departments": selectors.department_list(scope=request.scope)},
        partial="results",
    )


@require_get_or_post
@permission_required("employees.add_department", raise_exception=True)
def department_create(request):
    if not request.scope.may_add_departments:
        raise PermissionDenied(CANNOT_ADD_DEPARTMENTS)
    form = DepartmentForm(request.POST or None)
    if form.is_valid():
        try:
            department = services.department_create(name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error, field="name")
        else:
            messages.success(request, f"Added the department {department}.")
            return finish(request, _departments_url(), refresh_on=(_departments_url(),))
    return render_page(request, "employees/department_form.html", {"form": form})


@require_get_or_post
@permission_required("employees.change_department", raise_exception=True)
def department_update(request, pk):
    department = get_object_or_404(selectors.departments(scope=request.scope), pk=pk)
    old_name = department.name
    form = DepartmentForm(request.POST or None, instance=department)
    if form.is_valid():
        try:
            services.department_rename(department=department, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error, field="name")
        else:
            messages.success(request, f"Renamed {old_name} to {department}.")
            return finish(request, _departments_url(), refresh_on=(_departments_url(),))
    context = {"form": form, "department": department, "title": f"Rename {old_name}"}
    return render_page(request, "employees/department_form.html", context)


@require_get_or_post
@permission_required("employees.delete_department", raise_exception=True)
def department_delete(request, pk):
    department = get_object_or_404(selectors.department_list(scope=request.scope), pk=pk)
    in_use_message = ""
    if department.employee_count:
        in_use_message = services.department_in_use_message(
            department,
            total=department.employee_count,
            inactive=department.employee_count - department.active_count,
        )
    if request.method == "POST":
        try:
            services.department_delete(department=department)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Deleted the department {department}.")
        return finish(request, _departments_url(), refresh_on=(_departments_url(),))
    return render_page(
        request,
        "employees/department_delete.html",
        {"department": department, "in_use_message": in_use_message},
    )


@require_safe
@permission_required("employees.export_employee", raise_exception=True)
def employee_export(request, fmt):
    """The directory, as currently filtered, as a CSV or XLSX file (a job, when large)."""
    back = f"{_directory_url()}?{request.GET.urlencode()}"
    return export_or_start(request, fmt, name="employees", model=Employee, back=back)
