"""Each signed-in person's own notifications: the list, opening one, marking them read,
and which kinds they also want by email. Nobody sees anyone else's."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.htmx import render_page
from core.pagination import CappedPaginator

from . import selectors, services
from .forms import EmailPreferencesForm

PER_PAGE = 25


@require_safe
def notification_list(request):
    notifications = selectors.notifications_of(user=request.user)
    page = CappedPaginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request, "notifications/notification_list.html", {"page": page}, partial="results"
    )


@require_safe
def notification_open(request, pk):
    """Mark one of the user's notifications read and go where it points (a page of this
    site; anything else, or none, goes back to the list). A GET, so that it is a real link
    (opened in a new tab, or with JavaScript off); marking one's own notification read
    changes nothing anybody else sees."""
    notification = get_object_or_404(selectors.notifications_of(user=request.user), pk=pk)
    if notification.read_at is None:
        services.notifications_read(user=request.user, ids=[notification.pk])
    url = notification.url
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("notifications:list")


@require_POST
def notifications_mark_read(request):
    marked = services.notifications_read(user=request.user)
    if marked:
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    else:
        messages.info(request, "Nothing was unread.")
    return redirect("notifications:list")


@require_http_methods(["GET", "HEAD", "POST"])
def email_settings(request):
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            services.email_preferences_set(
                user=request.user, wanted=set(form.cleaned_data["wanted"])
            )
            messages.success(request, "Email preferences saved.")
            return redirect("notifications:settings")
    else:
        form = EmailPreferencesForm(
            initial={"wanted": sorted(selectors.email_kinds_wanted(user=request.user))}
        )
    return render(request, "notifications/email_settings.html", {"form": form})
