"""Sign-ins and lockouts go into the audit trail, beside the changes (module-level
receivers: signals hold receivers weakly). Password changes get there through
`PasswordChangeAudit`, which Django calls whenever a password is saved; role changes
through auditlog (accounts.apps)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from core.audit import log_event
from core.security import client_ip


@receiver(user_locked_out, dispatch_uid="audit-lockout")
def record_lockout(sender, request, username, ip_address, **kwargs):
    log_event(
        model=get_user_model(),
        what=f"Sign-in locked out: “{username}” from {ip_address}",
        actor=None,
        remote_addr=ip_address,
    )


@receiver(user_logged_in, dispatch_uid="audit-sign-in")
def record_sign_in(sender, request, user, **kwargs):
    if getattr(user, "backend", "") == "accounts.oidc.OIDCBackend":
        return  # recorded, with the provider's name, by the single sign-on view
    log_event(
        model=get_user_model(),
        what=f"Signed in: “{user.get_username()}” (password)",
        actor=user,
        remote_addr=client_ip(request) if request is not None else None,
    )


class PasswordChangeAudit:
    """Not a rule for passwords (it accepts every one): a hook Django calls after any
    password is saved (a reset, an invitation, a change in the admin or a command), to put
    the change in the audit trail. Listed in AUTH_PASSWORD_VALIDATORS."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        # No actor given: the request's user, if signed in (an admin changing it), is
        # filled in by the audit middleware; a reset or invitation link has none.
        log_event(
            model=get_user_model(),
            what=f"Password changed: “{user.get_username()}”",
            actor=None,
        )

    def get_help_text(self):
        return ""
