import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import reswap, retarget

from core import audit
from core.db import deleted_meanwhile_is_404
from core.formats import format_day, format_day_range
from core.forms import add_service_errors
from core.htmx import finish, render_page, render_partials, safe_next
from core.pagination import filtered_page
from employees.selectors import direct_reports, employee_by_code, employee_directory
from jobs.exports import export_or_start

from . import selectors, services
from .calendar import Calendar
from .filters import AttendanceFilter
from .forms import (
    AttendanceForm,
    CalendarMonthForm,
    HolidayForm,
    PeriodForm,
    RangeForm,
    RegisterForm,
    RosterDayForm,
    RosterForm,
)
from .models import STATUS_CODES, AttendanceRecord, Holiday
from .register import Register, register_legend, status_columns

require_get_or_post = require_http_methods(["GET", "HEAD", "POST"])
Status = AttendanceRecord.Status
# What the roster page needs to draw its pickers.
ROSTER_CONTEXT = {
    "statuses": Status.choices,
    "status_keys": {status.value: key for status, key in STATUS_CODES.items()},
    "status_keys_attr": " ".join(f"{key}={status.value}" for status, key in STATUS_CODES.items()),
}
LIST_PER_PAGE = 50
HISTORY_ON_PROFILE = 20
ROSTER = "attendance/roster.html"


# An employee's profile


@require_safe
@permission_required("employees.view_employee", raise_exception=True)
def employee_profile(request, code):
    """An employee's details, their attendance over a period, and the history of both."""
    employee = employee_by_code(code, scope=request.scope)
    if employee is None:
        raise Http404("No employee has that code.")
    if code != employee.employee_id:
        return redirect(employee)
    period_form = PeriodForm(request.GET)
    start, end = period_form.period()
    month_form = CalendarMonthForm(request.GET)
    context = {
        "employee": employee,
        "period_form": period_form,
        "start": start,
        "end": end,
        "summary": selectors.employee_summary(employee=employee, start=start, end=end),
        "month_form": month_form,
        "calendar": selectors.employee_month(employee=employee, month=month_form.first_day()),
        "calendar_legend": selectors.CALENDAR_LEGEND,
        "recent": selectors.recent_records(employee=employee),
        "history": audit.describe(selectors.employee_history(employee)[:HISTORY_ON_PROFILE]),
        "manager_visible": employee.manager_id is not None
        and request.scope.allows(employee.manager.department_id, employee.manager_id),
        "reports": direct_reports(employee=employee, scope=request.scope),
    }
    if request.htmx.target == "calendar":  # the calendar's month links
        partial = "calendar"
    elif "start" in request.GET or "end" in request.GET:
        partial = "attendance"
    else:
        partial = "content"
    return render_page(request, "attendance/employee_profile.html", context, partial=partial)


# The daily roster


@require_get_or_post
@permission_required("attendance.add_attendancerecord", raise_exception=True)
def roster(request):
    """Show a page of a day's roster; on POST save the page's rows, or one (`only`),
    atomically."""
    is_post = request.method == "POST"
    if is_post and not request.user.has_perm("attendance.change_attendancerecord"):
        raise PermissionDenied
    data = request.POST if is_post else request.GET
    day_form = RosterDayForm(data, scope=request.scope)
    if not day_form.is_valid():
        context = {"day_form": day_form, "employees": None}
        return render_page(
            request, ROSTER, context, partial="roster", status=400 if is_post else 200
        )
    day = day_form.cleaned_data["date"]
    department = day_form.cleaned_data["department"]
    page_number = _page_number(data.get("page"))
    chosen, row_errors, form_errors = {}, {}, []

    if is_post:
        # The rows posted are looked up on the whole day's roster, not on its page as it
        # is now: a page saved after someone joined the roster ahead of it still saves.
        employees = {
            e.employee_id: e
            for e in selectors.roster(
                day=day,
                department=department,
                scope=request.scope,
                codes=RosterForm.codes(request.POST),
            )
        }
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
                    return redirect(_roster_url(day, department, page_number))
                if only:
                    return _render_row(request, day, department, only)
                return _render_roster(
                    request, day_form, day, department, page_number, push_url=True
                )

    return _render_roster(
        request,
        day_form,
        day,
        department,
        page_number,
        chosen=chosen,
        row_errors=row_errors,
        form_errors=form_errors,
        status=400 if form_errors else 200,
    )


def _rows(employees, *, chosen=None, row_errors=None) -> list:
    """The roster's employees, each with what is saved, what to show and any refusal."""
    employees = list(employees)
    for employee in employees:
        code = employee.employee_id
        employee.seen = employee.status or ""
        employee.selected = (chosen or {}).get(code) or employee.seen
        employee.errors = (row_errors or {}).get(code, [])
    return employees


