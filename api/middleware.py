from importlib import import_module

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone

from .models import ApiToken, hash_key

USE_NOTED_EVERY = 60  # seconds: last_used_at is written at most this often


class ApiTokenMiddleware:
    """Sign in API requests that carry "Authorization: Bearer <token>".

    It runs right after Django's AuthenticationMiddleware, so everything after it
    (roles, department limits, the audit trail) sees the token's user. A token
    request needs no CSRF token: it carries no cookies.

    Nor does it use a session: everything after this sees an empty one of its own,
    never saved, so a token request neither creates a session row nor reads or extends
    a browser's (one that sent its session cookie along with a token), and the
    session middleware afterwards finds the browser's session as it came.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        request.api_token = None
        header = request.headers.get("Authorization", "")
        if request.path_info.startswith("/api/") and header.startswith("Bearer "):
            token = (
                ApiToken.objects.usable()
                .select_related("user")
                .filter(key_hash=hash_key(header.removeprefix("Bearer ").strip()))
                .first()
            )
            if token is not None:
                request.user = token.user
                request.api_token = token
                request._dont_enforce_csrf_checks = True
                now = timezone.now()
                if token.last_used_at is None or (now - token.last_used_at).total_seconds() > (
                    USE_NOTED_EVERY
                ):
                    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
                browser_session, request.session = request.session, self.session_store()
                try:
                    return self.get_response(request)
                finally:
                    request.session = browser_session
        return self.get_response(request)


class ApiErrorsMiddleware:
    """Under /api/ every answer is JSON: an error that Django or the router answered with a
    page (an unknown path, a method not allowed, a body over the upload limit, a CSRF
    failure) becomes the API's error shape, {"detail": "..."}, with the same status."""

    REASONS = {
        400: "Bad request: the request could not be read (a body over the size limit, or "
        "malformed).",
        403: "Forbidden.",
        404: "Not found: no API operation has this path.",
        405: "Method not allowed on this path.",
        500: "Server error: the request failed; it has been logged.",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path_info.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            reason = self.REASONS.get(response.status_code, response.reason_phrase)
            answer = JsonResponse({"detail": reason}, status=response.status_code)
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response
