"""Two-factor sign-in: turning it on and off, recovery codes, and checking a code; and
the accounts of office kiosks.

django-otp keeps the devices: a TOTP device (the authenticator app's secret) and a static
device holding the unused recovery codes. Each wrong code makes its device wait longer
before the next try (OTP_TOTP_THROTTLE_FACTOR, OTP_STATIC_THROTTLE_FACTOR); the wrong
codes since the last right one are counted on the devices themselves, so signing in
again does not start the count afresh.
"""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from core.audit import log_event

from . import selectors
from .models import DepartmentScope
from .roles import KIOSK

RECOVERY_CODE_COUNT = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def two_factor_new_key() -> str:
    """A new secret for an authenticator app (hex), not yet anyone's."""
    return default_key()


def two_factor_provisioning_uri(*, user, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key).config_url


@transaction.atomic
def two_factor_enable(*, user, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor sign-in on with the app holding `key`, which proves it by `code`;
    return the device and the new recovery codes (shown once)."""
    device = TOTPDevice(user=user, key=key, name=APP_NAME, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not code.isdigit() or not totp.verify(int(code), device.tolerance):
        raise ValidationError(
            "That code does not match. Check that the app shows HRMS Lite, and enter the "
            "code it shows now.",
            code="wrong_code",
        )
    device.last_t = totp.t()  # this code is used: it cannot sign in again
    _remove_devices(user)
    device.save()
    codes = _new_recovery_codes(user)
    log_event(
        model=get_user_model(),
        what=f"Two-factor sign-in turned on by “{user.get_username()}”",
        actor=user,
    )
    return device, codes


@transaction.atomic
def two_factor_disable(*, user, by) -> None:
    """Turn two-factor sign-in off for `user` (their app and recovery codes stop working).
    Refused for a user who must use it, unless someone else (an administrator, whose
    lost-phone reset this is) turns it off."""
    if by == user and selectors.two_factor_required(user):
        raise ValidationError(
            "Your role requires two-factor sign-in, so it cannot be turned off. If you have "
            "lost your phone, ask an administrator to reset it.",
            code="required",
        )
    _remove_devices(user)
    who = f"by “{by.get_username()}”" if by != user else ""
    log_event(
        model=get_user_model(),
        what=f"Two-factor sign-in turned off for “{user.get_username()}” {who}".strip(),
        actor=by,
    )


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Replace the user's recovery codes with new ones (returned, to show once)."""
    if selectors.two_factor_device(user) is None:
        raise ValidationError("Two-factor sign-in is off.", code="off")
    codes = _new_recovery_codes(user)
    log_event(
        model=get_user_model(),
        what=f"Recovery codes made again by “{user.get_username()}” (the old ones no longer work)",
        actor=user,
    )
    return codes


@dataclass(frozen=True)
class Verification:
    """What came of a code: the device that took it, else why not."""

    device: TOTPDevice | StaticDevice | None = None
    recovery_codes_left: int | None = None  # when a recovery code was used
    wait_until: datetime.datetime | None = None  # too many wrong codes: wait until then
    wrong_in_a_row: int = 0
    sign_out: bool = False  # AXES_FAILURE_LIMIT wrong codes in a row

    @property
    def ok(self) -> bool:
        return self.device is not None


@transaction.atomic
def two_factor_verify(*, user, code: str) -> Verification:
    """Check a code: the authenticator app's (digits) or a recovery code (letters and digits,
    each working once). Wrong codes are counted, and throttled by django-otp."""
    app = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk")
    ).first()
    recovery = StaticDevice.objects.select_for_update().filter(user=user).order_by("pk").first()
    if app is None:
        return Verification()
    device = app if (code.isdigit() and len(code) == app.digits) else recovery
    if device is None:  # a recovery code, and none left
        device = app
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return Verification(wait_until=(details or {}).get("locked_until"))
    username = user.get_username()
    if device.verify_token(code):
        for other in (app, recovery):  # a right code ends the run of wrong ones
            if other is not None and other is not device and other.throttling_failure_count:
                other.throttle_reset()
        if device is not recovery:
            return Verification(device=device)
        left = recovery.token_set.count()
        log_event(
            model=get_user_model(),
            what=f"Recovery code used by “{username}” ({left} left)",
            actor=user,
        )
        return Verification(device=device, recovery_codes_left=left)
    wrong = sum(d.throttling_failure_count for d in (app, recovery) if d is not None)
    sign_out = wrong >= settings.AXES_FAILURE_LIMIT
    log_event(
        model=get_user_model(),
        what=f"Wrong two-factor code for “{username}” ({wrong} in a row)",
        actor=user,
    )
    if sign_out:
        log_event(
            model=get_user_model(),
            what=f"Signed out “{username}” after {wrong} wrong two-factor codes in a row",
            actor=user,
        )
    return Verification(wrong_in_a_row=wrong, sign_out=sign_out)


def _remove_devices(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _new_recovery_codes(user) -> list[str]:
    """New codes in place of any the user had. The device stays the same: a session signed
    in with a recovery code stays signed in."""
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


@transaction.atomic
def kiosk_account_create(*, username: str, password: str, department_ids=None):
    """Create the account of an office kiosk (role Kiosk, nothing else: roles.KIOSK),
    taking only the employees of `department_ids` if given (a department limit)."""
    User = get_user_model()
    username = username.strip()
    if not username:
        raise ValidationError("Give the kiosk account a user name.", code="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"There is an account “{username}” already.", code="taken")
    user = User.objects.create_user(username=username, password=password)
    user.groups.add(Group.objects.get(name=KIOSK))
    if department_ids is not None:
        DepartmentScope.objects.create(user=user).departments.set(department_ids)
    return user
