"""Sign-in lockouts go into the audit trail, beside the changes (a module-level receiver:
signals hold receivers weakly)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.dispatch import receiver

from core.audit import log_event


@receiver(user_locked_out, dispatch_uid="audit-lockout")
def record_lockout(sender, request, username, ip_address, **kwargs):
    log_event(
        model=get_user_model(),
        what=f"Sign-in locked out: “{username}” from {ip_address}",
        actor=None,
        remote_addr=ip_address,
    )
