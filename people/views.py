"""Invitations: HR sends one; the employee follows its link and sets a password. And an
employee's own pages: My attendance (with the time clock) and My team."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from attendance import selectors as attendance_selectors
from attendance.calendar import month_bounds
from attendance.forms import CalendarMonthForm
from attendance.models import AttendanceRecord
from attendance.register import Register, register_legend, status_columns
from core.exports import download
from core.htmx import render_page
from employees.selectors import employee_by_code
from jobs import services as jobs
from leave import selectors as leave_selectors
from timeclock.selectors import today_at_the_clock

from . import selectors, services
from .forms import InviteManyForm
from .tasks import INVITE_MANY
from .tokens import invitation_tokens


@require_POST
@permission_required("employees.invite_employee", raise_exception=True)
def invite(request, code):
    """Invite one employee to sign in (again, if their last link was not used)."""
    employee = employee_by_code(code, scope=request.scope)
    if employee is None:
        raise Http404("No employee has that code.")
    try:
        services.invitation_send(
            employee=employee, by=request.user, site_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation sent to {employee.email}.")
    return redirect(employee)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("employees.invite_employee", raise_exception=True)
def invite_many(request):
    """Invite everyone (of a department) who works here and has no account yet, or the
    employees HR lists by code: a job."""
    form = InviteManyForm(request.POST if request.method == "POST" else None, scope=request.scope)
    if form.is_valid():
        department, codes = form.cleaned_data["department"], form.cleaned_data["codes"]
        if codes:
            title = f"Invite {len(codes):,} chosen employee{'s' if len(codes) != 1 else ''}"
        else:
            who = f"everyone in {department.name}" if department else "everyone"
            title = f"Invite {who} not invited yet"
        job = jobs.job_start(
            kind=INVITE_MANY,
            title=title,
            by=request.user,
            scope=request.scope,
            params={
                "department": department.pk if department else None,
                "codes": codes,
                "site_url": request.build_absolute_uri("/"),
            },
        )
        return redirect(job)
    context = {"form": form, "waiting": selectors.not_invited(scope=request.scope).count()}
    return render(request, "people/invite_many.html", context, status=400 if form.is_bound else 200)


@method_decorator(login_not_required, name="dispatch")
class AcceptInvitation(auth_views.PasswordResetConfirmView):
    """The invitation's link: choose a password, then sign in with it."""

    token_generator = invitation_tokens
    template_name = "people/accept_invitation.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            f"Your password is set. Sign in as {self.user.get_username()}.",
        )
        return response


@require_safe
def my_attendance(request):
    """The signed-in employee's own attendance: a month day by day, its totals and rate,
    earlier months. Nobody else's: the page only ever reads the user's own record."""
    employee = selectors.own_employee(request.user)
    if employee is None:
        return render(request, "people/not_linked.html", {"title": "My attendance"})
    month_form = CalendarMonthForm(request.GET)
    start, end = month_bounds(month_form.first_day())
    context = {
        "employee": employee,
        "month_form": month_form,
        "start": start,
        "end": end,
        "summary": attendance_selectors.employee_summary(employee=employee, start=start, end=end),
        "calendar": attendance_selectors.employee_month(employee=employee, month=start),
        "calendar_legend": attendance_selectors.CALENDAR_LEGEND,
        **_clock(employee),
    }
    if not request.htmx:  # the leave panel is not part of the month's partial
        today = timezone.localdate()
        context["balances"] = leave_selectors.balances(employee, year=today.year, on=today)
        context["leave_ahead"] = leave_selectors.ahead(employee, today)
    return render_page(request, "people/my_attendance.html", context, partial="month")


def _clock(employee) -> dict:
    """The time clock's panel, on the pages an employee lands on: where they stand, today's
    result so far, and a new key for the button (someone who has left has no clock)."""
    if not employee.may_sign_in:
        return {"clock": None}
    clock, today_result = today_at_the_clock(employee)
    return {
        "clock": clock,
        "today_result": today_result,
        "clock_key": uuid.uuid4(),
        "clock_asks_location": settings.CLOCK_ASK_LOCATION,
    }


# Shown on a page of "My team" (as many as on a directory page); the month grid shows
# the same people.
TEAM_PER_PAGE = 25


@require_safe
def my_team(request):
    """A manager's team: everyone who reports to them, directly or through others, with
    today's status, and a month grid of the same people."""
    me = selectors.own_employee(request.user)
    if me is None:
        return render(request, "people/not_linked.html", {"title": "My team"})
    today = timezone.localdate()
    team = selectors.team_members(me=me, user=request.user, scope=request.scope, day=today)
    page = Paginator(team, TEAM_PER_PAGE).get_page(request.GET.get("page"))
    members = list(page.object_list)
    month_form = CalendarMonthForm(request.GET)
    sheet = Register(month=month_form.first_day(), scope=request.scope)
    context = {
        "me": me,
        "today": today,
        "page": page,
        "members": members,
        "statuses": selectors.statuses_on(members, today),
        "month_form": month_form,
        "calendar": attendance_selectors.MonthCalendar(first=sheet.start, weeks=[]),
        "sheet": sheet,
        "rows": sheet.rows(members),
        "status_columns": status_columns(),
        "legend": register_legend(),
        **_clock(me),
    }
    partial = "grid" if request.htmx.target == "grid" else "results"
    return render_page(request, "people/my_team.html", context, partial=partial)


@require_safe
def my_attendance_export(request, fmt):
    """Every record of one's own, as a file."""
    employee = selectors.own_employee(request.user)
    if employee is None:
        raise Http404("Your account is not linked to an employee record.")
    records = AttendanceRecord.objects.filter(employee=employee).order_by("date")
    labels = dict(AttendanceRecord.Status.choices)
    rows = (
        [day, labels.get(status, status), note]
        for day, status, note in records.values_list("date", "status", "note").iterator()
    )
    return download(
        request,
        fmt,
        back="people:my_attendance",
        model=AttendanceRecord,
        name=f"my-attendance-{employee.employee_id.lower()}",
        title="My attendance",
        header=["Date", "Status", "Note"],
        rows=rows,
        row_count=records.count,
    )