def _render_roster(
    request,
    day_form,
    day,
    department,
    page_number=1,
    *,
    chosen=None,
    row_errors=None,
    form_errors=(),
    status=200,
    push_url=False,
):
    calendar = Calendar.between(day, day)
    counts = selectors.day_summary(day=day, department=department, scope=request.scope)
    # A page of the roster at a time, so that any roster shows, and saves, whatever its size.
    paginator = Paginator(
        selectors.roster(day=day, department=department, scope=request.scope),
        settings.ROSTER_PER_PAGE,
    )
    paginator.count = counts["total"]  # counted with the day's figures: no second COUNT
    page = paginator.get_page(page_number)
    context = {
        **ROSTER_CONTEXT,
        "day_form": day_form,
        "day": day,
        "day_kind": calendar.kind(day),
        "holiday_name": calendar.holidays.get(day, ""),
        "department": department,
        "employees": _rows(page.object_list, chosen=chosen, row_errors=row_errors),
        "page": page,
        "page_links": _page_links(day, department, page),
        "counts": counts,
        "form_errors": form_errors,
    }
    response = render_page(request, ROSTER, context, partial="roster", status=status)
    if push_url:
        response["HX-Push-Url"] = _roster_url(day, department, page.number)
    return response


def _render_row(request, day, department, code):
    """One saved row and the day's new counts, for an htmx row save: the row takes the
    place of the one on the page (the save was posted by the whole form)."""
    (employee,) = _rows(
        selectors.roster(day=day, department=department, scope=request.scope, codes=[code])
    )
    context = {
        **ROSTER_CONTEXT,
        "employee": employee,
        "department": department,
        "counts": selectors.day_summary(day=day, department=department, scope=request.scope),
        "saved_row": True,
    }
    response = render_partials(request, ROSTER, ["row", "counts-oob"], context)
    return reswap(retarget(response, f"#row-{code}"), "outerHTML")


def _page_number(value) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def _page_links(day, department, page) -> dict[str, str]:
    """The addresses of the pages around `page`, when the roster has more than one."""
    if not page.has_other_pages():
        return {}
    links = {}
    if page.has_previous():
        links["first"] = _roster_url(day, department, 1)
        links["previous"] = _roster_url(day, department, page.previous_page_number())
    if page.has_next():
        links["next"] = _roster_url(day, department, page.next_page_number())
        links["last"] = _roster_url(day, department, page.paginator.num_pages)
    return links


def _roster_url(day, department, page: int = 1) -> str:
    query = {"date": day.isoformat()}
    if department is not None:
        query["department"] = department.pk
    if page > 1:
        query["page"] = page
    return f"{reverse('attendance:mark')}?{urlencode(query)}"


def _saved_message(day, result) -> str:
    if not result.saved:
        return f"Nothing to save for {format_day(day)}: no row was changed."
    return (
        f"Saved attendance for {format_day(day)}: {result.created} newly marked, "
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
    records = selectors.attendance_list(scope=request.scope)
    filterset, page = filtered_page(request, AttendanceFilter, records, per_page=LIST_PER_PAGE)
    context = {"filter": filterset, "page": page}
    return render_page(request, "attendance/attendance_list.html", context, partial="results")


@require_get_or_post
@permission_required("attendance.change_attendancerecord", raise_exception=True)
def attendance_update(request, pk):
    record = get_object_or_404(selectors.attendance_list(scope=request.scope), pk=pk)
    context = {
        "record": record,
        "title": f"Edit {record.employee.full_name}’s attendance on {format_day(record.date)}",
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
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved: {record}.")
            return finish(request, context["next"], refresh_on=_refresh_on(record))
    return render_page(request, "attendance/attendance_form.html", {**context, "form": form})


@require_get_or_post
@permission_required("attendance.delete_attendancerecord", raise_exception=True)
def attendance_delete(request, pk):
    record = get_object_or_404(selectors.attendance_list(scope=request.scope), pk=pk)
    next_url = safe_next(request, reverse("attendance:list"))
    if request.method == "POST":
        try:
            with deleted_meanwhile_is_404("record"):
                services.attendance_delete(record=record)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, f"Deleted the record of {record}.")
        return finish(request, next_url, refresh_on=_refresh_on(record))
    return render_page(
        request, "attendance/attendance_delete.html", {"record": record, "next": next_url}
    )


def _refresh_on(record) -> tuple[str, ...]:
    """Pages that refresh their lists in place after a record changes."""
    return (reverse("attendance:list"), record.employee.get_absolute_url())


# Holidays


def _holidays_url() -> str:
    return reverse("holidays:list")


def _finish_at_holidays(request, holiday: Holiday) -> HttpResponse:
    """After a change to a holiday: the list of its year, or the list refreshed in place."""
    url = f"{_holidays_url()}?year={holiday.date.year}"
    return finish(request, url, refresh_on=(_holidays_url(),))


@require_safe
@permission_required("attendance.view_holiday", raise_exception=True)
def holiday_list(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 1900), 2999)
    context = {
        "year": year,
        "holidays": Holiday.objects.filter(date__year=year),
        "previous_year": year - 1,
        "next_year": year + 1,
    }
    return render_page(request, "attendance/holiday_list.html", context, partial="results")


