from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_htmx.http import HttpResponseClientRedirect

from . import selectors
from .scoping import scope_for


class ScopeMiddleware:
    """Give every request `request.scope`: the departments its user may see."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))
        return self.get_response(request)


class TwoFactorMiddleware:
    """Keep a signed-in user who owes a second factor on the page that asks for it.

    `request.two_factor_due` says what they owe (selectors.VERIFY: a code, ENROL: setting
    it up, which their role requires; falsy: nothing), and the admin site refuses them
    too. Until it is done every page redirects there, keeping where they were going;
    signing out and the pages open to anyone (sign-in, password reset, health checks) are
    left alone. The JSON API answers such a browser session as if signed out (401), and
    API tokens as always. Static files never reach Django's views.
    """

    ALLOWED = {
        selectors.VERIFY: {"two_factor:verify", "logout"},
        selectors.ENROL: {"two_factor:enrol", "logout"},
    }
    PAGE = {selectors.VERIFY: "two_factor:verify", selectors.ENROL: "two_factor:enrol"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.two_factor_due = SimpleLazyObject(lambda: selectors.two_factor_due(request.user))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if request.path_info.startswith("/api/"):
            # A token signs in on its own; a browser session that owes a code does not.
            if getattr(request, "api_token", None) is None and request.two_factor_due:
                request.user = AnonymousUser()
            return None
        match = request.resolver_match
        if not getattr(view_func, "login_required", True) and match.namespace != "admin":
            return None
        due = request.two_factor_due
        if not due or match.view_name in self.ALLOWED[str(due)]:
            return None
        next_url = request.get_full_path()
        if request.htmx and request.htmx.current_url_abs_path:
            next_url = request.htmx.current_url_abs_path  # the page, not the piece of it
        response = redirect_to_login(next_url, reverse(self.PAGE[str(due)]))
        if request.htmx:
            return HttpResponseClientRedirect(response["Location"])
        return response
