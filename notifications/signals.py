"""The unread count is kept ready when someone signs in: the first page shows it at the
cost of a cache read, as every page after it does (module-level receivers: signals hold
receivers weakly)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .selectors import unread_recount


@receiver(user_logged_in, dispatch_uid="notifications-unread-at-sign-in")
def count_unread_at_sign_in(sender, request, user, **kwargs):
    unread_recount(user=user)
