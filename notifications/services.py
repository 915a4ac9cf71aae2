"""Telling people: `notify` keeps each notification in the app and emails those who want it."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .models import EmailOptOut, Kind, Notification
from .selectors import unread_key


@dataclass(frozen=True)
class Message:
    user: object  # a user
    title: str
    body: str = ""
    url: str = ""  # a path in the app


def notify(*, kind: str, messages: list[Message]) -> int:
    """Keep each message in its user's notifications, and email it to those who have an
    address and have not turned emails of `kind` off, once the transaction commits.
    A fixed number of queries however many messages. Returns how many were kept."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown kind of notification: {kind}")
    messages = [m for m in messages if m.user is not None and m.user.is_active]
    if not messages:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(user=m.user, kind=kind, title=m.title[:200], body=m.body, url=m.url[:300])
            for m in messages
        ],
        batch_size=1000,
    )
    opted_out = set(
        EmailOptOut.objects.filter(kind=kind, user__in={m.user.pk for m in messages}).values_list(
            "user_id", flat=True
        )
    )
    emails = [
        EmailMessage(
            subject=m.title,
            body=_email_body(m),
            to=[m.user.email],
        )
        for m in messages
        if m.user.email and m.user.pk not in opted_out
    ]
    if emails:
        transaction.on_commit(lambda: _send(emails))
    _forget_unread({m.user.pk for m in messages})
    return len(messages)


def _email_body(message: Message) -> str:
    text = message.body or message.title
    if message.url:
        text += f"\n\n{settings.SITE_URL.rstrip('/')}{message.url}"
    return text + "\n"


def _send(emails: list[EmailMessage]) -> None:
    with get_connection(fail_silently=True) as connection:
        connection.send_messages(emails)


@transaction.atomic
def email_preferences_set(*, user, wanted: set[str]) -> None:
    """`user` wants emails of the kinds in `wanted`, and none of the others."""
    EmailOptOut.objects.filter(user=user, kind__in=wanted).delete()
    EmailOptOut.objects.bulk_create(
        [EmailOptOut(user=user, kind=kind) for kind in Kind.values if kind not in wanted],
        ignore_conflicts=True,
    )


def notifications_read(*, user, ids=None) -> int:
    """Mark `user`'s notifications read (only `ids`, if given). Returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    marked = unread.update(read_at=timezone.now())
    if marked:
        _forget_unread({user.pk})
    return marked


def _forget_unread(user_ids: set) -> None:
    """Forget the kept unread counts of these users: now, and again once the transaction
    commits (a page counting meanwhile would keep the count from before)."""
    keys = [unread_key(user_id) for user_id in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
