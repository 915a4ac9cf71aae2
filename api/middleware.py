from django.utils import timezone

from .models import ApiToken, hash_key

USE_NOTED_EVERY = 60  # seconds: last_used_at is written at most this often


class ApiTokenMiddleware:
    """Sign in API requests that carry "Authorization: Bearer <token>".

    It runs right after Django's AuthenticationMiddleware, so everything after it
    (roles, department limits, the audit trail) sees the token's user. A token
    request needs no CSRF token: it carries no cookies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

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
        return self.get_response(request)
