"""Reads of a person's notifications and email preferences."""

from django.core.cache import cache
from django.db.models import QuerySet

from .models import EmailOptOut, Kind, Notification

# How long a kept unread count is trusted at most: `notify` and `notifications_read`
# forget it at once; this only bounds what a write made some other way could leave.
UNREAD_TTL = 15 * 60


def notifications_of(*, user) -> QuerySet[Notification]:
    """`user`'s notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(*, user) -> int:
    """How many of `user`'s notifications are unread, kept in the shared cache until
    they change (services forget it): the top bar shows it on every page. Counted only
    when not kept (one query); a read of the cache otherwise, which costs no query with
    Redis, and one by the primary key with the database's cache table."""
    key = unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = unread_recount(user=user)
    return count


def unread_recount(*, user) -> int:
    """Count `user`'s unread notifications, and keep the count (`unread_count`)."""
    count = Notification.objects.filter(user=user, read_at__isnull=True).count()
    cache.set(unread_key(user.pk), count, UNREAD_TTL)
    return count


def email_kinds_wanted(*, user) -> set[str]:
    """The kinds of notification `user` wants by email (all but those turned off)."""
    off = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return set(Kind.values) - off
