"""Who is out (a calendar of approved leave and holidays, within the user's scope), and
each person's private calendar feed of their own and their team's leave."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from core.htmx import render_page, render_partials
from employees.models import team_of

from . import ical, selectors, services
from .calendar import described, period
from .forms import TEAM, CalendarForm, FeedForm

CALENDAR = "leave/calendar.html"
# Entries of who is out on one page of the calendar.
ENTRIES_PER_PAGE = 50


@require_safe
def calendar(request):
    """Who is out over a day, a week or a month: holidays, how many people are away each
    day, and each absence in words, a page at a time."""
    form = CalendarForm(request.GET, scope=request.scope)
    context = {"form": form, "period": None}
    if form.is_valid():
        shown = period(form.cleaned_data["view"], form.cleaned_data["date"])
        team = None
        if form.cleaned_data["who"] == TEAM:
            scope = request.scope
            team = scope.employee_ids if scope.own_team_only else team_of(request.user.pk)
        people = selectors.calendar_people(
            scope=request.scope, team=team, department=form.department
        )
        away = selectors.away_between(shown.start, shown.end, employees=people)
        page = Paginator(away.order_by("start", "employee__full_name", "pk"), ENTRIES_PER_PAGE)
        page = page.get_page(request.GET.get("page"))
        counts = selectors.out_per_day(shown.start, shown.end, employees=people)
        holidays = selectors.holidays_between(shown.start, shown.end)
        context.update(
            period=shown,
            no_team=team is not None and not team,
            days=[
                {"day": day, "out": counts[day], "holiday": holidays.get(day)} for day in shown.days
            ],
            page=page,
            entries=[(leave, described(leave)) for leave in page.object_list],
        )
    htmx = request.htmx and not request.htmx.history_restore_request
    if htmx and request.htmx.trigger != "calendar-filters":
        # A link to another period or page: the filters show its date too.
        context["oob"] = True
        return render_partials(request, CALENDAR, ["results", "filters"], context)
    return render_page(request, CALENDAR, context, partial="results")


@require_http_methods(["GET", "HEAD", "POST"])
def feed_settings(request):
    """One's own calendar feed: whether there is one; make a new one (its address shown
    this once) or revoke it."""
    new_url = None
    form = FeedForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if form.cleaned_data["action"] == "create":
            token = services.calendar_feed_create(user=request.user)
            new_url = request.build_absolute_uri(reverse("leave:feed", args=[token]))
        else:
            if services.calendar_feed_revoke(user=request.user):
                messages.success(request, "Calendar feed revoked: its address no longer works.")
            else:
                messages.info(request, "You had no calendar feed.")
            return redirect("leave:feed_settings")
    context = {
        "feed": selectors.calendar_feed_of(request.user),
        "new_url": new_url,
        "form": form,
    }
    response = render(
        request, "leave/feed_settings.html", context, status=400 if form.errors else 200
    )
    if new_url:
        response["Cache-Control"] = "no-store"  # the address is on this page only
    return response


@login_not_required
@require_safe
def feed(request, token):
    """The iCalendar feed of the token's owner: no session, the token is the key."""
    owner = selectors.feed_owner(token)
    if owner is None:
        raise Http404("No calendar feed has this address.")
    events = selectors.feed_events(owner, today=timezone.localdate())
    body = ical.calendar(events, name="Leave")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="leave.ics"'
    response["Cache-Control"] = "private, no-cache"
    return response
