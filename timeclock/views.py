"""The clock button of the signed-in employee."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.formats import format_moment
from employees.models import Employee

from . import services
from .forms import ClockForm
from .models import Direction


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
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        what = "in" if punch.direction == Direction.IN else "out"
        messages.success(request, f"Clocked {what} at {format_moment(punch.at)}.")
    return redirect(back or "people:my_attendance")