@require_get_or_post
@permission_required("attendance.add_holiday", raise_exception=True)
def holiday_create(request):
    form = HolidayForm(request.POST or None)
    if form.is_valid():
        try:
            holiday = services.holiday_create(
                day=form.cleaned_data["date"], name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added the holiday {holiday}.")
            return _finish_at_holidays(request, holiday)
    return render_page(request, "attendance/holiday_form.html", {"form": form})


@require_get_or_post
@permission_required("attendance.change_holiday", raise_exception=True)
def holiday_update(request, pk):
    holiday = get_object_or_404(Holiday, pk=pk)
    context = {"holiday": holiday, "title": f"Edit {holiday}"}
    form = HolidayForm(request.POST or None, instance=holiday)
    if form.is_valid():
        try:
            services.holiday_update(
                holiday=holiday, day=form.cleaned_data["date"], name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the holiday {holiday}.")
            return _finish_at_holidays(request, holiday)
    return render_page(request, "attendance/holiday_form.html", {**context, "form": form})


@require_get_or_post
@permission_required("attendance.delete_holiday", raise_exception=True)
def holiday_delete(request, pk):
    holiday = get_object_or_404(Holiday, pk=pk)
    if request.method == "POST":
        services.holiday_delete(holiday=holiday)
        messages.success(request, f"Deleted the holiday {holiday}; it is a working day again.")
        return _finish_at_holidays(request, holiday)
    return render_page(request, "attendance/holiday_delete.html", {"holiday": holiday})


# The monthly register

REGISTER_PER_PAGE = 50


@require_safe
@permission_required("attendance.view_attendancerecord", raise_exception=True)
def register(request):
    form = RegisterForm(request.GET, scope=request.scope)
    context = {"form": form, "legend": register_legend()}
    if form.is_valid():
        month, department = form.cleaned_data["month"], form.cleaned_data["department"]
        sheet = Register(month=month, department=department, scope=request.scope)
        page = Paginator(sheet.employees(), REGISTER_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            sheet=sheet,
            page=page,
            rows=sheet.rows(list(page.object_list)),
            previous_month=(sheet.start - datetime.timedelta(days=1)).strftime("%Y-%m"),
            next_month=(sheet.end + datetime.timedelta(days=1)).strftime("%Y-%m"),
            status_columns=status_columns(),
        )
    return render_page(request, "attendance/register.html", context, partial="register")


# Downloads


@require_safe
@permission_required("attendance.export_attendancerecord", raise_exception=True)
def attendance_export(request, fmt):
    """The attendance list, as currently filtered, as a CSV or XLSX file (a job, when large)."""
    back = f"{reverse('attendance:list')}?{request.GET.urlencode()}"
    return export_or_start(request, fmt, name="attendance", model=AttendanceRecord, back=back)


@require_safe
@permission_required("attendance.export_attendancerecord", raise_exception=True)
def register_export(request, fmt):
    """A whole month's register, for everyone matching the filter, as CSV or XLSX (a job,
    when large)."""
    form = RegisterForm(request.GET, scope=request.scope)
    back = f"{reverse('attendance:register')}?{request.GET.urlencode()}"
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    return export_or_start(request, fmt, name="register", model=AttendanceRecord, back=back)


@require_get_or_post
@permission_required("attendance.add_attendancerecord", raise_exception=True)
def mark_range(request, code):
    """Mark one employee over a range of days (from their profile)."""
    if request.method == "POST" and not request.user.has_perm("attendance.change_attendancerecord"):
        raise PermissionDenied
    employee = get_object_or_404(employee_directory(scope=request.scope), employee_id=code)
    form = RangeForm(request.POST or None)
    if form.is_valid():
        try:
            result = services.attendance_mark_range(
                employee=employee, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _range_message(employee, form.cleaned_data, result))
            profile = employee.get_absolute_url()
            return finish(request, profile, refresh_on=(profile,))
    return render_page(request, "attendance/mark_range.html", {"employee": employee, "form": form})


def _range_message(employee, data, result) -> str:
    status = Status(data["status"]).label
    text = (
        f"Marked {employee.full_name} {status} on {_days(result.marked + result.replaced)} "
        f"({format_day_range(data['start'], data['end'])})"
    )
    if result.replaced:
        text += f", replacing {_days(result.replaced)} already marked"
    skipped = []
    if result.weekly_off:
        skipped.append(f"{_days(result.weekly_off)} off")
    if result.holidays:
        skipped.append(f"{result.holidays} {'holiday' if result.holidays == 1 else 'holidays'}")
    if result.kept:
        skipped.append(f"{_days(result.kept)} already marked (kept as they were)")
    if skipped:
        text += ". Skipped " + ", ".join(skipped)
    return text + "."


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"
