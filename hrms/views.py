"""Project-wide pages: the dashboard and the activity log."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from attendance import calendar
from attendance import selectors as attendance_selectors
from attendance.models import AttendanceRecord
from employees import selectors as employee_selectors

from . import audit, charts
from .htmx import render_page
from .pagination import CappedPaginator


@require_safe
@permission_required("employees.view_employee", raise_exception=True)
def dashboard(request):
    """Today's picture at a glance. Every figure is computed in the database."""
    today = timezone.localdate()
    scope = request.scope
    working_days = attendance_selectors.rate_window(until=today)
    today_kind, figures = attendance_selectors.today_summary(day=today, scope=scope)
    is_working_day = today_kind == calendar.WORKING
    statuses = [(s.value, s.label, figures[s.value]) for s in AttendanceRecord.Status]
    departments = list(employee_selectors.department_list(scope=scope))
    context = {
        "today": today,
        "today_kind": today_kind,
        "is_working_day": is_working_day,
        "figures": figures,
        "statuses": statuses,
        "active_employees": sum(d.active_count for d in departments),
        "departments": departments,
        "window_rate": attendance_selectors.period_rate(working_days, scope=scope),
        "window": working_days,
        "status_chart": charts.donut(
            [*statuses, ("unmarked", "Not marked", figures["not_marked"])]
        ),
        "department_chart": charts.bars([(d.name, d.active_count) for d in departments]),
        "rate_chart": charts.rate_line(attendance_selectors.daily_rates(working_days, scope=scope)),
        "unmarked": (
            attendance_selectors.unmarked(day=today, scope=scope) if is_working_day else None
        ),
        "recent_employees": employee_selectors.recent_employees(scope=scope, limit=5),
    }
    return render(request, "dashboard.html", context)


ACTIVITY_PER_PAGE = 50


@require_safe
@permission_required("auditlog.view_logentry", raise_exception=True)
def activity(request):
    """Every change to HRMS records: who, when, and the old and new values."""
    entries = audit.visible_entries(scope=request.scope)
    filterset = audit.ActivityFilter(request.GET, queryset=entries)
    page = CappedPaginator(filterset.qs, ACTIVITY_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "entries": audit.describe(page.object_list)}
    return render_page(request, "activity.html", context, partial="results")
