"""Payroll: closing months (and reopening them, with a reason) and the month's export."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from attendance import services
from core.formats import format_month
from core.forms import add_service_errors
from core.htmx import finish, render_page
from jobs.exports import export_start

from . import selectors
from .exports import PAYROLL, export_query, not_closed_message
from .forms import CloseForm, ExportForm, ReopenForm, last_closable_month

PERMISSION = "attendance.close_month"
require_get_or_post = require_http_methods(["GET", "HEAD", "POST"])


def _months_url() -> str:
    return reverse("payroll:months")


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def months(request):
    """The last twelve months (and any older one ever closed): closed for whom, by whom,
    what still waits in each, their history, and the form to close one."""
    rows = selectors.months_overview(scope=request.scope)
    # A user limited to some departments may not reopen the organisation's closure.
    reopenable = {
        closure.pk
        for row in rows
        for closure in row.closed
        if closure.department_id or not request.scope.is_limited
    }
    context = {
        "rows": rows,
        "reopenable": reopenable,
        "form": CloseForm(
            initial={"month": last_closable_month().isoformat()[:7]}, scope=request.scope
        ),
    }
    return render_page(request, "payroll/months.html", context, partial="months")


@require_get_or_post
@permission_required(PERMISSION, raise_exception=True)
def close(request):
    """GET: the month and department to close (from the query string) and, once they are
    valid, what closing means, to confirm. POST: close it."""
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = CloseForm(data, scope=request.scope)
    context = {"form": form}
    if form.is_valid():
        month, department = form.cleaned_data["month"], form.cleaned_data["department"]
        if request.method == "POST":
            try:
                closure = services.month_close(month=month, department=department, by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Closed {closure} for payroll: its days can no longer change. Its "
                    "export can be downloaded now.",
                )
                return finish(request, _months_url(), refresh_on=(_months_url(),))
        else:
            try:  # said now, rather than after the confirmation
                services.month_close_check(month=month, department=department, by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                context["confirm"] = _confirmation(request, month, department)
    return render_page(request, "payroll/month_close.html", context)


def _confirmation(request, month: datetime.date, department) -> dict:
    """What the confirmation says: how many people, and how many requests still wait."""
    employees = selectors.payroll_employees(month=month, department=department, scope=request.scope)
    pending = selectors.pending_requests(scope=request.scope, months=[month], department=department)
    return {
        "month": month,
        "department": department,
        "employees": employees.count(),
        "pending": pending[month],
    }


@require_get_or_post
@permission_required(PERMISSION, raise_exception=True)
def reopen(request, pk):
    """A closed month's reopening: the reason asked for, then the month reopened."""
    closure = get_object_or_404(
        selectors.visible_closures(scope=request.scope).filter(reopened_at__isnull=True), pk=pk
    )
    form = ReopenForm(request.POST or None)
    if form.is_valid():
        try:
            services.month_reopen(
                closure=closure, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error, field="reason")
        else:
            messages.success(
                request, f"Reopened {closure}: its days may change again until it is closed."
            )
            return finish(request, _months_url(), refresh_on=(_months_url(),))
    return render_page(request, "payroll/month_reopen.html", {"closure": closure, "form": form})


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def export(request, year, month):
    """The month's payroll export, as a job (its page follows), if the month is closed for
    everyone in it; else back to the payroll page, saying what to close first."""
    try:
        first = datetime.date(year, month, 1)
    except ValueError:
        raise Http404("No such month.") from None
    form = ExportForm(request.GET, scope=request.scope)
    if not form.is_valid():
        raise Http404("No such export: it comes as CSV or XLSX, of one of your departments.")
    department = form.cleaned_data["department"]
    fmt = form.cleaned_data["format"] or "csv"
    missing = selectors.unclosed_departments(
        month=first, department=department, scope=request.scope
    )
    if missing:
        messages.error(request, not_closed_message(first, missing))
        return redirect(_months_url())
    query = export_query(month=first, department=department)
    job = export_start(
        name=PAYROLL,
        fmt=fmt,
        query=query,
        by=request.user,
        scope=request.scope,
        back=_months_url(),
    )
    messages.info(
        request,
        f"The payroll export of {format_month(first)} is being written: download it here "
        "when it is ready.",
    )
    return redirect(job)
