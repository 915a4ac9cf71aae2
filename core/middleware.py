import time

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.contrib.messages import get_messages
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .security import client_ip


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Every page needs a signed-in user, except the JSON API, which answers 401 itself."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RefuseNulMiddleware:
    """A NUL character is never part of anything a person types, and PostgreSQL can neither
    store nor compare one. Forms refuse it field by field; this refuses it in an address's
    path (where an employee code would hand it to the database) and in a page's query
    string (where a filter, the admin's for one, would). The JSON API checks its own query
    parameters and answers 422."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path_info.startswith("/api/")
        if "\x00" in request.path_info or (
            not is_api
            and any(
                "\x00" in key or any("\x00" in value for value in values)
                for key, values in request.GET.lists()
            )
        ):
            reason = (
                "The address contains a NUL character, which no page, search or filter accepts."
            )
            if is_api:
                return JsonResponse({"detail": reason}, status=400)
            return render(request, "400.html", {"reason": reason}, status=400)
        return self.get_response(request)


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, taking the client's address the way the rest of the app
    does (X-Forwarded-For only from our own proxy), not from whatever the client sends."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)


class HtmxMessagesMiddleware:
    """Deliver pending messages with htmx answers that swap content in place.

    A full page shows messages itself; a redirect leaves them for the next page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not getattr(request, "htmx", False)
            or response.streaming
            or 300 <= response.status_code < 400
            or any(h in response for h in ("HX-Redirect", "HX-Location", "HX-Refresh"))
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        storage = get_messages(request)
        if not len(storage):
            return response
        response.write(render_to_string("base.html#messages-oob", {"messages": storage}, request))
        return response


class IdleTimeoutMiddleware:
    """End a signed-in session after settings.SESSION_IDLE_TIMEOUT seconds without a request.

    The session's expiry moves forward as the user works, written at most once per
    settings.SESSION_REFRESH_SECONDS so that most requests do not write to the
    session store.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a session sign-in has a session to keep alive: a request signed in some
        # other way (an API token) must not create one.
        if request.user.is_authenticated and request.session.session_key:
            note_activity(request.session)
        return self.get_response(request)


def note_activity(session) -> None:
    """Move the session's expiry forward, if not already done in this period."""
    period = int(time.time() // settings.SESSION_REFRESH_SECONDS)
    if session.get("active_period") != period:
        session["active_period"] = period
        session.set_expiry(settings.SESSION_IDLE_TIMEOUT)


def note_sign_in(sender, request, user, **kwargs) -> None:
    """Signing in counts as activity (connected to `user_logged_in`)."""
    note_activity(request.session)
