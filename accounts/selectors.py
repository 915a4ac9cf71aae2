"""Reading two-factor sign-in: whether a user has it, must have it, or owes a code now."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles

# What a signed-in user must do before anything else (two_factor_due).
VERIFY = "verify"  # enter a code: they have two-factor sign-in and have not used it yet
ENROL = "enrol"  # set two-factor sign-in up: their role requires it


def two_factor_device(user) -> TOTPDevice | None:
    """The user's authenticator app, once confirmed: two-factor sign-in is on with one."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def two_factor_required(user) -> bool:
    """Whether this user may not sign in without two-factor sign-in (TWO_FACTOR_REQUIRED:
    superusers and HR admins)."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=roles.HR_ADMIN).exists()


def two_factor_facts() -> dict:
    """What two_factor_due needs to know of a user, as annotations to read them with (the
    authentication backend reads the signed-in user so: no query of its own)."""
    return {
        "has_two_factor": Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        "is_hr_admin": Exists(Group.objects.filter(user=OuterRef("pk"), name=roles.HR_ADMIN)),
    }


def two_factor_due(user) -> str | None:
    """VERIFY, ENROL or None (nothing owed). No query for a user read with two_factor_facts,
    else one."""
    if not user.is_authenticated or _is_verified(user):
        return None
    facts = {name: getattr(user, name, None) for name in two_factor_facts()}
    if None in facts.values():
        users = get_user_model()._default_manager.filter(pk=user.pk)
        facts = users.values(**two_factor_facts()).first() or {}
    if facts.get("has_two_factor"):
        return VERIFY
    if settings.TWO_FACTOR_REQUIRED and (user.is_superuser or facts.get("is_hr_admin")):
        return ENROL
    return None


def _is_verified(user) -> bool:
    """Whether a code was entered in this session (django-otp's OTPMiddleware tells)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())
