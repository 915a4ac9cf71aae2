"""Reads of a person's notifications and email preferences."""

from django.db.models import QuerySet

from .models import EmailOptOut, Kind, Notification


def notifications_of(*, user) -> QuerySet[Notification]:
    """`user`'s notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    """How many of `user`'s notifications are unread: one query, on the unread index."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def email_kinds_wanted(*, user) -> set[str]:
    """The kinds of notification `user` wants by email (all but those turned off)."""
    off = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return set(Kind.values) - off
