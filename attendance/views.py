from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from hrms.htmx import finish, render_page, render_partials, safe_next

from . import selectors, services
from .filters import AttendanceFilter
from .forms import AttendanceForm, RosterDayForm, RosterForm
from .models import AttendanceRecord

require_get_or_post = require_http_methods(["GET", "HEAD", "POST"])
Status = AttendanceRecord.Status
# The key that picks each status on the roster, shown beside it.
STATUS_KEYS = {
    Status.PRESENT: "P",
    Status.ABSENT: "A",
    Status.HALF_DAY: "H",
    Status.ON_LEAVE: "L",
    Status.WORK_FROM_HOME: "W",
}
# What the roster page needs to draw its pickers.
ROSTER_CONTEXT = {
    "statuses": Status.choices,
    "status_keys": {status.value: key for status, key in STATUS_KEYS.items()},
    "status_keys_attr": " ".join(f"{key}={status.value}" for status, key in STATUS_KEYS.items()),
}
ATTENDANCE_PER_PAGE = 50
ROSTER = "attendance/roster.html"


# The daily roster


@require_get_or_post
@permission_required("attendance.add_attendancerecord", raise_exception=True)
def roster(request):
    """Show a day's roster; on POST save all its rows, or one (`only`), atomically."""
    is_post = request.method == "POST"
    if is_post and not request.user.has_perm("attendance.change_attendancerecord"):
        raise PermissionDenied
    day_form = RosterDayForm(request.POST if is_post else request.GET)
    if not day_form.is_valid():
        context = {"day_form": day_form, "employees": None}
        return render_page(
            request, ROSTER, context, partial="roster", status=400 if is_post else 200
        )
    day = day_form.cleaned_data["date"]
    department = day_form.cleaned_data["department"]
    chosen, row_errors, form_errors = {}, {}, []

    if is_post:
        employees = {e.employee_id: e for e in selectors.roster(day=day, department=department)}
        rows = RosterForm(request.POST, employees=employees)
        if not rows.is_valid():
            form_errors = rows.errors
        elif "fill" in request.POST:
            chosen = rows.chosen()
            filled = [
                code for code, e in employees.items() if not e.status and not chosen.get(code)
            ]
            chosen.update(dict.fromkeys(filled, Status.PRESENT))
            messages.info(
                request,
                f"Set {len(filled)} unmarked {'row' if len(filled) == 1 else 'rows'} to Present. "
                "Review the roster, then save it.",
            )
        else:
            try:
                result = services.roster_save(day=day, entries=rows.entries, by=request.user)
            except ValidationError as error:
                row_errors = error.message_dict
                form_errors = row_errors.pop(NON_FIELD_ERRORS, [])
                if row_errors:
                    form_errors.insert(0, _refused_summary(row_errors, employees))
                chosen = rows.chosen()
            else:
                messages.success(request, _saved_message(day, result))
                only = request.POST.get("only")
                if not request.htmx:
                    return redirect(_roster_url(day, department))
                if only:
                    return _render_row(request, day, department, only)
                response = _render_roster(request, day_form, day, department)
                response["HX-Push-Url"] = _roster_url(day, department)
                return response

    return _render_roster(
        request,
        day_form,
        day,
        department,
        chosen=chosen,
        row_errors=row_errors,
        form_errors=form_errors,
        status=400 if form_errors else 200,
    )


def _rows(day, department, *, chosen=None, row_errors=None) -> list:
    """The roster's employees, each with what is saved, what to show and any refusal."""
    employees = list(selectors.roster(day=day, department=department))
    for employee in employees:
        code = employee.employee_id
        employee.seen = employee.status or ""
        employee.selected = (chosen or {}).get(code) or employee.seen
        employee.errors = (row_errors or {}).get(code, [])
    return employees


def _render_roster(
    request, day_form, day, department, *, chosen=None, row_errors=None, form_errors=(), status=200
):
    context = {
        **ROSTER_CONTEXT,
        "day_form": day_form,
        "day": day,
        "department": department,
        "employees": _rows(day, department, chosen=chosen, row_errors=row_errors),
        "counts": selectors.roster_counts(day=day, department=department),
        "form_errors": form_errors,
    }
    return render_page(request, ROSTER, context, partial="roster", status=status)


def _render_row(request, day, department, code):
    """One saved row and the day's new counts, for an htmx row save."""
    employee = next(e for e in _rows(day, department) if e.employee_id == code)
    context = {
        **ROSTER_CONTEXT,
        "employee": employee,
        "counts": selectors.roster_counts(day=day, department=department),
        "saved_row": True,
    }
    return render_partials(request, ROSTER, ["row", "counts-oob"], context)


def _roster_url(day, department) -> str:
    query = {"date": day.isoformat()}
    if department is not None:
        query["department"] = department.pk
    return f"{reverse('attendance:mark')}?{urlencode(query)}"


def _saved_message(day, result) -> str:
    if not result.saved:
        return f"Nothing to save for {day:%d %b %Y}: no row was changed."
    return (
        f"Saved attendance for {day:%d %b %Y}: {result.created} newly marked, "
        f"{result.updated} changed."
    )


def _refused_summary(row_errors: dict, employees: dict) -> str:
    who = ", ".join(str(employees[code]) if code in employees else code for code in row_errors)
    rows = "1 row needs" if len(row_errors) == 1 else f"{len(row_errors)} rows need"
    return f"Nothing was saved: {rows} attention ({who}). The reasons are shown beside them."


# All records


@require_safe
@permission_required("attendance.view_attendancerecord", raise_exception=True)
def attendance_list(request):
    filterset = AttendanceFilter(request.GET, queryset=selectors.attendance_list())
    page = Paginator(filterset.qs, ATTENDANCE_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page}
    return render_page(request, "attendance/attendance_list.html", context, partial="results")


@require_get_or_post
@permission_required("attendance.change_attendancerecord", raise_exception=True)
def attendance_update(request, pk):
    record = get_object_or_404(selectors.attendance_list(), pk=pk)
    context = {
        "record": record,
        "title": f"Edit {record.employee.full_name}’s attendance on {record.date:%d %b %Y}",
        "next": safe_next(request, reverse("attendance:list")),
    }
    form = AttendanceForm(request.POST or None, instance=record)
    if form.is_valid():
        try:
            services.attendance_update(
                record=record,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved: {record}.")
            return finish(request, context["next"], refresh_on=_refresh_on(record))
    return render_page(request, "attendance/attendance_form.html", {**context, "form": form})


@require_get_or_post
@permission_required("attendance.delete_attendancerecord", raise_exception=True)
def attendance_delete(request, pk):
    record = get_object_or_404(selectors.attendance_list(), pk=pk)
    next_url = safe_next(request, reverse("attendance:list"))
    if request.method == "POST":
        services.attendance_delete(record=record)
        messages.success(request, f"Deleted the record of {record}.")
        return finish(request, next_url, refresh_on=_refresh_on(record))
    return render_page(
        request, "attendance/attendance_delete.html", {"record": record, "next": next_url}
    )


def _refresh_on(record) -> tuple[str, ...]:
    """Pages that refresh their lists in place after a record changes."""
    return (reverse("attendance:list"), record.employee.get_absolute_url())
