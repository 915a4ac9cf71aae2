from django.http import JsonResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect


class KioskMiddleware:
    """Keep an office kiosk's account (accounts.roles.KIOSK, nothing else) on the kiosk.

    Every other page, the admin's included, redirects to the kiosk; signing out and the
    pages open to anyone (sign-in, password reset, health checks) are left alone, and the
    JSON API refuses it (403). Static files never reach Django's views. After accounts'
    ScopeMiddleware, whose scope says who is a kiosk (and holds nobody's records).
    """

    PAGE = "timeclock:kiosk"
    ALLOWED = {"timeclock:kiosk", "logout"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        is_api = request.path_info.startswith("/api/")
        match = request.resolver_match
        if not is_api and (
            match.view_name in self.ALLOWED
            or (not getattr(view_func, "login_required", True) and match.namespace != "admin")
        ):
            return None
        if not request.scope.kiosk_only:
            return None
        if is_api:
            return JsonResponse({"detail": "This account is the office kiosk's."}, status=403)
        if request.htmx:
            return HttpResponseClientRedirect(redirect(self.PAGE)["Location"])
        return redirect(self.PAGE)
