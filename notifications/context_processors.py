from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread_notifications(request) -> dict:
    """`notifications_unread`: the signed-in user's unread notifications, for the nav.
    Counted (one query) only when a page shows it: htmx partials, the admin and pages for
    visitors not signed in never do, and cost nothing."""

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return unread_count(user=user)

    return {"notifications_unread": SimpleLazyObject(count)}
