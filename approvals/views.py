"""Requests: asking for leave or a correction, following one's own, and deciding others'
in the approvals inbox (one at a time, or many in one action)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.forms import add_service_errors
from core.htmx import render_page, safe_next
from core.pagination import filtered_page
from employees.models import Employee
from leave.selectors import balances
from leave.services import leave_check

from . import selectors, services
from .filters import InboxFilter
from .forms import CorrectionRequestForm, DecideForm, LeaveRequestForm, ReasonForm
from .models import Request

REQUESTS_PER_PAGE = 25
# As many as the exceptions inbox: a page renders well under 50 ms with 1,000 waiting.
INBOX_PER_PAGE = 25


def _own_employee(request) -> Employee | None:
    return Employee.objects.filter(user=request.user).select_related("department").first()


def _is_hr(request) -> bool:
    return request.user.has_perm(selectors.PERMISSION)


def _may_ask_for_others(request) -> bool:
    """HR, or a manager (someone whose team is more than themselves)."""
    return _is_hr(request) or len(request.scope.employee_ids or ()) > 1


@require_safe
def my_requests(request):
    """The signed-in employee's requests and leave balances, and how to ask for more."""
    own = _own_employee(request)
    today = timezone.localdate()
    page = None
    if own is not None:
        page = Paginator(selectors.requests_of(own), REQUESTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    context = {
        "own": own,
        "page": page,
        "balances": balances(own, year=today.year, on=today) if own else [],
        "waiting": selectors.inbox(
            user=request.user, scope=request.scope, is_hr=_is_hr(request)
        ).count(),
        "may_ask_for_others": _may_ask_for_others(request),
    }
    return render(request, "approvals/my_requests.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def new_leave(request):
    """Ask for leave, with the balance shown before sending and the days it would take."""
    own = _own_employee(request)
    askable = selectors.askable(user=request.user, scope=request.scope)
    if own is None and not (_may_ask_for_others(request)):
        return render(request, "people/not_linked.html", status=404)
    form = LeaveRequestForm(
        request.POST if request.method == "POST" else (request.GET or None),
        askable=askable,
        own=own,
    )
    preview = None
    if request.method != "POST" and form.is_bound:  # "Check the days": no reason needed yet
        if _checked(form, ("employee", "leave_type", "start", "end", "part")):
            preview = _preview(form.cleaned_data)
    elif form.is_valid():
        data = form.cleaned_data
        try:
            made = services.request_leave(
                employee=data["employee"],
                leave_type=data["leave_type"],
                start=data["start"],
                end=data["end"],
                part=data["part"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if made.status == Request.Status.APPROVED:
                messages.success(
                    request, f"{made.summary}: approved, as this type needs no approval."
                )
            else:
                whom = made.approver.full_name if made.approver else "HR"
                messages.success(request, f"Asked for {made.summary}. It waits for {whom}.")
            return redirect(made)
    employee = getattr(form, "cleaned_data", {}).get("employee")
    employee = employee if isinstance(employee, Employee) else own
    today = timezone.localdate()
    context = {
        "form": form,
        "own": own,
        "employee": employee,
        "balances": balances(employee, year=today.year, on=today) if employee else [],
        "preview": preview,
        "may_ask_for_others": _may_ask_for_others(request),
    }
    status = 400 if request.method == "POST" else 200
    return render_page(request, "approvals/new_leave.html", context, partial="form", status=status)


def _checked(form, needed) -> bool:
    """For a check before sending: whether the `needed` fields are valid. The errors of the
    other fields (not filled in yet) are not shown."""
    form.is_valid()
    for name in list(form.errors):
        if name not in needed:
            del form.errors[name]
    return all(name in form.cleaned_data for name in needed)


def _preview(data) -> dict:
    """What the request would take, before it is sent (a GET of the filled-in form)."""
    try:  # every rule it will be asked to obey: overlap, balance, closed months...
        counted = leave_check(
            employee=data["employee"],
            leave_type=data["leave_type"],
            start=data["start"],
            end=data["end"],
            part=data["part"],
        )
    except ValidationError as error:
        return {"error": " ".join(error.messages)}
    (balance,) = balances(
        data["employee"], year=data["start"].year, on=data["end"], types=[data["leave_type"]]
    )
    return {
        "days": counted.total,
        "available": balance.available,
        "after": balance.available - counted.total,
        "leave_type": data["leave_type"],
    }


@require_http_methods(["GET", "HEAD", "POST"])
def new_correction(request):
    """Ask to correct attendance: the days as they stand are shown beside the change."""
    own = _own_employee(request)
    askable = selectors.askable(user=request.user, scope=request.scope)
    if own is None and not (_may_ask_for_others(request)):
        return render(request, "people/not_linked.html", status=404)
    form = CorrectionRequestForm(
        request.POST if request.method == "POST" else (request.GET or None),
        askable=askable,
        own=own,
    )
    days = []
    if request.method != "POST" and form.is_bound:  # "Show the days": nothing else needed
        if _checked(form, ("employee", "start", "end")):
            data = form.cleaned_data
            if data["start"] <= data["end"]:
                days = selectors.days_now(data["employee"], data["start"], data["end"])
    elif form.is_valid():
        data = dict(form.cleaned_data)  # as sent: a refusal below takes fields out of the form's
        if data["start"] <= data["end"]:
            days = selectors.days_now(data["employee"], data["start"], data["end"])
        try:
            made = services.request_correction(
                employee=data["employee"],
                start=data["start"],
                end=data["end"],
                set_status=data["set_status"],
                check_in=data["check_in"],
                check_out=data["check_out"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            whom = made.approver.full_name if made.approver else "HR"
            messages.success(request, f"Asked: {made.summary}. It waits for {whom}.")
            return redirect(made)
    context = {
        "form": form,
        "own": own,
        "days": days,
        "may_ask_for_others": _may_ask_for_others(request),
    }
    status = 400 if request.method == "POST" else 200
    return render_page(
        request, "approvals/new_correction.html", context, partial="form", status=status
    )


def _visible(request, pk) -> Request:
    return get_object_or_404(
        selectors.visible_requests(user=request.user, scope=request.scope), pk=pk
    )


@require_safe
def detail(request, pk):
    """One request: what is asked beside how the days stand, its timeline, and what the
    reader may do with it (decide, cancel, revoke)."""
    item = _visible(request, pk)
    is_hr = _is_hr(request) and request.scope.allows(item.employee.department_id, item.employee_id)
    context = {
        "item": item,
        "events": item.events.select_related("by"),
        "days": selectors.days_now(item.employee, item.start, item.end)
        if item.kind == Request.Kind.CORRECTION
        else [],
        "may_decide": services.refusal(item, request.user, is_hr=is_hr) is None,
        "may_cancel": item.is_pending
        and request.user.pk in (item.employee.user_id, item.requested_by_id),
        "may_revoke": is_hr and item.status == Request.Status.APPROVED,
        "balance": _balance(item),
    }
    return render(request, "approvals/detail.html", context)


def _balance(item: Request):
    if item.leave_id is None:
        return None
    (balance,) = balances(
        item.employee, year=item.start.year, on=item.end, types=[item.leave.leave_type]
    )
    return balance


@require_POST
def cancel(request, pk):
    item = _visible(request, pk)
    try:
        services.request_cancel(request=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Cancelled: {item.summary}.")
    return redirect(item)


@require_POST
def revoke(request, pk):
    item = _visible(request, pk)
    if not (
        _is_hr(request) and request.scope.allows(item.employee.department_id, item.employee_id)
    ):
        raise Http404("No such request.")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why it is revoked: the employee reads it.")
        return redirect(item)
    try:
        services.request_revoke(request=item, reason=form.cleaned_data["reason"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Revoked: {item.summary}.")
    return redirect(item)


@require_safe
def inbox(request):
    """The requests waiting for the reader's decision, oldest first, to decide one by one
    or many at once."""
    waiting = selectors.inbox(user=request.user, scope=request.scope, is_hr=_is_hr(request))
    filterset, page = filtered_page(request, InboxFilter, waiting, per_page=INBOX_PER_PAGE)
    context = {"filter": filterset, "page": page}
    return render_page(request, "approvals/inbox.html", context, partial="results")


@require_POST
def decide(request):
    """Approve or reject the ticked requests, with a comment (needed to reject)."""
    back = safe_next(request, reverse("approvals:inbox"))
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    data = form.cleaned_data
    try:
        result = services.requests_decide(
            ids=data["ids"],
            approve=data["action"] == "approve",
            comment=data["comment"],
            by=request.user,
            is_hr=_is_hr(request),
            scope=request.scope,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    word = "Approved" if data["action"] == "approve" else "Rejected"
    if result.done:
        messages.success(
            request, f"{word} {len(result.done)} request{'s' * (len(result.done) != 1)}."
        )
    if result.forwarded:
        n = len(result.forwarded)
        messages.success(request, f"Approved {n}, sent on to HR for their approval.")
    for item, why in result.refused.items():
        what = item.summary if item is not None else "Some"
        who = f"{item.employee.full_name}: " if item is not None else ""
        messages.error(request, f"Not decided — {who}{what}. {why}")
    return redirect(back)
