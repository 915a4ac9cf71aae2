"""The dashboard: today's picture at a glance."""

from operator import attrgetter, itemgetter

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from attendance import calendar
from attendance import selectors as attendance_selectors
from attendance.models import AttendanceRecord
from core import charts
from employees import selectors as employee_selectors

# Departments drawn one by one in the charts and lists; the others share one line.
SHOWN_DEPARTMENTS = 10


@require_safe
def dashboard(request):
    """Today's picture at a glance. Every figure is computed in the database. Someone who
    may not see the directory lands on their own attendance instead, and an employee on
    their own attendance, or their team's if people report to them."""
    if request.scope.own_team_only and len(request.scope.employee_ids) > 1:
        return redirect("people:my_team")
    if request.scope.own_team_only or not request.user.has_perm("employees.view_employee"):
        return redirect("people:my_attendance")
    today = timezone.localdate()
    scope = request.scope
    working_days = attendance_selectors.rate_window(until=today)
    day = attendance_selectors.day_overview(day=today, scope=scope)
    figures, departments = day.figures, day.departments
    is_working_day = day.kind == calendar.WORKING
    statuses = [(s.value, s.label, figures[s.value]) for s in AttendanceRecord.Status]
    biggest, other_departments = charts.largest(
        departments, SHOWN_DEPARTMENTS, size=attrgetter("active_count")
    )
    other_people = sum(d.active_count for d in other_departments)
    unmarked = day.unmarked
    if unmarked:
        most, rest = charts.largest(
            unmarked["by_department"], SHOWN_DEPARTMENTS, size=itemgetter("count")
        )
        unmarked = {
            **unmarked,
            "most": most,
            "rest": {"departments": len(rest), "count": sum(row["count"] for row in rest)},
        }
    context = {
        "today": today,
        "today_kind": day.kind,
        "is_working_day": is_working_day,
        "figures": figures,
        "statuses": statuses,
        "active_employees": sum(d.active_count for d in departments),
        "departments": departments,
        "biggest_departments": biggest,
        "other_departments": {"departments": len(other_departments), "people": other_people},
        "window_rate": attendance_selectors.period_rate(working_days, scope=scope),
        "window": working_days,
        "status_chart": charts.donut(
            [*statuses, ("unmarked", "Not marked", figures["not_marked"])]
        ),
        "department_chart": charts.bars([(d.name, d.active_count) for d in biggest]),
        "rate_chart": charts.rate_line(attendance_selectors.daily_rates(working_days, scope=scope)),
        "unmarked": unmarked,
        "recent_employees": employee_selectors.recent_employees(scope=scope, limit=5),
    }
    return render(request, "dashboard/dashboard.html", context)
