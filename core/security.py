"""Small security helpers used by settings."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: the connecting one, or behind our proxy the one it saw.

    Only the right-most X-Forwarded-For entry is trusted: it is the one our own
    proxy appended; anything to its left came from the client.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
