"""The clock button of the signed-in employee, the office kiosk (and each employee's PIN
for it), and HR's import of devices' punch logs."""

import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.formats import format_clock, format_day, format_moment
from core.forms import add_service_errors
from core.htmx import render_page, safe_next
from core.pagination import filtered_page
from core.security import client_ip
from core.spreadsheets import FileRefused, Limits
from employees.models import Employee
from jobs import services as jobs

from . import lockout, selectors, services
from .filters import STATES, ExceptionFilter
from .forms import ClockForm, KioskForm, KioskPinForm, PunchImportForm, ResolveForm
from .models import DayOutcome, Direction, Resolution
from .tasks import IMPORT_PUNCHES


@require_POST
def clock(request):
    """Clock the signed-in employee in or out, then go back to the page they were on."""
    employee = Employee.objects.filter(user=request.user).first()
    if employee is None:
        raise Http404("Your account is not linked to an employee record.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    form = ClockForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back or "people:my_attendance")
    try:
        punch, _ = services.clock_punch(
            employee=employee,
            direction=form.cleaned_data["direction"],
            by=request.user,
            request_key=form.cleaned_data["key"],
            ip=client_ip(request),
            location=form.location() if settings.CLOCK_ASK_LOCATION else None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        what = "in" if punch.direction == Direction.IN else "out"
        messages.success(request, f"Clocked {what} at {format_moment(punch.at)}.")
    return redirect(back or "people:my_attendance")


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("timeclock.import_punch", raise_exception=True)
def import_punches(request):
    """Upload a device's punch log; it is read as a job, whose page lists refused rows."""
    form = PunchImportForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            Limits.from_settings().check_size(upload.size)
        except FileRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            job = jobs.job_start(
                kind=IMPORT_PUNCHES,
                title=f"Import punches from {upload.name[:150]}",
                by=request.user,
                scope=request.scope,
                params={"time_zone": form.cleaned_data["time_zone"]},
                input=upload.read(),
            )
            return redirect(job)
    status = 400 if form.is_bound else 200
    return render(request, "timeclock/import_punches.html", {"form": form}, status=status)


# Exceptions on a page of the inbox.
EXCEPTIONS_PER_PAGE = 25


@require_safe
@permission_required("attendance.view_attendancerecord", raise_exception=True)
def exceptions(request):
    """Days that need attention, from the time clock: HR sees their departments', a
    manager their team's (request.scope)."""
    state = STATES.get(request.GET.get("state") or "open", STATES["open"])
    found = selectors.exceptions(scope=request.scope, resolved=state[1])
    filterset, page = filtered_page(request, ExceptionFilter, found, per_page=EXCEPTIONS_PER_PAGE)
    context = {
        "filter": filterset,
        "page": page,
        "resolution_labels": dict(Resolution.Action.choices),
    }
    return render_page(request, "timeclock/exceptions.html", context, partial="results")


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("attendance.change_attendancerecord", raise_exception=True)
def resolve(request, employee_id, day):
    """One day's exception: the result and its punches, and how to resolve it, saying why.
    Only for someone the reader's scope shows; anyone else's day is a 404."""
    try:
        day = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404("No such day.") from None
    employee = get_object_or_404(Employee.objects.select_related("department"), pk=employee_id)
    if not request.scope.allows(employee.department_id, employee.pk):
        raise Http404("No such employee.")
    outcome = get_object_or_404(DayOutcome, employee=employee, date=day)
    resolution = (
        Resolution.objects.filter(employee=employee, date=day).select_related("resolved_by").first()
    )
    form = ResolveForm(request.POST or None, outcome=outcome)
    if resolution is None and form.is_valid():
        data = form.cleaned_data
        try:
            services.exception_resolve(
                employee=employee,
                day=day,
                action=data["action"],
                note=data["note"],
                by=request.user,
                checkout_at=data.get("checkout_at"),
                status=data.get("status") or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Resolved {employee.full_name}'s {format_day(day)}.")
            return redirect(safe_next(request, reverse("timeclock:exceptions")))
    context = {
        "employee": employee,
        "outcome": outcome,
        "punches": selectors.punches_on(employee, day),
        "resolution": resolution,
        "form": form,
        "next": safe_next(request, reverse("timeclock:exceptions")),
    }
    status = 400 if form.is_bound and resolution is None else 200
    if form.is_bound and resolution is not None:
        messages.error(request, "Someone else resolved this day already.")
        status = 409
    return render(request, "timeclock/resolve.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("timeclock.use_kiosk", raise_exception=True)
def kiosk(request):
    """The office kiosk, for a shared tablet signed in as a kiosk account: an employee
    types their code and PIN and presses Clock in or Clock out. Each outcome is shown for
    a few seconds on a new, blank form (post/redirect/get)."""
    form = KioskForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            punch = services.kiosk_punch(
                kiosk=request.user,
                code=data["code"],
                pin=data["pin"],
                direction=data["direction"],
                request_key=data["key"],
                ip=client_ip(request),
                department_ids=request.scope.department_ids,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            what = "in" if punch.direction == Direction.IN else "out"
            when = format_clock(timezone.localtime(punch.at))
            messages.success(request, f"Clocked {what} at {when} — {punch.employee.full_name}")
        return redirect("timeclock:kiosk")
    context = {"form": form, "key": uuid.uuid4()}
    return render(request, "timeclock/kiosk.html", context, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def kiosk_pin(request):
    """The signed-in employee sets or changes their kiosk PIN, with their password."""
    employee = Employee.objects.filter(user=request.user).first()
    if employee is None:
        if request.method == "POST":
            raise Http404("Your account is not linked to an employee record.")
        return render(request, "timeclock/kiosk_pin.html", {"employee": None})
    form = KioskPinForm(request.POST or None, user=request.user)
    if form.is_bound and lockout.password_locked(request.user.pk):
        form = KioskPinForm(user=request.user)
        messages.error(request, "Too many wrong passwords: try again in 15 minutes.")
    elif form.is_valid():
        services.kiosk_pin_set(employee=employee, pin=form.cleaned_data["pin"])
        messages.success(request, "Your kiosk PIN is set: use it with your employee code.")
        return redirect("people:my_attendance")
    elif form.has_error("password", "password"):
        lockout.note_wrong_password(request.user.pk)
    context = {"form": form, "employee": employee}
    status = 400 if request.method == "POST" else 200
    return render(request, "timeclock/kiosk_pin.html", context, status=status)
